/**
 * Sliding event-time windows aggregated per slice instead of per window. Windows of `size`
 * every `slide` ms overlap, so an element belongs to `size / slide` of them; the plain window
 * operator updates every one of those windows' accumulators and registers a timer for each.
 * Here time is cut into slices of `gcd(size, slide)` ms, every window boundary is a slice
 * boundary, and an element updates the one accumulator of its slice. A window's result is the
 * merge of its slices' accumulators, computed when it fires. This is how Flink's SQL runtime
 * shares window state between overlapping windows (slice sharing).
 *
 * The results are those of {@link WindowOperator} with the same assigner, the default
 * event-time trigger and no allowed lateness: each window fires once when the watermark passes
 * its end, and an element is late only if all its windows have fired. A slice's accumulator is
 * value state under the slice's start as namespace, and per key a single timer chain walks the
 * window ends.
 */
import { VOID_NAMESPACE } from '../../state/backend.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { InternalKvState, KeyedStateBackend } from '../../state/backend.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../../state/timers.js';
import type { AggregateFunction, OutputTag } from '../../types/functions.js';
import { type ValueState, ValueStateDescriptor } from '../../types/state.js';
import { requireTimestamp } from '../../windowing/assigner.js';
import { TimeWindow } from '../../windowing/windows.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../operator.js';
import { createRuntimeContext } from './runtime-context.js';
import { TimestampedCollector, WindowProcessContext } from './window-contexts.js';
import type { InternalWindowFunction } from './window-functions.js';

/** What a slicing window operator is built from. */
export interface SlicingWindowConfig<IN, ACC, R, OUT, K> {
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  readonly aggregate: AggregateFunction<IN, ACC, R>;
  /** Gets the window's aggregate result, as with `WindowedStream.aggregate(fn, windowFn)`. */
  readonly windowFunction: InternalWindowFunction<R, OUT, K, TimeWindow>;
  readonly lateDataOutputTag?: OutputTag<IN> | undefined;
}

/**
 * True if `aggregate` can be merged across slices: its `merge(a, b)` must not hand back `b`,
 * because `b` is a slice's stored accumulator, still needed by later windows. Probed with two
 * fresh accumulators, which catches a merge that returns `b` when `a` is empty.
 */
export function canMergeSlices(aggregate: AggregateFunction<unknown, unknown, unknown>): boolean {
  const a = aggregate.createAccumulator();
  const b = aggregate.createAccumulator();
  return !(typeof b === 'object' && b !== null && aggregate.merge(a, b) === b);
}

function mergeReusedSlice(): Error {
  return userError(
    ErrorCodes.USER_FUNCTION,
    'AggregateFunction.merge(a, b) returned b in a sliding window, whose accumulators are shared between windows; merge b into a and return a',
  );
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The time arithmetic of sliding windows cut into slices, shared by the slicing operators (this
 * one and SQL's HOP operator), whose state and timers must agree to the millisecond.
 */
export class SliceGeometry {
  /** `gcd(size, slide)`: every window boundary is a slice boundary. */
  readonly sliceSize: number;

  constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    this.sliceSize = gcd(size, slide);
  }

  /** The start of the slice holding `timestamp`. */
  sliceStart(timestamp: number): number {
    return TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.sliceSize);
  }

  /** The end of the last window holding `timestamp`: it starts at the last slide boundary at or before it. */
  lastEnd(timestamp: number): number {
    return TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.slide) + this.size;
  }

  /** The timer of the first window holding the slice that has not fired yet (end - 1 > watermark). */
  firstTimer(sliceStart: number, watermark: number): number {
    const time = Math.max(sliceStart + this.sliceSize, watermark + 2);
    // Window ends lie at `offset + size` modulo the slide.
    const end = TimeWindow.getWindowStartWithOffset(time, this.offset + this.size, this.slide);
    return (end < time ? end + this.slide : end) - 1;
  }
}

/**
 * A keyed operator for `window(SlidingEventTimeWindows…).aggregate(…)` with the default
 * trigger, no evictor and no allowed lateness; `window-operator-builder.ts` picks it.
 */
