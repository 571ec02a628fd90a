/**
 * Group aggregation in the plan: `GROUP BY` (and `SELECT DISTINCT`, a GROUP BY with no
 * calls) over any input. Its output is an updating table keyed by the group keys: a retract
 * changelog, because a group's result changes as rows arrive (and leave, on retract input).
 */
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { withoutTimeAttribute } from '../../catalog/types.js';
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
}

/** Makes a frozen aggregate node; its columns are the keys' input columns, then the calls. */
export function aggregate(
  input: LogicalNode,
  groupKeys: readonly string[],
  calls: readonly BoundAggregateCall[],
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
  });
}

/** Logical nodes of this feature. */
export type AggregateLogicalNode = LogicalAggregate;

/** A keyed operator holding one accumulator row per group, emitting -U/+U pairs on change. */
export interface PhysicalGroupAggregate extends PhysicalBase {
  readonly kind: 'groupAggregate';
  readonly input: PhysicalNode;
  readonly groupKeys: readonly string[];
  readonly calls: readonly BoundAggregateCall[];
}

/** Physical nodes of this feature. */
export type AggregatePhysicalNode = PhysicalGroupAggregate;
