/**
 * The SQL interval join, inner and outer (LEFT, RIGHT, FULL), with the late-row rule of Flink's
 * SQL time-interval join (not the DataStream interval join's, which drops late rows). A left row
 * at time tl joins the right rows at rt with rt − tl in [lower, upper], both times read from the
 * rows' rowtime columns. Let W be the watermark when a row arrives:
 * - the row first joins every buffered row of the other side within its range, late or not;
 * - it is buffered only while a row of the other side may still come within its range, that is
 *   when W < its bound (tl + upper for a left row, rt − lower for a right row);
 * - a buffered row stays until the watermark passes its bound (W > bound): an event-time timer at
 *   bound + 1 removes it, and pads it with NULLs then if its side is outer and it never matched;
 * - a row that is not buffered and matched nothing is padded at once (outer side) or dropped.
 * So a pair joins when, on the later row's arrival, the earlier one was buffered and its bound is
 * not behind the watermark. Flink cleans its buffers lazily and may join a few pairs past that
 * point; this join removes a row exactly when the watermark passes its bound. The output stays
 * insert-only.
 */
import {
  type Collector,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  type OnTimerContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import { type MapState, MapStateDescriptor } from '../../../types/state.js';
import type { Row, RowFunction } from '../../expressions/compiler.js';
import { StateLayout } from '../../runtime/state-layout.js';
import type { JoinType } from './join-nodes.js';
import { type RowMerger, rowMerger } from './join-rows.js';
import { rightColumnReader } from './right-row-names.js';

/**
 * The interval join's state layout. Layout 2: inner joins run on this function too (they ran on
 * the DataStream interval join, whose buffers are `_join_left`/`_join_right`), and a buffered row
 * expires at bound + 1, not at its bound.
 */
export const INTERVAL_JOIN_LAYOUT = new StateLayout('interval join', 2);

/** The states of earlier layouts, by their names without a version, for {@link StateLayout.refuseOthers}. */
const EARLIER_STATES: readonly string[] = [
  'interval-join-left',
  'interval-join-right',
  '_join_left',
  '_join_right',
];

/** A buffered row and whether it has joined any row of the other side yet. */
type Buffered = [row: Row, matched: boolean];

/** What the function needs, compiled once when the job is built. */
export interface IntervalJoinSpec {
  readonly joinType: JoinType;
  readonly leftColumns: readonly string[];
  readonly rightColumns: readonly string[];
  /**
   * The name a right row carries each right column under, where it is not the join's name (see
   * `right-row-names.ts`); buffered rows may carry either.
   */
  readonly rightRowNames?: ReadonlyMap<string, string>;
  readonly leftTime: string;
  readonly rightTime: string;
  /** Right time − left time lies in [lower, upper] (milliseconds, inclusive). */
  readonly lower: number;
  readonly upper: number;
  readonly leftHasNullKey: (row: Row) => boolean;
  readonly rightHasNullKey: (row: Row) => boolean;
  /** The rest of the condition on the merged row; undefined when there is none. */
  readonly remaining?: RowFunction;
}

/** The interval join of two keyed, insert-only inputs, for every join type. */
export class IntervalJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private leftBuffer!: MapState<number, Buffered[]>;
  private rightBuffer!: MapState<number, Buffered[]>;
  private readonly leftOuter: boolean;
  private readonly rightOuter: boolean;
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;
  /** The joined row of a left and a right row whose names differ from the join's; else a spread. */
  private readonly merge: RowMerger | undefined;
  private readonly rightTime: (row: Row) => unknown;

  constructor(private readonly spec: IntervalJoinSpec) {
    super();
    this.leftOuter = spec.joinType === 'left' || spec.joinType === 'full';
    this.rightOuter = spec.joinType === 'right' || spec.joinType === 'full';
    this.leftNulls = Object.fromEntries(spec.leftColumns.map((c) => [c, null]));
    this.rightNulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
    const rowNames = spec.rightRowNames;
    this.merge =
      rowNames === undefined || rowNames.size === 0
        ? undefined
        : rowMerger(spec.leftColumns, spec.rightColumns, rowNames);
    this.rightTime = rightColumnReader(spec.rightTime, rowNames ?? new Map());
  }

  private joined(left: Row, right: Row): Row {
    return this.merge === undefined ? { ...left, ...right } : this.merge(left, right);
  }

  override open(ctx: RuntimeContext): void {
    INTERVAL_JOIN_LAYOUT.refuseOthers(ctx, EARLIER_STATES);
    this.leftBuffer = ctx.getMapState(
      new MapStateDescriptor<number, Buffered[]>(INTERVAL_JOIN_LAYOUT.stateName('interval-join-left')),
    );
    this.rightBuffer = ctx.getMapState(
      new MapStateDescriptor<number, Buffered[]>(INTERVAL_JOIN_LAYOUT.stateName('interval-join-right')),
    );
  }

  processElement1(row: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    this.process(row, true, ctx, out);
  }

  processElement2(row: Row, ctx: KeyedProcessContext<unknown, Row>, out: Collector<Row>): void {
    this.process(row, false, ctx, out);
  }

  private process(
    row: Row,
    isLeft: boolean,
    ctx: KeyedProcessContext<unknown, Row>,
    out: Collector<Row>,
  ): void {
    const spec = this.spec;
    const outer = isLeft ? this.leftOuter : this.rightOuter;
    const time = isLeft ? row[spec.leftTime] : this.rightTime(row);
    const nullKey = (isLeft ? spec.leftHasNullKey : spec.rightHasNullKey)(row);
    if (typeof time !== 'number' || nullKey) {
      // No time or a NULL key: the row can match nothing.
      if (outer) out.collect(this.pad(row, isLeft));
      return;
    }
    // The other side's times this row matches: [from, to].
    const from = isLeft ? time + spec.lower : time - spec.upper;
    const to = isLeft ? time + spec.upper : time - spec.lower;
    const other = isLeft ? this.rightBuffer : this.leftBuffer;
    const otherOuter = isLeft ? this.rightOuter : this.leftOuter;
    const remaining = spec.remaining;
    let matched = false;
    // The timers keep every buffered row within its bound, so whatever is in range still joins.
    for (const [otherTime, rows] of other.entries()) {
      if (otherTime < from || otherTime > to) continue;
      let changed = false;
      for (const entry of rows) {
        const merged = isLeft ? this.joined(row, entry[0]) : this.joined(entry[0], row);
        if (remaining !== undefined && remaining(merged) !== true) continue;
        out.collect(merged);
        matched = true;
        if (otherOuter && !entry[1]) {
          entry[1] = true;
          changed = true;
        }
      }
      // The flag must reach the state, which may hold a copy (a serializing backend).
      if (changed) other.put(otherTime, rows);
    }
    if (to > ctx.timerService().currentWatermark()) {
      // Rows of the other side up to `to` may still come: keep this row until the watermark passes it.
      const own = isLeft ? this.leftBuffer : this.rightBuffer;
      const list = own.get(time);
      if (list === undefined) own.put(time, [[row, matched]]);
      else {
        list.push([row, matched]);
        own.put(time, list);
      }
      ctx.timerService().registerEventTimeTimer(to + 1);
    } else if (!matched && outer) out.collect(this.pad(row, isLeft));
  }

  override onTimer(timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    // Every buffered row has a timer at its own bound + 1, so the rows this timer expires are
    // exactly those at these two times; rows at other times have timers of their own.
    this.expire(this.leftBuffer, timestamp - 1 - this.spec.upper, this.leftOuter, true, out);
    this.expire(this.rightBuffer, timestamp - 1 + this.spec.lower, this.rightOuter, false, out);
  }

  private expire(
    buffer: MapState<number, Buffered[]>,
    time: number,
    outer: boolean,
    isLeft: boolean,
    out: Collector<Row>,
  ): void {
    const rows = buffer.get(time);
    if (rows === undefined) return;
    if (outer) for (const [row, matched] of rows) if (!matched) out.collect(this.pad(row, isLeft));
    buffer.remove(time);
  }

  private pad(row: Row, isLeft: boolean): Row {
    return isLeft ? this.joined(row, this.rightNulls) : this.joined(this.leftNulls, row);
  }
}
