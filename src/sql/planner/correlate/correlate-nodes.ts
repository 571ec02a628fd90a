/**
 * Table functions in the plan: `FROM t, LATERAL TABLE(split(t.s)) AS w(word)` (and
 * `[LEFT] JOIN LATERAL TABLE(…) ON TRUE`) call a user-defined table function once per input row
 * and join the row with each row the function returns. A LEFT correlate keeps an input row the
 * function returns nothing for, with NULL in the function's columns.
 */
import type { SourcePos } from '../../parser/ast.js';
import type { Rex } from '../../expressions/rex.js';
import type { TableUdf } from '../../functions/definitions.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';

/** The function call: arguments typed over the input's columns. */
export interface CorrelateInvocation {
  readonly fn: TableUdf;
  readonly args: readonly Rex[];
  readonly pos?: SourcePos;
}

/** What logical and physical correlates share. */
interface CorrelateShape {
  readonly invocation: CorrelateInvocation;
  readonly joinType: 'INNER' | 'LEFT';
  /**
   * The function's output columns in its declared field order, named uniquely against the
   * input's columns (the query's aliases live in the scope).
   */
  readonly outputs: readonly PlanColumn[];
}

/** The input's columns followed by the function's output columns. */
export interface LogicalCorrelate extends CorrelateShape {
  readonly kind: 'correlate';
  readonly input: LogicalNode;
  readonly columns: readonly PlanColumn[];
}

/** Physical correlate: a stateless flatMap, so it passes its input's changes through. */
export interface PhysicalCorrelate extends PhysicalBase, CorrelateShape {
  readonly kind: 'correlate';
  readonly input: PhysicalNode;
}

/** Makes a frozen logical correlate; its columns are the input's then the outputs. */
export function correlate(
  input: LogicalNode,
  invocation: CorrelateInvocation,
  joinType: 'INNER' | 'LEFT',
  outputs: readonly PlanColumn[],
): LogicalCorrelate {
  return Object.freeze({
    kind: 'correlate',
    input,
    invocation,
    joinType,
    outputs,
    columns: Object.freeze([...input.columns, ...outputs]),
  });
}
