import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeap } from './binary-heap.js';
import { Timer, timerLess } from './timer-index.js';
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

/**
 * The structure the bucketed queue replaced: one heap of timers by (timestamp, registration)
 * with lazy deletion, and a map of live timers by identity for deduplication.
 */
class ReferenceQueue {
  private readonly heap = new BinaryHeap<Timer>(timerLess);
  private readonly live = new Map<string, Timer>();

  private static id(owner: unknown, key: string, ns: string | number, ts: number): string {
    return JSON.stringify([owner, key, typeof ns, ns, ts]);
  }

  get(owner: unknown, key: string, ns: string | number, ts: number): Timer | undefined {
    return this.live.get(ReferenceQueue.id(owner, key, ns, ts));
  }

  push(timer: Timer): void {
    this.live.set(
      ReferenceQueue.id(timer.owner, timer.canonical as string, timer.nsKey, timer.timestamp),
      timer,
    );
    this.heap.push(timer);
  }

  remove(owner: unknown, key: string, ns: string | number, ts: number): Timer | undefined {
    const id = ReferenceQueue.id(owner, key, ns, ts);
    const timer = this.live.get(id);
    if (timer === undefined) return undefined;
    this.live.delete(id);
    timer.dead = true;
    return timer;
  }

  peek(): Timer | undefined {
    while (this.heap.peek()?.dead) this.heap.pop();
    return this.heap.peek();
  }

  popPeeked(): Timer {
    const timer = this.heap.pop()!;
    this.live.delete(ReferenceQueue.id(timer.owner, timer.canonical as string, timer.nsKey, timer.timestamp));
    return timer;
  }

  liveOf(owner: unknown): Timer[] {
    return [...this.live.values()].filter((t) => t.owner === owner);
  }
}

type Op =
  | { op: 'register'; owner: string; key: string; ns: string | number; ts: number }
  | { op: 'delete'; owner: string; key: string; ns: string | number; ts: number }
  | { op: 'fire'; upTo: number; reRegister: boolean; earlier: boolean }
  | { op: 'restore'; timers: { owner: string; key: string; ns: string | number; ts: number; seq: number }[] };

const identity = {
  owner: fc.constantFrom('s1', 's2'),
  // Many keys, few timestamps: buckets grow past the size where they build an index.
  key: fc.integer({ min: 0, max: 30 }).map((k) => `k${k}`),
  ns: fc.constantFrom<string | number>('', 'w', 3),
  ts: fc.integer({ min: 0, max: 12 }),
};

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('register' as const), ...identity }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), ...identity }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('fire' as const),
      upTo: fc.integer({ min: -1, max: 14 }),
      reRegister: fc.boolean(),
      earlier: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('restore' as const),
      timers: fc.array(fc.record({ ...identity, seq: fc.integer({ min: 0, max: 2000 }) }), { maxLength: 20 }),
    }),
  },
);

/** What a timer is, for comparing the two structures (the objects differ). */
const show = (t: Timer | undefined) => t && [t.owner, t.canonical, t.nsKey, t.timestamp, t.seq];

describe('TimerQueue', () => {
  it('compacts dead timers so register/delete churn stays bounded', () => {
    const queue = new TimerQueue();
    const live = new Timer('k', 'k', 'n', 'n', 1, 0, undefined);
    queue.push(live);
    for (let i = 1; i <= 10_000; i++) {
      queue.push(new Timer('k', 'k', 'n', 'n', 1000 + i, i, undefined));
      expect(queue.remove(undefined, 'k', 'n', 1000 + i)).toBeDefined();
    }
    expect(queue.heapSize).toBeLessThan(200);
    expect(queue.bucketCount).toBeLessThan(200);
    expect(queue.peek()).toBe(live);
  });

  it('keeps one bucket per distinct timestamp, dropped once it fired', () => {
    const queue = new TimerQueue();
    for (let i = 0; i < 100; i++) queue.push(new Timer(i, `k${i}`, '', '', i % 2 === 0 ? 10 : 20, i, 's'));
    expect(queue.bucketCount).toBe(2);
    const fired: number[] = [];
    for (let t = queue.peek(); t !== undefined && t.timestamp <= 10; t = queue.peek())
      fired.push(queue.popPeeked().seq);
    expect(fired).toEqual([...Array(50).keys()].map((i) => 2 * i));
    expect(queue.bucketCount).toBe(1);
  });

  it('behaves as the heap of timers it replaced: same lookups, same firing order, same live set', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 150 }), (ops) => {
        const queue = new TimerQueue();
        const reference = new ReferenceQueue();
        let seq = 10_000;
        // Registration orders are unique within a manager, restored ones included.
        const used = new Set<number>();
        const register = (owner: string, key: string, ns: string | number, ts: number, at?: number): void => {
          const found = queue.get(owner, key, ns, ts);
          expect(show(found)).toEqual(show(reference.get(owner, key, ns, ts)));
          if (found !== undefined) return;
          const s = at ?? seq++;
          queue.push(new Timer(key, key, ns, ns, ts, s, owner));
          reference.push(new Timer(key, key, ns, ns, ts, s, owner));
        };
        for (const op of ops) {
          if (op.op === 'register') register(op.owner, op.key, op.ns, op.ts);
          else if (op.op === 'delete') {
            const a = queue.remove(op.owner, op.key, op.ns, op.ts);
            const b = reference.remove(op.owner, op.key, op.ns, op.ts);
            expect(show(a)).toEqual(show(b));
          } else if (op.op === 'restore') {
            // Restored timers keep their order, which may interleave with the timers present.
            for (const t of op.timers) {
              if (used.has(t.seq)) continue;
              used.add(t.seq);
              register(t.owner, t.key, t.ns, t.ts, t.seq);
            }
          } else {
            for (let a = queue.peek(); a !== undefined && a.timestamp <= op.upTo; a = queue.peek()) {
              expect(show(a)).toEqual(show(reference.peek()));
              queue.popPeeked();
              reference.popPeeked();
              // What a callback may do: register its own identity again (it fires within this
              // loop), or a timer at an earlier timestamp (it fires next).
              // 'early' timers do neither, so the loop ends.
              if (a.canonical === 'early') continue;
              if (op.reRegister && a.timestamp < op.upTo)
                register(a.owner as string, a.canonical as string, a.nsKey, op.upTo);
              if (op.earlier && a.timestamp > 0) register(a.owner as string, 'early', '', a.timestamp - 1);
            }
            expect(show(queue.peek())).toEqual(show(reference.peek()));
          }
          for (const owner of ['s1', 's2']) {
            const order = (ts: Timer[]) =>
              ts.map(show).sort((x, y) => (x![4]! as number) - (y![4]! as number));
            expect(order([...queue.timersOf(owner)])).toEqual(order(reference.liveOf(owner)));
          }
        }
        // Everything left fires in the same order.
        for (let a = queue.peek(); a !== undefined; a = queue.peek()) {
          expect(show(a)).toEqual(show(reference.peek()));
          queue.popPeeked();
          reference.popPeeked();
        }
        expect(reference.peek()).toBeUndefined();
        expect(queue.bucketCount).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
