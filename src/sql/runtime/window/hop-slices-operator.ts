/**
 * The window operator of an event-time HOP window aggregate whose calls can merge, sharing
 * slices between the overlapping windows as Flink SQL's slicing window operator does: time is
 * cut into slices of gcd(size, slide), a row updates the accumulator list of its one slice, and
 * a window's row is the merge of its slices' lists when the watermark passes its end. It keeps
 * the DataStream slicing operator's state and timers exactly (value state `window-slice` under
 * the slice's start, one chain of timers per key on the `window-timers` service walking the
 * window ends), so checkpoints of either read in the other, and gives the same rows in the same
 * order; the DataStream one stays the reference its tests compare against.
 *
 * What differs is the result path: SQL accumulator lists merge into the first list as they
 * are found, and firing hands the result to the SQL row writer directly, without the
 * DataStream window-function layers. As there, a row whose slice exists already registers no
 * timer: the slice's first row registered the first unfired window holding it, and each firing
 * registers the next window while any of the key's slices are left in it.
 */
import { type InternalKvState, VOID_NAMESPACE } from '../../../state/backend.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../../../state/timers.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import { TimestampedCollector } from '../../../runtime/operators/window-contexts.js';
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { SliceGeometry } from '../../../runtime/operators/slicing-window-operator.js';
import { requireTimestamp } from '../../../windowing/assigner.js';
import { TimeWindow } from '../../../windowing/windows.js';
import type { AccumulatorList } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import type { WindowAccumulators, WindowResultWriter } from './single-window-aggregate-operator.js';

/** The aggregate function's part this operator drives: accumulators that merge. */
export interface MergingWindowAccumulators extends WindowAccumulators {
  /** Merges `b` into `a` and returns `a`; `b` stays as it is (a slice still needed later). */
  merge(a: AccumulatorList, b: AccumulatorList): AccumulatorList;
}

/** The HOP windows: `size` ms every `slide` ms (slide < size), starting at `offset` mod slide. */
export interface HopWindows {
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
}

/**
 * A keyed operator that aggregates HOP windows by slices. Create one per subtask; the
 * aggregate function's `merge` must merge into its first argument (`mergeable` calls).
 *
 * @example
 * new HopSlicesOperator({ size: 10_000, slide: 2_000, offset: 0 }, fn, writer);
 */
export class HopSlicesOperator
  extends AbstractStreamOperator<Row>
  implements OneInputStreamOperator<Row, Row>, Triggerable<typeof VOID_NAMESPACE>
{
  /** Rows dropped because every window holding them had fired already. */
  numLateRecordsDropped = 0;
  private readonly geometry: SliceGeometry;
  private timers!: InternalTimerService<typeof VOID_NAMESPACE>;
  private slices!: ValueState<AccumulatorList> & InternalKvState;
  private collector!: TimestampedCollector<Row>;
  /** Handed to the writer: the window's one merged list (the previous one until replaced). */
  private readonly results: AccumulatorList[] = [];

  constructor(
    windows: HopWindows,
    private readonly aggregate: MergingWindowAccumulators,
    private readonly write: WindowResultWriter,
  ) {
    super();
    if (!(windows.slide < windows.size))
      throw new Error(`HopSlicesOperator needs slide < size, got ${windows.slide} and ${windows.size}`);
    this.geometry = new SliceGeometry(windows.size, windows.slide, windows.offset);
  }

  override open(): void {
    super.open();
    // The names of the DataStream slicing operator's timers and state (see the module comment).
    this.timers = this.getTimerService<typeof VOID_NAMESPACE>('window-timers', this);
    this.slices = this.keyedBackend.getOrCreateState(
      new ValueStateDescriptor<AccumulatorList>('window-slice'),
    ) as ValueState<AccumulatorList> & InternalKvState;
    this.collector = new TimestampedCollector<Row>(this.output);
  }

  processElement(row: Row, timestamp: number): void {
    requireTimestamp(timestamp, 'SlidingEventTimeWindows');
    const watermark = this.timers.currentWatermark();
    const geometry = this.geometry;
    const sliceStart = geometry.sliceStart(timestamp);
    if (geometry.lastEnd(timestamp) - 1 <= watermark) {
      this.numLateRecordsDropped++;
      return;
    }
    const slices = this.slices;
    slices.setCurrentNamespace(sliceStart);
    const acc = slices.value();
    if (acc !== undefined) {
      slices.update(this.aggregate.add(row, acc));
      return;
    }
    slices.update(this.aggregate.add(row, this.aggregate.createAccumulator()));
    this.timers.registerEventTimeTimer(VOID_NAMESPACE, geometry.firstTimer(sliceStart, watermark));
  }

  onEventTime(timer: InternalTimer<typeof VOID_NAMESPACE>): void {
    const end = timer.timestamp + 1;
    const { size, slide, sliceSize: q } = this.geometry;
    const start = end - size;
    const nextEnd = end + slide;
    const firstKept = nextEnd - size;
    const slices = this.slices;
    const aggregate = this.aggregate;
    // A key holds at most the slices of one window and a slide: probing them by start is as
    // cheap as keeping a list would be. They merge as they are found, in time order, so
    // FIRST_VALUE / LAST_VALUE see the rows' order.
    let merged: AccumulatorList | undefined;
    let nextWindowHasSlices = false;
    for (let s = start; s < end; s += q) {
      slices.setCurrentNamespace(s);
      const acc = slices.value();
      if (acc === undefined) continue;
      merged = aggregate.merge(merged ?? aggregate.createAccumulator(), acc);
      // Slices that no later window holds are done.
      if (s < firstKept) slices.clear();
      else nextWindowHasSlices = true;
    }
    if (merged !== undefined) {
      const results = this.results;
      results[0] = merged;
      this.collector.timestamp = timer.timestamp;
      this.write(timer.key, new TimeWindow(start, end), results, this.collector);
    }
    for (let s = end; s < nextEnd && !nextWindowHasSlices; s += q) {
      slices.setCurrentNamespace(s);
      nextWindowHasSlices = slices.value() !== undefined;
    }
    // Slices further ahead registered their own first window's timer when they were created.
    if (nextWindowHasSlices) this.timers.registerEventTimeTimer(VOID_NAMESPACE, nextEnd - 1);
  }

  onProcessingTime(): void {}
}
