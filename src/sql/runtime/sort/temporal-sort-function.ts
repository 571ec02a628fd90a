/**
 * Temporal sort: `ORDER BY <time attribute> ASC [, other keys]` without LIMIT on a stream, as
 * Flink's RowTimeSortOperator and ProcTimeSortOperator. The result is sorted primarily by time,
 * which a stream can do only because time moves forward: a row is held until no earlier row can
 * still come.
 *
 * On event time ({@link RowTimeSortFunction}) rows wait in a map state from timestamp to the rows
 * of that timestamp, with one event-time timer per timestamp; when the watermark passes a
 * timestamp its rows leave, sorted by the other keys (ties keep their arrival order). Rows at or
 * below the current watermark are late and dropped, as Flink drops them.
 *
 * On processing time ({@link ProcTimeSortFunction}) arrival order is time order already: rows
 * wait in a list state only until the clock moves on (a timer at the next millisecond), so the
 * rows of one millisecond leave sorted by the other keys. The final watermark of a bounded input
 * flushes what is still waiting.
 *
 * The stream is keyed by nothing (one key, so parallelism 1 in effect, like Flink's global
 * sort), and everything buffered is keyed state with keyed timers: a checkpoint holds it, so a
 * restore after kill -9 emits each row exactly once. Output is insert-only.
 */
import type { Row } from '../../expressions/compiler.js';
import {
  type Collector,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type OnTimerContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import { type ListState, ListStateDescriptor, MapStateDescriptor } from '../../../types/state.js';
import { rowComparator, type SortKeySpec } from '../over/sort-order.js';
import { RowsUntilWatermark } from '../rows-until-watermark.js';

/** A comparator of the keys after the time attribute, or undefined when there are none. */
function secondaryOrder(keys: readonly SortKeySpec[]): ((a: Row, b: Row) => number) | undefined {
  return keys.length === 0 ? undefined : rowComparator(keys);
}

/**
 * Sorts rows by the rowtime column `timeColumn`, then by `otherKeys`; emits each timestamp's rows
 * once the watermark reaches it.
 */
export class RowTimeSortFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private buffer!: RowsUntilWatermark;
  private readonly compare: ((a: Row, b: Row) => number) | undefined;

  constructor(
    private readonly timeColumn: string,
    otherKeys: readonly SortKeySpec[],
  ) {
    super();
    this.compare = secondaryOrder(otherKeys);
  }

  override open(ctx: RuntimeContext): void {
    this.buffer = new RowsUntilWatermark(
      ctx.getMapState(new MapStateDescriptor<number, Row[]>('temporal-sort-rows')),
    );
  }

  processElement(row: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    this.buffer.hold(row, row[this.timeColumn], ctx.timerService()); // dropped when late
  }

  override onTimer(timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    const rows = this.buffer.take(timestamp);
    if (rows === undefined) return;
    // Array sort is stable: rows equal on every key keep their arrival order.
    const sorted = this.compare === undefined ? rows : [...rows].sort(this.compare);
    for (let i = 0; i < sorted.length; i++) out.collect(sorted[i]!);
  }
}

/** The event-time timer the final watermark of a bounded input fires: flush what is left. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/**
 * Emits rows in arrival (processing-time) order, the rows of one millisecond sorted by
 * `otherKeys`.
 */
export class ProcTimeSortFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private buffer!: ListState<Row>;
  private readonly compare: ((a: Row, b: Row) => number) | undefined;

  constructor(otherKeys: readonly SortKeySpec[]) {
    super();
    this.compare = secondaryOrder(otherKeys);
  }

  override open(ctx: RuntimeContext): void {
    this.buffer = ctx.getListState(new ListStateDescriptor<Row>('temporal-sort-arrived'));
  }

  processElement(row: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    if (this.compare === undefined) {
      out.collect(row); // nothing to sort within a millisecond: arrival order is the order
      return;
    }
    this.buffer.add(row);
    const timers = ctx.timerService();
    timers.registerProcessingTimeTimer(timers.currentProcessingTime() + 1);
    timers.registerEventTimeTimer(END_OF_INPUT);
  }

  override onTimer(_timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    const rows = [...this.buffer.get()];
    if (rows.length === 0) return;
    this.buffer.update([]);
    rows.sort(this.compare);
    for (let i = 0; i < rows.length; i++) out.collect(rows[i]!);
  }
}
