/**
 * Tumbling windows: fixed-size, non-overlapping windows aligned to the epoch plus an offset.
 * Every timestamp falls into exactly one window `[start, start + size)` with
 * `start = TimeWindow.getWindowStartWithOffset(ts, offset, size)`.
 */
import {
  type WindowAssignerContext,
  requireOffset,
  requirePositive,
  requireTimestamp,
  WindowAssigner,
} from './assigner.js';
import { ProcessingTimeTrigger, EventTimeTrigger } from './time-triggers.js';
import type { Trigger } from './trigger.js';
import { TimeWindow } from './windows.js';

/**
 * The last window an assigner handed out. Consecutive records usually fall into the same
 * window, and reusing the (immutable) TimeWindow spares an allocation and, more importantly, a
 * fresh `namespaceKey` string per record: state and timer maps then find the key by identity
 * with its hash already computed.
 */
class LastWindow {
  private start = Number.NaN;
  private window: TimeWindow | undefined = undefined;

  /** The window `[start, start + size)`, reused when it is the same as last time. */
  get(start: number, size: number): TimeWindow {
    let window = this.window;
    if (start !== this.start || window === undefined) {
      window = new TimeWindow(start, start + size);
      this.window = window;
      this.start = start;
    }
    return window;
  }
}

function checkTumbling(where: string, size: number, offset: number): void {
  requirePositive(size, where, 'size', 'pass a positive window size in milliseconds');
  requireOffset(offset, size, where, 'size');
}

/**
 * Tumbling windows over event time.
 *
 * @example
 * TumblingEventTimeWindows.of(60_000);          // [0, 60s), [60s, 120s), ...
 * TumblingEventTimeWindows.of(86_400_000, -3_600_000); // days starting at 23:00 UTC
 *
 * Gotcha: records must carry timestamps (assignTimestampsAndWatermarks or a WatermarkStrategy).
 */
export class TumblingEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private readonly last = new LastWindow();

  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    super();
  }

  /** Windows of `size` ms, shifted by `offset` ms (|offset| < size). */
  static of(size: number, offset = 0): TumblingEventTimeWindows {
    checkTumbling('TumblingEventTimeWindows.of', size, offset);
    return new TumblingEventTimeWindows(size, offset);
  }

  assignWindows(_element: unknown, timestamp: number, _context?: WindowAssignerContext): TimeWindow[] {
    requireTimestamp(timestamp, 'TumblingEventTimeWindows');
    const start = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.size);
    return [this.last.get(start, this.size)];
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `TumblingEventTimeWindows(${this.size})`;
  }
}

/**
 * Tumbling windows over processing time: an element goes to the window containing the
 * operator's clock at the moment it arrives.
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of(10_000)).reduce((a, b) => a + b);
 */
export class TumblingProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private readonly last = new LastWindow();

  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    super();
  }

  /** Windows of `size` ms, shifted by `offset` ms (|offset| < size). */
  static of(size: number, offset = 0): TumblingProcessingTimeWindows {
    checkTumbling('TumblingProcessingTimeWindows.of', size, offset);
    return new TumblingProcessingTimeWindows(size, offset);
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    const now = context.getCurrentProcessingTime();
    const start = TimeWindow.getWindowStartWithOffset(now, this.offset, this.size);
    return [this.last.get(start, this.size)];
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return `TumblingProcessingTimeWindows(${this.size})`;
  }
}
