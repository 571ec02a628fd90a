/**
 * How one side of the regular join keeps its rows for the current join key, after Flink's
 * `JoinRecordStateViews` / `OuterJoinRecordStateViews`:
 *
 * - `JoinKeyContainsUniqueKey`: one row per join key, in value state;
 * - `HasUniqueKey`: map state from the unique key's value to the row;
 * - `NoUniqueKey`: map state from the row's values (one compact string) to the row and its
 *   count, so duplicates and retractions are exact;
 * - an append-only side that is neither outer nor a semi join's left side: list state, with no
 *   counts and no match tracking (Nexmark's bids), which spares a key per row.
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

/** A stored row: the row, how many copies, how many other-side rows it matches. */
export type StoredRecord = readonly [row: Row, count: number, matches: number];

/** One side's rows for the current join key. */
export interface JoinSideView {
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
  | { readonly kind: 'appendOnly' };

const EMPTY: readonly StoredRecord[] = Object.freeze([]);

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
  }
}

/** At most one row per join key. */
class JoinKeyUniqueView implements JoinSideView {
  constructor(private readonly state: ValueState<StoredRecord>) {}

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
  constructor(
    private readonly state: MapState<CompactKey, StoredRecord>,
    private readonly keyOf: (row: Row) => CompactKey,
    private readonly unique: boolean,
  ) {}

  records(): readonly StoredRecord[] {
    return [...this.state.values()];
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
  constructor(private readonly state: ListState<Row>) {}

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
