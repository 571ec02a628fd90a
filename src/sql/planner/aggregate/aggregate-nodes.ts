/**
 * Group aggregation in the plan: `GROUP BY` (and `SELECT DISTINCT`, a GROUP BY with no
 * calls) over any input. Its output is an updating table keyed by the group keys: a retract
 * changelog, because a group's result changes as rows arrive (and leave, on retract input).
 */
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { withoutTimeAttribute } from '../../catalog/types.js';
import type { Rex } from '../../expressions/rex.js';
import type { TtlHint } from '../hints/state-ttl.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';

/** `GROUP BY groupKeys` computing `calls`; columns are the group keys, then the calls' results. */
export interface LogicalAggregate {
  readonly kind: 'aggregate';
  readonly input: LogicalNode;
  /** Input column names; empty for a global aggregate (`SELECT COUNT(*) FROM t`). */
  readonly groupKeys: readonly string[];
  readonly calls: readonly BoundAggregateCall[];
  readonly columns: readonly PlanColumn[];
  /** Which level of a split-distinct aggregate this is (`split-distinct.ts`); absent when unsplit. */
  readonly partialFinal?: PartialFinalType;
  /** A STATE_TTL query hint for this aggregate's input, over `table.exec.state.ttl`. */
  readonly stateTtlHint?: TtlHint;
  /**
   * The keys (one constant per group key) of the groups an empty grouping set makes
   * (`empty-grouping-sets.ts`): in batch mode each gets its row over no rows at the end of input.
   */
  readonly emptyGroups?: readonly (readonly Rex[])[];
}

/**
 * A level of an aggregate split by `table.optimizer.distinct-agg.split.enabled`, as Flink's
 * `partialFinalType`: the partial level groups by the keys and buckets, the final one merges.
 */
export type PartialFinalType = 'PARTIAL' | 'FINAL';

/** Makes a frozen aggregate node; its columns are the keys' input columns, then the calls. */
export function aggregate(
  input: LogicalNode,
  groupKeys: readonly string[],
  calls: readonly BoundAggregateCall[],
  partialFinal?: PartialFinalType,
): LogicalAggregate {
  // A grouped rowtime is a plain TIMESTAMP: the aggregate's rows are not in event-time order.
  const keyColumns = groupKeys.map((k) => {
    const column = input.columns.find((c) => c.name === k)!;
    return { name: column.name, type: withoutTimeAttribute(column.type) };
  });
  return Object.freeze({
    kind: 'aggregate',
    input,
    groupKeys: Object.freeze([...groupKeys]),
    calls: Object.freeze([...calls]),
    columns: Object.freeze([...keyColumns, ...calls.map((c) => ({ name: c.name, type: c.type }))]),
    ...(partialFinal === undefined ? {} : { partialFinal }),
  });
}

/** Logical nodes of this feature. */
export type AggregateLogicalNode = LogicalAggregate;

/** Mini-batch settings of an aggregate (`table.exec.mini-batch.*`). */
export interface MiniBatchSpec {
  readonly latencyMs: number;
  readonly size: number;
}

/** A keyed operator holding one accumulator row per group, emitting -U/+U pairs on change. */
export interface PhysicalGroupAggregate extends PhysicalBase {
  readonly kind: 'groupAggregate';
  readonly input: PhysicalNode;
  readonly groupKeys: readonly string[];
  readonly calls: readonly BoundAggregateCall[];
  /** The split-distinct level, printed as Flink's `partialFinalType=[…]`. */
  readonly partialFinal?: PartialFinalType;
  /** Present with mini-batch on: rows are buffered per group and applied once per bundle. */
  readonly miniBatch?: MiniBatchSpec;
  /** `table.exec.state.ttl` in milliseconds, or the STATE_TTL hint's; absent keeps group state forever. */
  readonly stateTtlMs?: number;
  /** The STATE_TTL hint that set `stateTtlMs`, for EXPLAIN. */
  readonly stateTtlHint?: TtlHint;
  /**
   * Set when the one call is a table aggregate with `emitUpdateWithRetract` whose rows an UNNEST
   * right above expands: each change is one row's array, only the rows that changed.
   */
  readonly emitsChangedRows?: boolean;
}

/**
 * Where mini-batch bundles start, as Flink's `MiniBatchAssigner` node. Flink's assigner inserts
 * bundle markers; here each mini-batch operator closes its own bundles on the same interval,
 * so the node passes its input through unchanged and documents the plan.
 */
export interface PhysicalMiniBatchAssigner extends PhysicalBase {
  readonly kind: 'miniBatchAssigner';
  readonly input: PhysicalNode;
  readonly intervalMs: number;
}

/** The local phase of a two-phase aggregate: pre-aggregates each bundle before the shuffle. */
export interface PhysicalLocalGroupAggregate extends PhysicalBase {
  readonly kind: 'localGroupAggregate';
  readonly input: PhysicalNode;
  readonly groupKeys: readonly string[];
  readonly calls: readonly BoundAggregateCall[];
  /** The split-distinct level, printed as Flink's `partialFinalType=[…]`. */
  readonly partialFinal?: PartialFinalType;
  readonly miniBatch: MiniBatchSpec;
}

/** The global phase of a two-phase aggregate: merges the local phase's partials per group. */
export interface PhysicalGlobalGroupAggregate extends PhysicalBase {
  readonly kind: 'globalGroupAggregate';
  readonly input: PhysicalLocalGroupAggregate;
  readonly groupKeys: readonly string[];
  readonly calls: readonly BoundAggregateCall[];
  /** The split-distinct level, printed as Flink's `partialFinalType=[…]`. */
  readonly partialFinal?: PartialFinalType;
  readonly miniBatch: MiniBatchSpec;
  readonly stateTtlMs?: number;
  /** The STATE_TTL hint that set `stateTtlMs`, for EXPLAIN. */
  readonly stateTtlHint?: TtlHint;
}

/**
 * In batch mode, the rows over no rows of an aggregate's empty grouping sets
 * (`empty-grouping-sets.ts`): the aggregate's rows pass through, and a copy of those of the
 * sets' groups goes to an operator at parallelism 1 that adds, at the end of input, the row of
 * each such group that has none (COUNT 0, SUM NULL).
 */
export interface PhysicalEmptyGroupingSets extends PhysicalBase {
  readonly kind: 'emptyGroupingSets';
  readonly input: PhysicalGroupAggregate | PhysicalGlobalGroupAggregate;
  /** The groups' keys: one constant per group key of the aggregate, in key order. */
  readonly groups: readonly (readonly Rex[])[];
}

/**
 * In batch mode, a global aggregate's (no GROUP BY keys) row over no rows: the aggregate's rows
 * pass through an operator at parallelism 1 that adds, at the end of input, the row over no
 * rows (COUNT 0, SUM NULL) where none passed, as Flink's batch aggregate gives it.
 */
export interface PhysicalGlobalOverNoRows extends PhysicalBase {
  readonly kind: 'globalOverNoRows';
  readonly input: PhysicalGroupAggregate | PhysicalGlobalGroupAggregate;
}

/** Physical nodes of this feature. */
export type AggregatePhysicalNode =
  | PhysicalGroupAggregate
  | PhysicalMiniBatchAssigner
  | PhysicalLocalGroupAggregate
  | PhysicalGlobalGroupAggregate
  | PhysicalEmptyGroupingSets
  | PhysicalGlobalOverNoRows;
