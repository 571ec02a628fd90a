import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeap } from './binary-heap.js';
import { Timer } from './timer-index.js';
import { TimerQueue } from './timer-queue.js';

describe('BinaryHeap', () => {
  it('pops in sorted order, and retain keeps heap order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (values, pivot) => {
        const heap = new BinaryHeap<number>((a, b) => a < b);
        for (const v of values) heap.push(v);
        heap.retain((v) => v !== pivot);
        const out: number[] = [];
        while (heap.size > 0) out.push(heap.pop()!);
        expect(out).toEqual(values.filter((v) => v !== pivot).sort((a, b) => a - b));
        expect(heap.pop()).toBeUndefined();
      }),
    );
  });
});

describe('TimerQueue', () => {
  it('compacts dead timers so register/delete churn stays bounded', () => {
    const queue = new TimerQueue();
    const live = new Timer('k', 'k', 'n', 'n', 1, 0, undefined);
    queue.push(live);
    for (let i = 1; i <= 10_000; i++) {
      const timer = new Timer('k', 'k', 'n', 'n', 1000 + i, i, undefined);
      queue.push(timer);
      timer.dead = true;
      queue.markedDead();
    }
    expect(queue.heapSize).toBeLessThan(200);
    expect(queue.peek()).toBe(live);
  });
});
