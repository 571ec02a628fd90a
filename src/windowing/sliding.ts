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

function slidingWindows(timestamp: number, size: number, slide: number, offset: number): TimeWindow[] {
  const windows: TimeWindow[] = [];
  const lastStart = TimeWindow.getWindowStartWithOffset(timestamp, offset, slide);
  for (let start = lastStart; start > timestamp - size; start -= slide) {
    windows.push(new TimeWindow(start, start + size));
  }
  return windows;
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
  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
  }

  /** Windows of `size` ms every `slide` ms, shifted by `offset` (|offset| < slide). */
  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    checkSliding('SlidingEventTimeWindows.of', size, slide, offset);
    return new SlidingEventTimeWindows(size, slide, offset);
  }

  assignWindows(_element: unknown, timestamp: number, _context?: WindowAssignerContext): TimeWindow[] {
    requireTimestamp(timestamp, 'SlidingEventTimeWindows');
    return slidingWindows(timestamp, this.size, this.slide, this.offset);
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
  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
  }

  /** Windows of `size` ms every `slide` ms, shifted by `offset` (|offset| < slide). */
  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    checkSliding('SlidingProcessingTimeWindows.of', size, slide, offset);
    return new SlidingProcessingTimeWindows(size, slide, offset);
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return slidingWindows(context.getCurrentProcessingTime(), this.size, this.slide, this.offset);
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
