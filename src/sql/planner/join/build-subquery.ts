/**
 * Plans a WHERE clause holding subqueries: `x IN (SELECT …)` and `EXISTS (…)` become semi joins,
 * their negations anti joins, and the remaining conjuncts a filter.
 */
import type { Expr } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import type { PlanBuilder, Relation } from '../builder.js';
import type { LogicalNode } from '../logical.js';

/** The input filtered by a condition that holds subqueries. */
export function buildSubqueryFilter(where: Expr, _input: Relation, _builder: PlanBuilder): LogicalNode {
  throw unsupported(where.pos, 'subqueries in WHERE');
}