export class SlicingWindowOperator<IN, ACC, R, OUT, K>
  extends AbstractStreamOperator<OUT>
  implements OneInputStreamOperator<IN, OUT>, Triggerable<typeof VOID_NAMESPACE>
{
  /** Elements dropped as late because no late side output was set. */
  numLateRecordsDropped = 0;

  private readonly geometry: SliceGeometry;
  private readonly aggregate: AggregateFunction<IN, ACC, R>;
  private readonly windowFunction: InternalWindowFunction<R, OUT, K, TimeWindow>;
  private timers!: InternalTimerService<typeof VOID_NAMESPACE>;
  /** A slice's accumulator, under the slice's start as namespace. */
  private slices!: ValueState<ACC> & InternalKvState;
  private backend!: KeyedStateBackend;
  private processContext!: WindowProcessContext<TimeWindow>;
  private collector!: TimestampedCollector<OUT>;
  /** Reused per firing: the accumulators of the window's slices, in time order. */
  private readonly accumulators: ACC[] = [];

  constructor(private readonly config: SlicingWindowConfig<IN, ACC, R, OUT, K>) {
    super();
    this.geometry = new SliceGeometry(config.size, config.slide, config.offset);
    this.aggregate = config.aggregate;
    this.windowFunction = config.windowFunction;
  }

  override open(): void {
    super.open();
    this.backend = this.keyedBackend;
    this.timers = this.getTimerService<typeof VOID_NAMESPACE>('window-timers', this);
    this.slices = this.backend.getOrCreateState(
      new ValueStateDescriptor<ACC>('window-slice'),
    ) as ValueState<ACC> & InternalKvState;
    this.processContext = new WindowProcessContext<TimeWindow>(
      this.backend,
      this.timers as unknown as InternalTimerService<TimeWindow>,
      this.output,
      false,
    );
    this.collector = new TimestampedCollector<OUT>(this.output);
    this.windowFunction.open(createRuntimeContext(this.setupInfo as never));
  }

  override close(): void | Promise<void> {
    this.windowFunction.close();
    return super.close();
  }

  processElement(value: IN, timestamp: number): void {
    requireTimestamp(timestamp, 'SlidingEventTimeWindows');
    const watermark = this.timers.currentWatermark();
    const geometry = this.geometry;
    const sliceStart = geometry.sliceStart(timestamp);
    if (geometry.lastEnd(timestamp) - 1 <= watermark) {
      this.dropLate(value, timestamp);
      return;
    }
    const slices = this.slices;
    slices.setCurrentNamespace(sliceStart);
    const acc = slices.value();
    if (acc !== undefined) {
      // The slice's timer is pending already: its first row registered it, and each firing of
      // a window holding the slice registers the next window's.
      slices.update(this.aggregate.add(value, acc));
      return;
    }
    slices.update(this.aggregate.add(value, this.aggregate.createAccumulator()));
    // The first window holding the slice that has not fired yet fires next for this key.
    this.timers.registerEventTimeTimer(VOID_NAMESPACE, geometry.firstTimer(sliceStart, watermark));
  }

  onEventTime(timer: InternalTimer<typeof VOID_NAMESPACE>): void {
    const end = timer.timestamp + 1;
    const { size, slide, sliceSize: q } = this.geometry;
    const start = end - size;
    const nextEnd = end + slide;
    const firstKept = nextEnd - size;
    const slices = this.slices;
    const accumulators = this.accumulators;
    accumulators.length = 0;
    // Slices are found by their starts, a slice's length apart: a key holds at most the slices
    // of one window and a slide, so probing them costs no more than keeping a list would.
    let nextWindowHasSlices = false;
    for (let s = start; s < end; s += q) {
      slices.setCurrentNamespace(s);
      const acc = slices.value();
      if (acc === undefined) continue;
      accumulators.push(acc);
      // Slices that no later window holds are done.
      if (s < firstKept) slices.clear();
      else nextWindowHasSlices = true;
    }
    if (accumulators.length > 0) this.fire(timer.key as K, new TimeWindow(start, end), accumulators);
    for (let s = end; s < nextEnd && !nextWindowHasSlices; s += q) {
      slices.setCurrentNamespace(s);
      nextWindowHasSlices = slices.value() !== undefined;
    }
    // Slices further ahead registered their own first window's timer when they were created.
    if (nextWindowHasSlices) this.timers.registerEventTimeTimer(VOID_NAMESPACE, nextEnd - 1);
  }

  onProcessingTime(): void {}

  private fire(key: K, window: TimeWindow, accumulators: ACC[]): void {
    // Merged in time order, so a merge that is not commutative still sees the elements' order.
    const aggregate = this.aggregate;
    let merged = aggregate.createAccumulator();
    for (let i = 0; i < accumulators.length; i++) {
      const slice = accumulators[i]!;
      merged = aggregate.merge(merged, slice);
      if (merged === slice && typeof slice === 'object' && slice !== null) throw mergeReusedSlice();
    }
    this.collector.timestamp = window.maxTimestamp();
    this.processContext.currentWindow = window;
    this.windowFunction.process(
      key,
      window,
      this.processContext,
      aggregate.getResult(merged),
      this.collector,
    );
    // The window is gone once fired (no allowed lateness): clear its per-window user state.
    this.windowFunction.clear(window, this.processContext);
  }

  private dropLate(value: IN, timestamp: number): void {
    const tag = this.config.lateDataOutputTag;
    if (tag !== undefined) this.output.collectSide(tag as OutputTag<unknown>, value, timestamp);
    else this.numLateRecordsDropped++;
  }
}
