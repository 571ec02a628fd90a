/**
 * The window operator of an event-time window aggregate whose rows each belong to exactly one
 * window: TUMBLE windows, and rows windowed already (another window aggregate's results,
 * grouped again by their `window_start, window_end`, as Nexmark q5's MAX over the HOP counts).
 * Such a window is known by its end alone within a key, so its accumulator list is value state
 * under the end, a number, as namespace, and the key's one timer for it, at its last
 * millisecond, is registered by its first row only. The DataStream window operator, which
 * serves every assigner and trigger, assigns a window object per row, keys state by it, and
 * registers the trigger's timer and the cleanup timer again for every row (about half its
 * time over Nexmark q5's second level, driven alone).
 *
 * The results are the DataStream window operator's with the event-time trigger and no allowed
 * lateness, as Flink SQL's: a window fires once, when the watermark passes its last millisecond,
 * its row stamped with that millisecond; a row whose window has already fired is late and
 * dropped. Windows of one timestamp fire in the order their keys' first rows arrived, as there.
 * State and timers are keyed state and timers, so they are in every checkpoint and rescale by
 * key group. The accumulator list holds the window's start in one more slot (see
 * {@link SingleWindowAggregateOperator.startSlot}), since windowed rows of a CUMULATE window do
 * not give it from the end; SESSION windows, whose end does not name them, are not served here.
 */
import { type InternalKvState, VOID_NAMESPACE } from '../../../state/backend.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../../../state/timers.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import { TimestampedCollector } from '../../../runtime/operators/window-contexts.js';
import type { Collector } from '../../../types/functions.js';
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { requireTimestamp } from '../../../windowing/assigner.js';
import { TimeWindow } from '../../../windowing/windows.js';
import type { AccumulatorList } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';

/** Where a row's window lies: computed from its time, or read from its bound columns. */
export type SingleWindowOf =
  | { readonly kind: 'tumble'; readonly size: number; readonly offset: number }
  | { readonly kind: 'columns'; readonly start: string; readonly end: string };

/** The aggregate function's part this operator drives (a `SqlWindowAggregateFunction`). */
export interface WindowAccumulators {
  createAccumulator(): AccumulatorList;
  add(row: Row, accs: AccumulatorList): AccumulatorList;
}

/** Writes a window's result rows from its accumulator lists (see `windowResultFunction`). */
export type WindowResultWriter = (
  key: unknown,
  window: TimeWindow,
  results: Iterable<AccumulatorList>,
  out: Collector<Row>,
) => void;

/**
 * A keyed operator that folds each row into the accumulator list of its one window and emits
 * each window's result row when the watermark passes its last millisecond. Create one per
 * subtask (the aggregate function reuses its argument arrays).
 *
 * @example
 * new SingleWindowAggregateOperator({ kind: 'tumble', size: 10_000, offset: 0 }, fn, writer, 'lists');
 */
export class SingleWindowAggregateOperator
  extends AbstractStreamOperator<Row>
  implements OneInputStreamOperator<Row, Row>, Triggerable<typeof VOID_NAMESPACE>
{
  /** Rows dropped because their window had fired already. */
  numLateRecordsDropped = 0;
  /** The slot of the window's start in each accumulator list: the one after the function's. */
  readonly startSlot: number;
  private timers!: InternalTimerService<typeof VOID_NAMESPACE>;
  private windows!: ValueState<AccumulatorList> & InternalKvState;
  private collector!: TimestampedCollector<Row>;
  /**
   * Handed to the writer: one window's accumulator list, left there until the next window's
   * replaces it (shrinking an array is a call into the runtime, per window).
   */
  private readonly results: AccumulatorList[] = [];

  constructor(
    private readonly windowOf: SingleWindowOf,
    private readonly aggregate: WindowAccumulators,
    private readonly write: WindowResultWriter,
    /** The name of the value state holding the lists (its layout's, see `state-layout.ts`). */
    private readonly stateName: string,
  ) {
    super();
    this.startSlot = aggregate.createAccumulator().length;
  }

  override open(): void {
    super.open();
    this.timers = this.getTimerService<typeof VOID_NAMESPACE>('window-timers', this);
    this.windows = this.keyedBackend.getOrCreateState(
      new ValueStateDescriptor<AccumulatorList>(this.stateName),
    ) as ValueState<AccumulatorList> & InternalKvState;
    this.collector = new TimestampedCollector<Row>(this.output);
  }

  processElement(row: Row, timestamp: number): void {
    const w = this.windowOf;
    let start: number;
    let end: number;
    if (w.kind === 'tumble') {
      requireTimestamp(timestamp, 'TumblingEventTimeWindows');
      start = TimeWindow.getWindowStartWithOffset(timestamp, w.offset, w.size);
      end = start + w.size;
    } else {
      start = row[w.start] as number;
      end = row[w.end] as number;
    }
    // Late: the window's row has gone out already (no allowed lateness, as in Flink SQL).
    if (end - 1 <= this.timers.currentWatermark()) {
      this.numLateRecordsDropped++;
      return;
    }
    const windows = this.windows;
    windows.setCurrentNamespace(end);
    const accs = windows.value();
    if (accs !== undefined) {
      windows.update(this.aggregate.add(row, accs));
      return;
    }
    const fresh = this.aggregate.createAccumulator();
    fresh[this.startSlot] = start;
    windows.update(this.aggregate.add(row, fresh));
    // The window's timer exists exactly while its list does (it is registered with the list and
    // fires to clear it), so a new list's timer is new: registered without the lookup that
    // deduplicates, which for a window of many keys is a map of them all per timestamp.
    this.timers.registerNewEventTimeTimer(VOID_NAMESPACE, end - 1);
  }

  onEventTime(timer: InternalTimer<typeof VOID_NAMESPACE>): void {
    const end = timer.timestamp + 1;
    const windows = this.windows;
    windows.setCurrentNamespace(end);
    const accs = windows.value();
    if (accs === undefined) return;
    windows.clear();
    const results = this.results;
    results[0] = accs;
    this.collector.timestamp = timer.timestamp;
    this.write(timer.key, new TimeWindow(accs[this.startSlot] as number, end), results, this.collector);
  }

  onProcessingTime(): void {}
}
