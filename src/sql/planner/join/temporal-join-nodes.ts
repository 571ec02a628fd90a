/**
 * Temporal joins (`JOIN r FOR SYSTEM_TIME AS OF l.ts ON …`): each left row joins the version
 * of the right row, by its primary key, that was valid at the left row's time.
 */
import type { Rex } from '../../expressions/rex.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import type { JoinType } from './join-nodes.js';

/** A join recognised as temporal by the TemporalJoinRule. */
export interface LogicalTemporalJoin {
  readonly kind: 'temporalJoin';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
  readonly leftTime: string;
  readonly columns: readonly PlanColumn[];
}

/** Physical temporal join. */
export interface PhysicalTemporalJoin extends PhysicalBase {
  readonly kind: 'temporalJoin';
  readonly left: PhysicalNode;
  readonly right: PhysicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
  readonly leftTime: string;
}
