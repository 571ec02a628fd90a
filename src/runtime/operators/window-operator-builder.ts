/**
 * Builds window operators from what the user configured on a WindowedStream: which state holds
 * the contents and which adapter turns it into the user's window function. Mirrors Flink's
 * WindowedStream / WindowOperatorBuilder: with an evictor everything is kept in list state and
 * folded at firing time; without one, reduce and aggregate pre-aggregate in state.
 *
 * Each builder copies the user functions, trigger and evictor (cloneUserFunction), so call it
 * once per parallel subtask, inside the operator factory.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { AggregateFunction, OutputTag, Window } from '../../types/functions.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  ReducingStateDescriptor,
} from '../../types/state.js';
import { isMergingAssigner, type WindowAssigner } from '../../windowing/assigner.js';
import type { Evictor } from '../../windowing/evictor.js';
import type { Trigger } from '../../windowing/trigger.js';
import type { OneInputStreamOperator } from '../operator.js';
import { EvictingWindowOperator } from './evicting-window-operator.js';
import { cloneUserFunction } from './user-function.js';
import {
  AggregateIterableWindowFunction,
  type InternalWindowFunction,
  IterableWindowFunction,
  PassThroughWindowFunction,
  ReduceIterableWindowFunction,
  SingleValueWindowFunction,
  toReduceFunction,
  type UserReduceFunction,
  type UserWindowFunction,
} from './window-functions.js';
import { WindowOperator } from './window-operator.js';
import { canMergeSlices, SlicingWindowOperator } from './slicing-window-operator.js';
import { SlidingEventTimeWindows } from '../../windowing/sliding.js';
import type { TimeWindow } from '../../windowing/windows.js';

/** The window configuration shared by reduce, aggregate and process. */
export interface WindowSpec<T, W extends Window> {
  readonly assigner: WindowAssigner<T, W>;
  /** Defaults to the assigner's default trigger. */
  readonly trigger?: Trigger<T, W> | undefined;
  readonly evictor?: Evictor<T, W> | undefined;
  readonly allowedLateness?: number | undefined;
  readonly lateDataOutputTag?: OutputTag<T> | undefined;
}

const CONTENTS = 'window-contents';

/** Checks a spec the way Flink's WindowedStream does; throws one-line user errors. */
export function validateWindowSpec<T, W extends Window>(spec: WindowSpec<T, W>): void {
  const lateness = spec.allowedLateness ?? 0;
  if (typeof lateness !== 'number' || !(lateness >= 0)) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `allowedLateness must be >= 0 ms, got ${lateness}; pass 0 to drop late elements or a positive number of milliseconds`,
    );
  }
  if (spec.trigger !== undefined && isMergingAssigner(spec.assigner) && !spec.trigger.canMerge()) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `trigger ${String(spec.trigger)} cannot be used with merging (session) windows; use a trigger whose canMerge() returns true`,
    );
  }
}

function build<T, ACC, OUT, K, W extends Window>(
  spec: WindowSpec<T, W>,
  stateDescriptor:
    | ListStateDescriptor<any>
    | ReducingStateDescriptor<any>
    | AggregatingStateDescriptor<any, any, any>,
  windowFunction: InternalWindowFunction<ACC, OUT, K, W>,
): OneInputStreamOperator<T, OUT> {
  validateWindowSpec(spec);
  const trigger = cloneUserFunction(spec.trigger ?? spec.assigner.getDefaultTrigger());
  const common = {
    assigner: spec.assigner,
    trigger,
    allowedLateness: spec.allowedLateness ?? 0,
    lateDataOutputTag: spec.lateDataOutputTag,
  };
  if (spec.evictor !== undefined) {
    return new EvictingWindowOperator<T, OUT, K, W>({
      ...common,
      evictor: cloneUserFunction(spec.evictor),
      stateDescriptor: new ListStateDescriptor(CONTENTS),
      windowFunction: windowFunction as unknown as InternalWindowFunction<Iterable<T>, OUT, K, W>,
    });
  }
  return new WindowOperator<T, ACC, OUT, K, W>({ ...common, stateDescriptor, windowFunction });
}

/**
 * A window operator that reduces each window's elements; the optional window function gets
 * the single reduced value.
 *
 * @example
 * const op = createReduceWindowOperator({ assigner: TumblingEventTimeWindows.of(10) }, (a, b) => a + b);
 */
