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
import { NO_TIMESTAMP } from '../../../types/elements.js';
import type { ValueState } from '../../../types/state.js';
import {
  type GroupAggregateSpec,
  type GroupState,
  groupStateDescriptor,
} from '../../aggregates/group-aggregate-function.js';
import { type AccumulatorList, RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import { emitGroupChange } from './group-changes.js';
import { bundleKey, MiniBatchOperator, type MiniBatchOptions } from './mini-batch.js';

/** One group's pre-aggregated rows of one local bundle. */
export interface PartialAggregate {
  /** The group's key columns (and nothing else). */
  readonly keys: Row;
  /** Rows folded in. */
  readonly count: number;
  readonly accs: AccumulatorList;
}

/** The group keys of a row as a key selector returns them: none, one value, or an array. */
export function groupKeyOf(groupKeys: readonly string[]): (row: Row) => unknown {
  if (groupKeys.length === 0) return () => 0;
  if (groupKeys.length === 1) {
    const key = groupKeys[0]!;
    return (row) => row[key] ?? null;
  }
  return (row) => groupKeys.map((k) => row[k] ?? null);
}

type LocalGroup = { keys: Row; count: number; accs: AccumulatorList };

/** The local phase: unkeyed, insert-only rows in, one {@link PartialAggregate} per group and bundle out. */
export class LocalGroupAggregateOperator extends MiniBatchOperator<Row, PartialAggregate> {
  private aggs!: RowAggregates;
  private readonly keyOf: (row: Row) => unknown;
  private readonly bundle = new Map<unknown, LocalGroup>();

  constructor(
    private readonly spec: GroupAggregateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
    this.keyOf = groupKeyOf(spec.groupKeys);
  }

  override open(): void {
    super.open();
    this.aggs = new RowAggregates(this.spec.calls);
  }

  protected addToBundle(row: Row): void {
    const id = bundleKey(this.keyOf(row));
    let group = this.bundle.get(id);
    if (group === undefined) {
      const keys: Row = {};
      for (const k of this.spec.groupKeys) keys[k] = row[k] ?? null;
      group = { keys, count: 0, accs: this.aggs.createAccumulators() };
      this.bundle.set(id, group);
    }
    this.aggs.accumulate(group.accs, row);
    group.count++;
  }

  protected finishBundle(): void {
    for (const group of this.bundle.values()) this.output.collect(group, NO_TIMESTAMP);
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
    this.state = this.keyedBackend.getOrCreateState(groupStateDescriptor(this.spec));
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
