/**
 * `TableResult`: what `executeSql` returns. DDL gives `OK`; SHOW, DESCRIBE, SET and EXPLAIN
 * give rows at once; a query gives rows when `collect()` runs its job; INSERT starts its job
 * at once and `await()` waits for it. Rows are plain objects keyed by column name.
 *
 * A query whose result is updated as rows arrive (GROUP BY over a stream, a join with
 * retractions) produces changes, not rows: `collect()` applies them and gives the table as it
 * stands at the end, and `collectChanges()` gives the changes as they arrived.
 */
import type { JobClient } from '../runtime/job-client.js';
import { canonicalKey } from '../state/key-groups.js';
import type { ChangelogMode, ChangelogRow } from './planner/changelog.js';
import { formatValue } from './expressions/runtime.js';
import { type TimeZone, UTC_ZONE } from './expressions/time-zone.js';
import type { Row } from './expressions/compiler.js';
import type { PlanColumn } from './planner/logical.js';
import { formatType } from './catalog/types.js';

/** `SUCCESS` for statements without rows (DDL), `SUCCESS_WITH_CONTENT` otherwise. */
export type ResultKind = 'SUCCESS' | 'SUCCESS_WITH_CONTENT';

/** A column of a result: its name and its SQL type as text (`BIGINT NOT NULL`). */
export interface ResultColumn {
  readonly name: string;
  readonly type: string;
}

/** The result of one statement. */
export class TableResult {
  /** @internal */
  constructor(
    private readonly kind: ResultKind,
    private readonly columns: readonly PlanColumn[],
    private readonly rows: (limit?: number) => Promise<Row[]>,
    private readonly jobClient?: JobClient,
    /** The changes the job's elements stand for; not insert-only means they are envelopes. */
    private readonly changelogMode: ChangelogMode = 'insert-only',
    /** Work the statement finishes later (a CREATE FUNCTION loading its module). */
    private readonly pending?: Promise<void>,
  ) {}

  /** The session zone TIMESTAMP_LTZ values print in (see `expressions/time-zone.ts`). */
  private zone: TimeZone = UTC_ZONE;

  /** @internal prints TIMESTAMP_LTZ values in `zone`, the session's; returns this result. */
  printedIn(zone: TimeZone): this {
    this.zone = zone;
    return this;
  }

  /** @internal the `OK` result of DDL and SET. */
  static ok(): TableResult {
    return new TableResult(
      'SUCCESS',
      [{ name: 'result', type: { root: 'VARCHAR', nullable: false, length: 2 } }],
      async () => [{ result: 'OK' }],
    );
  }

  getResultKind(): ResultKind {
    return this.kind;
  }

  getResolvedSchema(): ResultColumn[] {
    return this.columns.map((c) => ({ name: c.name, type: formatType(c.type) }));
  }

  /** @internal the result's columns with their types, for formatting values */
  columnTypes(): readonly PlanColumn[] {
    return this.columns;
  }

  /** The job an INSERT started, if any. */
  getJobClient(): JobClient | undefined {
    return this.jobClient;
  }

  /**
   * Waits for the job an INSERT started to finish, or for a CREATE FUNCTION to load its module;
   * resolves at once for other statements.
   */
  async await(): Promise<void> {
    if (this.pending !== undefined) await this.pending;
    if (this.jobClient !== undefined) await this.jobClient.result;
  }

  /**
   * The rows. For a query this runs its job until the job ends or `limit` rows arrived, so an
   * unbounded query needs a limit.
   */
  collect(limit?: number): Promise<Row[]> {
    if (this.changelogMode === 'insert-only') return this.rows(limit);
    return this.rows(limit).then((changes) =>
      materialize(changes as unknown as ChangelogRow[], this.columns),
    );
  }

  /**
   * The changes of the result in arrival order (`{ kind: '+I' | '-U' | '+U' | '-D', row }`);
   * an insert-only result gives one `+I` per row. `limit` counts changes.
   */
  async collectChanges(limit?: number): Promise<ChangelogRow[]> {
    const elements = await this.rows(limit);
    if (this.changelogMode !== 'insert-only') return elements as unknown as ChangelogRow[];
    return elements.map((row) => ({ kind: '+I', row }));
  }