export function createReduceWindowOperator<T, OUT = T, K = unknown, W extends Window = Window>(
  spec: WindowSpec<T, W>,
  reduceFn: UserReduceFunction<T>,
  windowFn?: UserWindowFunction<T, OUT, K, W>,
): OneInputStreamOperator<T, OUT> {
  const reducer = toReduceFunction(cloneUserFunction(reduceFn));
  const fn = windowFn === undefined ? undefined : cloneUserFunction(windowFn);
  const single: InternalWindowFunction<T, OUT, K, W> =
    fn === undefined
      ? (new PassThroughWindowFunction<T, K, W>() as unknown as InternalWindowFunction<T, OUT, K, W>)
      : new SingleValueWindowFunction<T, OUT, K, W>(fn);
  if (spec.evictor !== undefined) {
    return build(spec, new ListStateDescriptor(CONTENTS), new ReduceIterableWindowFunction(reducer, single));
  }
  // The reduce function runs inside the state; open and close it with the window function.
  const withReducer =
    fn === undefined
      ? (new PassThroughWindowFunction<T, K, W>([reducer]) as unknown as InternalWindowFunction<T, OUT, K, W>)
      : new SingleValueWindowFunction<T, OUT, K, W>(fn, [reducer]);
  return build(spec, new ReducingStateDescriptor<T>(CONTENTS, reducer), withReducer);
}

/**
 * A window operator that aggregates each window's elements incrementally; the optional window
 * function gets the single aggregate result.
 */
export function createAggregateWindowOperator<T, ACC, R, OUT = R, K = unknown, W extends Window = Window>(
  spec: WindowSpec<T, W>,
  aggregateFn: AggregateFunction<T, ACC, R>,
  windowFn?: UserWindowFunction<R, OUT, K, W>,
): OneInputStreamOperator<T, OUT> {
  checkAggregate(aggregateFn);
  const agg = cloneUserFunction(aggregateFn);
  const fn = windowFn === undefined ? undefined : cloneUserFunction(windowFn);
  const single = (helpers: unknown[]): InternalWindowFunction<R, OUT, K, W> =>
    fn === undefined
      ? (new PassThroughWindowFunction<R, K, W>(helpers) as unknown as InternalWindowFunction<R, OUT, K, W>)
      : new SingleValueWindowFunction<R, OUT, K, W>(fn, helpers);
  if (spec.evictor !== undefined) {
    return build(
      spec,
      new ListStateDescriptor(CONTENTS),
      new AggregateIterableWindowFunction(agg, single([])),
    );
  }
  if (sliceable(spec, agg)) {
    const { size, slide, offset } = spec.assigner;
    return new SlicingWindowOperator<T, ACC, R, OUT, K>({
      size,
      slide,
      offset,
      aggregate: agg,
      windowFunction: single([agg]) as unknown as InternalWindowFunction<R, OUT, K, TimeWindow>,
      lateDataOutputTag: spec.lateDataOutputTag,
    });
  }
  return build(spec, new AggregatingStateDescriptor<T, ACC, R>(CONTENTS, agg), single([agg]));
}

/** A window operator that hands all elements of a window to a ProcessWindowFunction or lambda. */
export function createProcessWindowOperator<T, OUT, K = unknown, W extends Window = Window>(
  spec: WindowSpec<T, W>,
  windowFn: UserWindowFunction<T, OUT, K, W>,
): OneInputStreamOperator<T, OUT> {
  checkWindowFunction(windowFn);
  const fn = new IterableWindowFunction<T, OUT, K, W>(cloneUserFunction(windowFn));
  return build(spec, new ListStateDescriptor(CONTENTS), fn);
}

/**
 * True if overlapping sliding event-time windows can share per-slice accumulators: the default
 * trigger, no evictor and no allowed lateness, so that each window fires exactly once, at its
 * end, as with the plain window operator.
 */
function sliceable<T, W extends Window>(
  spec: WindowSpec<T, W>,
  aggregate: AggregateFunction<any, any, any>,
): spec is WindowSpec<T, W> & { assigner: SlidingEventTimeWindows } {
  const assigner = spec.assigner as unknown;
  return (
    assigner instanceof SlidingEventTimeWindows &&
    assigner.slide < assigner.size &&
    spec.trigger === undefined &&
    spec.evictor === undefined &&
    (spec.allowedLateness ?? 0) === 0 &&
    canMergeSlices(aggregate)
  );
}

function checkAggregate(fn: unknown): void {
  const f = fn as Partial<AggregateFunction<unknown, unknown, unknown>> | null;
  if (
    f === null ||
    typeof f !== 'object' ||
    typeof f.createAccumulator !== 'function' ||
    typeof f.add !== 'function' ||
    typeof f.getResult !== 'function' ||
    typeof f.merge !== 'function'
  ) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      'aggregate(...) needs an object with createAccumulator(), add(value, acc), getResult(acc) and merge(a, b)',
    );
  }
}

function checkWindowFunction(fn: unknown): void {
  const ok =
    typeof fn === 'function' ||
    (fn !== null && typeof fn === 'object' && typeof (fn as { process?: unknown }).process === 'function');
  if (!ok) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      'a window function must be a ProcessWindowFunction or a lambda (key, window, elements, out) => void',
    );
  }
}
