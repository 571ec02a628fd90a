/**
 * Window Top-N and window deduplication (Flink's WindowRankOperator), keyed by the partition
 * keys, which include the window's bounds: each window's rows collect in keyed state, pruned to
 * the ranked range as they arrive, and the range is emitted once, insert-only, when the
 * watermark passes the window's end. Rows of a window that already closed are late and dropped.
 *
 * State layout ({@link WINDOW_TOP_N_LAYOUT}): layout 2 keys the rows by the compact partition
 * key (`runtime/compact-keys.ts`, string parts length-prefixed); layout 1, named without a
 * version, keyed them by strings of JSON-quoted parts, so its rows would sit under keys no new
 * row reaches and each restored window would be emitted twice, as two partial rankings.
 */
import type { Row } from '../../expressions/compiler.js';
import {
  type Collector,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type OnTimerContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { StateLayout } from '../state-layout.js';
import type { TimeZone } from '../../expressions/time-zone.js';
import { windowFireTime } from '../../planner/window/local-time-window.js';
import { forEachRanked, insertionIndex, type RankKind } from './ranking.js';
import { rowComparator, type SortKeySpec } from './sort-order.js';

/** The layout of the window Top-N state, part of its name; see the module comment. */
export const WINDOW_TOP_N_LAYOUT = new StateLayout('window Top-N', 2);

/** The window Top-N state's name without its layout version. */
const WINDOW_TOP_N_ROWS = 'window-top-n-rows';

/** What a window Top-N computes. */
export interface WindowTopNSpec {
  readonly rankType: RankKind;
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly orderBy: readonly SortKeySpec[];
  readonly rankColumn?: string;
  /** The input column holding the window's end (exclusive, epoch milliseconds). */
  readonly windowEnd: string;
  /** Deduplication keeping the last row: among equal times the latest arrival wins. */
  readonly keepLastOnTies: boolean;
  /** The zone `windowEnd` is a local time in (windows over a TIMESTAMP_LTZ); absent for instants. */
  readonly zone?: TimeZone;
}

/** Top-N of one partition's rows in one window, emitted when the window closes. */
export class WindowTopNFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private rows!: ValueState<Row[]>;
  private readonly compare: (a: Row, b: Row) => number;

  constructor(private readonly spec: WindowTopNSpec) {
    super();
    this.compare = rowComparator(spec.orderBy);
  }

  override open(ctx: RuntimeContext): void {
    WINDOW_TOP_N_LAYOUT.refuseOthers(ctx, [WINDOW_TOP_N_ROWS]);
    this.rows = ctx.getState(
      new ValueStateDescriptor<Row[]>(WINDOW_TOP_N_LAYOUT.stateName(WINDOW_TOP_N_ROWS)),
    );
  }

  processElement(row: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    const end = row[this.spec.windowEnd];
    const timers = ctx.timerService();
    if (typeof end !== 'number') return;
    const fireAt = windowFireTime(end, this.spec.zone);
    if (fireAt <= timers.currentWatermark()) return; // window closed
    const rows = this.rows.value() ?? [];
    const index = insertionIndex(rows, row, this.compare, this.spec.keepLastOnTies);
    if (this.spec.rankType === 'ROW_NUMBER' && index >= this.spec.rankEnd) return;
    if (rows.length === 0) timers.registerEventTimeTimer(fireAt);
    rows.splice(index, 0, row);
    rows.length = forEachRanked(rows, this.spec.rankType, this.spec.rankEnd, this.compare, () => {});
    this.rows.update(rows);
  }

  override onTimer(_timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    const rows = this.rows.value();
    if (rows === undefined) return;
    this.rows.clear();
    const { rankColumn, rankStart } = this.spec;
    forEachRanked(rows, this.spec.rankType, this.spec.rankEnd, this.compare, (row, rank) => {
      if (rank < rankStart) return;
      out.collect(rankColumn === undefined ? row : { ...row, [rankColumn]: rank });
    });
  }
}
