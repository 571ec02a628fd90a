/**
 * Session windows: each element opens a window `[t, t + gap)`, and windows that overlap or
 * touch merge, so a session ends after `gap` ms without elements for the key. The gap can be
 * fixed or computed per element.
 */
import { ErrorCodes, userError } from '../types/errors.js';
import {
  MergingWindowAssigner,
  requirePositive,
  requireTimestamp,
  type WindowAssignerContext,
} from './assigner.js';
import { EventTimeTrigger, ProcessingTimeTrigger } from './time-triggers.js';
import type { Trigger } from './trigger.js';
import { mergeTimeWindows, TimeWindow } from './windows.js';

/**
 * Computes the session gap of an element, in ms (> 0). A lambda or an object with `extract`.
 *
 * @example
 * EventTimeSessionWindows.withDynamicGap((e: Click) => (e.premium ? 60_000 : 10_000));
 */
export type SessionWindowTimeGapExtractor<T> = ((element: T) => number) | { extract(element: T): number };

function extractGap<T>(extractor: SessionWindowTimeGapExtractor<T>, element: T): number {
  const gap = typeof extractor === 'function' ? extractor(element) : extractor.extract(element);
  if (!(gap > 0)) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `dynamic session gap must be > 0 ms, got ${gap}; make the gap extractor return a positive number of milliseconds`,
    );
  }
  return gap;
}

function checkExtractor(where: string, extractor: unknown): void {
  const ok =
    typeof extractor === 'function' ||
    (typeof extractor === 'object' &&
      extractor !== null &&
      typeof (extractor as { extract?: unknown }).extract === 'function');
  if (!ok) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `${where}: the gap extractor must be a function (element) => gapMs or an object with extract(element)`,
    );
  }
}

/**
 * Session windows over event time.
 *
 * @example
 * keyed.window(EventTimeSessionWindows.withGap(30 * 60_000)); // sessions end after 30 idle minutes
 *
 * Gotcha: per-window state (`context.windowState()`) is not available with merging windows.
 */
export class EventTimeSessionWindows<T = unknown> extends MergingWindowAssigner<T, TimeWindow> {
  private constructor(
    readonly gap: number,
    private readonly extractor: SessionWindowTimeGapExtractor<T> | undefined,
  ) {
    super();
  }

  /** Sessions separated by at least `gap` ms (> 0) of event time. */
  static withGap<T = unknown>(gap: number): EventTimeSessionWindows<T> {
    requirePositive(
      gap,
      'EventTimeSessionWindows.withGap',
      'gap',
      'pass a positive session gap in milliseconds',
    );
    return new EventTimeSessionWindows<T>(gap, undefined);
  }

  /** Sessions whose gap is computed from each element. */
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): EventTimeSessionWindows<T> {
    checkExtractor('EventTimeSessionWindows.withDynamicGap', extractor);
    return new EventTimeSessionWindows<T>(0, extractor);
  }

  assignWindows(element: T, timestamp: number, _context?: WindowAssignerContext): TimeWindow[] {
    requireTimestamp(timestamp, 'EventTimeSessionWindows');
    const gap = this.extractor === undefined ? this.gap : extractGap(this.extractor, element);
    return [new TimeWindow(timestamp, timestamp + gap)];
  }

  mergeWindows(
    windows: readonly TimeWindow[],
    onMerge: (toBeMerged: TimeWindow[], result: TimeWindow) => void,
  ): void {
    mergeTimeWindows(windows, onMerge);
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `EventTimeSessionWindows(${this.extractor === undefined ? this.gap : 'dynamic'})`;
  }
}

/**
 * Session windows over processing time: a session ends after `gap` ms of wall-clock time
 * without elements for the key.
 *
 * @example
 * keyed.window(ProcessingTimeSessionWindows.withGap(5_000));
 */
export class ProcessingTimeSessionWindows<T = unknown> extends MergingWindowAssigner<T, TimeWindow> {
  private constructor(
    readonly gap: number,
    private readonly extractor: SessionWindowTimeGapExtractor<T> | undefined,
  ) {
    super();
  }

  /** Sessions separated by at least `gap` ms (> 0) of processing time. */
  static withGap<T = unknown>(gap: number): ProcessingTimeSessionWindows<T> {
    requirePositive(
      gap,
      'ProcessingTimeSessionWindows.withGap',
      'gap',
      'pass a positive session gap in milliseconds',
    );
    return new ProcessingTimeSessionWindows<T>(gap, undefined);
  }

  /** Sessions whose gap is computed from each element. */
  static withDynamicGap<T>(extractor: SessionWindowTimeGapExtractor<T>): ProcessingTimeSessionWindows<T> {
    checkExtractor('ProcessingTimeSessionWindows.withDynamicGap', extractor);
    return new ProcessingTimeSessionWindows<T>(0, extractor);
  }

  assignWindows(element: T, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    const gap = this.extractor === undefined ? this.gap : extractGap(this.extractor, element);
    return [new TimeWindow(now, now + gap)];
  }

  mergeWindows(
    windows: readonly TimeWindow[],
    onMerge: (toBeMerged: TimeWindow[], result: TimeWindow) => void,
  ): void {
    mergeTimeWindows(windows, onMerge);
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return `ProcessingTimeSessionWindows(${this.extractor === undefined ? this.gap : 'dynamic'})`;
  }
}
