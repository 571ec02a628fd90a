/**
 * Evictors remove elements from a window's contents just before and/or just after the window
 * function runs. A window with an evictor keeps every element (with its timestamp) in list
 * state, since pre-aggregation is impossible when elements may later be removed.
 */
import { NO_TIMESTAMP } from '../types/elements.js';
import type { Window } from '../types/functions.js';

/** An element with its event timestamp ({@link NO_TIMESTAMP} if it has none). */
export interface TimestampedValue<T> {
  readonly value: T;
  readonly timestamp: number;
}

/** True if the element carries an event timestamp. */
export function hasTimestamp(element: TimestampedValue<unknown>): boolean {
  return element.timestamp !== NO_TIMESTAMP;
}

/** Time as the evictor sees it. */
export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * Removes elements from a window. `elements` is the window's contents in arrival order;
 * remove elements by mutating the array in place (e.g. `splice`). What remains after
 * `evictAfter` is written back as the window's new contents.
 *
 * @example
 * const keepLastTen: Evictor<Reading, TimeWindow> = {
 *   evictBefore(els) { if (els.length > 10) els.splice(0, els.length - 10); },
 *   evictAfter() {},
 * };
 *
 * Gotcha: `size` is the length on entry; do not rely on it after removing elements.
 */
export interface Evictor<T, W extends Window> {
  /** Runs before the window function; what it removes is not seen by the function. */
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
  /** Runs after the window function; what it removes is gone before the next firing. */
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
}

/** Removes, in place, the elements for which `remove` returns true; keeps the order. */
export function removeWhere<T>(
  elements: TimestampedValue<T>[],
  remove: (e: TimestampedValue<T>) => boolean,
): void {
  let kept = 0;
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (!remove(e)) elements[kept++] = e;
  }
  elements.length = kept;
}
