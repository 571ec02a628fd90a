/**
 * A state table holds one state's entries by canonical key, then namespace key. Most keys hold
 * one namespace at a time: plain keyed state holds the void namespace only, so the table keeps
 * such a key's value itself, with no object around it (a table of a million keys is a million
 * objects fewer for the garbage collector to copy), until the value is replaced by another (a
 * counter); a key whose value is replaced, or that is in another namespace (the one open window
 * of a key), gets a {@link Row} that stores its first namespace inline, and only a key with
 * several namespaces at once gets a map. What the current key holds is cached between accesses
 * (see {@link KeyContext}).
 * Gotchas: an entry whose value becomes empty must be removed with {@link StateTable.remove}, and
 * a key with no namespaces left is dropped, so `size` is exact and nothing leaks. A value that is
 * itself a {@link Row} cannot be told from a key's row; no state stores one (the class is this
 * module's own).
 */
import { VOID_NAMESPACE } from '../backend.js';
import { type CanonicalKey, isCanonicalKeyExact, keyFromCanonical } from '../key-groups.js';
import type { KeyContext } from './key-context.js';

/** A namespace's key inside a row, as `namespaceKeyOf` returns it. */
export type NamespaceKey = string | number;

/**
 * The namespaces (and their values) of one key. Either inline (`map` undefined: at most the one
 * entry `ns`/`value`, `value` undefined when empty) or, once a second namespace arrived, a map
 * holding every entry. A row never goes back to inline: a key that had two windows open at once
 * will likely again, and re-creating the map each time would cost more than keeping it.
 */
export class Row<V> {
  ns: NamespaceKey;
  value: V | undefined;
  map: Map<NamespaceKey, V> | undefined = undefined;

  constructor(ns: NamespaceKey, value: V) {
    this.ns = ns;
    this.value = value;
  }

  /** Number of entries. */
  get size(): number {
    return this.map !== undefined ? this.map.size : this.value === undefined ? 0 : 1;
  }

  get(ns: NamespaceKey): V | undefined {
    if (this.map !== undefined) return this.map.get(ns);
    return this.ns === ns ? this.value : undefined;
  }

  /** Stores a value (never undefined); returns true if the entry is new. */
  set(ns: NamespaceKey, value: V): boolean {
    const map = this.map;
    if (map !== undefined) {
      const before = map.size;
      map.set(ns, value);
      return map.size !== before;
    }
    if (this.value === undefined || this.ns === ns) {
      const added = this.value === undefined;
      this.ns = ns;
      this.value = value;
      return added;
    }
    const promoted = new Map<NamespaceKey, V>();
    promoted.set(this.ns, this.value);
    promoted.set(ns, value);
    this.map = promoted;
    this.value = undefined;
    return true;
  }

  /** Removes an entry; returns true if there was one. */
  delete(ns: NamespaceKey): boolean {
    if (this.map !== undefined) return this.map.delete(ns);
    if (this.value === undefined || this.ns !== ns) return false;
    this.value = undefined;
    return true;
  }

  /**
   * The entries, in insertion order. A map row's iterator is live (it sees later changes, as
   * map iterators do); an inline row's is a snapshot of its one entry.
   */
  entries(): Iterator<[NamespaceKey, V]> {
    if (this.map !== undefined) return this.map.entries();
    const entries: [NamespaceKey, V][] = this.value === undefined ? [] : [[this.ns, this.value]];
    return entries.values();
  }
}

/**
 * What a table keeps per key: the value itself when the key's one entry is in the void
 * namespace, else the key's {@link Row}.
 */
export type Slot<V> = Row<V> | V;

/** The entries of a key's slot, in insertion order (a map row's iterator is live). */
export function slotEntries<V>(slot: Slot<V>): Iterator<[NamespaceKey, V]> {
  if (slot instanceof Row) return slot.entries();
  const entries: [NamespaceKey, V][] = [[VOID_NAMESPACE, slot]];
  return entries.values();
}

/**
 * Entries of one state, with the current key's slot cached.
 *
 * Rows are stored by canonical key, but a snapshot needs the key the selector returned, so that
 * restored timers and `getCurrentKey()` see it, not a canonical string. Most keys can be parsed
 * back from their canonical form (`keyFromCanonical`); only the others are kept, in
 * `originals`, so plain keys cost no memory beyond their row.
 */
export class StateTable<V> {
  readonly rows = new Map<CanonicalKey, Slot<V>>();
  /** Number of (key, namespace) entries. */
  size = 0;
  private slot: Slot<V> | undefined = undefined;
  private slotEpoch = -1;
  /** Keys that `keyFromCanonical` would not give back exactly, by canonical key. */
  private originals: Map<CanonicalKey, unknown> | undefined = undefined;

  constructor(private readonly ctx: KeyContext) {}

  /** What the current key holds, or undefined when it has no entries. */
  private currentSlot(): Slot<V> | undefined {
    const ctx = this.ctx;
    if (this.slotEpoch !== ctx.epoch) {
      ctx.requireKey();
      this.slot = this.rows.get(ctx.canonical);
      this.slotEpoch = ctx.epoch;
      // States change values in place (list appends, TTL timestamps) out of the table's sight,
      // so any access of a key's entries counts as a change of its key group.
      ctx.changes?.mark(ctx.keyGroup);
    }
    return this.slot;
  }

