/**
 * How one side of the regular join keeps its rows for the current join key, after Flink's
 * `JoinRecordStateViews` / `OuterJoinRecordStateViews`:
 *
 * - `JoinKeyContainsUniqueKey`: one row per join key, in value state;
 * - `HasUniqueKey`: map state from the unique key's value to the row;
 * - `NoUniqueKey`: map state from the row's values (one compact string) to the row and its
 *   count, so duplicates and retractions are exact;
 * - an append-only side that is neither outer nor a semi join's left side: list state, with no
 *   counts and no match tracking (Nexmark's bids), which spares a key per row;
 * - such a side whose rows leave state by the watermark (see `watermark-complete.ts`): one value
 *   per join key holding the row itself, or an array once there are several, and no timer time
 *   (the join derives the key's pending timer from the rows), so storing a row reads and writes
 *   one state and allocates nothing besides the row for a key of one row.
 *
 * A *plain* view (the last two) has no counts and no matches: the join walks its rows with
 * {@link JoinSideView.rows} and builds no record per row.
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
import { ErrorCodes, WeirError } from '../../../types/errors.js';

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
  | { readonly kind: 'expiring' };

/**
 * The layout of the join's keyed states. Version 3 keeps a side cleaned by the watermark as one
 * {@link ExpiringRows} value per key (the row, or an array of rows) and no timer time; version 2
 * kept `{rows, timer}` per key, version 1 a list plus a `join-cleanup-timer` value state.
 */
export const JOIN_LAYOUT = new StateLayout('regular join', 3);

/**
 * The states, by their names without a version, that another layout's checkpoint of a cleaned
 * join holds, for {@link StateLayout.refuseOthers}.
 */
export const REPLACED_JOIN_STATES: readonly string[] = [
  'join-cleanup-timer',
  'join-left-expiring',
  'join-right-expiring',
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
    case 'expiring':
      // Never with TTL: one value for all of a key's rows would expire them together, where
      // Flink expires each row on its own (the planner keeps a list then).
      return new ExpiringView(
        ctx.getState(new ValueStateDescriptor<ExpiringRows>(JOIN_LAYOUT.stateName(name))),
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
 * What a side cleaned by the watermark keeps per join key (plain data, as checkpoints need): the
 * row itself while the key holds one, an array of its rows in arrival order once it holds more.
 * A row is a plain object, never an array, so the two read apart; the common key of one row
 * costs no array and no wrapper.
 */
export type ExpiringRows = Row | Row[];

/** A row's cleanup bound (its time plus an offset); null when it can never match. */
export type Expiry = (row: Row) => number | null;

/**
 * The rows of an append-only side that leave state by the watermark. The key's pending cleanup
 * timer is not stored: the join keeps exactly one pending timer per key while any cleaned side
 * of the key holds rows (see `RegularJoinFunction.store`), so the timer is known to exist from
 * the rows alone, and a firing filters every cleaned side of its key. A row is stored with one
 * read and one write; the array is appended in place and written back, which the heap backend
 * takes as it is and an on-disk backend re-encodes (a key's rows are bounded by the cleanup).
 */
export class ExpiringView implements JoinSideView {
  readonly plain = true;

  constructor(private readonly state: ValueState<ExpiringRows>) {}

  /** Whether the key holds no rows on this side. */
  isEmpty(): boolean {
    return this.state.value() === undefined;
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
    } else this.state.update([stored, row]);
    return false;
  }

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

  /** Replaces the rows by `kept` (in arrival order), in the form the module comment gives. */
  private keep(kept: Row[]): void {
    if (kept.length === 0) this.state.clear();
    else this.state.update(kept.length === 1 ? kept[0]! : kept);
  }

  add(): void {
    throw new WeirError(
      ErrorCodes.INTERNAL,
      'a join side cleaned by the watermark stores rows with store(row)',
      {
        domain: 'internal',
      },
    );
  }

  retract(): boolean {
    // Only insert-only sides are cleaned.
    return false;
  }

  setMatches(): void {
    // Nobody reads a cleaned (inner, insert-only) side's matches.
  }

  removeIf(test: (row: Row) => boolean): void {
    const rows = [...this.rows()];
    const kept = rows.filter((row) => !test(row));
    if (kept.length !== rows.length) this.keep(kept);
  }
}
