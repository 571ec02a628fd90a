/**
 * A state table holds one state's entries by canonical key, then namespace key. Most keys hold
 * one namespace at a time (the void namespace of plain keyed state, or the one open window of
 * a key), so a {@link Row} stores its first namespace inline and only a key with several
 * namespaces at once gets a map. The row of the current key is cached between accesses (see
 * {@link KeyContext}).
 * Gotcha: an entry whose value becomes empty must be removed with {@link StateTable.remove}, and
 * a row with no namespaces left is dropped, so `size` is exact and nothing leaks.
 */
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
 * Entries of one state, with the current key's row cached.
 *
 * Rows are stored by canonical key, but a snapshot needs the key the selector returned, so that
 * restored timers and `getCurrentKey()` see it, not a canonical string. Most keys can be parsed
 * back from their canonical form (`keyFromCanonical`); only the others are kept, in
 * `originals`, so plain keys cost no memory beyond their row.
 */
export class StateTable<V> {
  readonly rows = new Map<CanonicalKey, Row<V>>();
  /** Number of (key, namespace) entries. */
  size = 0;
  private row: Row<V> | undefined = undefined;
  private rowEpoch = -1;
  /** Keys that `keyFromCanonical` would not give back exactly, by canonical key. */
  private originals: Map<CanonicalKey, unknown> | undefined = undefined;

  constructor(private readonly ctx: KeyContext) {}

  /** The current key's row, or undefined when it has no entries. */
  currentRow(): Row<V> | undefined {
    const ctx = this.ctx;
    if (this.rowEpoch !== ctx.epoch) {
      ctx.requireKey();
      this.row = this.rows.get(ctx.canonical);
      this.rowEpoch = ctx.epoch;
      // States change values in place (list appends, TTL timestamps) out of the table's sight,
      // so any access of a key's row counts as a change of its key group.
      ctx.changes?.mark(ctx.keyGroup);
    }
    return this.row;
  }

  /** The current key's value in `ns`. */
  get(ns: NamespaceKey): V | undefined {
    const row = this.currentRow();
    return row === undefined ? undefined : row.get(ns);
  }

  /** Stores a value for the current key in `ns`; the value must not be undefined. */
  put(ns: NamespaceKey, value: V): void {
    const row = this.currentRow();
    if (row === undefined) {
      const ctx = this.ctx;
      const created = new Row(ns, value);
      this.rows.set(ctx.canonical, created);
      if (!isCanonicalKeyExact(ctx.key, ctx.canonical)) this.keepOriginal(ctx.canonical, ctx.key);
      this.row = created;
      this.size++;
    } else if (row.set(ns, value)) {
      this.size++;
    }
  }

  /** Removes the current key's entry in `ns`; returns the removed value. */
  remove(ns: NamespaceKey): V | undefined {
    const row = this.currentRow();
    if (row === undefined) return undefined;
    const old = row.get(ns);
    if (row.delete(ns)) {
      this.size--;
      if (row.size === 0) {
        this.rows.delete(this.ctx.canonical);
        this.originals?.delete(this.ctx.canonical);
        this.row = undefined;
      }
    }
    return old;
  }

  /**
   * Removes an entry of any key, for incremental cleanup. Drops the row when it empties and
   * forgets the cached row, because it may have been that one.
   */
  removeAt(key: CanonicalKey, row: Row<V>, ns: NamespaceKey): void {
    if (!row.delete(ns)) return;
    this.changedAt(key);
    this.size--;
    if (row.size === 0 && this.rows.get(key) === row) {
      this.rows.delete(key);
      this.originals?.delete(key);
      this.rowEpoch = -1;
    }
  }

  /**
   * Stores an entry of any key, as a restore does; an entry already there is replaced. Forgets
   * the cached row, because the current key's row may have just been created.
   */
  restore(canonical: CanonicalKey, key: unknown, ns: NamespaceKey, value: V): void {
    const row = this.rows.get(canonical);
    if (row === undefined) {
      this.rows.set(canonical, new Row(ns, value));
      if (!isCanonicalKeyExact(key, canonical)) this.keepOriginal(canonical, key);
      this.size++;
    } else if (row.set(ns, value)) {
      this.size++;
    }
    this.rowEpoch = -1;
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
    this.row = undefined;
    this.rowEpoch = -1;
  }
}
