/**
 * Heap map state. Map keys compare by value, like keyBy keys: entries are stored under
 * `canonicalKey(userKey)` together with the user key first put, which iteration returns.
 * Iteration methods return fresh arrays, so the map may be changed while iterating them.
 * An entry whose map becomes empty is removed, so `isEmpty()` is just "no entry".
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { InternalMapState } from '../backend.js';
import { type CanonicalKey, canonicalKey } from '../key-groups.js';
import type { KeyContext } from './key-context.js';
import { HeapState } from './state-base.js';
import type { IncrementalCleanup, TtlCleaner, TtlPolicy } from './ttl.js';

/** A stored map entry: the user key, the value, and (TTL only) the last-access time. */
interface Slot<UK, UV> {
  readonly k: UK;
  v: UV;
  ts: number;
}

type SlotMap<UK, UV> = Map<CanonicalKey, Slot<UK, UV>>;

/** The canonical form of a map key; undefined is rejected because it cannot be told from "absent". */
function mapKey(key: unknown): CanonicalKey {
  if (key === undefined) {
    throw userError(
      ErrorCodes.STATE_ACCESS,
      'map state keys cannot be undefined; use null or a sentinel value',
    );
  }
  return canonicalKey(key);
}

/**
 * Map state, with or without TTL: slots carry a timestamp either way (one number per entry is
 * cheaper than a second class hierarchy), and the TTL logic runs only when a policy is given.
 */
abstract class MapStateBase<UK, UV> extends HeapState<SlotMap<UK, UV>> implements InternalMapState<UK, UV> {
  protected abstract readonly policy: TtlPolicy | undefined;

  /** Runs before each access; TTL states run their incremental cleanup here. */
  protected abstract access(): void;

  /** The slot for `key` if visible, removing it when expired (Flink's getWrappedWithTtlCheckAndUpdate). */
  private lookup(key: UK): Slot<UK, UV> | undefined {
    this.access();
    const map = this.table.get(this.ns);
    if (map === undefined) return undefined;
    const ck = mapKey(key);
    const slot = map.get(ck);
    const policy = this.policy;
    if (slot === undefined || policy === undefined) return slot;
    const now = policy.now();
    if (policy.expired(slot.ts, now)) {
      this.deleteFrom(map, ck);
      return policy.returnExpired ? slot : undefined;
    }
    if (policy.updateOnRead) slot.ts = now;
    return slot;
  }

  private deleteFrom(map: SlotMap<UK, UV>, ck: CanonicalKey): void {
    if (map.delete(ck) && map.size === 0) this.table.remove(this.ns);
  }

  get(key: UK): UV | undefined {
    const slot = this.lookup(key);
    return slot === undefined ? undefined : slot.v;
  }

  contains(key: UK): boolean {
    return this.lookup(key) !== undefined;
  }

  put(key: UK, value: UV): void {
    this.access();
    this.store(key, value, this.policy === undefined ? 0 : this.policy.now());
  }

  putAll(entries: Iterable<readonly [UK, UV]> | Map<UK, UV>): void {
    this.access();
    const ts = this.policy === undefined ? 0 : this.policy.now();
    for (const [key, value] of entries) this.store(key, value, ts);
  }

  private store(key: UK, value: UV, ts: number): void {
    const ck = mapKey(key);
    let map = this.table.get(this.ns);
    if (map === undefined) {
      map = new Map();
      this.table.put(this.ns, map);
    }
    const slot = map.get(ck);
    if (slot === undefined) map.set(ck, { k: key, v: value, ts });
    else {
      slot.v = value;
      slot.ts = ts;
    }
  }

  remove(key: UK): void {
    this.access();
    const map = this.table.get(this.ns);
    if (map !== undefined) this.deleteFrom(map, mapKey(key));
  }

  entries(): Iterable<[UK, UV]> {
    const out: [UK, UV][] = [];
    this.scan((slot) => out.push([slot.k, slot.v]));
    return out;
  }

  keys(): Iterable<UK> {
    const out: UK[] = [];
    this.scan((slot) => out.push(slot.k));
    return out;
  }

  values(): Iterable<UV> {
    const out: UV[] = [];
    this.scan((slot) => out.push(slot.v));
    return out;
  }

  isEmpty(): boolean {
    let empty = true;
    this.scan(() => {
      empty = false;
    });
    return empty;
  }

  /** Visits the visible slots, applying TTL per entry as Flink's `EntriesIterator` does. */
  private scan(visit: (slot: Slot<UK, UV>) => void): void {
    this.access();
    const map = this.table.get(this.ns);
    if (map === undefined) return;
    const policy = this.policy;
    if (policy === undefined) {
      for (const slot of map.values()) visit(slot);
      return;
    }
    const now = policy.now();
    for (const [ck, slot] of map) {
      if (policy.expired(slot.ts, now)) {
        map.delete(ck);
        if (policy.returnExpired) visit(slot);
        continue;
      }
      if (policy.updateOnRead) slot.ts = now;
      visit(slot);
    }
    if (map.size === 0) this.table.remove(this.ns);
  }
}

/** Map state without TTL. */
export class HeapMapState<UK, UV> extends MapStateBase<UK, UV> {
  protected readonly policy = undefined;

  constructor(name: string, ctx: KeyContext) {
    super(name, ctx);
  }

  protected access(): void {}
}

/** Map state with a TTL per entry (Flink's `TtlMapState`). */
export class TtlMapState<UK, UV> extends MapStateBase<UK, UV> {
  /** Set by the backend when the descriptor asks for incremental cleanup. */
  cleanup: IncrementalCleanup<SlotMap<UK, UV>> | undefined = undefined;

  constructor(
    name: string,
    ctx: KeyContext,
    protected readonly policy: TtlPolicy,
  ) {
    super(name, ctx);
  }

  protected access(): void {
    if (this.cleanup !== undefined) this.cleanup.run();
  }
}

/** Drops expired entries; removes the whole (key, namespace) entry when none is left. */
export function mapCleaner<UK, UV>(policy: TtlPolicy): TtlCleaner<SlotMap<UK, UV>> {
  return (map, now) => {
    for (const [ck, slot] of map) if (policy.expired(slot.ts, now)) map.delete(ck);
    return map.size === 0 ? undefined : map;
  };
}
