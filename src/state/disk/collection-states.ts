/**
 * List and map state on disk, with the heap states' semantics (see `../heap/list-state.ts` and
 * `../heap/map-state.ts`). A list is one entry holding its array (elements `{ v, ts }` under a
 * TTL). A map stores one store entry per user key, `{ k, v, ts }` as a heap map slot, under the
 * (key, state, namespace) prefix followed by the canonical user key, so a lookup is a point read
 * and iteration is a range scan in the order of the encoded user keys (not insertion order).
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import { type InternalListState, type InternalMapState, type Namespace, namespaceKeyOf } from '../backend.js';
import { requireDefined, sourceKeys } from '../heap/state-base.js';
import type { TtlPolicy, TtlValue } from '../heap/ttl.js';
import { type CanonicalKey, canonicalKey } from '../key-groups.js';
import { DiskState } from './disk-context.js';
import { encodePart, storeKey } from './key-layout.js';

const EMPTY: readonly never[] = Object.freeze([]);
const LIST = 'list state';

function checkedCopy<T>(values: Iterable<T>): T[] {
  const out: T[] = [];
  for (const value of values) {
    requireDefined(value, LIST);
    out.push(value);
  }
  return out;
}

/** List state, with or without a TTL per element. */
export class DiskListState<T> extends DiskState<any[]> implements InternalListState<T> {
  constructor(
    name: string,
    ctx: DiskState<any>['ctx'],
    store: DiskState<any>['store'],
    private readonly policy: TtlPolicy | undefined,
  ) {
    super(name, ctx, store);
  }

  get(): Iterable<T> {
    this.access();
    const list = this.read();
    if (list === undefined) return EMPTY;
    const policy = this.policy;
    if (policy === undefined) return list.slice();
    const now = policy.now();
    const out: T[] = [];
    let kept = 0;
    let changed = false;
    for (let i = 0; i < list.length; i++) {
      const element = list[i] as TtlValue<T>;
      if (policy.expired(element.ts, now)) {
        if (policy.returnExpired) out.push(element.v);
        changed = true;
        continue;
      }
      if (policy.updateOnRead && element.ts !== now) {
        element.ts = now;
        changed = true;
      }
      out.push(element.v);
      list[kept++] = element;
    }
    if (kept === 0) this.removeCurrent();
    else if (changed) {
      list.length = kept;
      this.write(list);
    }
    return out;
  }

  add(value: T): void {
    requireDefined(value, LIST);
    this.access();
    this.append([this.wrap(value)]);
  }

  addAll(values: Iterable<T>): void {
    const added = checkedCopy(values);
    this.access();
    if (added.length > 0) this.append(added.map((v) => this.wrap(v)));
  }

  update(values: Iterable<T>): void {
    const list = checkedCopy(values);
    this.access();
    if (list.length === 0) this.removeCurrent();
    else this.write(list.map((v) => this.wrap(v)));
  }

  /** Appends the sources, in order, after the target's elements (which keep their timestamps). */
  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    this.access();
    const targetKey = namespaceKeyOf(target);
    let merged = this.read(targetKey);
    for (const key of sourceKeys(targetKey, sources)) {
      const source = this.take(key);
      if (source === undefined) continue;
      if (merged === undefined) merged = source;
      else for (let i = 0; i < source.length; i++) merged.push(source[i]);
    }
    if (merged !== undefined) this.write(merged, targetKey);
  }

  private append(elements: unknown[]): void {
    const list = this.read();
    if (list === undefined) this.write(elements);
    else {
      for (let i = 0; i < elements.length; i++) list.push(elements[i]);
      this.write(list);
    }
  }

  private wrap(value: T): unknown {
    return this.policy === undefined ? value : { v: value, ts: this.policy.now() };
  }
}

/** A stored map entry, as a heap map slot: user key, value, last access (0 without TTL). */
interface Slot<UK, UV> {
  readonly k: UK;
  v: UV;
  ts: number;
}

function mapKey(key: unknown): CanonicalKey {
  if (key === undefined) {
    throw userError(
      ErrorCodes.STATE_ACCESS,
      'map state keys cannot be undefined; use null or a sentinel value',
    );
  }
  return canonicalKey(key);
}

