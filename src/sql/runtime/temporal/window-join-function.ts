/**
 * The runtime of window joins. Both inputs are keyed by the join's equality columns plus the
 * window's bounds, so one key holds one window's rows of one join key. Rows wait in list state
 * until the watermark (the smaller of both inputs') passes the window's end; then the window is
 * joined once and its state cleared, so the output is insert-only and state holds only windows
 * still open. A row whose window has already closed when it arrives is late and dropped, as in
 * Flink, since its window's result has been emitted.
 *
 * Joined rows are one object literal built by a merger generated once per operator. With a
 * residual condition, each pair is first copied into one reused scratch row of the same shape
 * and tested there, so only pairs that match allocate a row (in Nexmark q5 nearly every pair of
 * a window fails `num >= maxn`).
 */
import type { Row } from '../../expressions/compiler.js';
import { type RowMerger, rowMerger } from '../../planner/join/join-rows.js';
import {
  type Collector,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  type OnTimerContext,
  type RuntimeContext,
} from '../../../types/functions.js';
import { type ListState, ListStateDescriptor } from '../../../types/state.js';
import type { TimeZone } from '../../expressions/time-zone.js';
import { windowFireTime } from '../../planner/window/local-time-window.js';

/** What a window join function is configured with. */
export interface WindowJoinSpec {
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';
  /** The column of each side's rows that holds its window's end. */
  readonly leftWindowEnd: string;
  readonly rightWindowEnd: string;
  /** The zone the window ends are local times in (windows over a TIMESTAMP_LTZ); absent for instants. */
  readonly zone?: TimeZone;
  /** The equality columns of each side (without the window bounds); a null there matches nothing. */
  readonly leftKeys: readonly string[];
  readonly rightKeys: readonly string[];
  readonly leftColumns: readonly string[];
  readonly rightColumns: readonly string[];
  /** The rest of the condition on the joined row (both sides' columns); TRUE when absent. */
  readonly residual?: (row: Row) => unknown;
}

function hasNull(row: Row, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const value = row[keys[i]!];
    if (value === null || value === undefined) return true;
  }
  return false;
}

/** Joins each window's rows when the watermark passes its end; input 1 is the left side. */
export class WindowJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private left!: ListState<Row>;
  private right!: ListState<Row>;
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;
  private readonly merge: RowMerger;
  /** Copies a pair into {@link scratch}, overwriting every column. */
  private readonly fill: (scratch: Row, left: Row, right: Row) => void;
  private readonly scratch: Row;
  /**
   * The key and firing time of the last timer registered. The key holds the window's end, so
   * its one timer is registered by its first row; later rows of that key (in q5, every row of a
   * window) skip the timer index's lookup. Not state: forgetting it (a restore) only registers
   * an existing timer again, which is a no-op, and a key's timer cannot have fired while its
   * rows still arrive, since they would be late.
   */
  private timerKey: unknown = undefined;
  private timerAt = Number.NaN;

  constructor(private readonly spec: WindowJoinSpec) {
    super();
    this.leftNulls = Object.fromEntries(spec.leftColumns.map((c) => [c, null]));
    this.rightNulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
    this.merge = rowMerger(spec.leftColumns, spec.rightColumns);
    this.fill = pairFiller(spec.leftColumns, spec.rightColumns);
    this.scratch = this.merge(this.leftNulls, this.rightNulls);
  }

  override open(ctx: RuntimeContext): void {
    this.left = ctx.getListState(new ListStateDescriptor<Row>('window-join-left'));
    this.right = ctx.getListState(new ListStateDescriptor<Row>('window-join-right'));
  }

  processElement1(row: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    this.buffer(row, row[this.spec.leftWindowEnd], this.left, ctx);
  }

  processElement2(row: Row, ctx: KeyedProcessContext<unknown, Row>): void {
    this.buffer(row, row[this.spec.rightWindowEnd], this.right, ctx);
  }

  private buffer(
    row: Row,
    end: unknown,
    state: ListState<Row>,
    ctx: KeyedProcessContext<unknown, Row>,
  ): void {
    if (typeof end !== 'number') return;
    const fireAt = windowFireTime(end, this.spec.zone);
    // Late: the window's result has gone out already.
    if (fireAt <= ctx.timerService().currentWatermark()) return;
    state.add(row);
    const key = ctx.getCurrentKey();
    if (key === this.timerKey && fireAt === this.timerAt) return;
    ctx.timerService().registerEventTimeTimer(fireAt);
    this.timerKey = key;
    this.timerAt = fireAt;
  }

  override onTimer(_timestamp: number, _ctx: OnTimerContext<unknown, Row>, out: Collector<Row>): void {
    const { joinType, residual, leftKeys, rightKeys } = this.spec;
    // `get()` already hands out a copy of the list, so the lists can be cleared and then read.
    const lefts = asArray(this.left.get());
    const rights = asArray(this.right.get());
    this.left.clear();
    this.right.clear();
    // Only outer joins on the right side look back at which right rows found a partner.
    const rightMatched =
      joinType === 'right' || joinType === 'full' ? new Array<boolean>(rights.length).fill(false) : undefined;
    for (let li = 0; li < lefts.length; li++) {
      const l = lefts[li]!;
      let matched = false;
      if (!hasNull(l, leftKeys))
        for (let i = 0; i < rights.length; i++) {
          const r = rights[i]!;
          if (hasNull(r, rightKeys)) continue;
          if (residual !== undefined) {
            this.fill(this.scratch, l, r);
            if (residual(this.scratch) !== true) continue;
          }
          matched = true;
          if (rightMatched !== undefined) rightMatched[i] = true;
          if (joinType === 'semi' || joinType === 'anti') break;
          out.collect(this.merge(l, r));
        }
      if (joinType === 'semi' && matched) out.collect(l);
      else if (!matched && (joinType === 'anti' || joinType === 'left' || joinType === 'full'))
        out.collect(joinType === 'anti' ? l : this.merge(l, this.rightNulls));
    }
    if (rightMatched !== undefined)
      for (let i = 0; i < rights.length; i++)
        if (!rightMatched[i]) out.collect(this.merge(this.leftNulls, rights[i]!));
  }
}

/** The list state's elements as an array, copied only when the backend did not hand one out. */
const asArray = (elements: Iterable<Row>): readonly Row[] =>
  Array.isArray(elements) ? (elements as Row[]) : [...elements];

const property = (name: string) => `[${JSON.stringify(name)}]`;

/** A function that writes every column of a left and a right row into a given row. */
function pairFiller(
  leftColumns: readonly string[],
  rightColumns: readonly string[],
): (scratch: Row, left: Row, right: Row) => void {
  const body = [
    ...leftColumns.map((c) => `s${property(c)} = l${property(c)};`),
    ...rightColumns.map((c) => `s${property(c)} = r${property(c)};`),
  ];
  // Built once per operator from column names (JSON-quoted), never from data.
  return new Function('s', 'l', 'r', `"use strict"; ${body.join(' ')}`) as (
    scratch: Row,
    left: Row,
    right: Row,
  ) => void;
}
