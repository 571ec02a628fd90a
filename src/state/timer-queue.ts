/**
 * One time domain's pending timers across all services of a manager, bucketed by timestamp: a
 * map from each distinct timestamp to its bucket (its timers in registration order, and their
 * deduplication index once a lookup needs one), and a binary heap of the buckets by timestamp. Timers of many keys
 * commonly share a timestamp (every key's window end, a join's cleanup time), so registering
 * one is a map lookup and an append, and firing one moves a cursor; the heap only orders the
 * distinct timestamps. Firing order is (timestamp, registration order), as a heap of timers
 * gives: a bucket keeps its timers sorted by registration order, which appending keeps, and a
 * restore (whose timers come with their old order) inserts in place.
 *
 * Deletion is lazy: a deleted timer leaves its bucket's index at once but stays in the bucket's
 * list, marked dead, until the cursor passes it; when dead ones outnumber live ones every bucket
 * is compacted, so register/delete churn (e.g. a process function that keeps moving its
 * timeout) cannot grow the queue without bound.
 */
import { BinaryHeap } from './binary-heap.js';
import type { CanonicalKey } from './key-groups.js';
import { type Timer, TimerIndex } from './timer-index.js';

/** Rebuilding below this many dead timers is not worth it. */
const MIN_DEAD_FOR_COMPACTION = 64;

/** Most timers a bucket holds before it builds an index; a smaller one is scanned. */
const SCAN_MAX = 8;

/** The timers of one timestamp. */
class TimerBucket {
  /**
   * In registration order. Those before `next` fired (they are dead); from `next` on they are
   * pending, some of them dead (deleted).
   */
  timers: Timer[] = [];
  next = 0;
  /**
   * Built by the first lookup once the bucket holds more than {@link SCAN_MAX} pending timers, and
   * kept up to date from then on; it holds every timer not deleted.
   */
  index: TimerIndex | undefined = undefined;

  constructor(readonly timestamp: number) {}

  /** The live timer of (key, owner, namespace key), if any. */
  find(key: CanonicalKey, owner: unknown, ns: string | number): Timer | undefined {
    if (this.index === undefined && this.timers.length - this.next > SCAN_MAX) this.buildIndex();
    if (this.index !== undefined) {
      const timer = this.index.get(key, owner, ns);
      return timer === undefined || timer.dead ? undefined : timer;
    }
    const timers = this.timers;
    for (let i = this.next; i < timers.length; i++) {
      const t = timers[i]!;
      if (t.canonical === key && t.nsKey === ns && t.owner === owner && !t.dead) return t;
    }
    return undefined;
  }

  /** Adds a timer at its place in registration order. */
  insert(timer: Timer): void {
    const timers = this.timers;
    const n = timers.length;
    if (n === 0 || timers[n - 1]!.seq < timer.seq) timers.push(timer);
    else {
      // A restore: binary search among the pending timers.
      let lo = this.next;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (timers[mid]!.seq < timer.seq) lo = mid + 1;
        else hi = mid;
      }
      timers.splice(lo, 0, timer);
    }
    // Without an index none is built here: the first lookup builds it (see `find`), so a bucket
    // whose timers are only pushed as known-new (see `TimerQueue.push`) never needs one.
    this.index?.set(timer);
  }

  /** Keeps only the pending live timers. */
  compact(): void {
    const kept: Timer[] = [];
    const timers = this.timers;
    for (let i = this.next; i < timers.length; i++) if (!timers[i]!.dead) kept.push(timers[i]!);
    this.timers = kept;
    this.next = 0;
    this.index = undefined;
  }

  private buildIndex(): void {
    const index = new TimerIndex();
    const timers = this.timers;
    for (let i = this.next; i < timers.length; i++) if (!timers[i]!.dead) index.set(timers[i]!);
    this.index = index;
  }
}