/** Map state, with or without a TTL per entry. */
export class DiskMapState<UK, UV> extends DiskState<Slot<UK, UV>> implements InternalMapState<UK, UV> {
  constructor(
    name: string,
    ctx: DiskState<any>['ctx'],
    store: DiskState<any>['store'],
    private readonly policy: TtlPolicy | undefined,
  ) {
    super(name, ctx, store);
  }

  override clear(): void {
    this.access();
    this.store.removeRange(this.entryKey());
  }

  get(key: UK): UV | undefined {
    this.access();
    const slot = this.lookup(key);
    return slot === undefined ? undefined : slot.v;
  }

  contains(key: UK): boolean {
    this.access();
    return this.lookup(key) !== undefined;
  }

  put(key: UK, value: UV): void {
    this.access();
    this.putSlot(key, value, this.policy === undefined ? 0 : this.policy.now());
  }

  putAll(entries: Iterable<readonly [UK, UV]> | Map<UK, UV>): void {
    this.access();
    const ts = this.policy === undefined ? 0 : this.policy.now();
    for (const [key, value] of entries) this.putSlot(key, value, ts);
  }

  remove(key: UK): void {
    this.access();
    this.store.remove(this.slotKey(mapKey(key)));
  }

  entries(): Iterable<[UK, UV]> {
    this.access();
    const out: [UK, UV][] = [];
    this.scan((slot) => out.push([slot.k, slot.v]));
    return out;
  }

  keys(): Iterable<UK> {
    this.access();
    const out: UK[] = [];
    this.scan((slot) => out.push(slot.k));
    return out;
  }

  values(): Iterable<UV> {
    this.access();
    const out: UV[] = [];
    this.scan((slot) => out.push(slot.v));
    return out;
  }

  isEmpty(): boolean {
    this.access();
    let empty = true;
    this.scan(() => {
      empty = false;
    });
    return empty;
  }

  /** The store key of one user key's slot: the entry's key followed by the canonical user key. */
  private slotKey(ck: CanonicalKey): Buffer {
    return storeKey([this.entryKey(), encodePart(ck)]);
  }

  private lookup(key: UK): Slot<UK, UV> | undefined {
    const slotKey = this.slotKey(mapKey(key));
    const entry = this.store.get(slotKey);
    if (entry === undefined) return undefined;
    const slot = entry.value as Slot<UK, UV>;
    const policy = this.policy;
    if (policy === undefined) return slot;
    const now = policy.now();
    if (policy.expired(slot.ts, now)) {
      this.store.remove(slotKey);
      return policy.returnExpired ? slot : undefined;
    }
    if (policy.updateOnRead) {
      slot.ts = now;
      this.store.put(slotKey, slot, this.ctx.original);
    }
    return slot;
  }

  private putSlot(key: UK, value: UV, ts: number): void {
    const slotKey = this.slotKey(mapKey(key));
    const entry = this.store.get(slotKey);
    // The first user key put stays the one iteration returns, as on the heap.
    const slot = entry === undefined ? { k: key, v: value, ts } : (entry.value as Slot<UK, UV>);
    slot.v = value;
    slot.ts = ts;
    this.store.put(slotKey, slot, this.ctx.original);
  }

  /** Visits visible slots, removing expired ones (returned once under ReturnExpiredIfNotCleanedUp). */
  private scan(visit: (slot: Slot<UK, UV>) => void): void {
    const entries = [...this.store.range(this.entryKey())];
    const policy = this.policy;
    const now = policy === undefined ? 0 : policy.now();
    for (const { key, value } of entries) {
      const slot = value as Slot<UK, UV>;
      if (policy !== undefined) {
        if (policy.expired(slot.ts, now)) {
          this.store.remove(key);
          if (policy.returnExpired) visit(slot);
          continue;
        }
        if (policy.updateOnRead) {
          slot.ts = now;
          this.store.put(key, slot, this.ctx.original);
        }
      }
      visit(slot);
    }
  }
}
