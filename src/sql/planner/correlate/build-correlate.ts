/**
 * Plans `left, LATERAL TABLE(f(…)) AS t(cols)` (and `[LEFT] JOIN LATERAL TABLE(…) ON TRUE`):
 * the user-defined table function is resolved in the catalog, its arguments typed against the
 * left side, and its output columns named by the alias list.
 */
import type { Expr, LateralTableRef } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import type { PlanBuilder, Relation } from '../builder.js';

/** The relation of a table function joined to the rows on its left. */
export function buildCorrelate(
  _left: Relation,
  right: LateralTableRef,
  _joinType: 'INNER' | 'LEFT' | 'CROSS' | 'comma',
  _on: Expr | undefined,
  _builder: PlanBuilder,
): Relation {
  throw unsupported(right.pos, 'LATERAL TABLE');
}