  /** @internal the result's changelog mode: whether `collect()` materializes changes */
  getChangelogMode(): ChangelogMode {
    return this.changelogMode;
  }

  /** The rows as a table of text, as the SQL client prints them. */
  async toText(limit?: number): Promise<string> {
    return formatTable(this.columns, await this.collect(limit), this.zone);
  }

  /** @internal the lines of {@link toText}'s table, made as they are taken (see `tableLines`) */
  async toLines(limit?: number): Promise<Iterable<string>> {
    return tableLines(this.columns, await this.collect(limit), this.zone);
  }

  /** Prints the rows as a table (to standard output unless a target is given). */
  async print(target: { write(text: string): unknown } = process.stdout, limit?: number): Promise<void> {
    target.write(`${await this.toText(limit)}\n`);
  }
}

/** A value canonicalKey takes: MAP and MULTISET values (Maps) as their entries in a fixed order. */
function hashable(value: unknown): unknown {
  if (!(value instanceof Map)) return value;
  return [...value]
    .map(([k, v]) => [hashable(k), hashable(v)])
    .sort((a, b) => {
      const x = String(canonicalKey(a[0]));
      const y = String(canonicalKey(b[0]));
      return x < y ? -1 : x > y ? 1 : 0;
    });
}

/**
 * The table a list of changes leaves: +I and +U add a row, -U and -D remove one row equal to
 * theirs in every column. Rows keep the order in which they were first added; a removal of a
 * row that is not there is ignored, as a changelog cut off by a limit may hold one.
 */
export function materialize(changes: readonly ChangelogRow[], columns: readonly PlanColumn[]): Row[] {
  const rows = new Map<unknown, { row: Row; count: number }>();
  const keyOf = (row: Row) => canonicalKey(columns.map((c) => hashable(row[c.name] ?? null)));
  for (const change of changes) {
    const key = keyOf(change.row);
    const entry = rows.get(key);
    if (change.kind === '+I' || change.kind === '+U') {
      if (entry === undefined) rows.set(key, { row: change.row, count: 1 });
      else entry.count++;
    } else if (entry !== undefined && --entry.count === 0) rows.delete(key);
  }
  return [...rows.values()].flatMap(({ row, count }) => Array.from({ length: count }, () => row));
}

/**
 * Rows as a boxed text table with a row count, values formatted by type (TIMESTAMP_LTZ in
 * `zone`).
 */
export function formatTable(
  columns: readonly PlanColumn[],
  rows: readonly Row[],
  zone: TimeZone = UTC_ZONE,
): string {
  return [...tableLines(columns, rows, zone)].join('\n');
}

/**
 * The lines of {@link formatTable}'s text, made as they are taken, so that a writer that waits
 * for a slow reader between lines never holds the whole text. A multi-line EXPLAIN is one item.
 */
export function* tableLines(
  columns: readonly PlanColumn[],
  rows: readonly Row[],
  zone: TimeZone = UTC_ZONE,
): Generator<string, void, undefined> {
  if (
    columns.length === 1 &&
    columns[0]!.name === 'result' &&
    rows.length === 1 &&
    rows[0]!.result === 'OK'
  ) {
    yield 'OK';
    return;
  }
  // EXPLAIN: one multi-line text, printed as it is.
  if (columns.length === 1 && rows.length === 1 && String(rows[0]![columns[0]!.name]).includes('\n')) {
    yield String(rows[0]![columns[0]!.name]);
    return;
  }
  const cells = rows.map((row) => columns.map((c) => formatValue(row[c.name], c.type, zone)));
  // A loop, not Math.max over a spread: a spread of some 125,000 cells overflows the stack.
  const widths = columns.map((c) => c.name.length);
  for (const values of cells) {
    for (let i = 0; i < values.length; i++) if (values[i]!.length > widths[i]!) widths[i] = values[i]!.length;
  }
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (values: readonly string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  yield rule;
  yield line(columns.map((c) => c.name));
  yield rule;
  for (const values of cells) yield line(values);
  if (rows.length > 0) yield rule;
  yield `${rows.length} row${rows.length === 1 ? '' : 's'} in set`;
}
