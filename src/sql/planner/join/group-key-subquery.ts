/**
 * Scalar, IN and EXISTS subqueries in GROUP BY keys (`GROUP BY (SELECT r.name FROM r WHERE
 * r.id = t.id)`). A key is computed from each input row, so, as Calcite converts a GROUP BY
 * expression in the projection below its aggregate, each subquery is LEFT joined to the input
 * rows (`scalar-subquery.ts`) and the key reads its column. The same expression in the select
 * list or HAVING is the key, as SQL matches grouped expressions, so it reads that column too;
 * a different subquery there is planned over the groups as before.
 */
import type { Expr, Select } from '../../parser/ast.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { containsSubquery } from '../syntax-search.js';
import { joinScalarSubqueries } from './scalar-subquery.js';

/** The SELECT with its GROUP BY subqueries joined to the input rows, and that joined input. */
export function joinGroupKeySubqueries(
  select: Select,
  input: Relation,
  builder: PlanBuilder,
): { select: Select; input: Relation } {
  const joined = joinScalarSubqueries(select.groupBy, input, builder);
  const keys = new Map<string, Expr>();
  pairKeys(select.groupBy, joined.node, keys);
  const replace = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(replace);
    const key = keys.get(withoutPositions(n));
    if (key !== undefined) return key;
    // Names inside another subquery may resolve in its own scope: it is not the key.
    const kind = (n as { kind?: unknown }).kind;
    if (kind === 'subquery' || kind === 'inQuery' || kind === 'exists') return n;
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, replace(v)]));
  };
  return {
    select: {
      ...select,
      groupBy: joined.node,
      items: replace(select.items) as Select['items'],
      having: replace(select.having) as Select['having'],
    },
    input: joined.input,
  };
}

/**
 * Records, for each expression of the original GROUP BY that holds a subquery, its rewritten
 * counterpart: the rewrite keeps the tree's shape, subqueries replaced by column references.
 */
function pairKeys(original: unknown, rewritten: unknown, keys: Map<string, Expr>): void {
  if (original === null || typeof original !== 'object') return;
  if (Array.isArray(original)) {
    for (const [i, o] of original.entries()) pairKeys(o, (rewritten as unknown[])[i], keys);
    return;
  }
  const e = original as Expr;
  if (typeof e.kind === 'string' && containsSubquery(e)) keys.set(withoutPositions(e), rewritten as Expr);
  if (e.kind === 'subquery' || e.kind === 'inQuery' || e.kind === 'exists') return;
  for (const [k, v] of Object.entries(e)) pairKeys(v, (rewritten as Record<string, unknown>)[k], keys);
}

/** A syntax tree's identity without source positions, as two spellings of a key compare. */
function withoutPositions(n: unknown): string {
  return JSON.stringify(n, (k, v) => (k === 'pos' ? undefined : v));
}
