/**
 * Timer records and the deduplication index of the timers that share one timestamp. A timer is
 * identified by (service, key, namespace, timestamp); the queue (`timer-queue.ts`) keeps one
 * bucket per distinct timestamp, and a bucket's index finds a timer by (service, key,
 * namespace). Timers of many keys commonly share a timestamp (a window's end, a join's cleanup
 * time), so an index is small next to one map over every live timer, and a bucket that fires is
 * dropped whole instead of timer by timer.
 *
 * Per canonical key the index stores the timer itself, then a short array, and only past
 * {@link MAX_LIST} timers a map by namespace key (a key rarely has more than one timer at one
 * timestamp). A timer that fired stays in its bucket's index, marked dead, until the bucket is
 * dropped: lookups treat a dead timer as absent, so firing needs no removal.
 */
import type { Namespace } from './backend.js';
import type { CanonicalKey } from './key-groups.js';
import type { InternalTimer } from './timers.js';

/** A registered timer. It is also what the triggerable receives, so firing allocates nothing. */
export class Timer<N extends Namespace = Namespace> implements InternalTimer<N> {
  /**
   * Set when deleted or fired. A deleted timer stays in its bucket's queue until skipped (lazy
   * deletion); a fired one stays in its bucket's index until the bucket is dropped.
   */
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

/** Firing order: earlier timestamp first, then earlier registration. */
export function timerLess(a: Timer, b: Timer): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}

/**
 * A key's timers of one timestamp once there are more than {@link MAX_LIST}: by namespace key,
 * then one timer or a list of them (one per service).
 */
type TimerMap = Map<string | number, Timer | Timer[]>;

/** What an index holds per canonical key: one timer, a short unordered list, or a map. */
type Slot = Timer | Timer[] | TimerMap;

/** Longest list scanned linearly; one more timer turns the key's slot into a {@link TimerMap}. */
const MAX_LIST = 8;

function matches(timer: Timer, owner: unknown, ns: string | number): boolean {
  return timer.nsKey === ns && timer.owner === owner;
}

/** The index in `list` of the timer of `owner` and `ns` (all share key and timestamp), or -1. */
function findIn(list: Timer[], owner: unknown, ns: string | number): number {
  for (let i = 0; i < list.length; i++) if (matches(list[i]!, owner, ns)) return i;
  return -1;
}

/** Removes `list[i]`; order is irrelevant, so the last element fills the gap. */
function removeAtIndex(list: Timer[], i: number): void {
  const last = list.pop()!;
  if (i < list.length) list[i] = last;
}

/**
 * The timers of one timestamp by (canonical key, owner, namespace key). It may hold dead
 * (fired) timers; {@link get} skips them and {@link set} replaces them.
 */
export class TimerIndex {
  private readonly byKey = new Map<CanonicalKey, Slot>();
  /**
   * A key {@link get} found no timers of, until {@link set} stores one for it: registering a
   * timer looks it up first, so the common new key is stored without probing the map again.
   */
  private absent: CanonicalKey | undefined = undefined;

  /** The timer stored for the triple, dead or alive. */
  get(key: CanonicalKey, owner: unknown, ns: string | number): Timer | undefined {
    const slot = this.byKey.get(key);
    if (slot === undefined) {
      this.absent = key;
      return undefined;
    }
    if (slot instanceof Timer) return matches(slot, owner, ns) ? slot : undefined;
    if (Array.isArray(slot)) {
      const i = findIn(slot, owner, ns);
      return i < 0 ? undefined : slot[i];
    }
    const inNs = slot.get(ns);
    if (inNs === undefined) return undefined;
    if (inNs instanceof Timer) return inNs.owner === owner ? inNs : undefined;
    const i = findIn(inNs, owner, ns);
    return i < 0 ? undefined : inNs[i];
  }

  /** Stores a timer; one stored for the same triple (a dead one, see {@link get}) is replaced. */
  set(timer: Timer): void {
    const key = timer.canonical;
    if (key === this.absent) {
      this.absent = undefined;
      this.byKey.set(key, timer);
      return;
    }
    const slot = this.byKey.get(key);
    if (slot === undefined) this.byKey.set(key, timer);
    else if (slot instanceof Timer) {
      if (matches(slot, timer.owner, timer.nsKey)) this.byKey.set(key, timer);
      else this.byKey.set(key, [slot, timer]);
    } else if (!Array.isArray(slot)) addToMap(slot, timer);
    else {
      const i = findIn(slot, timer.owner, timer.nsKey);
      if (i >= 0) slot[i] = timer;
      else if (slot.length < MAX_LIST) slot.push(timer);
      else {
        const map: TimerMap = new Map();
        for (let j = 0; j < slot.length; j++) addToMap(map, slot[j]!);
        addToMap(map, timer);
        this.byKey.set(key, map);
      }
    }
  }

  /** Removes this very timer, if the index holds it. */
  delete(timer: Timer): void {
    const key = timer.canonical;
    const slot = this.byKey.get(key);
    if (slot === undefined) return;
    if (slot instanceof Timer) {
      if (slot === timer) this.byKey.delete(key);
    } else if (Array.isArray(slot)) {
      const i = slot.indexOf(timer);
      if (i < 0) return;
      removeAtIndex(slot, i);
      // Back to the inline form, so a key whose timers come and go one by one allocates nothing.
      if (slot.length === 1) this.byKey.set(key, slot[0]!);
    } else {
      const ns = timer.nsKey;
      const inNs = slot.get(ns);
      if (inNs === undefined) return;
      if (inNs instanceof Timer) {
        if (inNs !== timer) return;
        slot.delete(ns);
        if (slot.size === 0) this.byKey.delete(key);
      } else {
        const i = inNs.indexOf(timer);
        if (i < 0) return;
        removeAtIndex(inNs, i);
        if (inNs.length === 1) slot.set(ns, inNs[0]!);
      }
    }
  }
}

function addToMap(map: TimerMap, timer: Timer): void {
  const ns = timer.nsKey;
  const inNs = map.get(ns);
  if (inNs === undefined) map.set(ns, timer);
  else if (inNs instanceof Timer) {
    if (inNs.owner === timer.owner) map.set(ns, timer);
    else map.set(ns, [inNs, timer]);
  } else {
    // All share the namespace: one timer per owner.
    const i = inNs.findIndex((t) => t.owner === timer.owner);
    if (i >= 0) inNs[i] = timer;
    else inNs.push(timer);
  }
}
