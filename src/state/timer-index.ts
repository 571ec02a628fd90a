/**
 * Timer records and their deduplication index. A timer is identified by (key, namespace,
 * timestamp) within one service and one time domain; the index maps that triple to the live
 * timer with nested maps, so registering an existing timer (the common case: every record of a
 * window registers the window's end) allocates nothing.
 */
import type { Namespace } from './backend.js';
import type { InternalTimer } from './timers.js';
import type { CanonicalKey } from './key-groups.js';

/** A registered timer. It is also what the triggerable receives, so firing allocates nothing. */
export class Timer<N extends Namespace = Namespace> implements InternalTimer<N> {
  /** Set when deleted while still in a heap; the heap skips dead timers (lazy deletion). */
  dead = false;

  constructor(
    readonly key: unknown,
    readonly canonical: CanonicalKey,
    readonly namespace: N,
    readonly nsKey: string | number,
    readonly timestamp: number,
    /** Registration order across the manager: breaks timestamp ties deterministically. */
    readonly seq: number,
    /** The service the timer belongs to (typed loosely to avoid a cycle of generics). */
    readonly owner: unknown,
  ) {}
}

/** Heap order: earlier timestamp first, then earlier registration. */
export function timerLess(a: Timer, b: Timer): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}

/** Live timers of one service and domain, by (canonical key, namespace key, timestamp). */
export class TimerIndex {
  private readonly byKey = new Map<CanonicalKey, Map<string | number, Map<number, Timer>>>();
  /** Number of live timers. */
  size = 0;

  get(key: CanonicalKey, ns: string | number, timestamp: number): Timer | undefined {
    const byNs = this.byKey.get(key);
    if (byNs === undefined) return undefined;
    const byTs = byNs.get(ns);
    return byTs === undefined ? undefined : byTs.get(timestamp);
  }

  add(timer: Timer): void {
    let byNs = this.byKey.get(timer.canonical);
    if (byNs === undefined) {
      byNs = new Map();
      this.byKey.set(timer.canonical, byNs);
    }
    let byTs = byNs.get(timer.nsKey);
    if (byTs === undefined) {
      byTs = new Map();
      byNs.set(timer.nsKey, byTs);
    }
    byTs.set(timer.timestamp, timer);
    this.size++;
  }

  /** Removes and returns the live timer for the triple, dropping emptied inner maps. */
  remove(key: CanonicalKey, ns: string | number, timestamp: number): Timer | undefined {
    const byNs = this.byKey.get(key);
    if (byNs === undefined) return undefined;
    const byTs = byNs.get(ns);
    if (byTs === undefined) return undefined;
    const timer = byTs.get(timestamp);
    if (timer === undefined) return undefined;
    byTs.delete(timestamp);
    if (byTs.size === 0) {
      byNs.delete(ns);
      if (byNs.size === 0) this.byKey.delete(key);
    }
    this.size--;
    return timer;
  }
}
