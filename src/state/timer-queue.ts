/**
 * One time domain's pending timers across all services of a manager: a binary heap with lazy
 * deletion. Deleted timers stay in the heap marked dead and are skipped when they reach the
 * top; when dead ones outnumber live ones the heap is rebuilt, so register/delete churn (e.g.
 * a process function that keeps moving its timeout) cannot grow it without bound.
 */
import { BinaryHeap } from './binary-heap.js';
import { type Timer, timerLess } from './timer-index.js';

/** Rebuilding below this many dead timers is not worth it. */
const MIN_DEAD_FOR_COMPACTION = 64;

/** A heap of timers ordered by (timestamp, registration order), with lazy deletion. */
export class TimerQueue {
  private readonly heap = new BinaryHeap<Timer>(timerLess);
  private dead = 0;

  push(timer: Timer): void {
    this.heap.push(timer);
  }

  /** The earliest live timer, discarding dead ones from the top. */
  peek(): Timer | undefined {
    const heap = this.heap;
    let top = heap.peek();
    while (top?.dead) {
      heap.pop();
      this.dead--;
      top = heap.peek();
    }
    return top;
  }

  /** Removes the top; call only right after {@link peek} returned a timer. */
  popPeeked(): void {
    this.heap.pop();
  }

  /** Records that a timer in the heap was marked dead. */
  markedDead(): void {
    this.dead++;
    if (this.dead >= MIN_DEAD_FOR_COMPACTION && this.dead * 2 > this.heap.size) {
      this.heap.retain((timer) => !timer.dead);
      this.dead = 0;
    }
  }

  /** Number of timers in the heap, dead ones included; for tests. */
  get heapSize(): number {
    return this.heap.size;
  }
}
