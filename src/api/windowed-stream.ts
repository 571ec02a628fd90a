/**
 * `WindowedStream<T, K, W>`: a keyed stream with a window assigner, configured with an optional
 * trigger, evictor, allowed lateness and late-data side output, and finished by `reduce`,
 * `aggregate` or `process`, which add the window operator. As in Flink, the configuration
 * methods change this object and return it; the terminal methods snapshot the configuration.
 */
import type { OneInputStreamOperator } from '../runtime/operator.js';
import type { UserReduceFunction, UserWindowFunction } from '../runtime/operators/window-functions.js';
import {
  createAggregateWindowOperator,
  createProcessWindowOperator,
  createReduceWindowOperator,
  validateWindowSpec,
  type WindowSpec,
} from '../runtime/operators/window-operator-builder.js';
import { ErrorCodes, userError } from '../types/errors.js';
import type { AggregateFunction, OutputTag, Window } from '../types/functions.js';
import type { WindowAssigner } from '../windowing/assigner.js';
import { CountTrigger, PurgingTrigger } from '../windowing/count-triggers.js';
import type { Evictor } from '../windowing/evictor.js';
import { CountEvictor } from '../windowing/evictors.js';
import { GlobalWindows } from '../windowing/global-windows.js';
import type { Trigger } from '../windowing/trigger.js';
import type { GlobalWindow } from '../windowing/windows.js';
import type { DataStream } from './data-stream.js';
import type { KeyedStream } from './keyed-stream.js';

/**
 * A keyed, windowed stream.
 *
 * @example
 * env.fromSource(bids, strategy, 'bids')
 *   .keyBy((b) => b.auction)
 *   .window(TumblingEventTimeWindows.of(10_000))
 *   .allowedLateness(5_000)
 *   .sideOutputLateData(lateBids)
 *   .aggregate(countBids, (auction, window, counts, out) => out.collect({ auction, end: window.end, n: [...counts][0] }));
 *
 * Gotchas: without `allowedLateness`, an element behind the watermark by more than its
 * window's end is dropped (or sent to `sideOutputLateData`). Session windows need a trigger
 * that can merge. An evictor disables pre-aggregation: every element is kept until cleanup.
 */
export class WindowedStream<T, K, W extends Window> {
  private customTrigger: Trigger<T, W> | undefined;
  private customEvictor: Evictor<T, W> | undefined;
  private lateness = 0;
  private lateTag: OutputTag<T> | undefined;

  constructor(
    readonly keyedStream: KeyedStream<T, K>,
    readonly assigner: WindowAssigner<T, W>,
  ) {
    if (assigner === null || typeof assigner !== 'object' || typeof assigner.assignWindows !== 'function') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'window(...) needs a window assigner such as TumblingEventTimeWindows.of(ms) or EventTimeSessionWindows.withGap(ms)',
      );
    }
  }

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<T, W>): this {
    this.customTrigger = trigger;
    validateWindowSpec(this.spec());
    return this;
  }

  /** Removes elements before and/or after each firing; see CountEvictor, TimeEvictor, DeltaEvictor. */
  evictor(evictor: Evictor<T, W>): this {
    if (evictor === null || typeof evictor !== 'object' || typeof evictor.evictBefore !== 'function') {
      throw userError(ErrorCodes.INVALID_ARGUMENT, 'evictor(...) needs an Evictor, e.g. CountEvictor.of(10)');
    }
    this.customEvictor = evictor;
    return this;
  }

  /** Keeps event-time windows for `ms` after their end; late elements within it re-fire the window. */
  allowedLateness(ms: number): this {
    if (typeof ms !== 'number' || !(ms >= 0)) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `allowedLateness must be >= 0 ms, got ${ms}; pass 0 to drop late elements or a positive number of milliseconds`,
      );
    }
    this.lateness = ms;
    return this;
  }

  /** Sends elements dropped as late to this side output instead of discarding them. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateTag = tag;
    return this;
  }

  /** Reduces each window to one value, incrementally. */
  reduce(fn: UserReduceFunction<T>): DataStream<T>;
  /** Reduces each window incrementally and hands the result to a window function. */
  reduce<R>(fn: UserReduceFunction<T>, windowFn: UserWindowFunction<T, R, K, W>): DataStream<R>;
  reduce<R>(
    fn: UserReduceFunction<T>,
    windowFn?: UserWindowFunction<T, R, K, W>,
  ): DataStream<R> | DataStream<T> {
    if (typeof fn !== 'function' && typeof (fn as { reduce?: unknown })?.reduce !== 'function') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'reduce needs a function (a, b) => c or an object with reduce(a, b)',
      );
    }
    const spec = this.spec();
    return this.add<R>('Reduce', () => createReduceWindowOperator<T, R, K, W>(spec, fn, windowFn));
  }

  /** Aggregates each window incrementally with an AggregateFunction. */
  aggregate<ACC, R>(fn: AggregateFunction<T, ACC, R>): DataStream<R>;
  /** Aggregates each window incrementally and hands the result to a window function. */
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    windowFn: UserWindowFunction<V, R, K, W>,
  ): DataStream<R>;
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    windowFn?: UserWindowFunction<V, R, K, W>,
  ): DataStream<R> {
    const spec = this.spec();
    // Build one operator now so that a bad aggregate function fails here, not at run time.
    createAggregateWindowOperator<T, ACC, V, R, K, W>(spec, fn, windowFn);
    return this.add<R>('Aggregate', () =>
      createAggregateWindowOperator<T, ACC, V, R, K, W>(spec, fn, windowFn),
    );
  }

  /** Hands all elements of each window to a ProcessWindowFunction or a window lambda. */
  process<R>(fn: UserWindowFunction<T, R, K, W>): DataStream<R> {
    const spec = this.spec();
    createProcessWindowOperator<T, R, K, W>(spec, fn);
    return this.add<R>('Process', () => createProcessWindowOperator<T, R, K, W>(spec, fn));
  }

  private spec(): WindowSpec<T, W> {
    return {
      assigner: this.assigner,
      trigger: this.customTrigger,
      evictor: this.customEvictor,
      allowedLateness: this.lateness,
      lateDataOutputTag: this.lateTag,
    };
  }

  private add<R>(what: string, factory: () => OneInputStreamOperator<T, unknown>): DataStream<R> {
    const name = `Window(${String(this.assigner)}, ${what})`;
    return this.keyedStream.transform<R>(name, factory as () => OneInputStreamOperator<T, R>);
  }
}

/**
 * Count windows as in Flink's KeyedStream.countWindow: tumbling windows of `size` elements per
 * key (GlobalWindows with PurgingTrigger.of(CountTrigger.of(size))), or, with `slide`, windows of
 * the last `size` elements every `slide` elements (CountEvictor.of(size) + CountTrigger.of(slide)).
 *
 * @example
 * keyed.countWindow(100).reduce((a, b) => a + b);     // sum of each 100 elements
 * keyed.countWindow(100, 10).process(avgOfLast100);   // every 10 elements, the last 100
 */
export function countWindow<T, K>(
  keyed: KeyedStream<T, K>,
  size: number,
  slide?: number,
): WindowedStream<T, K, GlobalWindow> {
  const windowed = new WindowedStream<T, K, GlobalWindow>(
    keyed,
    GlobalWindows.create() as WindowAssigner<T, GlobalWindow>,
  );
  if (slide === undefined) return windowed.trigger(PurgingTrigger.of(CountTrigger.of<GlobalWindow>(size)));
  return windowed.evictor(CountEvictor.of<GlobalWindow>(size)).trigger(CountTrigger.of<GlobalWindow>(slide));
}
