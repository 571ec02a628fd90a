/**
 * The accumulator of MIN and MAX with retraction: a multiset of values with the extreme kept at
 * the top of a binary heap, so accumulating, retracting and reading the extreme stay O(log n)
 * in the distinct values however often the extreme itself is retracted.
 *
 * The accumulator is plain data (arrays, a Map, numbers), so the state backends' serializer
 * keeps it as it is. Heap entries are deleted lazily: a value whose count drops to zero stays
 * in the heap (and in the count map, with count 0) until it reaches the top, where it is popped
 * at once, or until dead entries outnumber live ones, when the heap is rebuilt. The top is
 * therefore always a live value, and an extreme retracted and accumulated again at once (the
 * `-U`/`+U` pair of an update whose extreme did not change) finds its entry still there.
 *
 * Retracting a value that is not in (a `-U` that overtook its `+I`, or a partial accumulator's
 * retraction merged before the matching rows) is remembered as owed, as Flink's
 * `MaxWithRetractAggFunction` keeps a negative count: the next accumulate of that value cancels
 * it instead of adding it, and an owed value is never an extreme.
 */

/**
 * `[heap, counts, dead, owed]`: `heap` holds each key of `counts` exactly once, best first;
 * `counts` maps a value to its copies in (0 for an entry not yet dropped from the heap);
 * `dead` is the number of such zero entries; `owed` maps a value to retractions not yet
 * matched by an accumulate (null when none).
 */
export type ExtremeAcc = [unknown[], Map<unknown, number>, number, Map<unknown, number> | null];

/** Dead entries below this many never trigger a rebuild: small heaps just pop them at the top. */
const MIN_DEAD_TO_COMPACT = 16;

/** The heap operations over {@link ExtremeAcc}, for one order (`better(a, b)`: a comes first). */
export class ExtremeHeap {
  constructor(private readonly better: (a: unknown, b: unknown) => boolean) {}

  /** Adds `n` > 0 copies of `v`, first paying off any owed retractions of it. */
  add(acc: ExtremeAcc, v: unknown, n: number): void {
    const owed = acc[3];
    if (owed !== null) {
      const o = owed.get(v);
      if (o !== undefined) {
        const paid = Math.min(o, n);
        if (o === paid) {
          owed.delete(v);
          if (owed.size === 0) acc[3] = null;
        } else owed.set(v, o - paid);
        n -= paid;
        if (n === 0) return;
      }
    }
    const counts = acc[1];
    const c = counts.get(v);
    if (c === undefined) {
      counts.set(v, n);
      const heap = acc[0];
      heap.push(v);
      this.siftUp(heap, heap.length - 1);
      return;
    }
    if (c === 0) acc[2]--;
    counts.set(v, c + n);
  }

  /** Removes `n` > 0 copies of `v`; copies not in are owed. */
  remove(acc: ExtremeAcc, v: unknown, n: number): void {
    const counts = acc[1];
    const c = counts.get(v) ?? 0;
    if (c > 0) {
      const taken = Math.min(c, n);
      counts.set(v, c - taken);
      n -= taken;
      if (c === taken) {
        acc[2]++;
        this.settle(acc);
      }
    }
    if (n > 0) {
      const owed = acc[3] ?? new Map<unknown, number>();
      owed.set(v, (owed.get(v) ?? 0) + n);
      acc[3] = owed;
    }
  }

  /** Pops dead entries off the top, then rebuilds the heap if dead entries still dominate. */
  private settle(acc: ExtremeAcc): void {
    const [heap, counts] = acc;
    while (heap.length > 0 && counts.get(heap[0]) === 0) {
      counts.delete(heap[0]);
      acc[2]--;
      const last = heap.pop();
      if (heap.length > 0) {
        heap[0] = last;
        this.siftDown(heap, 0);
      }
    }
    if (acc[2] >= MIN_DEAD_TO_COMPACT && acc[2] * 2 > heap.length) this.compact(acc);
  }

  /** Drops every dead entry and rebuilds the heap from the live ones: O(n), paid by n/2 removals. */
  private compact(acc: ExtremeAcc): void {
    const [heap, counts] = acc;
    let live = 0;
    for (const v of heap) {
      if (counts.get(v) === 0) counts.delete(v);
      else heap[live++] = v;
    }
    heap.length = live;
    acc[2] = 0;
    for (let i = (live >> 1) - 1; i >= 0; i--) this.siftDown(heap, i);
  }

  private siftUp(heap: unknown[], i: number): void {
    const { better } = this;
    const v = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(v, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = v;
  }

  private siftDown(heap: unknown[], i: number): void {
    const { better } = this;
    const n = heap.length;
    const v = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && better(heap[child + 1], heap[child])) child++;
      if (!better(heap[child], v)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = v;
  }
}
