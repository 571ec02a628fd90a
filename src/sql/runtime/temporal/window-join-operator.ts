/**
 * The runtime of window joins. Both inputs are keyed by the join's equality columns (SESSION
 * windows add the window's start), and each side's rows wait (first in memory, see below,
 * then in list state under their window's end as namespace, as Flink's window join keeps
 * them) until the watermark (the smaller of both inputs') passes that end; then the window is
 * joined once and its rows dropped, so the output is insert-only and state holds only windows
 * still open. A row whose window has
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
 * Rows first wait in memory, by window and key, and a window that closes before the next
 * checkpoint is joined from there: no state access and no timer per row, as Flink's SQL window
 * aggregates buffer rows in memory between checkpoints. A checkpoint (before its barrier), the
 * end of input, or more than {@link WINDOW_JOIN_BUFFER_LIMIT} waiting rows move them into the
 * keyed state above, each key and window with its timer, so checkpoints hold exactly what they
 * held before and restore and rescale as keyed state. Such a key's timer joins its state's rows
 * with any that waited in memory since; the others are joined when the watermark passes their
 * window, in window order, before the watermark goes on.
 *
 * Joined rows are one object literal built by a merger generated once per operator. With a
 * residual condition, each pair is first copied into one reused scratch row of the same shape
 * and tested there, so only pairs that match allocate a row (in Nexmark q5 nearly every pair of
 * a window fails `num >= maxn`).
 */
import type { InternalKvState, KeyedStateBackend } from '../../../state/backend.js';
import { type CanonicalKey, canonicalKey } from '../../../state/key-groups.js';
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
 * Most rows that wait in memory before they are moved into keyed state, as Flink's
 * `table.exec.window-agg.buffer-size-limit` bounds its window buffer.
 */
export const WINDOW_JOIN_BUFFER_LIMIT = 100_000;

/** The rows of one key in one window that wait in memory. */
interface Waiting {
  /** The key as the key selector returned it, to make it current again. */
  readonly key: unknown;
  lefts: Row[] | undefined;
  rights: Row[] | undefined;
}

/** An open window's rows waiting in memory, by canonical key in order of arrival. */
interface OpenWindow {
  readonly end: number;
  readonly fireAt: number;
  readonly keys: Map<CanonicalKey, Waiting>;
}

