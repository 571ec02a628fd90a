/**
 * CUMULATE windows as a window assigner: within each aligned window of `size` ms, windows that
 * all start at its start and end every `step` ms, so `[0, 2s)`, `[0, 4s)`, … `[0, 10s)`, then
 * `[10s, 12s)`, …. A timestamp belongs to every window of its size-window that ends after it:
 * one result row per step, each covering all rows so far. With the default event-time trigger
 * each fires once, when the watermark passes its end; the processing-time variant places a row
 * by the operator's clock instead and fires when the clock passes a window's end.
 */
import { requireTimestamp, WindowAssigner, type WindowAssignerContext } from '../../../windowing/assigner.js';
import { EventTimeTrigger, ProcessingTimeTrigger } from '../../../windowing/time-triggers.js';
import type { Trigger } from '../../../windowing/trigger.js';
import { TimeWindow } from '../../../windowing/windows.js';

/**
 * Cumulating event-time windows; `size` must be a multiple of `step` (the planner checks it).
 *
 * @example
 * CumulativeEventTimeWindows.of(10_000, 2_000); // t = 3s → [0, 4s), [0, 6s), [0, 8s), [0, 10s)
 */
export class CumulativeEventTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private readonly steps: CumulativeSteps;

  private constructor(
    readonly size: number,
    readonly step: number,
    readonly offset: number,
  ) {
    super();
    this.steps = new CumulativeSteps(size, step, offset);
  }

  /** Windows of up to `size` ms growing by `step` ms, aligned to `offset` (any sign or size). */
  static of(size: number, step: number, offset = 0): CumulativeEventTimeWindows {
    return new CumulativeEventTimeWindows(size, step, offset % size);
  }

  assignWindows(_element: unknown, timestamp: number, _context: WindowAssignerContext): TimeWindow[] {
    requireTimestamp(timestamp, 'CUMULATE window');
    return this.steps.windowsOf(timestamp);
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create() as unknown as Trigger<unknown, TimeWindow>;
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `CumulativeEventTimeWindows(${this.size}, ${this.step})`;
  }
}

/**
 * Cumulating processing-time windows: a row belongs to the windows of the operator's clock when
 * it arrives, and each window fires when the clock passes its end.
 *
 * @example
 * CumulativeProcessingTimeWindows.of(10_000, 2_000); // clock at 3s → [0, 4s), [0, 6s), … [0, 10s)
 */
export class CumulativeProcessingTimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private readonly steps: CumulativeSteps;

  private constructor(
    readonly size: number,
    readonly step: number,
    readonly offset: number,
  ) {
    super();
    this.steps = new CumulativeSteps(size, step, offset);
  }

  /** Windows of up to `size` ms growing by `step` ms, aligned to `offset` (any sign or size). */
  static of(size: number, step: number, offset = 0): CumulativeProcessingTimeWindows {
    return new CumulativeProcessingTimeWindows(size, step, offset % size);
  }

  assignWindows(_element: unknown, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return this.steps.windowsOf(context.getCurrentProcessingTime());
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create() as unknown as Trigger<unknown, TimeWindow>;
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return `CumulativeProcessingTimeWindows(${this.size}, ${this.step})`;
  }
}

/**
 * The cumulative windows of a time. Consecutive rows mostly fall into the same step, so the
 * last answer is handed out again: no array or window allocated per row. Callers do not modify
 * the array.
 */
class CumulativeSteps {
  private lastStart = Number.NaN;
  private lastFirstEnd = Number.NaN;
  private windows: TimeWindow[] = [];

  constructor(
    private readonly size: number,
    private readonly step: number,
    private readonly offset: number,
  ) {}

  windowsOf(time: number): TimeWindow[] {
    const start = TimeWindow.getWindowStartWithOffset(time, this.offset, this.size);
    const firstEnd = start + (Math.floor((time - start) / this.step) + 1) * this.step;
    if (start === this.lastStart && firstEnd === this.lastFirstEnd) return this.windows;
    const windows: TimeWindow[] = [];
    for (let end = firstEnd; end <= start + this.size; end += this.step)
      windows.push(new TimeWindow(start, end));
    this.lastStart = start;
    this.lastFirstEnd = firstEnd;
    this.windows = windows;
    return windows;
  }
}
