/**
 * A token bucket that never blocks: the reader asks how many records it may emit now, and how
 * long to wait for the next one. Time comes from the reader context's processing time, so tests
 * drive it by hand.
 */

/** Absorbs floating-point error: ten refills of 0.1 tokens must make one whole token. */
const EPSILON = 1e-9;

/** Permits `perSecond` records per second, with bursts of at most a tenth of a second's worth. */
export class RateLimiter {
  private tokens = 1;
  private last: number | undefined;
  private readonly capacity: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    // A short burst lets a reader that was held up (backpressure, a slow timer) catch up a
    // little without ever exceeding the rate over any second by more than 10%.
    this.capacity = Math.max(1, perSecond / 10);
  }

  /** How many records may be emitted now (up to `wanted`); they are taken from the bucket. */
  acquire(wanted: number): number {
    this.refill();
    const granted = Math.min(wanted, Math.floor(this.tokens + EPSILON));
    this.tokens -= granted;
    return granted;
  }

  /** Milliseconds until one more record is allowed; 0 if one is allowed now. */
  delayMs(): number {
    this.refill();
    if (this.tokens + EPSILON >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  private refill(): void {
    const now = this.now();
    if (this.last !== undefined && now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    }
    if (this.last === undefined || now > this.last) this.last = now;
  }
}
