/**
 * The task's mailbox: actions from outside the record flow (timers, split assignments, later
 * checkpoint triggers) queue here and run on the task loop between input steps, so an
 * operator is never entered concurrently. Posting wakes a sleeping task.
 */

/** A queue of actions plus the wake-up signal of the task that drains it. */
export class Mailbox {
  private actions: (() => void)[] = [];
  private woken = false;
  private resolveSleep: (() => void) | undefined;

  /** Queues an action for the task loop and wakes the task. */
  post(action: () => void): void {
    this.actions.push(action);
    this.wake();
  }

  /** Runs queued actions, including ones posted while running. */
  drain(): void {
    while (this.actions.length > 0) {
      const batch = this.actions;
      this.actions = [];
      for (const action of batch) action();
    }
  }

  /** Wakes the task if it sleeps, or makes its next sleep return at once. */
  wake(): void {
    this.woken = true;
    const resolve = this.resolveSleep;
    if (resolve !== undefined) {
      this.resolveSleep = undefined;
      resolve();
    }
  }

  /** Forgets earlier wake-ups; call before checking for work, then {@link sleep} if none. */
  clearWake(): void {
    this.woken = false;
  }

  /** Waits for a wake-up that happened after the last {@link clearWake}. */
  sleep(): Promise<void> {
    if (this.woken || this.actions.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.resolveSleep = resolve;
    });
  }
}
