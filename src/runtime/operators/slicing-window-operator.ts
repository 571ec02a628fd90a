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
import type { VOID_NAMESPACE } from '../../state/backend.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { InternalKvState, KeyedStateBackend } from '../../state/backend.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../../state/timers.js';
import type { AggregateFunction, OutputTag } from '../../types/functions.js';
import { type ValueState, ValueStateDescriptor } from '../../types/state.js';
import { requireTimestamp } from '../../windowing/assigner.js';
import type { TimeWindow } from '../../windowing/windows.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../operator.js';
import { createRuntimeContext } from './runtime-context.js';
import { TimestampedCollector, WindowProcessContext } from './window-contexts.js';
import type { InternalWindowFunction } from './window-functions.js';
import { SliceGeometry, WindowSlices } from './window-slices.js';

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

  private slices!: WindowSlices<ACC>;
  private readonly aggregate: AggregateFunction<IN, ACC, R>;
  private readonly windowFunction: InternalWindowFunction<R, OUT, K, TimeWindow>;
  private backend!: KeyedStateBackend;
  private processContext!: WindowProcessContext<TimeWindow>;
  private collector!: TimestampedCollector<OUT>;
  /** Reused per firing: the accumulators of the window's slices, in time order. */
  private readonly accumulators: ACC[] = [];

  constructor(private readonly config: SlicingWindowConfig<IN, ACC, R, OUT, K>) {
    super();
    this.aggregate = config.aggregate;
    this.windowFunction = config.windowFunction;
  }

  override open(): void {
    super.open();
    this.backend = this.keyedBackend;
    const timers = this.getTimerService<typeof VOID_NAMESPACE>('window-timers', this);
    // A slice's accumulator, under the slice's start as namespace.
    const slices = this.backend.getOrCreateState(new ValueStateDescriptor<ACC>('window-slice'));
    const { size, slide, offset } = this.config;
    this.slices = new WindowSlices(
      new SliceGeometry(size, slide, offset),
      slices as ValueState<ACC> & InternalKvState,
      timers,
    );
    this.processContext = new WindowProcessContext<TimeWindow>(
      this.backend,
      timers as unknown as InternalTimerService<TimeWindow>,
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
    if (!this.slices.add(value, timestamp, this.aggregate)) this.dropLate(value, timestamp);
  }

  onEventTime(timer: InternalTimer<typeof VOID_NAMESPACE>): void {
    const accumulators = this.accumulators;
    const window = this.slices.takeWindow(timer.timestamp, accumulators);
    if (accumulators.length > 0) this.fire(timer.key as K, window, accumulators);
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
