/**
 * The built-in evictors, each usable before (default) or after the window function:
 * keep the last N elements, keep the elements of the last T ms, or drop elements too far
 * (by a delta function) from the newest one.
 */
import { ErrorCodes, userError } from '../types/errors.js';
import type { Window } from '../types/functions.js';
import { requirePositive } from './assigner.js';
import {
  type Evictor,
  type EvictorContext,
  hasTimestamp,
  removeWhere,
  type TimestampedValue,
} from './evictor.js';

/** Shared shape: the work happens in `evict`, run before or after depending on the flag. */
abstract class BaseEvictor<T, W extends Window> implements Evictor<T, W> {
  constructor(readonly doEvictAfter: boolean) {}

  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements, size, window, ctx);
  }

  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements, size, window, ctx);
  }

  protected abstract evict(
    elements: TimestampedValue<T>[],
    size: number,
    window: W,
    ctx: EvictorContext,
  ): void;
}

/**
 * Keeps at most `maxCount` elements: the most recently added ones.
 *
 * @example
 * keyed.window(GlobalWindows.create()).evictor(CountEvictor.of(100)).trigger(CountTrigger.of(10));
 */
export class CountEvictor<W extends Window = Window> extends BaseEvictor<unknown, W> {
  private constructor(
    readonly maxCount: number,
    doEvictAfter: boolean,
  ) {
    super(doEvictAfter);
  }

  /** Keeps the last `maxCount` (positive integer) elements; before the function unless `doEvictAfter`. */
  static of<W extends Window = Window>(maxCount: number, doEvictAfter = false): CountEvictor<W> {
    if (!Number.isInteger(maxCount) || maxCount <= 0) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `CountEvictor.of: count must be a positive integer, got ${maxCount}; pass how many elements to keep`,
      );
    }
    return new CountEvictor<W>(maxCount, doEvictAfter);
  }

  protected evict(elements: TimestampedValue<unknown>[]): void {
    if (elements.length > this.maxCount) elements.splice(0, elements.length - this.maxCount);
  }
}

/**
 * Keeps the elements whose timestamp is within `windowSize` ms of the newest element's:
 * removes those with `timestamp <= max - windowSize`. Does nothing when elements have no
 * timestamps.
 *
 * @example
 * TimeEvictor.of(10_000); // only the last ten seconds of each window reach the function
 */
export class TimeEvictor<W extends Window = Window> extends BaseEvictor<unknown, W> {
  private constructor(
    readonly windowSize: number,
    doEvictAfter: boolean,
  ) {
    super(doEvictAfter);
  }

  /** Keeps the last `windowSize` ms (> 0) of elements. */
  static of<W extends Window = Window>(windowSize: number, doEvictAfter = false): TimeEvictor<W> {
    requirePositive(
      windowSize,
      'TimeEvictor.of',
      'window size',
      'pass how many milliseconds of elements to keep',
    );
    return new TimeEvictor<W>(windowSize, doEvictAfter);
  }

  protected evict(elements: TimestampedValue<unknown>[]): void {
    // As in Flink, the first element decides whether the elements carry timestamps.
    if (elements.length === 0 || !hasTimestamp(elements[0]!)) return;
    let max = Number.NEGATIVE_INFINITY;
    for (const e of elements) if (e.timestamp > max) max = e.timestamp;
    const cutoff = max - this.windowSize;
    removeWhere(elements, (e) => e.timestamp <= cutoff);
  }
}

/** The distance between two elements, for {@link DeltaEvictor}. A lambda or an object with `getDelta`. */
export type DeltaFunction<T> = ((a: T, b: T) => number) | { getDelta(a: T, b: T): number };

/**
 * Removes elements whose delta to the last (newest) element is `>= threshold`.
 *
 * @example
 * DeltaEvictor.of(5, (a: Reading, b: Reading) => Math.abs(a.value - b.value));
 */
export class DeltaEvictor<T, W extends Window = Window> extends BaseEvictor<T, W> {
  private readonly delta: (a: T, b: T) => number;

  private constructor(
    readonly threshold: number,
    deltaFunction: DeltaFunction<T>,
    doEvictAfter: boolean,
  ) {
    super(doEvictAfter);
    this.delta = typeof deltaFunction === 'function' ? deltaFunction : (a, b) => deltaFunction.getDelta(a, b);
  }

  /** Evicts elements at least `threshold` away from the newest one. */
  static of<T, W extends Window = Window>(
    threshold: number,
    deltaFunction: DeltaFunction<T>,
    doEvictAfter = false,
  ): DeltaEvictor<T, W> {
    if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `DeltaEvictor.of: threshold must be a number, got ${threshold}; pass the delta at which elements are evicted`,
      );
    }
    const ok =
      typeof deltaFunction === 'function' ||
      typeof (deltaFunction as { getDelta?: unknown })?.getDelta === 'function';
    if (!ok) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'DeltaEvictor.of: pass a delta function (a, b) => number or an object with getDelta(a, b)',
      );
    }
    return new DeltaEvictor<T, W>(threshold, deltaFunction, doEvictAfter);
  }

  protected evict(elements: TimestampedValue<T>[]): void {
    if (elements.length === 0) return;
    const last = elements[elements.length - 1]!.value;
    removeWhere(elements, (e) => this.delta(e.value, last) >= this.threshold);
  }
}
