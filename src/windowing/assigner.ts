/**
 * Window assigners decide which windows an element belongs to. Non-merging assigners
 * (tumbling, sliding, global) return fixed windows; merging assigners (sessions) return a
 * provisional window per element and later merge overlapping ones through `mergeWindows`.
 * An assigner also names its default trigger and whether it works on event time, which decides
 * how late data and cleanup are handled.
 */
import { NO_TIMESTAMP } from '../types/elements.js';
import { ErrorCodes, userError } from '../types/errors.js';
import type { Window } from '../types/functions.js';
import type { Trigger } from './trigger.js';

/** What an assigner may ask of the operator. */
export interface WindowAssignerContext {
  /** The current processing time, for processing-time assigners. */
  getCurrentProcessingTime(): number;
}

/**
 * Assigns each element to zero or more windows.
 *
 * @example
 * stream.keyBy((e) => e.user).window(TumblingEventTimeWindows.of(60_000));
 *
 * Gotcha: `assignWindows` is on the per-record path; it must not keep references to the
 * returned array, and it is called with the record's key already current.
 */
export abstract class WindowAssigner<T, W extends Window> {
  /** The windows `element` (with event time `timestamp`) belongs to. */
  abstract assignWindows(element: T, timestamp: number, context: WindowAssignerContext): W[];
  /** The trigger used when the user sets none. */
  abstract getDefaultTrigger(): Trigger<T, W>;
  /** True for event-time assigners: lateness and cleanup follow the watermark. */
  abstract isEventTime(): boolean;
}

/** An assigner whose windows merge, such as session windows. */
export abstract class MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  /**
   * Calls `onMerge(toBeMerged, mergeResult)` for each group of `windows` that must become one.
   * Windows that merge with nothing are not reported.
   */
  abstract mergeWindows(windows: readonly W[], onMerge: (toBeMerged: W[], mergeResult: W) => void): void;
}

/** True if the assigner merges windows. */
export function isMergingAssigner<T, W extends Window>(
  assigner: WindowAssigner<T, W>,
): assigner is MergingWindowAssigner<T, W> {
  return typeof (assigner as MergingWindowAssigner<T, W>).mergeWindows === 'function';
}

/** Throws the one-line user error for a record without event time in an event-time window. */
export function requireTimestamp(timestamp: number, assignerName: string): void {
  if (timestamp === NO_TIMESTAMP || Number.isNaN(timestamp)) {
    throw userError(
      ErrorCodes.MISSING_TIMESTAMP,
      `${assignerName} got a record without a timestamp; call assignTimestampsAndWatermarks(...) before the window, or pass a WatermarkStrategy with a timestamp assigner to fromSource`,
    );
  }
}

/** Checks that a duration argument is a positive finite number of milliseconds. */
export function requirePositive(value: number, where: string, what: string, fix: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw userError(ErrorCodes.INVALID_ARGUMENT, `${where}: ${what} must be > 0 ms, got ${value}; ${fix}`);
  }
}

/** Checks `|offset| < bound` (Flink's rule for aligned windows). */
export function requireOffset(offset: number, bound: number, where: string, boundName: string): void {
  if (typeof offset !== 'number' || !Number.isFinite(offset) || Math.abs(offset) >= bound) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `${where}: offset must satisfy |offset| < ${boundName} (${bound} ms), got ${offset}; pass an offset between -${bound} and ${bound} exclusive`,
    );
  }
}
