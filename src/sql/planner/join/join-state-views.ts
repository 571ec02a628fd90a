/**
 * How one side of the regular join keeps its rows for the current join key, after Flink's
 * `JoinRecordStateViews` / `OuterJoinRecordStateViews`:
 *
 * - `JoinKeyContainsUniqueKey`: one row per join key, in value state;
 * - `HasUniqueKey`: map state from the unique key's value to the row;
 * - `NoUniqueKey`: map state from the row's values (one compact string) to the row and its
 *   count, so duplicates and retractions are exact;
 * - an append-only side that is neither outer nor a semi join's left side, with no counts and
 *   no match tracking (Nexmark's bids), which spares a key per row: one value per join key
 *   holding the row itself, or an array once there are several ({@link RowsView}), so storing
 *   a row allocates nothing besides the row for a key of one row, and a probe reads the stored
 *   rows without a copy (list state copies a key's list on every read); with state TTL, list
 *   state, which expires each row on its own;
 * - such a side whose rows leave state by the watermark (see `watermark-complete.ts`): the same
 *   value, and no timer time (the join derives the key's pending timer from the rows).
 *
 * A *plain* view (the last two) has no counts and no matches: the join walks its rows with
 * {@link JoinSideView.stored} and builds no record per row.
 *
 * Every stored record carries `matches`, how many rows of the other side it joins with, which
 * an outer or semi/anti side needs to know when its padded row (or itself) must be emitted or
 * retracted. A record is never changed in place: a change is written back, so the backend sees
 * it (checkpoints are incremental by key group) and TTL timestamps are refreshed.
 */
import type { RuntimeContext } from '../../../types/functions.js';
import {
  type ListState,
  ListStateDescriptor,
  type MapState,
  MapStateDescriptor,
  type StateTtlConfig,
  type ValueState,
  ValueStateDescriptor,
} from '../../../types/state.js';
import type { Row } from '../../expressions/compiler.js';
import { type CompactKey, columnsKey } from '../../runtime/compact-keys.js';
import { StateLayout } from '../../runtime/state-layout.js';

/** A stored row: the row, how many copies, how many other-side rows it matches. */
export type StoredRecord = readonly [row: Row, count: number, matches: number];

/** One side's rows for the current join key. */
export interface JoinSideView {
  /** Whether every stored copy counts once and nobody reads matches (an append-only side). */
  readonly plain: boolean;
  /**
   * The stored rows, one per copy, for a plain view (for others: one per record, counts
   * ignored). Walk them before changing this view: the result may be the stored array.
   */
  rows(): Iterable<Row>;
  /**
   * A plain view's rows as stored: undefined for none, the row itself for one, or an array
   * (which may be the stored one: walk it before changing this view). The join walks this,
   * so a probe allocates nothing.
   */
  stored(): StoredRows | undefined;
  /** The stored records (a fresh array: the caller may change the view while walking it). */
  records(): readonly StoredRecord[];
  /** Stores one more copy of `row`, which matches `matches` rows of the other side. */
  add(row: Row, matches: number): void;
  /** Removes one copy of `row`; false when it was not stored. */
  retract(row: Row): boolean;
  /** Rewrites a record's match count. */
  setMatches(record: StoredRecord, matches: number): void;
  /** Removes every copy of each row `test` is true of (rows that can match nothing any more). */
  removeIf(test: (row: Row) => boolean): void;
}

/** Which layout a side uses; see the module comment. */
export type JoinViewLayout =
  | { readonly kind: 'joinKeyUnique' }
  | { readonly kind: 'uniqueKey'; readonly columns: readonly string[] }
  | { readonly kind: 'multiset'; readonly columns: readonly string[] }
  | { readonly kind: 'appendOnly' }
  | { readonly kind: 'rows' }
  | { readonly kind: 'expiring' };

