/**
 * Processing time that moves only when a test says so. It serves both the operator's
 * {@link ProcessingTimeService} (scheduled callbacks) and the timer services'
 * {@link ProcessingTimeScheduler} (wake-ups for processing-time timers).
 */
import type { ProcessingTimeScheduler, TimeServiceManager } from '../../state/timers.js';
import type { ProcessingTimeService } from '../operator.js';

interface Scheduled {
  readonly time: number;
  readonly seq: number;
  readonly callback: (time: number) => void;
  cancelled: boolean;
}

/**
 * A manual clock with scheduled callbacks; `advanceTo(t)` fires, in time order, the callbacks (each called with its scheduled time)
 * and processing-time timers due at or before `t`.
 */
export class ManualProcessingTime implements ProcessingTimeService, ProcessingTimeScheduler {
  private time: number;
  private seq = 0;
  private scheduled: Scheduled[] = [];
  /** Timer managers to wake; the harness registers its keyed manager here. */
  readonly managers: TimeServiceManager[] = [];

  constructor(initialTime = 0) {
    this.time = initialTime;
  }

  now(): number {
    return this.time;
  }

  schedule(time: number, callback: (time: number) => void): () => void {
    const entry: Scheduled = { time, seq: this.seq++, callback, cancelled: false };
    this.scheduled.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Wake-ups are implied: every advance asks the managers for due timers. */
  requestWakeUp(_time: number): void {}

  /** Moves the clock to `time` (never backwards) and fires what is due. */
  advanceTo(time: number): void {
    if (time < this.time)
      throw new RangeError(`processing time cannot go backwards: ${this.time} -> ${time}`);
    this.time = time;
    for (;;) {
      const next = this.nextDue(time);
      if (next === undefined) break;
      // Timers due before this callback fire first, keeping time order across both kinds.
      for (const m of this.managers) m.onProcessingTime(next.time);
      next.callback(next.time);
    }
    for (const m of this.managers) m.onProcessingTime(time);
  }

  private nextDue(time: number): Scheduled | undefined {
    this.scheduled = this.scheduled.filter((s) => !s.cancelled);
    let best: Scheduled | undefined;
    for (const s of this.scheduled) {
      if (
        s.time <= time &&
        (best === undefined || s.time < best.time || (s.time === best.time && s.seq < best.seq))
      )
        best = s;
    }
    if (best !== undefined) best.cancelled = true;
    return best;
  }
}
