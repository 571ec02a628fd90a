/**
 * Window joins: both sides are windowed (a windowing table function, or a window aggregate)
 * and the condition equates their `window_start` and `window_end`. Each window's rows are joined
 * once, when the watermark passes the window's end; the output is insert-only.
 */
import type { Rex } from '../../expressions/rex.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import type { JoinType } from './join-nodes.js';

/** A join recognised as a window join by the WindowJoinRule. */
export interface LogicalWindowJoin {
  readonly kind: 'windowJoin';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
  readonly columns: readonly PlanColumn[];
}

/** Physical window join. */
export interface PhysicalWindowJoin extends PhysicalBase {
  readonly kind: 'windowJoin';
  readonly left: PhysicalNode;
  readonly right: PhysicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
}
