/**
 * The runtime of window joins. Both inputs are keyed by the join's equality columns (SESSION
 * windows add the window's start), and each side's rows wait in list state under their
 * window's end as namespace, as Flink's window join keeps them, until the watermark (the smaller
 * of both inputs') passes that end; then the window is joined once and its state cleared, so
 * the output is insert-only and state holds only windows still open. A row whose window has
 * already closed when it arrives is late and dropped, as in Flink, since its window's result
 * has been emitted. Without equality columns the window's end is the key, so windows still
 * spread over subtasks.
 *
 * The end as namespace, not part of the key, keeps a join on one number column (Nexmark q8's
 * person id) keyed by that number: no key text is built per row on either side of the
 * exchange, and the key's hash, state and timer lookups are a number's, where a key of the
 * column and the end made two strings per row and hashed them (about a third of q8's join).
 * The state's names carry {@link WINDOW_JOIN_LAYOUT}, since layout 1 kept the rows in the void
 * namespace of a key that held the end.
 *
 * Joined rows are one object literal built by a merger generated once per operator. With a
 * residual condition, each pair is first copied into one reused scratch row of the same shape
 * and tested there, so only pairs that match allocate a row (in Nexmark q5 nearly every pair of
 * a window fails `num >= maxn`).
 */
import type { InternalKvState } from '../../../state/backend.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../../../state/timers.js';
import { AbstractStreamOperator, type TwoInputStreamOperator } from '../../../runtime/operator.js';
import { TimestampedCollector } from '../../../runtime/operators/basic-operators.js';
import { type ListState, ListStateDescriptor } from '../../../types/state.js';
import type { Row } from '../../expressions/compiler.js';
import type { TimeZone } from '../../expressions/time-zone.js';
import { type RowMerger, rowMerger } from '../../planner/join/join-rows.js';
import { windowFireTime } from '../../planner/window/local-time-window.js';
import { StateLayout, stateGettersOf } from '../state-layout.js';

/**
 * The layout of the window join's state: layout 2 keys rows by the equality columns and keeps
 * them under their window's end as namespace; layout 1 (no version in the names) keyed them by
 * the columns and the end, in the void namespace.
 */
export const WINDOW_JOIN_LAYOUT = new StateLayout('window join', 2);

/** The states of the window join, by their names without a version. */
const LEFT_ROWS = 'window-join-left';
const RIGHT_ROWS = 'window-join-right';

/** What a window join operator is configured with. */
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

/** A list state whose namespace (here a window's end) the operator switches. */
type WindowRows = ListState<Row> & InternalKvState;

/**
 * Joins each window's rows when the watermark passes its end; input 1 is the left side. Its
 * inputs must be keyed by the equality columns (see the module comment). Create one per subtask.
 */
export class WindowJoinOperator
  extends AbstractStreamOperator<Row>
  implements TwoInputStreamOperator<Row, Row, Row>, Triggerable<number>
{
  private left!: WindowRows;
  private right!: WindowRows;
  private timers!: InternalTimerService<number>;
  private collector!: TimestampedCollector<Row>;
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;
  private readonly merge: RowMerger;
  /** Copies a pair into {@link scratch}, overwriting every column. */
  private readonly fill: (scratch: Row, left: Row, right: Row) => void;
  private readonly scratch: Row;
  /**
   * The key and window end of the last timer registered: a window's one timer is registered by
   * its first row, and later rows of that key and window (in q5, every row of a window) skip
   * the timer index's lookup. Not state: forgetting it (a restore) only registers an existing
   * timer again, which is a no-op, and a window's timer cannot have fired while its rows still
   * arrive, since they would be late.
   */
  private timerKey: unknown = undefined;
  private timerEnd = Number.NaN;

  constructor(private readonly spec: WindowJoinSpec) {
    super();
    this.leftNulls = Object.fromEntries(spec.leftColumns.map((c) => [c, null]));
    this.rightNulls = Object.fromEntries(spec.rightColumns.map((c) => [c, null]));
    this.merge = rowMerger(spec.leftColumns, spec.rightColumns);
    this.fill = pairFiller(spec.leftColumns, spec.rightColumns);
    this.scratch = this.merge(this.leftNulls, this.rightNulls);
  }

  protected override get inputCount(): number {
    return 2;
  }

  override open(): void {
    super.open();
    const backend = this.keyedBackend;
    WINDOW_JOIN_LAYOUT.refuseOthers(stateGettersOf(backend), [LEFT_ROWS, RIGHT_ROWS]);
    const rows = (name: string) =>
      backend.getOrCreateState(
        new ListStateDescriptor<Row>(WINDOW_JOIN_LAYOUT.stateName(name)),
      ) as WindowRows;
    this.left = rows(LEFT_ROWS);
    this.right = rows(RIGHT_ROWS);
    this.timers = this.getTimerService<number>('window-join-timers', this);
    this.collector = new TimestampedCollector<Row>(this.output);
  }

  processElement1(row: Row): void {
    this.buffer(row, row[this.spec.leftWindowEnd], this.left);
  }

  processElement2(row: Row): void {
    this.buffer(row, row[this.spec.rightWindowEnd], this.right);
  }

  private buffer(row: Row, end: unknown, state: WindowRows): void {
    if (typeof end !== 'number') return;
    const fireAt = windowFireTime(end, this.spec.zone);
    const timers = this.timers;
    // Late: the window's result has gone out already.
    if (fireAt <= timers.currentWatermark()) return;
    state.setCurrentNamespace(end);
    state.add(row);
    const key = this.keyedBackend.getCurrentKey();
    if (key === this.timerKey && end === this.timerEnd) return;
    timers.registerEventTimeTimer(end, fireAt);
    this.timerKey = key;
    this.timerEnd = end;
  }

  onEventTime(timer: InternalTimer<number>): void {
    const { joinType, residual, leftKeys, rightKeys } = this.spec;
    const end = timer.namespace;
    this.left.setCurrentNamespace(end);
    this.right.setCurrentNamespace(end);
    // `get()` already hands out a copy of the list, so the lists can be cleared and then read.
    const lefts = asArray(this.left.get());
    const rights = asArray(this.right.get());
    this.left.clear();
    this.right.clear();
    const out = this.collector;
    out.timestamp = timer.timestamp;
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

  onProcessingTime(): void {}
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