/** No rows; not frozen, so the join's loops see one kind of array (it is never written). */
const NONE: readonly Row[] = [];

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
  private backend!: KeyedStateBackend;
  private timers!: InternalTimerService<number>;
  private collector!: TimestampedCollector<Row>;
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;
  private readonly merge: RowMerger;
  /** Copies a pair into {@link scratch}, overwriting every column. */
  private readonly fill: (scratch: Row, left: Row, right: Row) => void;
  private readonly scratch: Row;
  /** Open windows with rows waiting in memory, by end; a window leaves it when it fires. */
  private readonly openWindows = new Map<number, OpenWindow>();
  /** The window the last row went to: a window's rows arrive together. */
  private lastWindow: OpenWindow | undefined = undefined;
  /**
   * The key and window the last row went to: rows of a key often come in runs (without
   * equality columns, a window's rows share one key). A window leaves memory only when it fires
   * or moves into state, after which no row reaches this cache for it (the row is late, or the
   * window is a new object).
   */
  private lastWaiting: Waiting | undefined = undefined;
  private lastWaitingWindow: OpenWindow | undefined = undefined;
  /** Rows waiting in memory, in all windows. */
  private waiting = 0;
  /**
   * Fire times of the open windows some of whose rows were moved into keyed state, by end: only their keys
   * can have a timer already. A restored operator with timers does not know their windows, so
   * it looks each timer up (see {@link moveToState}).
   */
  private readonly inState = new Map<number, number>();
  private restoredTimers = false;

  /** `bufferLimit`: see {@link WINDOW_JOIN_BUFFER_LIMIT}; tests pass small ones. */
  constructor(
    private readonly spec: WindowJoinSpec,
    private readonly bufferLimit = WINDOW_JOIN_BUFFER_LIMIT,
  ) {
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
    this.backend = backend;
    WINDOW_JOIN_LAYOUT.refuseOthers(stateGettersOf(backend), [LEFT_ROWS, RIGHT_ROWS]);
    const rows = (name: string) =>
      backend.getOrCreateState(
        new ListStateDescriptor<Row>(WINDOW_JOIN_LAYOUT.stateName(name)),
      ) as WindowRows;
    this.left = rows(LEFT_ROWS);
    this.right = rows(RIGHT_ROWS);
    this.timers = this.getTimerService<number>('window-join-timers', this);
    this.restoredTimers = this.timers.numEventTimeTimers() > 0;
    this.collector = new TimestampedCollector<Row>(this.output);
  }

  processElement1(row: Row): void {
    this.buffer(row, row[this.spec.leftWindowEnd], true);
  }

  processElement2(row: Row): void {
    this.buffer(row, row[this.spec.rightWindowEnd], false);
  }

  /** Adds a row to its window's rows waiting in memory, unless the window has closed. */
  private buffer(row: Row, end: unknown, isLeft: boolean): void {
    if (typeof end !== 'number') return;
    let window = this.lastWindow;
    if (window === undefined || window.end !== end) {
      window = this.openWindows.get(end);
      if (window === undefined) {
        const fireAt = windowFireTime(end, this.spec.zone);
        // Late: the window's result has gone out already.
        if (fireAt <= this.currentWatermark) return;
        window = { end, fireAt, keys: new Map() };
        this.openWindows.set(end, window);
      }
      this.lastWindow = window;
    }
    const key = this.backend.getCurrentKey();
    let waiting = this.lastWaiting;
    if (waiting === undefined || waiting.key !== key || this.lastWaitingWindow !== window) {
      const canonical = canonicalKey(key);
      waiting = window.keys.get(canonical);
      if (waiting === undefined) {
        waiting = { key, lefts: undefined, rights: undefined };
        window.keys.set(canonical, waiting);
      }
      this.lastWaiting = waiting;
      this.lastWaitingWindow = window;
    }
    if (isLeft) {
      if (waiting.lefts === undefined) waiting.lefts = [row];
      else waiting.lefts.push(row);
    } else if (waiting.rights === undefined) waiting.rights = [row];
    else waiting.rights.push(row);
    if (++this.waiting > this.bufferLimit) this.moveToState();
  }

  /**
   * Moves every waiting row into keyed state, with its key's timer for the window. A key has
   * one already only if rows of the window were moved before, or restored; else the timer is
   * registered as new, without the lookup that deduplicates. The current key is kept.
   */
  private moveToState(): void {
    if (this.waiting === 0) return;
    const backend = this.backend;
    const timers = this.timers;
    const current = backend.getCurrentKey();
    for (const window of this.openWindows.values()) {
      const { end, fireAt } = window;
      const known = this.restoredTimers || this.inState.has(end);
      this.inState.set(end, fireAt);
      this.left.setCurrentNamespace(end);
      this.right.setCurrentNamespace(end);
      for (const waiting of window.keys.values()) {
        backend.setCurrentKey(waiting.key);
        if (waiting.lefts !== undefined) this.left.addAll(waiting.lefts);
        if (waiting.rights !== undefined) this.right.addAll(waiting.rights);
        if (known) timers.registerEventTimeTimer(end, fireAt);
        else timers.registerNewEventTimeTimer(end, fireAt);
      }
    }
    this.openWindows.clear();
    this.lastWindow = undefined;
    this.lastWaiting = undefined;
    this.waiting = 0;
    if (current !== undefined) backend.setCurrentKey(current);
  }

  /** Before a checkpoint's barrier: the checkpoint takes the waiting rows as keyed state. */
  prepareSnapshotPreBarrier(): void {
    this.moveToState();
  }

  /** Windows the final watermark did not close stay in keyed state, as a checkpoint takes them. */
  override finish(): void {
    this.moveToState();
  }

  /**
   * Joins the windows the watermark closes, earliest first: for each, the timers up to its
   * fire time join the keys kept in state (see {@link onEventTime}), then its keys still
   * waiting in memory are joined; then the watermark goes on.
   */
  protected override advanceWatermark(watermark: number): void {
    if (watermark > this.currentWatermark && this.openWindows.size > 0) {
      const due: OpenWindow[] = [];
      for (const window of this.openWindows.values()) if (window.fireAt <= watermark) due.push(window);
      due.sort((a, b) => a.fireAt - b.fireAt || a.end - b.end);
      const manager = this.setupInfo.timeServiceManager!;
      for (const window of due) {
        manager.advanceWatermark(window.fireAt);
        this.openWindows.delete(window.end);
        if (this.lastWindow === window) this.lastWindow = undefined;
        for (const waiting of window.keys.values()) {
          this.waiting -= (waiting.lefts?.length ?? 0) + (waiting.rights?.length ?? 0);
          this.join(waiting.lefts ?? NONE, waiting.rights ?? NONE, window.fireAt);
        }
      }
    }
    // Windows in state close by their timers, whether or not rows of theirs wait in memory.
    if (this.inState.size > 0)
      for (const [end, fireAt] of this.inState) if (fireAt <= watermark) this.inState.delete(end);
    super.advanceWatermark(watermark);
  }

  /** A key's window kept in state: joins its rows there and any that wait in memory. */
  onEventTime(timer: InternalTimer<number>): void {
    const end = timer.namespace;
    this.left.setCurrentNamespace(end);
    this.right.setCurrentNamespace(end);
    // `get()` already hands out a copy of the list, so the lists can be cleared and then read.
    let lefts = rowsOf(this.left.get());
    let rights = rowsOf(this.right.get());
    this.left.clear();
    this.right.clear();
    const window = this.openWindows.get(end);
    const canonical = window === undefined ? undefined : canonicalKey(timer.key);
    const waiting = canonical === undefined ? undefined : window!.keys.get(canonical);
    if (waiting !== undefined) {
      window!.keys.delete(canonical!);
      if (waiting.lefts !== undefined) {
        lefts = lefts.length === 0 ? waiting.lefts : lefts.concat(waiting.lefts);
        this.waiting -= waiting.lefts.length;
      }
      if (waiting.rights !== undefined) {
        rights = rights.length === 0 ? waiting.rights : rights.concat(waiting.rights);
        this.waiting -= waiting.rights.length;
      }
    }
    this.join(lefts, rights, timer.timestamp);
  }

  /** Joins one key's rows of one window, stamped `timestamp` (the window's fire time). */
  private join(lefts: readonly Row[], rights: readonly Row[], timestamp: number): void {
    const { joinType, residual, leftKeys, rightKeys } = this.spec;
    const out = this.collector;
    out.timestamp = timestamp;
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

/**
 * The list state's elements as an array, copied only when the backend did not hand one out;
 * {@link NONE} for none, as the heap backend hands out a frozen empty array, whose other kind
 * of elements would make the join's loops polymorphic.
 */
const rowsOf = (elements: Iterable<Row>): readonly Row[] => {
  if (!Array.isArray(elements)) return [...elements];
  return elements.length === 0 ? NONE : (elements as Row[]);
};

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
