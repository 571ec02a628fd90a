/**
 * The window operator of an event-time HOP window aggregate whose calls can merge, sharing
 * slices between the overlapping windows as Flink SQL's slicing window operator does: time is
 * cut into slices of gcd(size, slide), a row updates the accumulator list of its one slice, and
 * a window's row is the merge of its slices' lists when the watermark passes its end. Its state
 * and timers are the DataStream slicing operator's (`WindowSlices`: value state `window-slice`
 * under the slice's start, one chain of timers per key on the `window-timers` service walking the
 * window ends), so checkpoints of either read in the other, and it gives the same rows in the same
 * order; the DataStream one stays the reference its tests compare against.
 *
 * What differs is the result path: SQL accumulator lists merge in time order into one list, and
 * firing hands it to the SQL row writer directly, without the DataStream window-function layers.
 */
import type { InternalKvState, VOID_NAMESPACE } from '../../../state/backend.js';
import type { InternalTimer, Triggerable } from '../../../state/timers.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import { TimestampedCollector } from '../../../runtime/operators/window-contexts.js';
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import { SliceGeometry, WindowSlices } from '../../../runtime/operators/window-slices.js';
import { requireTimestamp } from '../../../windowing/assigner.js';
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
  private slices!: WindowSlices<AccumulatorList>;
  private collector!: TimestampedCollector<Row>;
  /** Handed to the writer: the window's one merged list (the previous one until replaced). */
  private readonly results: AccumulatorList[] = [];
  /** Reused per firing: the accumulator lists of the window's slices, in time order. */
  private readonly found: AccumulatorList[] = [];

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
    const timers = this.getTimerService<typeof VOID_NAMESPACE>('window-timers', this);
    const slices = this.keyedBackend.getOrCreateState(
      new ValueStateDescriptor<AccumulatorList>('window-slice'),
    );
    this.slices = new WindowSlices(
      this.geometry,
      slices as ValueState<AccumulatorList> & InternalKvState,
      timers,
    );
    this.collector = new TimestampedCollector<Row>(this.output);
  }

  processElement(row: Row, timestamp: number): void {
    requireTimestamp(timestamp, 'SlidingEventTimeWindows');
    if (!this.slices.add(row, timestamp, this.aggregate)) this.numLateRecordsDropped++;
  }

  onEventTime(timer: InternalTimer<typeof VOID_NAMESPACE>): void {
    const found = this.found;
    const window = this.slices.takeWindow(timer.timestamp, found);
    if (found.length === 0) return;
    // Merged in time order, so FIRST_VALUE / LAST_VALUE see the rows' order.
    const aggregate = this.aggregate;
    let merged = aggregate.createAccumulator();
    for (let i = 0; i < found.length; i++) merged = aggregate.merge(merged, found[i]!);
    const results = this.results;
    results[0] = merged;
    this.collector.timestamp = timer.timestamp;
    this.write(timer.key, window, results, this.collector);
  }

  onProcessingTime(): void {}
}
