/**
 * The runtime of lookup joins: a flat-map over the probe (left) stream that loads the lookup
 * table into a map from key to rows when its subtask opens (see lookup-table.ts for the size
 * assumption), then joins each probe row with the rows its key finds, in the order the table
 * holds them. An inner join drops a row that finds none (or none passing the rest of the
 * condition); a LEFT join pads it with NULLs.
 *
 * No state: the function keeps nothing that depends on the input, and the table is read again
 * whenever a subtask opens, after a restart too, so exactly-once needs nothing checkpointed. The
 * table is read as it is at open; like Flink's lookup of a file, later changes to its files are
 * seen only after a restart.
 */
import type { Collector, FlatMapFunction } from '../../../types/functions.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import type { Row, RowFunction } from '../../expressions/compiler.js';
import type { LookupStep } from '../../planner/join/lookup-join-nodes.js';
import { applySteps, indexRows, lookupKeyOf, readTableRows } from './lookup-table.js';

/** What a lookup join function is configured with. */
export interface LookupJoinSpec {
  readonly joinType: 'inner' | 'left';
  readonly table: CatalogTable;
  readonly steps: readonly LookupStep[];
  /** The probe row's key values, one function per key. */
  readonly leftKeys: readonly RowFunction[];
  /** The right columns the keys look up, in key order. */
  readonly rightKeys: readonly string[];
  /** The right columns the output rows carry (the rest are dropped when the table is loaded). */
  readonly rightColumns: readonly string[];
  /** The rest of the join condition on the joined row; TRUE when absent. */
  readonly residual?: RowFunction;
}

/** Joins each probe row with the lookup table's rows for its key. */
export class LookupJoinFunction implements FlatMapFunction<Row, Row> {
  private index = new Map<unknown, Row[]>();
  private readonly nulls: Row;

  constructor(private readonly spec: LookupJoinSpec) {
    this.nulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
  }

  open(): void {
    const { table, steps, rightKeys, rightColumns } = this.spec;
    const rows = applySteps(readTableRows(table), steps);
    const index = indexRows(rows, rightKeys);
    // Keep only the columns the output carries, so that a joined row is one Object.assign.
    for (const [key, bucket] of index)
      index.set(
        key,
        bucket.map((row) => Object.fromEntries(rightColumns.map((c) => [c, row[c] ?? null]))),
      );
    this.index = index;
  }

  flatMap(left: Row, out: Collector<Row>): void {
    const { leftKeys, residual } = this.spec;
    const key =
      leftKeys.length === 1 ? (leftKeys[0]!(left) ?? null) : lookupKeyOf(leftKeys.map((k) => k(left)));
    const matches = key === null ? undefined : this.index.get(key);
    let found = false;
    if (matches !== undefined)
      for (const right of matches) {
        const joined = Object.assign({}, left, right);
        if (residual !== undefined && residual(joined) !== true) continue;
        found = true;
        out.collect(joined);
      }
    if (!found && this.spec.joinType === 'left') out.collect(Object.assign({}, left, this.nulls));
  }
}
