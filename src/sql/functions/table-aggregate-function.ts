/**
 * Table aggregate functions, as Flink's `TableAggregateFunction`: per group, an accumulator fed
 * by `accumulate` (and `retract`, for updating input), from which `emitValue` emits any number
 * of rows (a group's top 2, say). The Table API's `flatAggregate` runs them; `aggregate`
 * refuses them, as Flink's does.
 *
 * Weir plans one as an aggregate function whose value is the ARRAY of the rows `emitValue`
 * emits, expanded by UNNEST: when a group's accumulator changes, the aggregate retracts its old
 * array and the expansion retracts each row of it before emitting the new rows, which is
 * Flink's way of emitting a table aggregate's update (retract the previous emission per key).
 * So a TableAggregateFunction registers with `createTemporarySystemFunction` as any aggregate
 * function does, and in SQL it is an aggregate whose value is that ARRAY.
 *
 * A function may also define `emitUpdateWithRetract(acc, out)`, as Flink's may: called instead of
 * `emitValue` after each row, it emits only the rows that changed, `out.retract(row)` taking back
 * an earlier one and `out.collect(row)` adding one, so a Top-2 whose second value changed retracts
 * and emits that row alone, not both. The function must know what it emitted before; as in
 * Flink's example, `accumulate` and `retract` note the result before they change it, and
 * `emitUpdateWithRetract` compares (a change it makes to the accumulator may not be kept). It
 * is used where `flatAggregate` unnests the rows right after a group aggregate without
 * mini-batch; elsewhere (a SQL query reading the ARRAY, mini-batch) `emitValue` gives all rows.
 *
 * @example
 * class Top2 extends TableAggregateFunction<{ first: number | null; second: number | null }> {
 *   readonly outputType = 'ROW<v INT, `rank` INT>';
 *   createAccumulator() { return { first: null, second: null }; }
 *   accumulate(acc, v: number | null) { … }
 *   emitValue(acc, out) { if (acc.first !== null) out.collect({ v: acc.first, rank: 1 }); … }
 * }
 * tEnv.createTemporarySystemFunction('top2', new Top2());
 * tEnv.from('t').groupBy($('k')).flatAggregate(call('top2', $('v'))).select($('k'), $('v'), $('rank'));
 */
import type { UserDefinedAggregateFunction } from './user-functions.js';

/** Where `emitValue` puts its rows. */
export interface RowCollector {
  /** Emits one row: an object keyed by `outputType`'s fields, or an array of their values. */
  collect(row: unknown): void;
}

/** Where `emitUpdateWithRetract` puts its rows, as Flink's `RetractableCollector`. */
export interface RetractableCollector extends RowCollector {
  /** Takes back a row emitted earlier, equal to it field by field. */
  retract(row: unknown): void;
}

/** Base class for table aggregate functions; see the module's documentation. */
export abstract class TableAggregateFunction<Acc = unknown> implements UserDefinedAggregateFunction<Acc> {
  readonly kind = 'aggregate' as const;
  /** Marks the rows-emitting kind, for the Table API's `aggregate` to refuse it. */
  readonly tableAggregate = true;
  /** The SQL type of one emitted row, e.g. `'ROW<v INT, rank INT>'`. */
  abstract readonly outputType: string;
  /** A new, empty accumulator: plain data, since it is held in checkpointed state. */
  abstract createAccumulator(): Acc;
  /** Adds one row's arguments; may return a new accumulator. */
  abstract accumulate(acc: Acc, ...args: never[]): Acc | undefined | void;
  /** Emits the group's rows for the accumulator as it is now. */
  abstract emitValue(acc: Acc, out: RowCollector): void;
  /** Optional: emits only the rows changed since the last emission, retracting earlier ones (see the module). */
  emitUpdateWithRetract?(acc: Acc, out: RetractableCollector): void;

  /** The aggregate's SQL type: the ARRAY of the rows emitted. */
  get resultType(): string {
    return `ARRAY<${this.outputType}>`;
  }

  /** The rows `emitValue` emits, as the aggregate's value. */
  getValue(acc: Acc): unknown[] {
    const rows: unknown[] = [];
    this.emitValue(acc, { collect: (row) => rows.push(row) });
    return rows;
  }
}
