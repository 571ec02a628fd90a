/**
 * Temporal joins (`JOIN r FOR SYSTEM_TIME AS OF l.ts ON …`): each left row joins the version
 * of the right row, by its primary key, that was valid at the left row's time; or, for a
 * lookup join (`lookup` set), the rows a bounded table holds for its key.
 */
import type { Rex } from '../../expressions/rex.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import type { JoinType } from './join-nodes.js';
import type { LookupSpec } from './lookup-join-nodes.js';

/** A join recognised as temporal by the TemporalJoinRule. */
export interface LogicalTemporalJoin {
  readonly kind: 'temporalJoin';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
  readonly leftTime: string;
  /** `event` when `leftTime` is a rowtime, `processing` when it is a `PROCTIME()` column. */
  readonly timeKind: 'event' | 'processing';
  /** Left columns equated with the right side's primary key, in key order. */
  readonly leftKeys: readonly string[];
  /** The right side's primary-key columns. */
  readonly rightKeys: readonly string[];
  /** The rest of the condition, checked on each joined row; undefined when there is none. */
  readonly residual: Rex | undefined;
  /** The right side's rowtime: where each version's validity starts (event time only). */
  readonly rightTime: string | undefined;
  /** Set when the right side is a bounded table looked up rather than streamed (a lookup join). */
  readonly lookup?: LookupSpec;
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
  /** `event` when `leftTime` is a rowtime, `processing` when it is a `PROCTIME()` column. */
  readonly timeKind: 'event' | 'processing';
  /** Left columns equated with the right side's primary key, in key order. */
  readonly leftKeys: readonly string[];
  /** The right side's primary-key columns. */
  readonly rightKeys: readonly string[];
  /** The rest of the condition, checked on each joined row; undefined when there is none. */
  readonly residual: Rex | undefined;
  /** The right side's rowtime: where each version's validity starts (event time only). */
  readonly rightTime: string | undefined;
  /** Set when the right side is a bounded table looked up rather than streamed (a lookup join). */
  readonly lookup?: LookupSpec;
}
