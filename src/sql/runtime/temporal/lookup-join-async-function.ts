/**
 * The runtime of lookup joins against an external table (jdbc): an async function over the
 * probe stream, `asyncInvoke(probe row) → joined rows`, run by the async I/O operator so the task
 * thread never waits on the database. Each probe row's key values go to a {@link LookupSource}
 * (which queries and caches); the rows it answers pass the query's filters and projections over
 * the table, then join as in the bounded lookup join (lookup-join-function.ts): an inner join
 * drops a probe row that finds none passing the rest of the condition, a LEFT join pads it with
 * NULLs. A NULL key value matches nothing and is never looked up.
 *
 * No state: the function keeps nothing that depends on the input beyond the source's cache,
 * which holds only what the database would answer again. Exactly-once rests on the async
 * operator, which checkpoints the probe rows still waiting on a lookup and replays them on
 * restore (so a restored lookup sees the table as it is then, as Flink's does).
 */
import type { AsyncFunction } from '../../../api/async-data-stream.js';
import { ErrorCodes, userError } from '../../../types/errors.js';
import type { RuntimeContext } from '../../../types/functions.js';
import type { Row, RowFunction } from '../../expressions/compiler.js';
import { sessionTimeZone, type TimeZone, withSessionTimeZone } from '../../expressions/time-zone.js';
import type { LookupStep } from '../../planner/join/lookup-join-nodes.js';
import { type LookupOutputColumn, rowJoiner } from './lookup-join-function.js';
import { compileSteps } from './lookup-table.js';

/**
 * Where an async lookup join's rows come from. `lookup` may be called again before an earlier
 * call settles (the async operator keeps up to its capacity in flight); its rows must not be
 * changed by the caller, since a cache may hand the same array out again.
 */
export interface LookupSource {
  /** Called once per subtask before the first lookup (to connect, say); awaited first. */
  open?(): void | Promise<void>;
  /** The table's rows whose key columns equal `key`, in key order; no value is NULL. */
  lookup(key: readonly unknown[]): Promise<readonly Row[]>;
  /** Releases connections; pending lookups may fail afterwards. */
  close?(): Promise<void> | void;
}

/** What an async lookup join function is configured with. */
export interface AsyncLookupJoinSpec {
  readonly joinType: 'inner' | 'left';
  /** The table's name, for errors. */
  readonly tableName: string;
  /**
   * Makes each subtask's source when it opens: the runtime copies the function shallowly per
   * subtask, so a source made at planning would be shared by all of them (one connection, one
   * cache, closed by the first to finish).
   */
  readonly createSource: () => LookupSource;
  /** Filters and projections over the source's rows, innermost first. */
  readonly steps: readonly LookupStep[];
  /** The key values of a probe row, one function per key (a constant key's returns its value). */
  readonly leftKeys: readonly RowFunction[];
  readonly leftColumns: readonly string[];
  readonly rightColumns: readonly string[];
  /** The rest of the join condition on the joined row; TRUE when absent. */
  readonly residual?: RowFunction;
  /** The output columns when a projection above the join is done here (see LookupJoinSpec). */
  readonly output?: readonly LookupOutputColumn[];
  /**
   * `table.exec.async-lookup.timeout` in milliseconds, for the timeout's message. It covers a
   * lookup's retries (a LOOKUP hint's, which the source runs under its cache), as Flink's does.
   */
  readonly timeoutMs: number;
}

const NONE: readonly Row[] = Object.freeze([]);

/**
 * Joins each probe row with the rows its key finds, asynchronously; an `AsyncFunction<Row, Row>`
 * of the async I/O operator (ordered, so output keeps the probe order as Flink's lookup join
 * does by default).
 */
export class AsyncLookupJoinFunction implements AsyncFunction<Row, Row> {
  private readonly join: (l: Row, r: Row | null) => Row;
  private steps: (rows: readonly Row[]) => readonly Row[] = (rows) => rows;
  private source: LookupSource | undefined;
  /** The session zone at planning, for compiling the steps in `open` (see LookupJoinFunction). */
  private readonly zone: TimeZone = sessionTimeZone();

  constructor(private readonly spec: AsyncLookupJoinSpec) {
    this.join = rowJoiner(
      spec.output ?? [
        ...spec.leftColumns.map((c) => ({ name: c, column: c, right: false })),
        ...spec.rightColumns.map((c) => ({ name: c, column: c, right: true })),
      ],
    );
  }

  open(_ctx?: RuntimeContext): void | Promise<void> {
    this.steps = withSessionTimeZone(this.zone, () => compileSteps(this.spec.steps));
    this.source = this.spec.createSource();
    return this.source.open?.();
  }

  async close(): Promise<void> {
    await this.source?.close?.();
  }

  /** The joined rows of one probe row, once its lookup answers. */
  asyncInvoke(left: Row): Promise<Iterable<Row>> {
    const { leftKeys } = this.spec;
    const key = new Array<unknown>(leftKeys.length);
    for (let i = 0; i < leftKeys.length; i++) {
      const value = leftKeys[i]!(left);
      if (value === null || value === undefined) return Promise.resolve(this.joinRows(left, NONE));
      key[i] = value;
    }
    return this.source!.lookup(key).then((rows) => this.joinRows(left, this.steps(rows)));
  }

  /** A lookup that outlasted `table.exec.async-lookup.timeout` fails the job, as in Flink. */
  timeout(left: Row): Iterable<Row> {
    const key = this.spec.leftKeys.map((k) => k(left));
    throw userError(
      ErrorCodes.IO,
      `lookup of key (${key.map(String).join(', ')}) in table '${this.spec.tableName}' took longer than ${this.spec.timeoutMs} ms; raise it with SET 'table.exec.async-lookup.timeout' = '…', or check the database`,
    );
  }

  private joinRows(left: Row, matches: readonly Row[]): Row[] {
    const residual = this.spec.residual;
    const out: Row[] = [];
    for (let i = 0; i < matches.length; i++) {
      const joined = this.join(left, matches[i]!);
      if (residual !== undefined && residual(joined) !== true) continue;
      out.push(joined);
    }
    if (out.length === 0 && this.spec.joinType === 'left') out.push(this.join(left, null));
    return out;
  }
}