/**
 * The layout of the join's keyed states. Version 4 keeps an append-only side without TTL as one
 * {@link StoredRows} value per key (`rows`), where version 3 kept a list (`appendOnly`, still
 * the layout with TTL). Version 3 keeps a side cleaned by the watermark as such a value per key
 * and no timer time; version 2 kept `{rows, timer}` per key, version 1 a list plus a
 * `join-cleanup-timer` value state.
 */
export const JOIN_LAYOUT = new StateLayout('regular join', 4);

/**
 * The states, by their names without a version, that another layout's checkpoint of a join
 * with a value of rows per key holds, for {@link StateLayout.refuseOthers} (a join probes those
 * it does not keep itself under a name without a version).
 */
export const REPLACED_JOIN_STATES: readonly string[] = [
  'join-cleanup-timer',
  'join-left-expiring',
  'join-right-expiring',
  'join-left-appendOnly',
  'join-right-appendOnly',
  'join-left-rows',
  'join-right-rows',
];

const EMPTY: readonly StoredRecord[] = Object.freeze([]);
const NO_ROWS: readonly Row[] = Object.freeze([]);

/** Makes a side's view over keyed state named after `name`, with state TTL when given. */
export function createJoinSideView(
  ctx: RuntimeContext,
  name: string,
  layout: JoinViewLayout,
  ttl: StateTtlConfig | undefined,
): JoinSideView {
  const withTtl = <D extends { enableTimeToLive(t: StateTtlConfig): D }>(d: D): D =>
    ttl === undefined ? d : d.enableTimeToLive(ttl);
  switch (layout.kind) {
    case 'joinKeyUnique':
      return new JoinKeyUniqueView(ctx.getState(withTtl(new ValueStateDescriptor<StoredRecord>(name))));
    case 'uniqueKey':
      return new MapView(
        ctx.getMapState(withTtl(new MapStateDescriptor<CompactKey, StoredRecord>(name))),
        columnsKey(layout.columns),
        true,
      );
    case 'multiset':
      return new MapView(
        ctx.getMapState(withTtl(new MapStateDescriptor<CompactKey, StoredRecord>(name))),
        columnsKey(layout.columns),
        false,
      );
    case 'appendOnly':
      return new AppendOnlyView(ctx.getListState(withTtl(new ListStateDescriptor<Row>(name))));
    // Never with TTL: one value for all of a key's rows would expire them together, where
    // Flink expires each row on its own (the planner keeps a list then).
    case 'rows':
      return new RowsView(ctx.getState(new ValueStateDescriptor<StoredRows>(JOIN_LAYOUT.stateName(name))));
    case 'expiring':
      return new ExpiringView(
        ctx.getState(new ValueStateDescriptor<StoredRows>(JOIN_LAYOUT.stateName(name))),
      );
  }
}

/** At most one row per join key. */
class JoinKeyUniqueView implements JoinSideView {
  readonly plain = false;

  constructor(private readonly state: ValueState<StoredRecord>) {}

  rows(): Iterable<Row> {
    const record = this.state.value();
    return record === undefined ? NO_ROWS : [record[0]];
  }

  stored(): StoredRows | undefined {
    return this.state.value()?.[0];
  }

  records(): readonly StoredRecord[] {
    const record = this.state.value();
    return record === undefined ? EMPTY : [record];
  }

  add(row: Row, matches: number): void {
    this.state.update([row, 1, matches]);
  }

  retract(_row: Row): boolean {
    if (this.state.value() === undefined) return false;
    this.state.clear();
    return true;
  }

  setMatches(record: StoredRecord, matches: number): void {
    this.state.update([record[0], record[1], matches]);
  }

  removeIf(test: (row: Row) => boolean): void {
    const record = this.state.value();
    if (record !== undefined && test(record[0])) this.state.clear();
  }
}

/**
 * Rows by a key computed from their values: the unique key's columns (one copy per key, a new
 * row replaces the old), or all columns (a multiset with counts).
 */
class MapView implements JoinSideView {
  readonly plain = false;

