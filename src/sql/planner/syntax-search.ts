/**
 * Questions about expressions before they are typed: does a select item call an aggregate,
 * use OVER, or hold a subquery? The builder routes a SELECT to the right operator family by
 * these answers.
 */
import type { ColumnRef, Expr } from '../parser/ast.js';

/** Whether `test` holds for the expression or any expression nested in it (not in subqueries). */
export function containsExpr(expr: Expr, test: (e: Expr) => boolean): boolean {
  if (test(expr)) return true;
  const visit = (value: unknown): boolean => {
    if (value === null || typeof value !== 'object') return false;
    if (Array.isArray(value)) return value.some(visit);
    const node = value as { kind?: string };
    if (node.kind === 'query') return false;
    if (typeof node.kind === 'string' && node !== expr && 'pos' in node)
      return containsExpr(node as Expr, test);
    return Object.values(node).some(visit);
  };
  return Object.values(expr).some(visit);
}

/** Whether the expression calls an aggregate function outside an OVER window. */
export function containsAggregate(expr: Expr, isAggregate: (name: string) => boolean): boolean {
  return containsExpr(expr, (e) => e.kind === 'call' && e.over === undefined && isAggregate(e.name));
}

/** Whether the expression uses `… OVER (…)`. */
export function containsOver(expr: Expr): boolean {
  return containsExpr(expr, (e) => e.kind === 'call' && e.over !== undefined);
}

/** Whether the expression holds `IN (SELECT …)`, `EXISTS (…)` or a scalar subquery. */
export function containsSubquery(expr: Expr): boolean {
  return containsExpr(expr, (e) => e.kind === 'inQuery' || e.kind === 'exists' || e.kind === 'subquery');
}

/**
 * The columns the expression reads outside aggregate calls (and subqueries), in source order:
 * in a query that aggregates, each must be a group key.
 */
export function columnsOutsideAggregates(expr: Expr, isAggregate: (name: string) => boolean): ColumnRef[] {
  if (expr.kind === 'column') return [expr];
  if (expr.kind === 'call' && expr.over === undefined && isAggregate(expr.name)) return [];
  const found: ColumnRef[] = [];
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    const node = value as { kind?: string };
    if (Array.isArray(value)) for (const v of value) visit(v);
    else if (typeof node.kind === 'string' && 'pos' in node) {
      if (node.kind !== 'query') found.push(...columnsOutsideAggregates(node as Expr, isAggregate));
    } else for (const v of Object.values(node)) visit(v);
  };
  for (const v of Object.values(expr)) visit(v);
  return found;
}
