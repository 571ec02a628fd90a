/**
 * Scalar, IN and EXISTS subqueries in a join's ON condition, placed as Calcite's
 * SubQueryRemoveRule places them for a join:
 *
 * - One that reads columns of one side only, or none, is LEFT joined to that side's rows below
 *   the join (`scalar-subquery.ts`), which keeps them one for one, so the join's type and its
 *   rows are unchanged; the condition reads the subquery's hidden column.
 * - One that reads columns of both sides of an inner join is planned as WHERE plans it, over
 *   the joined rows: its conjunct filters them above the join.
 * - One that reads both sides of an outer join is refused, as Flink refuses it: Calcite's rule
 *   for a join's subqueries correlates one input, and a condition over both sides of an outer
 *   join cannot become a filter above it, since the padded rows depend on each pair's result.
 */
import type { Expr } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { literal } from '../../expressions/rex.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { containsSubquery } from '../syntax-search.js';
import { join } from './join-nodes.js';
import { joinScalarSubqueries } from './scalar-subquery.js';
import { conjunction, conjuncts } from './subquery-terms.js';

/** A join's sides with the ON condition's subqueries placed on them. */
export interface PlacedOn {
  /** The ON condition without the conjuncts in `after`; placed subqueries read their columns. */
  readonly on: Expr | undefined;
  readonly left: Relation;
  readonly right: Relation;
  /** Conjuncts whose subqueries read both sides: they filter an inner join's rows. */
  readonly after: Expr | undefined;
  /** The hidden columns the placed subqueries added to either side. */
  readonly hidden: ReadonlySet<string>;
}

/** Places each subquery of `on` on the side whose columns it reads (see the module comment). */
export function placeOnSubqueries(
  on: Expr,
  left: Relation,
  right: Relation,
  inner: boolean,
  builder: PlanBuilder,
): PlacedOn {
  let sides = { left, right };
  const names = () => [...sides.left.plan.columns, ...sides.right.plan.columns].map((c) => c.name);
  const TRUE = literal(true, withNullability(Types.BOOLEAN, false));
  let bothSides = false;
  const place = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(place);
    const e = n as Expr;
    if (e.kind !== 'subquery' && e.kind !== 'inQuery' && e.kind !== 'exists')
      return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, place(v)]));
    // Planned over both sides first, so that a name wrong or ambiguous there fails as it would.
    const both = {
      plan: join(sides.left.plan, sides.right.plan, 'inner', TRUE),
      scope: [...sides.left.scope, ...sides.right.scope],
    };
    joinScalarSubqueries(e, both, builder);
    // An uncorrelated subquery goes to the right side, as Calcite places it.
    for (const side of ['right', 'left'] as const) {
      const placed = tryJoin(e, sides[side], builder, names());
      if (placed !== undefined) {
        sides = { ...sides, [side]: placed.input };
        return placed.node;
      }
    }
    if (!inner)
      throw unsupported(
        e.pos,
        'a subquery in the ON condition of an outer join that reads columns of both sides',
        'read one side only, or join the sides in a subquery in FROM and LEFT JOIN that',
      );
    bothSides = true;
    return e;
  };
  const rewritten = place(on) as Expr;
  const hidden = new Set(
    [...sides.left.plan.columns, ...sides.right.plan.columns]
      .map((c) => c.name)
      .filter((name) => ![...left.plan.columns, ...right.plan.columns].some((c) => c.name === name)),
  );
  if (!bothSides) return { on: rewritten, ...sides, after: undefined, hidden };
  const parts = conjuncts(rewritten);
  return {
    on: conjunction(parts.filter((c) => !containsSubquery(c))),
    ...sides,
    after: conjunction(parts.filter(containsSubquery)),
    hidden,
  };
}

/** The subquery joined to one side's rows, or undefined when it reads columns the side lacks. */
function tryJoin(
  e: Expr,
  side: Relation,
  builder: PlanBuilder,
  reserved: readonly string[],
): { node: Expr; input: Relation } | undefined {
  try {
    return joinScalarSubqueries(e, side, builder, reserved);
  } catch {
    // It planned over both sides' columns, so only a column of the other side can fail it.
    return undefined;
  }
}
