/**
 * A correlated scalar subquery whose select item reads outer columns (`SELECT a.x + MAX(b.v)
 * FROM b WHERE b.k = a.k`), or whose global aggregate has a HAVING, split as Calcite's
 * decorrelator splits it: the subquery computes only its inner parts, grouped by the
 * correlation columns (each aggregate call of a global aggregate; each aggregate call and inner
 * column of a GROUP BY or a plain SELECT, under SINGLE_VALUE), and the item is evaluated on the
 * joined row from the outer columns and those parts. A global aggregate's HAVING becomes `CASE WHEN having THEN item END`,
 * so that a group it rejects gives NULL, and an outer row without a group evaluates the item
 * and HAVING over the aggregates' values over no rows.
 */
import type { Case, Expr, Select } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import type { PlanBuilder } from '../builder.js';
import { ColumnScope, type ScopeColumn } from '../scope.js';
import { types } from './subquery-terms.js';

/** The qualifier of the part columns the split item reads. */
export const PART = '$part';

/** A select item split into the parts the subquery computes and the item over them. */
export interface SplitItem {
  /** Expressions over the inner columns, each computed by the subquery as its column `name`. */
  readonly parts: readonly { readonly name: string; readonly expr: Expr }[];
  /** The item (and HAVING) with each part read as `$part.name`; other names are outer columns. */
  readonly expr: Expr;
}

/**
 * The select item of a correlated subquery split into parts, or undefined when it reads no
 * outer column and, for a global aggregate, there is no HAVING (the subquery then computes the
 * item itself). A DISTINCT subquery whose item reads an outer column is refused.
 */
export function splitOuterItem(
  body: Select,
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  globalAggregate: boolean,
  builder: PlanBuilder,
  fresh: (base: string) => string,
): SplitItem | undefined {
  const inner = new ColumnScope(innerScope);
  const outer = new ColumnScope(outerVisible);
  const item = body.items[0]!.expr;
  const outerRef = findOuterReference(item, inner, outer);
  if (outerRef === undefined && !(globalAggregate && body.having !== undefined)) return undefined;
  // DISTINCT would drop duplicates of the parts, not of the item (a.x * 0 + b.v).
  if (body.distinct)
    throw unsupported(
      outerRef?.pos,
      'an outer column in the select list of a correlated scalar subquery with DISTINCT',
      'read it outside the subquery, e.g. a.x + (SELECT DISTINCT b.v …)',
    );
  const grouped = body.groupBy.length > 0;
  const parts: { name: string; expr: Expr }[] = [];
  const partRef = (expr: Expr): Expr => {
    const name = fresh(PART);
    parts.push({ name, expr });
    return { kind: 'column', path: [PART, name], pos: expr.pos } as Expr;
  };
  const replace = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(replace);
    const e = n as Expr;
    if (e.kind === 'subquery' || e.kind === 'inQuery' || e.kind === 'exists')
      throw unsupported(
        e.pos,
        'a subquery in the select list of a correlated scalar subquery that reads outer columns',
        'join it in the subquery’s FROM',
      );
    if (
      (globalAggregate || grouped) &&
      e.kind === 'call' &&
      e.over === undefined &&
      builder.isAggregate(e.name)
    )
      return partRef(e);
    if (e.kind === 'column' && types(e, inner)) {
      if (globalAggregate)
        throw validationError(
          e.pos,
          `column '${e.path.join('.')}' must appear in GROUP BY or be used in an aggregate function`,
        );
      return partRef(e);
    }
    if (e.kind === 'column') return e;
    return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, replace(v)]));
  };
  const value = replace(item) as Expr;
  // A grouped subquery keeps its HAVING, which may read inner columns only.
  if (!globalAggregate || body.having === undefined) return { parts, expr: value };
  const having = replace(body.having) as Expr;
  const then = value;
  const guarded: Case = { kind: 'case', whens: [{ when: having, then }], pos: body.having.pos };
  return { parts, expr: guarded };
}

/** The first column of an expression that is an outer column, not an inner one. */
function findOuterReference(e: unknown, inner: ColumnScope, outer: ColumnScope): Expr | undefined {
  if (e === null || typeof e !== 'object') return undefined;
  if (Array.isArray(e)) {
    for (const x of e) {
      const found = findOuterReference(x, inner, outer);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const node = e as Expr | { kind?: string };
  if (node.kind === 'query') return undefined;
  if (node.kind === 'column') {
    const c = node as Expr;
    return !types(c, inner) && types(c, outer) ? c : undefined;
  }
  return findOuterReference(Object.values(node), inner, outer);
}
