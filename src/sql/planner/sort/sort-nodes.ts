/**
 * Temporal sort, as Flink's TemporalSort node: `ORDER BY` without LIMIT whose first key is an
 * ascending time attribute. A stream cannot be sorted on other columns, but it can be sorted on
 * time because time only moves forward: rows are held until the watermark (or the clock) has
 * passed them. Further keys order the rows of one timestamp.
 */
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import type { SortKey } from '../over/over-nodes.js';

/** Sorts its input by `orderBy`, whose first key is an ascending time attribute column. */
export interface LogicalTemporalSort {
  readonly kind: 'temporalSort';
  readonly input: LogicalNode;
  readonly orderBy: readonly SortKey[];
  readonly columns: readonly PlanColumn[];
}

/** Physical temporal sort: insert-only in and out; `proctime` when the time key is PROCTIME(). */
export interface PhysicalTemporalSort extends PhysicalBase {
  readonly kind: 'temporalSort';
  readonly input: PhysicalNode;
  readonly orderBy: readonly SortKey[];
  readonly proctime: boolean;
}
