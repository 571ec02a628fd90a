/**
 * Sliding windows: windows of `size` ms starting every `slide` ms, so an element belongs to
 * about `size / slide` windows. As in Flink the alignment offset is bounded by the slide
 * (|offset| < slide), and the windows of a timestamp t are those with aligned starts in
 * `(t - size, t]`.
 */
import {
  type WindowAssignerContext,
  requireOffset,
  requirePositive,
  requireTimestamp,
  WindowAssigner,
} from './assigner.js';
import { EventTimeTrigger, ProcessingTimeTrigger } from './time-triggers.js';
import type { Trigger } from './trigger.js';
import { TimeWindow } from './windows.js';

function checkSliding(where: string, size: number, slide: number, offset: number): void {
  requirePositive(size, where, 'size', 'pass a positive window size in milliseconds');
  requirePositive(slide, where, 'slide', 'pass a positive slide in milliseconds');
  requireOffset(offset, slide, where, 'slide');
}

/**
 * The windows of one timestamp. Consecutive records mostly get the same windows, so the last
 * answer is kept and handed out again: the (immutable) TimeWindows keep their `namespaceKey`
 * strings, whose hashes state and timer maps have already computed, and nothing is allocated.
 * Callers must not modify the returned array.
 */
class SlidingWindowCache {
  private lastStart = Number.NaN;
  private windows: TimeWindow[] = [];

  constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
  ) {}

  windowsOf(timestamp: number): TimeWindow[] {
    const { size, slide } = this;
    const lastStart = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, slide);
    // When the slide does not divide the size, timestamps of one slide may differ in their
    // oldest window, so the count is part of what must match.
    let count = 0;
    for (let start = lastStart; start > timestamp - size; start -= slide) count++;
    if (lastStart === this.lastStart && count === this.windows.length) return this.windows;
    const windows: TimeWindow[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const start = lastStart - i * slide;
      windows[i] = new TimeWindow(start, start + size);
    }
    this.lastStart = lastStart;
    this.windows = windows;
    return windows;
  }
}

/**
 * Sliding windows over event time.
 *
 * @example
 * SlidingEventTimeWindows.of(60_000, 10_000); // one-minute windows every ten seconds
 *
 * Gotcha: a slide larger than the size leaves gaps: elements between windows are in none.
 */
export class SlidingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private readonly cache: SlidingWindowCache;

  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
    this.cache = new SlidingWindowCache(size, slide, offset);
  }

  /** Windows of `size` ms every `slide` ms, shifted by `offset` (|offset| < slide). */
  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    checkSliding('SlidingEventTimeWindows.of', size, slide, offset);
    return new SlidingEventTimeWindows(size, slide, offset);
  }

  assignWindows(_element: unknown, timestamp: number, _context?: WindowAssignerContext): TimeWindow[] {
    requireTimestamp(timestamp, 'SlidingEventTimeWindows');
    return this.cache.windowsOf(timestamp);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide})`;
  }
}

/**
 * Sliding windows over processing time.
 *
 * @example
 * SlidingProcessingTimeWindows.of(60_000, 10_000);
 */
export class SlidingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private readonly cache: SlidingWindowCache;

  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
    this.cache = new SlidingWindowCache(size, slide, offset);
  }

  /** Windows of `size` ms every `slide` ms, shifted by `offset` (|offset| < slide). */
  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    checkSliding('SlidingProcessingTimeWindows.of', size, slide, offset);
    return new SlidingProcessingTimeWindows(size, slide, offset);
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return this.cache.windowsOf(context.getCurrentProcessingTime());
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide})`;
  }
}
