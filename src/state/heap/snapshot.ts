/**
 * The snapshot format of the heap backend. A key group's data lists every state with entries
 * in that group: its name, its kind, whether its values carry TTL timestamps, and its entries.
 * Values are written as the states hold them (TTL wrappers included, so expiry survives a
 * restore; map state as its slot map), which the codec encodes without help. Each row holds
 * the key the selector returned (see `StateTable.originalKey`), not the canonical string of an
 * object key, so keys come back as they went in.
 *
 * Entries come in one of two layouts, told apart by the field that holds them. Layout 2, which
 * the heap backend writes, is one flat list per state and key group (`entries`): writing a
 * list per key cost an allocation per key and made the snapshot of a state with many small
 * keys about a third slower. Layout 1 (`rows`, a list per key) is what older snapshots and the
 * disk backend hold; both backends read both.
 */
import { ErrorCodes, WeirError } from '../../types/errors.js';
import type { StateKind } from '../../types/state.js';
import { VOID_NAMESPACE } from '../backend.js';
import { type CanonicalKey, canonicalKey, keyGroupOfCanonical } from '../key-groups.js';
import { type NamespaceKey, Row, type StateTable, slotEntries } from './state-table.js';
import type { TtlValue } from './ttl.js';

/** One state's entries in one key group. */
export interface StateGroupSnapshot {
  readonly name: string;
  readonly kind: StateKind;
  /** Whether values are TTL-wrapped (`{ v, ts }`, per element for lists, per slot for maps). */
  readonly ttl: boolean;
  /** Layout 1: per key, the original key, then namespace key and value per entry: `[key, ns0, v0, ns1, v1, …]`. */
  readonly rows?: unknown[][];
  /**
   * Layout 2: every key's entries one after another in one list: the original key, the number
   * of entries `n`, then namespace key and value per entry: `[key, n, ns0, v0, …, key, n, …]`.
   */
  readonly entries?: unknown[];
}

/** What the heap backend writes for one key group. */
export type HeapKeyGroupSnapshot = StateGroupSnapshot[];

/** Turns a stored value of a TTL state into one of a state without TTL, or the reverse. */
type Convert = (value: any) => unknown;

/** The error for snapshot data that cannot have been written by this backend. */
export function corruptSnapshot(message: string): WeirError {
  return new WeirError(ErrorCodes.INTERNAL, `keyed state snapshot: ${message}`, { domain: 'internal' });
}

/** Adds one state's rows to `groups`, split by key group; with `only`, just those key groups. */
export function snapshotTable(
  groups: Map<number, HeapKeyGroupSnapshot>,
  name: string,
  kind: StateKind,
  ttl: boolean,
  table: StateTable<unknown>,
  maxParallelism: number,
  only?: ReadonlySet<number>,
): void {
  const byGroup = new Map<number, unknown[]>();
  for (const [canonical, row] of table.rows) {
    const keyGroup = keyGroupOfCanonical(canonical, maxParallelism);
    if (only !== undefined && !only.has(keyGroup)) continue;
    let entries = byGroup.get(keyGroup);
    if (entries === undefined) {
      entries = [];
      byGroup.set(keyGroup, entries);
    }
    const key = table.originalKey(canonical);
    if (!(row instanceof Row)) entries.push(key, 1, VOID_NAMESPACE, row);
    else if (row.map === undefined) entries.push(key, 1, row.ns, row.value);
    else {
      entries.push(key, row.map.size);
      for (const [ns, value] of row.map) entries.push(ns, value);
    }
  }
  for (const [keyGroup, entries] of byGroup) {
    let states = groups.get(keyGroup);
    if (states === undefined) {
      states = [];
      groups.set(keyGroup, states);
    }
    states.push({ name, kind, ttl, entries });
  }
}

/** Checks the shape of one key group's data, so corrupt input fails here and not mid-restore. */
export function readKeyGroupSnapshot(data: unknown): HeapKeyGroupSnapshot {
  if (!Array.isArray(data)) throw corruptSnapshot('key group data is not a list of states');
  for (const state of data as Partial<StateGroupSnapshot>[]) {
    if (
      typeof state !== 'object' ||
      state === null ||
      typeof state.name !== 'string' ||
      typeof state.kind !== 'string' ||
      !(Array.isArray(state.entries) || Array.isArray(state.rows))
    ) {
      throw corruptSnapshot('a state entry lacks its name, kind or entries');
    }
  }
  return data as HeapKeyGroupSnapshot;
}

