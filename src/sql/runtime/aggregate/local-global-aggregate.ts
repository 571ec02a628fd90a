/**
 * Two-phase group aggregation (Flink's local-global aggregation), for insert-only input with
 * mini-batch on and every call mergeable. The local phase runs before the shuffle, unkeyed: per
 * bundle it folds the rows of each group into fresh accumulators and emits one
 * {@link PartialAggregate} per group, so a hot group sends one record per bundle instead of one
 * per row. The global phase is keyed by the group keys: per bundle it merges the partials of
 * each group, then merges them into the group's state once and emits at most one change.
 *
 * Partials travel between tasks, so they are plain data: key columns, a row count and the
 * accumulator list (DISTINCT calls carry their tuple maps, merged by tuple).
 */
import { canonicalKey } from '../../../state/key-groups.js';
import { NO_TIMESTAMP } from '../../../types/elements.js';
import type { ValueState } from '../../../types/state.js';
import type { GroupAggregateSpec, GroupState } from '../../aggregates/group-aggregate-function.js';
import { type AccumulatorList, RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import { type CompactKey, columnsKey } from '../compact-keys.js';
import { stateGettersOf } from '../state-layout.js';
import { emitGroupChange } from './group-changes.js';
import { openGroupState } from './group-state.js';
import { bundleKey, MiniBatchOperator, type MiniBatchOptions } from './mini-batch.js';

/** One group's pre-aggregated rows of one local bundle. */
export interface PartialAggregate {
  /** The group's key columns (and nothing else). */
  readonly keys: Row;
  /** Rows folded in. */
  readonly count: number;
  readonly accs: AccumulatorList;
}

/**
 * The key of a row's group as the key selector returns it: a {@link columnsKey} (0 for no
 * group keys, the value for one, one compound string for several), so keyBy hashes a string
 * or number instead of serialising an array of values per record.
 */
export function groupKeyOf(groupKeys: readonly string[]): (row: Row) => CompactKey {
  return columnsKey(groupKeys);
}

type LocalGroup = { keys: Row; count: number; accs: AccumulatorList };

/** One key column's value as a Map key: null for NULL, an object (ROW, ARRAY…) canonically. */
function levelKey(v: unknown): unknown {
  if (v === undefined) return null;
  return typeof v === 'object' && v !== null ? canonicalKey(v) : v;
}

/**
 * The row of a group's key columns, `row[c] ?? null` each, built by a generated function so that
 * every key row of an operator has one shape (a loop of keyed stores gives dictionary-like
 * transitions and slower reads downstream).
 */
function keyRowBuilder(columns: readonly string[]): (row: Row) => Row {
  const fields = columns.map((c) => `${JSON.stringify(c)}: row[${JSON.stringify(c)}] ?? null`);
  return new Function('row', `return { ${fields.join(', ')} };`) as (row: Row) => Row;
}

/**
 * Whether a group's key row holds the row's key values, compared as the Maps compare them
 * (SameValueZero); an object value (ROW, ARRAY…) never matches here, so it takes the Map path,
 * which compares it canonically.
 */
function keyMatcher(columns: readonly string[]): (keys: Row, row: Row) => boolean {
  if (columns.length === 0) return () => true;
  const tests = columns.map((c) => {
    const name = JSON.stringify(c);
    return `((a = row[${name}] ?? null), (b = keys[${name}]), a === b || (a !== a && b !== b))`;
  });
  return new Function('keys', 'row', `let a, b; return ${tests.join(' && ')};`) as (
    keys: Row,
    row: Row,
  ) => boolean;
}

/**
 * A bundle's groups in a trie of Maps, one level per key column, so finding a row's group hashes
 * its column values as they are instead of building a compound key string per row (Maps take
 * -0 as 0 and NaN as NaN, as keyBy does). A level holds a group itself, not a Map below it, while
 * one group has that key prefix (GROUP BY id, category: one category per id, so one Map per
 * bundle, not one per id). The group of the previous row is tried first: rows of a group often
 * come in runs (a join emits an auction's bids together). Groups are listed in order of their
 * first row.
 */
class LocalGroups {
  private readonly root = new Map<unknown, LocalGroup | Map<unknown, unknown>>();
  private last: LocalGroup | undefined;
  /** The groups, in order of their first row. */
  readonly list: LocalGroup[] = [];
  private readonly keyRow: (row: Row) => Row;
  private readonly matches: (keys: Row, row: Row) => boolean;

  constructor(
    private readonly columns: readonly string[],
    private readonly createAccumulators: () => AccumulatorList,
  ) {
    this.keyRow = keyRowBuilder(columns);
    this.matches = keyMatcher(columns);
  }

  /** The row's group, created at its first row. */
  groupOf(row: Row): LocalGroup {
    const last = this.last;
    if (last !== undefined && this.matches(last.keys, row)) return last;
    const group = this.find(row);
    this.last = group;
    return group;
  }

  private find(row: Row): LocalGroup {
    const { columns } = this;
    if (columns.length === 0) return this.list[0] ?? this.create(row);
    let level = this.root as Map<unknown, unknown>;
    for (let i = 0; i < columns.length; i++) {
      const k = levelKey(row[columns[i]!]);
      const held = level.get(k) as LocalGroup | Map<unknown, unknown> | undefined;
      if (held === undefined) {
        const group = this.create(row);
        level.set(k, group);
        return group;
      }
      if (held instanceof Map) {
        level = held;
        continue;
      }
      if (this.sameFrom(i + 1, held.keys, row)) return held;
      // Another group shares this prefix: the level below takes the one held here.
      const below = new Map<unknown, unknown>();
      below.set(levelKey(held.keys[columns[i + 1]!]), held);
      level.set(k, below);
      level = below;
    }
    throw new Error('LocalGroups: a group key that no column told apart'); // unreachable
  }

  /** Whether the key columns from index `from` on hold the same Map keys in both rows. */
  private sameFrom(from: number, keys: Row, row: Row): boolean {
    const { columns } = this;
    for (let i = from; i < columns.length; i++) {
      const c = columns[i]!;
      const a = levelKey(keys[c]);
      const b = levelKey(row[c]);
      if (!Object.is(a, b) && a !== b) return false;
    }
    return true;
  }

  private create(row: Row): LocalGroup {
    const group: LocalGroup = { keys: this.keyRow(row), count: 0, accs: this.createAccumulators() };
    this.list.push(group);
    return group;
  }

  clear(): void {
    this.root.clear();
    this.last = undefined;
    this.list.length = 0;
  }
}

/** The local phase: unkeyed, insert-only rows in, one {@link PartialAggregate} per group and bundle out. */
export class LocalGroupAggregateOperator extends MiniBatchOperator<Row, PartialAggregate> {
  private aggs!: RowAggregates;
  private readonly bundle: LocalGroups;

  constructor(
    private readonly spec: GroupAggregateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
    this.bundle = new LocalGroups(spec.groupKeys, () => this.aggs.createAccumulators());
  }

  override open(): void {
    super.open();
    this.aggs = new RowAggregates(this.spec.calls);
  }

  protected addToBundle(row: Row): void {
    const group = this.bundle.groupOf(row);
    this.aggs.accumulate(group.accs, row);
    group.count++;
  }

  protected finishBundle(): void {
    for (const group of this.bundle.list) this.output.collect(group, NO_TIMESTAMP);
    this.bundle.clear();
  }
}

type GlobalGroup = { key: unknown; keys: Row; count: number; accs: AccumulatorList };

/** The global phase: keyed by the group keys, partials in, the group's changes out. */
export class GlobalGroupAggregateOperator extends MiniBatchOperator<PartialAggregate, unknown> {
  private aggs!: RowAggregates;
  private state!: ValueState<GroupState>;
  private readonly bundle = new Map<unknown, GlobalGroup>();

  constructor(
    private readonly spec: GroupAggregateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
  }

  override open(): void {
    super.open();
    this.aggs = new RowAggregates(this.spec.calls);
    this.state = openGroupState(stateGettersOf(this.keyedBackend), this.spec);
  }

  protected addToBundle(partial: PartialAggregate): void {
    const key = this.keyedBackend.getCurrentKey();
    const id = bundleKey(key);
    const group = this.bundle.get(id);
    // The first partial's accumulators become the bundle's: the local phase let go of them.
    if (group === undefined)
      this.bundle.set(id, { key, keys: partial.keys, count: partial.count, accs: partial.accs });
    else {
      this.aggs.merge(group.accs, partial.accs, true);
      group.count += partial.count;
    }
  }

  protected finishBundle(): void {
    const { aggs } = this;
    const backend = this.keyedBackend;
    for (const group of this.bundle.values()) {
      backend.setCurrentKey(group.key);
      const stored = this.state.value();
      let after: GroupState;
      let before: unknown[] | undefined;
      if (stored === undefined || stored[0] <= 0) after = [group.count, group.accs];
      else {
        before = aggs.values(stored[1]);
        aggs.merge(stored[1], group.accs, true);
        stored[0] += group.count;
        after = stored;
      }
      this.state.update(after);
      emitGroupChange(this.spec, aggs, this.output, group.keys, before, after);
    }
    this.bundle.clear();
  }
}