  /** The current key's value in `ns`. */
  get(ns: NamespaceKey): V | undefined {
    const slot = this.currentSlot();
    if (slot === undefined) return undefined;
    if (slot instanceof Row) return slot.get(ns);
    return ns === VOID_NAMESPACE ? slot : undefined;
  }

  /** Stores a value for the current key in `ns`; the value must not be undefined. */
  put(ns: NamespaceKey, value: V): void {
    const slot = this.currentSlot();
    if (slot === undefined) {
      const ctx = this.ctx;
      const created = ns === VOID_NAMESPACE ? value : new Row(ns, value);
      this.rows.set(ctx.canonical, created);
      if (!isCanonicalKeyExact(ctx.key, ctx.canonical)) this.keepOriginal(ctx.canonical, ctx.key);
      this.slot = created;
      this.size++;
    } else if (slot instanceof Row) {
      if (slot.set(ns, value)) this.size++;
    } else if (ns === VOID_NAMESPACE) {
      // The write of a value changed in place (a list, a map) stores nothing. A key whose value
      // is replaced (a counter) gets a row, whose value is then replaced with no map write: one
      // map write now, where keeping the value itself would cost one per write.
      if (slot !== value) {
        const row = new Row<V>(VOID_NAMESPACE, value);
        this.rows.set(this.ctx.canonical, row);
        this.slot = row;
      }
    } else {
      // A second namespace: the key gets a row holding both.
      const row = new Row<V>(VOID_NAMESPACE, slot);
      row.set(ns, value);
      this.rows.set(this.ctx.canonical, row);
      this.slot = row;
      this.size++;
    }
  }

  /** Removes the current key's entry in `ns`; returns the removed value. */
  remove(ns: NamespaceKey): V | undefined {
    const slot = this.currentSlot();
    if (slot === undefined) return undefined;
    if (slot instanceof Row) {
      const old = slot.get(ns);
      if (slot.delete(ns)) {
        this.size--;
        if (slot.size === 0) this.dropCurrent();
      }
      return old;
    }
    if (ns !== VOID_NAMESPACE) return undefined;
    this.size--;
    this.dropCurrent();
    return slot;
  }

  /** Forgets the current key, which has no entries left. */
  private dropCurrent(): void {
    const canonical = this.ctx.canonical;
    this.rows.delete(canonical);
    this.originals?.delete(canonical);
    this.slot = undefined;
  }

  /**
   * Removes an entry of any key, for incremental cleanup. Drops the key when it has no entries
   * left and forgets the cached slot, because it may have been that key's.
   */
  removeAt(key: CanonicalKey, ns: NamespaceKey): void {
    const slot = this.rows.get(key);
    if (slot === undefined) return;
    if (slot instanceof Row) {
      if (!slot.delete(ns)) return;
      if (slot.size === 0) this.dropAt(key);
    } else {
      if (ns !== VOID_NAMESPACE) return;
      this.dropAt(key);
    }
    this.changedAt(key);
    this.size--;
    this.slotEpoch = -1;
  }

  private dropAt(key: CanonicalKey): void {
    this.rows.delete(key);
    this.originals?.delete(key);
  }

  /**
   * Replaces an existing entry of any key, for incremental cleanup. Forgets the cached slot,
   * because it may have been that key's value itself.
   */
  replaceAt(key: CanonicalKey, ns: NamespaceKey, value: V): void {
    const slot = this.rows.get(key);
    if (slot === undefined) return;
    if (slot instanceof Row) {
      if (slot.get(ns) === undefined) return;
      slot.set(ns, value);
    } else if (ns === VOID_NAMESPACE) this.rows.set(key, value);
    else return;
    this.changedAt(key);
    this.slotEpoch = -1;
  }

  /**
   * Stores an entry of any key, as a restore does; an entry already there is replaced. Forgets
   * the cached slot, because the current key's entries may have just been created.
   */
  restore(canonical: CanonicalKey, key: unknown, ns: NamespaceKey, value: V): void {
    const slot = this.rows.get(canonical);
    if (slot === undefined) {
      this.rows.set(canonical, ns === VOID_NAMESPACE ? value : new Row(ns, value));
      if (!isCanonicalKeyExact(key, canonical)) this.keepOriginal(canonical, key);
      this.size++;
    } else if (slot instanceof Row) {
      if (slot.set(ns, value)) this.size++;
    } else if (ns === VOID_NAMESPACE) this.rows.set(canonical, value);
    else {
      const row = new Row<V>(VOID_NAMESPACE, slot);
      row.set(ns, value);
      this.rows.set(canonical, row);
      this.size++;
    }
    this.slotEpoch = -1;
  }

  /** Records a change to an entry of any key (incremental cleanup) for incremental snapshots. */
  changedAt(key: CanonicalKey): void {
    this.ctx.changes?.markKey(key);
  }

  /** The key of a row as the key selector returned it (up to property order). */
  originalKey(canonical: CanonicalKey): unknown {
    const original = this.originals?.get(canonical);
    return original !== undefined ? original : keyFromCanonical(canonical);
  }

  private keepOriginal(canonical: CanonicalKey, key: unknown): void {
    if (this.originals === undefined) this.originals = new Map();
    this.originals.set(canonical, key);
  }

  /** Drops every entry. */
  clearAll(): void {
    this.rows.clear();
    this.originals = undefined;
    this.size = 0;
    this.slot = undefined;
    this.slotEpoch = -1;
  }
}
