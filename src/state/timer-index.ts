/**
 * Timer records and their deduplication index. A timer is identified by (key, namespace,
 * timestamp) within one service and one time domain. Most keys hold one or two live timers at
 * a time (e.g. a window's end), so the index stores per canonical key the timer itself, then a
 * small array, and only past {@link MAX_LIST} timers a map by namespace key.
 * Registering a new window's first timer thus allocates nothing but the timer, and firing it
 * frees nothing but the timer; registering an existing timer allocates nothing at all.
 */
import type { Namespace } from './backend.js';
import type { CanonicalKey } from './key-groups.js';
import type { InternalTimer } from './timers.js';

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

/**
 * A key's timers once there are more than {@link MAX_LIST}: by namespace key, then one timer or
 * a list of them (a namespace rarely has more than one timer, e.g. a window's end).
 */
type TimerMap = Map<string | number, Timer | Timer[]>;

/** What the index holds per canonical key: one timer, a short unordered list, or a map. */
type Slot = Timer | Timer[] | TimerMap;

/** Longest list scanned linearly; one more timer turns the key's slot into a {@link TimerMap}. */
const MAX_LIST = 8;

function matches(timer: Timer, ns: string | number, timestamp: number): boolean {
  return timer.timestamp === timestamp && timer.nsKey === ns;
}

/** The index in `list` of the timer with `timestamp` (all share a key), or -1. */
function findIn(list: Timer[], ns: string | number, timestamp: number): number {
  for (let i = 0; i < list.length; i++) if (matches(list[i]!, ns, timestamp)) return i;
  return -1;
}

/** Removes `list[i]`; order is irrelevant, so the last element fills the gap. */
function removeAtIndex(list: Timer[], i: number): void {
  const last = list.pop()!;
  if (i < list.length) list[i] = last;
}

/** Live timers of one service and domain, by (canonical key, namespace key, timestamp). */
export class TimerIndex {
  private readonly byKey = new Map<CanonicalKey, Slot>();
  /** Number of live timers. */
  size = 0;
  /**
   * The timer last found or added, while it is live. A window operator registers the same
   * timer twice per record (the trigger's and the cleanup timer, equal without allowed
   * lateness), so the second lookup is a few comparisons instead of map probes.
   */
  private last: Timer | undefined = undefined;
  /**
   * The timer last removed, until the next {@link add}: only an add can make its triple live
   * again. A window firing removes its timer and then the trigger's `clear` deletes the same
   * triple, which this answers without probing.
   */
  private gone: Timer | undefined = undefined;

  get(key: CanonicalKey, ns: string | number, timestamp: number): Timer | undefined {
    const last = this.last;
    if (last !== undefined && last.canonical === key && matches(last, ns, timestamp)) return last;
    const found = this.find(key, ns, timestamp);
    if (found !== undefined) this.last = found;
    return found;
  }

  private find(key: CanonicalKey, ns: string | number, timestamp: number): Timer | undefined {
    const slot = this.byKey.get(key);
    if (slot === undefined) return undefined;
    if (slot instanceof Timer) return matches(slot, ns, timestamp) ? slot : undefined;
    if (Array.isArray(slot)) {
      const i = findIn(slot, ns, timestamp);
      return i < 0 ? undefined : slot[i];
    }
    const inNs = slot.get(ns);
    if (inNs === undefined) return undefined;
    if (inNs instanceof Timer) return inNs.timestamp === timestamp ? inNs : undefined;
    const i = findIn(inNs, ns, timestamp);
    return i < 0 ? undefined : inNs[i];
  }

  /** Adds a timer; the caller has checked with {@link get} that its triple is not present. */
  add(timer: Timer): void {
    const key = timer.canonical;
    this.last = timer;
    this.gone = undefined;
    const slot = this.byKey.get(key);
    if (slot === undefined) this.byKey.set(key, timer);
    else if (slot instanceof Timer) this.byKey.set(key, [slot, timer]);
    else if (!Array.isArray(slot)) addToMap(slot, timer);
    else if (slot.length < MAX_LIST) slot.push(timer);
    else {
      const map: TimerMap = new Map();
      for (let i = 0; i < slot.length; i++) addToMap(map, slot[i]!);
      addToMap(map, timer);
      this.byKey.set(key, map);
    }
    this.size++;
  }

  /** Removes and returns the live timer for the triple, dropping the key when it has no more. */
  remove(key: CanonicalKey, ns: string | number, timestamp: number): Timer | undefined {
    const gone = this.gone;
    if (gone !== undefined && gone.canonical === key && matches(gone, ns, timestamp)) return undefined;
    const slot = this.byKey.get(key);
    if (slot === undefined) return undefined;
    let timer: Timer | undefined;
    if (slot instanceof Timer) {
      if (!matches(slot, ns, timestamp)) return undefined;
      this.byKey.delete(key);
      timer = slot;
    } else if (Array.isArray(slot)) {
      const i = findIn(slot, ns, timestamp);
      if (i < 0) return undefined;
      timer = slot[i]!;
      removeAtIndex(slot, i);
      // Back to the inline form, so a key whose timers come and go one by one allocates nothing.
      if (slot.length === 1) this.byKey.set(key, slot[0]!);
    } else {
      const inNs = slot.get(ns);
      if (inNs === undefined) return undefined;
      if (inNs instanceof Timer) {
        if (inNs.timestamp !== timestamp) return undefined;
        timer = inNs;
        slot.delete(ns);
        if (slot.size === 0) this.byKey.delete(key);
      } else {
        const i = findIn(inNs, ns, timestamp);
        if (i < 0) return undefined;
        timer = inNs[i]!;
        removeAtIndex(inNs, i);
        if (inNs.length === 1) slot.set(ns, inNs[0]!);
      }
    }
    if (timer === this.last) this.last = undefined;
    this.gone = timer;
    this.size--;
    return timer;
  }

  /**
   * Removes a timer known to be live in this index, as when it fires. Cheaper than
   * {@link remove} for the common inline form: the timer is found by identity.
   */
  removeLive(timer: Timer): void {
    const key = timer.canonical;
    if (this.byKey.get(key) === timer) {
      this.byKey.delete(key);
      if (timer === this.last) this.last = undefined;
      this.gone = timer;
      this.size--;
    } else {
      this.remove(key, timer.nsKey, timer.timestamp);
    }
  }

  /** Every live timer, in no particular order; for snapshots. */
  *values(): IterableIterator<Timer> {
    for (const slot of this.byKey.values()) {
      if (slot instanceof Timer) yield slot;
      else if (Array.isArray(slot)) yield* slot;
      else {
        for (const inNs of slot.values()) {
          if (inNs instanceof Timer) yield inNs;
          else yield* inNs;
        }
      }
    }
  }
}

function addToMap(map: TimerMap, timer: Timer): void {
  const ns = timer.nsKey;
  const inNs = map.get(ns);
  if (inNs === undefined) map.set(ns, timer);
  else if (inNs instanceof Timer) map.set(ns, [inNs, timer]);
  else inNs.push(timer);
}