  constructor(
    private readonly state: MapState<CompactKey, StoredRecord>,
    private readonly keyOf: (row: Row) => CompactKey,
    private readonly unique: boolean,
  ) {}

  records(): readonly StoredRecord[] {
    return [...this.state.values()];
  }

  rows(): Iterable<Row> {
    return this.records().map((record) => record[0]);
  }

  stored(): StoredRows | undefined {
    const rows = this.records().map((record) => record[0]);
    return rows.length === 0 ? undefined : rows;
  }

  add(row: Row, matches: number): void {
    const key = this.keyOf(row);
    if (this.unique) {
      this.state.put(key, [row, 1, matches]);
      return;
    }
    const stored = this.state.get(key);
    this.state.put(key, [stored?.[0] ?? row, (stored?.[1] ?? 0) + 1, matches]);
  }

  retract(row: Row): boolean {
    const key = this.keyOf(row);
    const stored = this.state.get(key);
    if (stored === undefined) return false;
    if (this.unique || stored[1] <= 1) this.state.remove(key);
    else this.state.put(key, [stored[0], stored[1] - 1, stored[2]]);
    return true;
  }

  setMatches(record: StoredRecord, matches: number): void {
    this.state.put(this.keyOf(record[0]), [record[0], record[1], matches]);
  }

  removeIf(test: (row: Row) => boolean): void {
    const doomed: CompactKey[] = [];
    for (const [key, record] of this.state.entries()) if (test(record[0])) doomed.push(key);
    for (const key of doomed) this.state.remove(key);
  }
}

/** Rows in arrival order; only for append-only input whose matches nobody needs. */
class AppendOnlyView implements JoinSideView {
  readonly plain = true;

  constructor(private readonly state: ListState<Row>) {}

  rows(): Iterable<Row> {
    return this.state.get();
  }

  stored(): StoredRows | undefined {
    // The list state's read is a copy already (an array on the heap): no second one.
    const read = this.state.get();
    const rows = Array.isArray(read) ? (read as Row[]) : [...read];
    return rows.length === 0 ? undefined : rows;
  }

  records(): readonly StoredRecord[] {
    const out: StoredRecord[] = [];
    for (const row of this.state.get()) out.push([row, 1, 0]);
    return out;
  }

  add(row: Row): void {
    this.state.add(row);
  }

  retract(): boolean {
    // Append-only input has no retractions.
    return false;
  }

  setMatches(): void {
    // Nobody reads an append-only side's matches.
  }

  removeIf(test: (row: Row) => boolean): void {
    const rows = [...this.state.get()];
    const kept = rows.filter((row) => !test(row));
    if (kept.length === rows.length) return;
    if (kept.length === 0) this.state.clear();
    else this.state.update(kept);
  }
}

/**
 * What a {@link RowsView} keeps per join key (plain data, as checkpoints need): the row itself
 * while the key holds one, an array of its rows in arrival order once it holds more. A row is a
 * plain object, never an array, so the two read apart; the common key of one row costs no array
 * and no wrapper.
 */
export type StoredRows = Row | Row[];

/** A row's cleanup bound (its time plus an offset); null when it can never match. */
export type Expiry = (row: Row) => number | null;

/**
 * The rows of an append-only side whose matches nobody needs, as one value per join key. A row
 * is stored with one read and one write; the array is appended in place and written back, which
 * the heap backend takes as it is and an on-disk backend re-encodes. A probe reads the stored
 * value as it is, with no copy.
 */
export class RowsView implements JoinSideView {
  readonly plain = true;

  constructor(protected readonly state: ValueState<StoredRows>) {}

  /** Whether the key holds no rows on this side. */
  isEmpty(): boolean {
    return this.state.value() === undefined;
  }

  stored(): StoredRows | undefined {
    return this.state.value();
  }

  rows(): Iterable<Row> {
    const stored = this.state.value();
    return stored === undefined ? NO_ROWS : Array.isArray(stored) ? stored : [stored];
  }

