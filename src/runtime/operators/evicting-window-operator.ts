/**
 * The window operator with an evictor, as Flink's EvictingWindowOperator: contents are always
 * kept as a list of elements with their timestamps (no pre-aggregation, since the evictor may
 * remove any element). On each firing: evictBefore, the window function over the remaining
 * values, evictAfter, and the survivors are written back as the window's contents.
 */
import type { Window } from '../../types/functions.js';
import type { Evictor, EvictorContext, TimestampedValue } from '../../windowing/evictor.js';
import type { InternalWindowFunction } from './window-functions.js';
import { WindowOperator, type WindowOperatorConfig } from './window-operator.js';

/** Everything an evicting window operator is built from; contents state must be list state. */
export interface EvictingWindowOperatorConfig<IN, OUT, K, W extends Window>
  extends Omit<WindowOperatorConfig<IN, Iterable<TimestampedValue<IN>>, OUT, K, W>, 'windowFunction'> {
  readonly evictor: Evictor<IN, W>;
  /** Receives the values (without timestamps) that survived `evictBefore`. */
  readonly windowFunction: InternalWindowFunction<Iterable<IN>, OUT, K, W>;
}

/**
 * A window operator that evicts elements around each firing.
 *
 * Gotcha: every element of every window is kept until cleanup, so prefer pre-aggregating
 * windows (reduce/aggregate without an evictor) when you can.
 */
export class EvictingWindowOperator<IN, OUT, K, W extends Window>
  extends WindowOperator<IN, Iterable<TimestampedValue<IN>>, OUT, K, W>
  implements EvictorContext
{
  private readonly evictor: Evictor<IN, W>;
  private readonly userFunction: InternalWindowFunction<Iterable<IN>, OUT, K, W>;

  constructor(config: EvictingWindowOperatorConfig<IN, OUT, K, W>) {
    if (config.stateDescriptor.kind !== 'list') {
      throw new Error('an evicting window operator keeps its contents in list state');
    }
    // The base class only opens, clears and closes the function; emitWindowContents, which
    // calls it with the evicted values, is overridden below.
    super({ ...config, windowFunction: config.windowFunction as never });
    this.evictor = config.evictor;
    this.userFunction = config.windowFunction;
  }

  getCurrentWatermark(): number {
    return this.timerService.currentWatermark();
  }

  protected override addToState(value: IN, timestamp: number): void {
    this.windowState.add({ value, timestamp } satisfies TimestampedValue<IN>);
  }

  protected override emitWindowContents(window: W, contents: Iterable<TimestampedValue<IN>>): void {
    const elements = Array.isArray(contents) ? (contents as TimestampedValue<IN>[]) : Array.from(contents);
    this.collector.timestamp = window.maxTimestamp();
    this.evictor.evictBefore(elements, elements.length, window, this);
    const values: IN[] = new Array(elements.length);
    for (let i = 0; i < elements.length; i++) values[i] = elements[i]!.value;
    this.processContext.currentWindow = window;
    this.userFunction.process(
      this.triggerContext.key as K,
      window,
      this.processContext,
      values,
      this.collector,
    );
    this.evictor.evictAfter(elements, elements.length, window, this);
    // List state cannot remove single elements; rewrite the survivors (Flink does the same).
    (this.windowState as unknown as { update(values: Iterable<unknown>): void }).update(elements);
  }
}