/** The pending timers of one time domain, by (timestamp, registration order). */
export class TimerQueue {
  private readonly buckets = new Map<number, TimerBucket>();
  private readonly heap = new BinaryHeap<TimerBucket>((a, b) => a.timestamp < b.timestamp);
  /** The bucket last looked up: consecutive registrations often share a timestamp. */
  private last: TimerBucket | undefined = undefined;
  /** Pending timers in the buckets, dead (deleted) ones included. */
  private stored = 0;
  /** Deleted timers still in the buckets. */
  private dead = 0;

  private bucket(timestamp: number): TimerBucket | undefined {
    const last = this.last;
    if (last !== undefined && last.timestamp === timestamp) return last;
    const bucket = this.buckets.get(timestamp);
    if (bucket !== undefined) this.last = bucket;
    return bucket;
  }

  /** The live timer of (owner, key, namespace key, timestamp), if any. */
  get(owner: unknown, key: CanonicalKey, ns: string | number, timestamp: number): Timer | undefined {
    return this.bucket(timestamp)?.find(key, owner, ns);
  }

  /**
   * Adds a timer whose identity is not present: the caller checked with {@link get}, or knows it
   * (see `HeapTimerService.registerNewEventTimeTimer`); then the bucket needs no index for it.
   */
  push(timer: Timer): void {
    let bucket = this.bucket(timer.timestamp);
    if (bucket === undefined) {
      bucket = new TimerBucket(timer.timestamp);
      this.buckets.set(timer.timestamp, bucket);
      this.heap.push(bucket);
      this.last = bucket;
    }
    bucket.insert(timer);
    this.stored++;
  }

  /** Deletes the live timer of (owner, key, namespace key, timestamp); returns it, if any. */
  remove(owner: unknown, key: CanonicalKey, ns: string | number, timestamp: number): Timer | undefined {
    const bucket = this.bucket(timestamp);
    if (bucket === undefined) return undefined;
    const timer = bucket.find(key, owner, ns);
    if (timer === undefined) return undefined;
    timer.dead = true;
    bucket.index?.delete(timer);
    this.dead++;
    if (this.dead >= MIN_DEAD_FOR_COMPACTION && this.dead * 2 > this.stored) this.compact();
    return timer;
  }

  /** The earliest live timer, discarding dead ones and spent buckets from the top. */
  peek(): Timer | undefined {
    const heap = this.heap;
    for (;;) {
      const bucket = heap.peek();
      if (bucket === undefined) return undefined;
      const timers = bucket.timers;
      let i = bucket.next;
      while (i < timers.length && timers[i]!.dead) {
        i++;
        this.dead--;
        this.stored--;
      }
      bucket.next = i;
      if (i < timers.length) return timers[i];
      heap.pop();
      this.buckets.delete(bucket.timestamp);
      if (this.last === bucket) this.last = undefined;
    }
  }

  /**
   * Removes the top as it fires; call only right after {@link peek} returned a timer. The timer
   * is marked dead, so registering its identity again (even from its own callback) adds a new one.
   */
  popPeeked(): Timer {
    const bucket = this.heap.peek()!;
    const timer = bucket.timers[bucket.next++]!;
    timer.dead = true;
    this.stored--;
    return timer;
  }

  /** Every live timer of `owner`, in no particular order; for snapshots. */
  *timersOf(owner: unknown): IterableIterator<Timer> {
    for (const bucket of this.buckets.values()) {
      const timers = bucket.timers;
      for (let i = bucket.next; i < timers.length; i++) {
        const timer = timers[i]!;
        if (!timer.dead && timer.owner === owner) yield timer;
      }
    }
  }

  /** Number of timers held, dead ones included; for tests. */
  get heapSize(): number {
    return this.stored;
  }

  /** Number of distinct timestamps held; for tests. */
  get bucketCount(): number {
    return this.buckets.size;
  }

  private compact(): void {
    for (const [timestamp, bucket] of this.buckets) {
      bucket.compact();
      if (bucket.timers.length === 0) this.buckets.delete(timestamp);
    }
    this.heap.retain((bucket) => bucket.timers.length > 0);
    this.last = undefined;
    this.stored -= this.dead;
    this.dead = 0;
  }
}
