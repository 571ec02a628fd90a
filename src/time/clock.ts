/**
 * Processing time. The runtime reads the clock through this interface so that tests can drive
 * it by hand (see `ManualClock`) and get the same result every run.
 */

/** A source of processing time in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** Wall-clock time. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to; for deterministic tests. */
export class ManualClock implements Clock {
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  /** Sets the time; it never goes backwards. */
  set(time: number): void {
    if (time > this.time) this.time = time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}
