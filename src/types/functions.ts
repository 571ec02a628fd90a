/**
 * The functions users write. One-method interfaces also accept plain lambdas; the abstract
 * classes (process functions, window functions) are extended, as in Flink. A function object
 * is copied for each parallel subtask, so instance fields set in `open` are per subtask.
 */
import type { KeyedStateStore } from './state.js';

/** Receives the output of a function. */
export interface Collector<T> {
  collect(value: T): void;
}

/**
 * Names a side output and its element type.
 *
 * @example
 * const late = new OutputTag<Bid>('late-bids');
 * stream.process(fn); ctx.output(late, bid); result.getSideOutput(late);
 */
export class OutputTag<T> {
  declare readonly __type?: T;
  constructor(readonly id: string) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new TypeError('an OutputTag needs a non-empty id: new OutputTag<T>("late")');
    }
  }
}

/** Facts about the parallel instance a function runs in, and its keyed state. */
export interface RuntimeContext extends KeyedStateStore {
  getTaskName(): string;
  getIndexOfThisSubtask(): number;
  getNumberOfParallelSubtasks(): number;
  getMaxNumberOfParallelSubtasks(): number;
  /** 0 on the first run, incremented on each restart. */
  getAttemptNumber(): number;
}

/** Optional lifecycle of any function object. */
export interface RichFunction {
  /** Called once per subtask before the first record; declare state here. */
  open?(ctx: RuntimeContext): void;
  /** Called once per subtask after the last record or on cancellation. */
  close?(): void;
}

/** One output per input. */
export interface MapFunction<IN, OUT> extends RichFunction {
  map(value: IN): OUT;
}

/** Zero or more outputs per input. */
export interface FlatMapFunction<IN, OUT> extends RichFunction {
  flatMap(value: IN, out: Collector<OUT>): void;
}

/** Keeps the inputs for which it returns true. */
export interface FilterFunction<T> extends RichFunction {
  filter(value: T): boolean;
}

/**
 * Extracts the key of a record. Keys compare by value: primitives as themselves, objects and
 * arrays by their contents. It must be deterministic and never return `undefined`.
 */
export type KeySelector<T, K> = (value: T) => K;

/** Combines two values of the same type into one. */
export interface ReduceFunction<T> extends RichFunction {
  reduce(a: T, b: T): T;
}

/** Incremental aggregation with an accumulator. A plain object with these four methods works. */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
}

/** Access to time and timers from inside a function. */
export interface TimerService {
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** Timers are deduplicated: one timer per key, namespace and timestamp. Keyed streams only. */
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
}

/** Context of a {@link ProcessFunction} call. */
export interface ProcessContext<OUT> {
  /** The record's timestamp, or undefined if it has none. */
  timestamp(): number | undefined;
  timerService(): TimerService;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
  /** @internal phantom for the main output type */
  readonly __out?: OUT;
}

/** Context of a {@link KeyedProcessFunction} call. */
export interface KeyedProcessContext<K, OUT> extends ProcessContext<OUT> {
  getCurrentKey(): K;
}

/** Whether a timer was set on event time or processing time. */
export type TimeDomain = 'event-time' | 'processing-time';

/** Context of {@link KeyedProcessFunction.onTimer}. */
export interface OnTimerContext<K, OUT> extends KeyedProcessContext<K, OUT> {
  timeDomain(): TimeDomain;
}

/** The base of process functions: lifecycle hooks, with a runtime context set before `open`. */
export abstract class AbstractRichFunction implements RichFunction {
  private runtimeContext: RuntimeContext | undefined;

  /** @internal set by the runtime before open */
  setRuntimeContext(ctx: RuntimeContext): void {
    this.runtimeContext = ctx;
  }

  /** The runtime context; available from `open` on. */
  getRuntimeContext(): RuntimeContext {
    if (this.runtimeContext === undefined) {
      throw new Error('getRuntimeContext() is only available once the function is opened; call it in open()');
    }
    return this.runtimeContext;
  }

  open(_ctx: RuntimeContext): void {}
  close(): void {}
}

/** Processes each element of a (non-keyed) stream; may emit to side outputs. */
export abstract class ProcessFunction<IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: ProcessContext<OUT>, out: Collector<OUT>): void;
}

/** Processes each element of a keyed stream with keyed state and timers. */
export abstract class KeyedProcessFunction<K, IN, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN, ctx: KeyedProcessContext<K, OUT>, out: Collector<OUT>): void;
  /** Called when a timer set through `ctx.timerService()` fires, with the timer's key current. */
  onTimer(_timestamp: number, _ctx: OnTimerContext<K, OUT>, _out: Collector<OUT>): void {}
}

/** Context of a co-process function call. */
export interface CoProcessContext<OUT> extends ProcessContext<OUT> {}

/** Processes two connected streams; each side has its own method. */
export abstract class CoProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: ProcessContext<OUT>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: ProcessContext<OUT>, out: Collector<OUT>): void;
  onTimer(_timestamp: number, _ctx: OnTimerContext<unknown, OUT>, _out: Collector<OUT>): void {}
}

/** Processes two connected keyed streams sharing keyed state and timers. */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: KeyedProcessContext<K, OUT>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: KeyedProcessContext<K, OUT>, out: Collector<OUT>): void;
  onTimer(_timestamp: number, _ctx: OnTimerContext<K, OUT>, _out: Collector<OUT>): void {}
}

/** Context of a {@link ProcessJoinFunction} call. */
export interface ProcessJoinContext<OUT> {
  leftTimestamp(): number;
  rightTimestamp(): number;
  /** The timestamp of the joined result: the larger of the two. */
  timestamp(): number;
  output<X>(tag: OutputTag<X>, value: X): void;
  /** @internal phantom for the main output type */
  readonly __out?: OUT;
}

/** Receives each pair matched by an interval join. */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext<OUT>, out: Collector<OUT>): void;
}

/** A window: a group of elements with a maximum timestamp at which it can fire. */
export interface Window {
  /** The largest timestamp that still belongs to the window. */
  maxTimestamp(): number;
  /** A value that is equal for equal windows; used as the state namespace. */
  readonly namespaceKey: string;
}

/** Context of a {@link ProcessWindowFunction} call. */
export interface ProcessWindowContext<W extends Window> {
  window(): W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** State scoped to this key and window; cleared when the window is purged, via `clear`. */
  windowState(): KeyedStateStore;
  /** State scoped to this key across all windows. */
  globalState(): KeyedStateStore;
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Processes all elements (or the pre-aggregated result) of a window when it fires. */
export abstract class ProcessWindowFunction<IN, OUT, K, W extends Window> extends AbstractRichFunction {
  abstract process(
    key: K,
    context: ProcessWindowContext<W>,
    elements: Iterable<IN>,
    out: Collector<OUT>,
  ): void;
  /** Called when the window is purged; clear any per-window state here. */
  clear(_context: ProcessWindowContext<W>): void {}
}

/** The lambda form of a window function. */
export type WindowFunction<IN, OUT, K, W extends Window> = (
  key: K,
  window: W,
  elements: Iterable<IN>,
  out: Collector<OUT>,
) => void;
