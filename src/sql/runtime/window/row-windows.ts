/**
 * Windows read from the rows themselves: for a window aggregate over rows that are windowed
 * already (another window aggregate's results, grouped again by `window_start, window_end`),
 * each row belongs to exactly the window its two bound columns name. Such rows arrive stamped
 * with their window's last millisecond and before the watermark that passes it, so with the
 * event-time trigger the window fires once all its rows are in, as the first level's did.
 */
import { requireTimestamp, WindowAssigner, type WindowAssignerContext } from '../../../windowing/assigner.js';
import { EventTimeTrigger } from '../../../windowing/time-triggers.js';
import type { Trigger } from '../../../windowing/trigger.js';
import { TimeWindow } from '../../../windowing/windows.js';
import type { Row } from '../../expressions/compiler.js';

/**
 * Assigns each row the window `[row[start], row[end])`.
 *
 * @example
 * new RowWindows('window_start', 'window_end'); // {window_start: 0, window_end: 10} → [0, 10)
 */
export class RowWindows extends WindowAssigner<Row, TimeWindow> {
  // Rows of one window arrive together (the first level emits a window's rows at once), so
  // the last answer is handed out again; callers do not modify the array.
  private windows: TimeWindow[] = [new TimeWindow(Number.NaN, Number.NaN)];

  constructor(
    readonly start: string,
    readonly end: string,
  ) {
    super();
  }

  assignWindows(row: Row, timestamp: number, _context: WindowAssignerContext): TimeWindow[] {
    requireTimestamp(timestamp, 'window aggregate over windowed rows');
    const start = row[this.start] as number;
    const end = row[this.end] as number;
    const last = this.windows[0]!;
    if (last.start !== start || last.end !== end) this.windows = [new TimeWindow(start, end)];
    return this.windows;
  }

  getDefaultTrigger(): Trigger<Row, TimeWindow> {
    return EventTimeTrigger.create() as unknown as Trigger<Row, TimeWindow>;
  }

  isEventTime(): boolean {
    return true;
  }

  override toString(): string {
    return `RowWindows(${this.start}, ${this.end})`;
  }
}
