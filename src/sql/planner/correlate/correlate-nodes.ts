/**
 * Table functions in the plan: `FROM t, LATERAL TABLE(split(t.s)) AS w(word)` (and
 * `LEFT JOIN LATERAL TABLE(…) ON TRUE`) call a user-defined table function once per input row
 * and join the row with each row the function returns.
 */
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';

/** The input's columns followed by the function's output columns. */
export interface LogicalCorrelate {
  readonly kind: 'correlate';
  readonly input: LogicalNode;
  readonly columns: readonly PlanColumn[];
}

/** Physical correlate. */
export interface PhysicalCorrelate extends PhysicalBase {
  readonly kind: 'correlate';
  readonly input: PhysicalNode;
}
