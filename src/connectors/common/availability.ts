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

/**
 * A signal that fires after a delay, for readers held back by a rate or a schedule. While one
 * wake-up is pending, later `after` calls share it; `cancel()` clears the timer and wakes the
 * waiter at once, so closing a reader never leaves its task hanging.
 */
export class WakeUpTimer {
  private pending:
    | { promise: Promise<void>; handle: ReturnType<typeof setTimeout>; wake: () => void }
    | undefined;

  /** A promise resolved `delayMs` from now (at once if the delay is not positive). */
  after(delayMs: number): Promise<void> {
    if (delayMs <= 0) return AVAILABLE;
    if (this.pending === undefined) {
      let handle!: ReturnType<typeof setTimeout>;
      let wake!: () => void;
      const promise = new Promise<void>((resolve) => {
        wake = resolve;
        handle = setTimeout(() => {
          this.pending = undefined;
          resolve();
        }, delayMs);
      });
      this.pending = { promise, handle, wake };
    }
    return this.pending.promise;
  }

  /** Clears a pending wake-up and resolves its promise now. */
  cancel(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending !== undefined) {
      clearTimeout(pending.handle);
      pending.wake();
    }
  }
}
