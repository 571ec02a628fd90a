/**
 * A state table holds one state's entries as nested maps: canonical key -> namespace key ->
 * stored value. The row of the current key is cached between accesses (see {@link KeyContext}).
 * Gotcha: an entry whose value becomes empty must be removed with {@link StateTable.remove}, and
 * a row with no namespaces left is dropped, so `size` is exact and nothing leaks.
 */
import type { CanonicalKey } from '../key-groups.js';
import type { KeyContext } from './key-context.js';

/** A namespace's key inside a row, as `namespaceKeyOf` returns it. */
export type NamespaceKey = string | number;

/** A row: the namespaces (and their values) of one key. */
export type Row<V> = Map<NamespaceKey, V>;

/** Entries of one state, with the current key's row cached. */
export class StateTable<V> {
  readonly rows = new Map<CanonicalKey, Row<V>>();
  /** Number of (key, namespace) entries. */
  size = 0;
  private row: Row<V> | undefined = undefined;
  private rowEpoch = -1;

  constructor(private readonly ctx: KeyContext) {}

  /** The current key's row, or undefined when it has no entries. */
  currentRow(): Row<V> | undefined {
    const ctx = this.ctx;
    if (this.rowEpoch !== ctx.epoch) {
      ctx.requireKey();
      this.row = this.rows.get(ctx.canonical);
      this.rowEpoch = ctx.epoch;
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
    let row = this.currentRow();
    if (row === undefined) {
      row = new Map();
      this.rows.set(this.ctx.canonical, row);
      this.row = row;
    }
    const before = row.size;
    row.set(ns, value);
    if (row.size !== before) this.size++;
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
    this.size--;
    if (row.size === 0 && this.rows.get(key) === row) {
      this.rows.delete(key);
      this.rowEpoch = -1;
    }
  }

  /** Drops every entry. */
  clearAll(): void {
    this.rows.clear();
    this.size = 0;
    this.row = undefined;
    this.rowEpoch = -1;
  }
}