  records(): readonly StoredRecord[] {
    return [...this.rows()].map((row): StoredRecord => [row, 1, 0]);
  }

  /** Stores a row; returns whether the key held none on this side before. */
  store(row: Row): boolean {
    const stored = this.state.value();
    if (stored === undefined) {
      this.state.update(row);
      return true;
    }
    if (Array.isArray(stored)) {
      stored.push(row);
      // Written back so that a backend that copies values (on disk) sees the row.
      this.state.update(stored);
      return false;
    }
    // The key's second row turns its value into an array, which later rows are appended to in
    // place. Cleared first, so the heap backend takes the array as a new value, not as a
    // replacement: it keeps a replaced value behind a wrapper object per key (cheap for values
    // replaced on every write), and here the value is replaced once: one object fewer per key
    // with several rows.
    this.state.clear();
    this.state.update([stored, row]);
    return false;
  }

  add(row: Row): void {
    this.store(row);
  }

  /**
   * Stores `rows[0, count)`, rows of the current key, with one read and one write (a mini-batch
   * join's run of a key's rows, see `mini-batch-join-operator.ts`). `rows` stays the caller's,
   * which reuses it: what state keeps is an array of its own, made at its exact length when the
   * key held none or one row, and none at all when the key holds an array already.
   */
  storeAll(rows: readonly Row[], count: number): void {
    if (count === 0) return;
    if (count === 1) {
      this.store(rows[0]!);
      return;
    }
    const stored = this.state.value();
    if (Array.isArray(stored)) {
      for (let i = 0; i < count; i++) stored.push(rows[i]!);
      this.state.update(stored);
      return;
    }
    const held = stored === undefined ? 0 : 1;
    const all: Row[] = new Array(count + held);
    if (stored !== undefined) all[0] = stored;
    for (let i = 0; i < count; i++) all[held + i] = rows[i]!;
    if (stored === undefined) {
      this.state.update(all);
      return;
    }
    // As in `store`: cleared first, so the heap backend takes the array as a new value.
    this.state.clear();
    this.state.update(all);
  }

  retract(): boolean {
    // Append-only input has no retractions.
    return false;
  }

  setMatches(): void {
    // Nobody reads an append-only side's matches.
  }

  removeIf(test: (row: Row) => boolean): void {
    const rows = [...this.rows()];
    const kept = rows.filter((row) => !test(row));
    if (kept.length !== rows.length) this.keep(kept);
  }

  /** Replaces the rows by `kept` (in arrival order), in the form {@link StoredRows} gives. */
  protected keep(kept: Row[]): void {
    if (kept.length === 0) this.state.clear();
    else this.state.update(kept.length === 1 ? kept[0]! : kept);
  }
}

/**
 * The rows of an append-only side that leave state by the watermark, kept as a {@link RowsView}
 * keeps them. The key's pending cleanup timer is not stored: the join keeps exactly one pending
 * timer per key while any cleaned side of the key holds rows (see `RegularJoinFunction.store`),
 * so the timer is known to exist from the rows alone, and a firing filters every cleaned side of
 * its key (a key's rows are bounded by the cleanup).
 */
export class ExpiringView extends RowsView {
  /**
   * Drops the rows whose bound `timestamp` reached. Returns the earliest bound left, or
   * infinity when no row is left.
   */
  expire(timestamp: number, expiry: Expiry): number {
    const stored = this.state.value();
    if (stored === undefined) return Number.POSITIVE_INFINITY;
    if (!Array.isArray(stored)) {
      const at = expiry(stored);
      if (at !== null && at > timestamp) return at;
      this.state.clear();
      return Number.POSITIVE_INFINITY;
    }
    const kept: Row[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const row of stored) {
      const at = expiry(row);
      if (at === null || at <= timestamp) continue;
      kept.push(row);
      if (at < next) next = at;
    }
    if (kept.length === stored.length) return next;
    this.keep(kept);
    return next;
  }
}