/**
 * The entries of one state in layout 1, per key `[key, ns0, v0, …]`, whichever layout the
 * snapshot holds; for readers that go key by key (the disk backend).
 */
export function snapshotRows(state: StateGroupSnapshot, keyGroup: number): unknown[][] {
  if (state.entries === undefined) return state.rows ?? [];
  const rows: unknown[][] = [];
  forEachKey(state.entries, keyGroup, (key, at, count) => {
    rows.push([key, ...state.entries!.slice(at, at + 2 * count)]);
  });
  return rows;
}

/**
 * Calls `each` per key of layout-2 `entries` with the index of its first namespace key and
 * its number of entries; throws for a list that does not parse as such.
 */
function forEachKey(
  entries: readonly unknown[],
  keyGroup: number,
  each: (key: unknown, at: number, count: number) => void,
): void {
  for (let i = 0; i < entries.length; ) {
    const count = entries[i + 1];
    if (!Number.isInteger(count) || (count as number) < 1 || i + 2 + 2 * (count as number) > entries.length) {
      throw corruptSnapshot(`the entries of key group ${keyGroup} are not [key, n, ns, value, …]`);
    }
    each(entries[i], i + 2, count as number);
    i += 2 + 2 * (count as number);
  }
}

/**
 * Stores a restored state's entries of `keyGroup` (either layout) into `table`, converting
 * values when the state gained or lost its TTL. Every key must hash to `keyGroup`: anything
 * else means the snapshot was given to the wrong subtask or `maxParallelism` changed.
 */
export function restoreRows(
  table: StateTable<unknown>,
  state: StateGroupSnapshot,
  keyGroup: number,
  maxParallelism: number,
  convert: Convert | undefined,
): void {
  const restoreKey = (key: unknown, entries: readonly unknown[], at: number, end: number): void => {
    const canonical: CanonicalKey = canonicalKey(key);
    const actual = keyGroupOfCanonical(canonical, maxParallelism);
    if (actual !== keyGroup) {
      throw corruptSnapshot(
        `a key of key group ${actual} was restored as part of key group ${keyGroup} (maxParallelism ${maxParallelism}); the snapshot was taken with another maxParallelism or assigned to the wrong subtask`,
      );
    }
    for (let i = at; i < end; i += 2) {
      const value = entries[i + 1];
      table.restore(
        canonical,
        key,
        entries[i] as NamespaceKey,
        convert === undefined ? value : convert(value),
      );
    }
  };
  const entries = state.entries;
  if (entries !== undefined) {
    forEachKey(entries, keyGroup, (key, at, count) => restoreKey(key, entries, at, at + 2 * count));
    return;
  }
  for (const row of state.rows ?? []) {
    if (!Array.isArray(row) || row.length < 3 || row.length % 2 === 0) {
      throw corruptSnapshot(`a row of key group ${keyGroup} is not [key, ns, value, …]`);
    }
    restoreKey(row[0], row, 1, row.length);
  }
}

/** Moves every entry of `from` into `to` (a registered state's table), converting values. */
export function moveRows(
  from: StateTable<unknown>,
  to: StateTable<unknown>,
  convert: Convert | undefined,
): void {
  for (const [canonical, row] of from.rows) {
    const key = from.originalKey(canonical);
    const entries = slotEntries(row);
    for (let entry = entries.next(); !entry.done; entry = entries.next()) {
      const [ns, value] = entry.value;
      to.restore(canonical, key, ns, convert === undefined ? value : convert(value));
    }
  }
  from.clearAll();
}

/**
 * How to convert a stored value when a state is restored with TTL but registered without, or
 * the reverse; undefined when nothing changes. Values gaining a TTL count as written at `now`,
 * as Flink does when TTL is switched on for existing state.
 */
export function ttlConversion(
  kind: StateKind,
  fromTtl: boolean,
  toTtl: boolean,
  now: number,
): Convert | undefined {
  if (fromTtl === toTtl) return undefined;
  switch (kind) {
    case 'map':
      // Map slots carry a timestamp either way; only a slot gaining a TTL needs a fresh one.
      if (!toTtl) return undefined;
      return (slots: Map<CanonicalKey, { ts: number }>) => {
        for (const slot of slots.values()) slot.ts = now;
        return slots;
      };
    case 'list':
      return toTtl
        ? (list: unknown[]) => list.map((v) => ({ v, ts: now }))
        : (list: TtlValue<unknown>[]) => list.map((element) => element.v);
    default:
      return toTtl ? (v: unknown) => ({ v, ts: now }) : (stored: TtlValue<unknown>) => stored.v;
  }
}
