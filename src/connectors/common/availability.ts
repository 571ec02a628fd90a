/**
 * A wake-up signal for source readers. A reader returns `nothing-available` from `pollNext` and
 * the task then awaits `isAvailable()`; whatever makes the reader ready again (a split arrives, a
 * read completes, the rate limit allows more) calls `signal()`. Readers re-check their own state
 * in `isAvailable()` before waiting, so a signal that fired between `pollNext` and `isAvailable`
 * is never lost.
 */

/** An already resolved promise, returned when a reader is ready right away. */
export const AVAILABLE: Promise<void> = Promise.resolve();

/** A reusable one-shot signal: `wait()` gives the promise that the next `signal()` resolves. */
export class AvailabilitySignal {
  private waiting: { promise: Promise<void>; resolve: () => void } | undefined;

  /** The promise resolved by the next `signal()`; repeated calls share one promise. */
  wait(): Promise<void> {
    if (this.waiting === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.waiting = { promise, resolve };
    }
    return this.waiting.promise;
  }

  /** Wakes everyone waiting; a signal with nobody waiting is dropped (readers re-check state). */
  signal(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve();
  }
}
