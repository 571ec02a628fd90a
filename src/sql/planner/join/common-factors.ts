/**
 * Pulls the conditions every branch of an OR shares out of it, as Calcite's RexUtil.pullFactors
 * does for Flink's join conditions: `(b.k = a.k AND b.v < a.v) OR (b.k = a.k AND b.v IS NULL)`
 * is `b.k = a.k AND (b.v < a.v OR b.v IS NULL)`. A shared equality between the two sides of a
 * join is then a conjunct of its own, which keys the join, where inside the OR it keyed nothing
 * and every row met under one key.
 */
import type { Expr } from '../../parser/ast.js';
import { conjunction, conjuncts } from './subquery-terms.js';

/** A condition as AND-ed parts, with the parts common to every branch of an OR pulled out of it. */
export function pullCommonFactors(e: Expr): Expr[] {
  const branches = disjuncts(e);
  if (branches.length < 2) return [e];
  const parts = branches.map((b) => conjuncts(b));
  const keyed = parts.map((ps) => new Set(ps.map(shape)));
  const common = parts[0]!.filter(
    (p, i) =>
      keyed.every((set) => set.has(shape(p))) && parts[0]!.findIndex((q) => shape(q) === shape(p)) === i,
  );
  if (common.length === 0) return [e];
  const shared = new Set(common.map(shape));
  const rest = parts.map((ps) => conjunction(ps.filter((p) => !shared.has(shape(p)))));
  // A branch holding only shared parts is TRUE once they hold, and so is the OR.
  if (rest.some((r) => r === undefined)) return common;
  const or = (rest as Expr[]).reduce(
    (a, b) => ({ kind: 'binary', op: 'OR', left: a, right: b, pos: a.pos }) as Expr,
  );
  return [...common, or];
}

/** An expression's OR-ed parts, through parentheses. */
function disjuncts(e: Expr): Expr[] {
  if (e.kind === 'binary' && e.op === 'OR') return [...disjuncts(e.left), ...disjuncts(e.right)];
  if (e.kind === 'row' && e.items.length === 1) return disjuncts(e.items[0]!);
  return [e];
}

/** An expression's text without its positions: equal for the same condition written twice. */
function shape(e: Expr): string {
  return JSON.stringify(e, (key, value) => (key === 'pos' ? undefined : value));
}
