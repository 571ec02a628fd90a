/**
 * `TableResult`: what `executeSql` returns. DDL gives `OK`; SHOW, DESCRIBE, SET and EXPLAIN
 * give rows at once; a query gives rows when `collect()` runs its job; INSERT starts its job
 * at once and `await()` waits for it. Rows are plain objects keyed by column name.
 */
import type { JobClient } from '../runtime/job-client.js';
import { formatValue } from './expressions/runtime.js';
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
  ) {}

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

  /** Waits for the job an INSERT started to finish; resolves at once for other statements. */
  async await(): Promise<void> {
    if (this.jobClient !== undefined) await this.jobClient.result;
  }

  /**
   * The rows. For a query this runs its job until the job ends or `limit` rows arrived, so an
   * unbounded query needs a limit.
   */
  collect(limit?: number): Promise<Row[]> {
    return this.rows(limit);
  }

  /** The rows as a table of text, as the SQL client prints them. */
  async toText(limit?: number): Promise<string> {
    return formatTable(this.columns, await this.rows(limit));
  }

  /** Prints the rows as a table (to standard output unless a target is given). */
  async print(target: { write(text: string): unknown } = process.stdout, limit?: number): Promise<void> {
    target.write(`${await this.toText(limit)}\n`);
  }
}

/** Rows as a boxed text table with a row count, values formatted by type. */
export function formatTable(columns: readonly PlanColumn[], rows: readonly Row[]): string {
  if (columns.length === 1 && columns[0]!.name === 'result' && rows.length === 1 && rows[0]!.result === 'OK')
    return 'OK';
  // EXPLAIN: one multi-line text, printed as it is.
  if (columns.length === 1 && rows.length === 1 && String(rows[0]![columns[0]!.name]).includes('\n'))
    return String(rows[0]![columns[0]!.name]);
  const cells = rows.map((row) => columns.map((c) => formatValue(row[c.name], c.type)));
  const widths = columns.map((c, i) => Math.max(c.name.length, ...cells.map((r) => r[i]!.length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (values: readonly string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const body = cells.map(line);
  const count = `${rows.length} row${rows.length === 1 ? '' : 's'} in set`;
  return [
    rule,
    line(columns.map((c) => c.name)),
    rule,
    ...body,
    ...(rows.length > 0 ? [rule] : []),
    count,
  ].join('\n');
}
