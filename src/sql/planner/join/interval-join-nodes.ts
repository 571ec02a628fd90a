/**
 * Interval joins: a join whose condition bounds one side's rowtime by the other's
 * (`b.ts BETWEEN a.ts - INTERVAL '1' HOUR AND a.ts`), so each side's rows can be dropped once
 * the watermark passes the bound and the output is insert-only.
 */
import type { Rex } from '../../expressions/rex.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import type { JoinType } from './join-nodes.js';

/** A join recognised as an interval join by the IntervalJoinRule. */
export interface LogicalIntervalJoin {
  readonly kind: 'intervalJoin';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  /** The whole join condition (the time bounds and any other predicates). */
  readonly condition: Rex;
  readonly columns: readonly PlanColumn[];
}

/** Physical interval join. */
export interface PhysicalIntervalJoin extends PhysicalBase {
  readonly kind: 'intervalJoin';
  readonly left: PhysicalNode;
  readonly right: PhysicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
}
