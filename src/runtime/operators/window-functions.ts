/**
 * The window function as the window operator calls it: one shape for every user form. The
 * contents handed over depend on the window state: an iterable of elements (list state), a
 * single pre-aggregated value (reducing and aggregating state), or, with evictors, the
 * remaining elements that are folded here before the user's function sees them.
 */
import type {
  AggregateFunction,
  Collector,
  ProcessWindowContext,
  ProcessWindowFunction,
  ReduceFunction,
  RuntimeContext,
  Window,
  WindowFunction,
} from '../../types/functions.js';
import { closeUserFunction, openUserFunction } from './user-function.js';

/** A window function in either user form: a ProcessWindowFunction or a lambda. */
export type UserWindowFunction<IN, OUT, K, W extends Window> =
  | ProcessWindowFunction<IN, OUT, K, W>
  | WindowFunction<IN, OUT, K, W>;

/** A reduce function as a lambda or an object with `reduce`. */
export type UserReduceFunction<T> = ReduceFunction<T> | ((a: T, b: T) => T);

/** The operator-side window function; `contents` is whatever the window state holds. */
export interface InternalWindowFunction<ACC, OUT, K, W extends Window> {
  process(key: K, window: W, ctx: ProcessWindowContext<W>, contents: ACC, out: Collector<OUT>): void;
  /** Called when the window is cleaned up (ProcessWindowFunction.clear). */
  clear(window: W, ctx: ProcessWindowContext<W>): void;
  open(ctx: RuntimeContext): void;
  close(): void;
}

/** Normalizes a reduce lambda to a ReduceFunction (objects are returned as they are). */
export function toReduceFunction<T>(fn: UserReduceFunction<T>): ReduceFunction<T> {
  return typeof fn === 'function' ? { reduce: fn } : fn;
}

function callUser<IN, OUT, K, W extends Window>(
  fn: UserWindowFunction<IN, OUT, K, W>,
  key: K,
  ctx: ProcessWindowContext<W>,
  elements: Iterable<IN>,
  out: Collector<OUT>,
): void {
  if (typeof fn === 'function') fn(key, ctx.window(), elements, out);
  else fn.process(key, ctx, elements, out);
}

/** Shared lifecycle: opens and closes the user function and any helper functions. */
abstract class BaseWindowFunction<ACC, OUT, K, W extends Window>
  implements InternalWindowFunction<ACC, OUT, K, W>
{
  constructor(protected readonly functions: readonly unknown[]) {}

  abstract process(key: K, window: W, ctx: ProcessWindowContext<W>, contents: ACC, out: Collector<OUT>): void;

  /** Only a ProcessWindowFunction (the first function, if any) has per-window state to clear. */
  clear(_window: W, ctx: ProcessWindowContext<W>): void {
    const fn = this.functions[0];
    if (
      fn !== null &&
      typeof fn === 'object' &&
      typeof (fn as { process?: unknown }).process === 'function'
    ) {
      (fn as ProcessWindowFunction<unknown, OUT, K, W>).clear?.(ctx);
    }
  }

  open(ctx: RuntimeContext): void {
    for (const fn of this.functions) openUserFunction(fn, ctx);
  }

  close(): void {
    for (const fn of this.functions) closeUserFunction(fn);
  }
}

/** Contents are all elements of the window (list state). */
export class IterableWindowFunction<IN, OUT, K, W extends Window> extends BaseWindowFunction<
  Iterable<IN>,
  OUT,
  K,
  W
> {
  constructor(private readonly fn: UserWindowFunction<IN, OUT, K, W>) {
    super([fn]);
  }

  process(
    key: K,
    _window: W,
    ctx: ProcessWindowContext<W>,
    contents: Iterable<IN>,
    out: Collector<OUT>,
  ): void {
    callUser(this.fn, key, ctx, contents, out);
  }
}

/** Contents are one pre-aggregated value, handed to the user's function as a one-element list. */
export class SingleValueWindowFunction<V, OUT, K, W extends Window> extends BaseWindowFunction<V, OUT, K, W> {
  constructor(
    private readonly fn: UserWindowFunction<V, OUT, K, W>,
    helpers: readonly unknown[] = [],
  ) {
    super([fn, ...helpers]);
  }

  process(key: K, _window: W, ctx: ProcessWindowContext<W>, contents: V, out: Collector<OUT>): void {
    callUser(this.fn, key, ctx, [contents], out);
  }
}

/** Emits the pre-aggregated value itself: reduce or aggregate without a window function. */
export class PassThroughWindowFunction<V, K, W extends Window> extends BaseWindowFunction<V, V, K, W> {
  constructor(helpers: readonly unknown[] = []) {
    super(helpers);
  }

  process(_key: K, _window: W, _ctx: ProcessWindowContext<W>, contents: V, out: Collector<V>): void {
    out.collect(contents);
  }
}

/** With an evictor and reduce: folds the remaining elements, then calls `inner` with the result. */
export class ReduceIterableWindowFunction<T, OUT, K, W extends Window> extends BaseWindowFunction<
  Iterable<T>,
  OUT,
  K,
  W
> {
  constructor(
    private readonly reducer: ReduceFunction<T>,
    private readonly inner: InternalWindowFunction<T, OUT, K, W>,
  ) {
    super([]);
  }

  process(key: K, window: W, ctx: ProcessWindowContext<W>, contents: Iterable<T>, out: Collector<OUT>): void {
    let acc: T | undefined;
    let first = true;
    for (const v of contents) {
      acc = first ? v : this.reducer.reduce(acc as T, v);
      first = false;
    }
    if (!first) this.inner.process(key, window, ctx, acc as T, out);
  }

  override clear(window: W, ctx: ProcessWindowContext<W>): void {
    this.inner.clear(window, ctx);
  }
  override open(ctx: RuntimeContext): void {
    openUserFunction(this.reducer, ctx);
    this.inner.open(ctx);
  }
  override close(): void {
    closeUserFunction(this.reducer);
    this.inner.close();
  }
}

/** With an evictor and aggregate: aggregates the remaining elements, then calls `inner`. */
export class AggregateIterableWindowFunction<IN, ACC, R, OUT, K, W extends Window> extends BaseWindowFunction<
  Iterable<IN>,
  OUT,
  K,
  W
> {
  constructor(
    private readonly aggregate: AggregateFunction<IN, ACC, R>,
    private readonly inner: InternalWindowFunction<R, OUT, K, W>,
  ) {
    super([]);
  }

  process(
    key: K,
    window: W,
    ctx: ProcessWindowContext<W>,
    contents: Iterable<IN>,
    out: Collector<OUT>,
  ): void {
    let acc = this.aggregate.createAccumulator();
    for (const v of contents) acc = this.aggregate.add(v, acc);
    this.inner.process(key, window, ctx, this.aggregate.getResult(acc), out);
  }

  override clear(window: W, ctx: ProcessWindowContext<W>): void {
    this.inner.clear(window, ctx);
  }
  override open(ctx: RuntimeContext): void {
    openUserFunction(this.aggregate, ctx);
    this.inner.open(ctx);
  }
  override close(): void {
    closeUserFunction(this.aggregate);
    this.inner.close();
  }
}
