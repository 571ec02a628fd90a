/**
 * Scalar subqueries in a SELECT that aggregates, placed as Calcite's SubQueryRemoveRule places
 * them. One in the select list or HAVING reads a group's row, so it is LEFT joined above the
 * aggregate and may refer to grouped columns of the FROM clause only (`HAVING SUM(v) > (SELECT
 * … WHERE r.k = t.k)` with `GROUP BY k`). One in an aggregate's argument (`SUM((SELECT …))`)
 * reads an input row, so it is joined below the aggregate like one in a plain select list.
 */
import type { Expr } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { field, type Rex } from '../../expressions/rex.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { ColumnScope, type ScopeColumn } from '../scope.js';
import { joinScalarSubqueries } from './scalar-subquery.js';
import { types } from './subquery-terms.js';

/**
 * The FROM clause's columns a subquery above the aggregate may read: each grouped one, pointing
 * at its key column (`keyOf` gives the key's name for a typed input column, if it is one).
 */
export function groupedOuterScope(
  inputScope: readonly ScopeColumn[],
  keyOf: (rex: Rex) => string | undefined,
): ScopeColumn[] {
  const grouped: ScopeColumn[] = [];
  for (const c of inputScope) {
    const key = keyOf(field(c.internal, c.type));
    if (key !== undefined) grouped.push({ ...c, internal: key });
  }
  return grouped;
}

/**
 * Refuses, at its position, a column of the FROM clause that a subquery above the aggregate
 * reads but the query does not group, as SQL refuses it in the select list itself.
 */
export function checkGroupedOuterColumns(
  node: unknown,
  inputScope: readonly ScopeColumn[],
  grouped: readonly ScopeColumn[],
  builder: PlanBuilder,
): void {
  const input = new ColumnScope(inputScope);
  const outer = new ColumnScope(grouped);
  const visitQuery = (query: { body?: unknown }) => {
    const body = query.body as { kind?: string; from?: never } | undefined;
    if (body?.kind !== 'select') return;
    const inner = body.from === undefined ? [] : builder.from(body.from).scope;
    const innerScope = new ColumnScope(inner);
    const visit = (n: unknown): void => {
      if (n === null || typeof n !== 'object') return;
      if (Array.isArray(n)) {
        for (const x of n) visit(x);
        return;
      }
      const e = n as { kind?: string; query?: { body?: unknown }; path?: string[]; pos?: Expr['pos'] };
      // A nested subquery's names are checked when it is planned.
      if (e.kind === 'subquery' || e.kind === 'inQuery' || e.kind === 'exists' || e.kind === 'query') return;
      if (e.kind === 'column') {
        const ref = e as Expr;
        if (!innerScope.has(e.path!) && !types(ref, outer) && types(ref, input))
          throw validationError(
            e.pos,
            `column '${e.path!.join('.')}' must appear in GROUP BY or be used in an aggregate function`,
          );
        return;
      }
      if (e.kind === 'subqueryRef' || e.kind === 'tableRef' || e.kind === 'join') return;
      const call = e as { kind?: string; name?: string; over?: unknown; args?: Expr[] };
      if (call.kind === 'call' && call.over === undefined && builder.isAggregate(call.name!))
        if (call.args!.some((a) => !types(a, innerScope) && a.kind !== 'star' && types(a, input)))
          throw unsupported(
            e.pos,
            'an aggregate of the outer query inside a scalar subquery',
            'compute it in a subquery in FROM and correlate with its column',
          );
      for (const v of Object.values(e)) visit(v);
    };
    const { from: _from, ...rest } = body as Record<string, unknown>;
    visit(rest);
  };
  const find = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) find(x);
      return;
    }
    const e = n as { kind?: string; query?: { body?: unknown } };
    if (e.kind === 'subquery') {
      visitQuery(e.query!);
      return;
    }
    if (e.kind === 'query') return;
    for (const v of Object.values(e)) find(v);
  };
  find(node);
}

/**
 * The select list and HAVING with each scalar subquery inside an aggregate's argument or FILTER
 * joined to the input rows and replaced by its column, and the joined input.
 */
export function joinArgumentSubqueries<T>(
  node: T,
  input: Relation,
  builder: PlanBuilder,
  isAggregate: (name: string) => boolean,
): { node: T; input: Relation } {
  let current = input;
  const replace = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(replace);
    const e = n as { kind?: string; name?: string; over?: unknown };
    if (e.kind === 'subquery' || e.kind === 'inQuery' || e.kind === 'exists' || e.kind === 'query') return n;
    if (e.kind === 'call' && e.over === undefined && isAggregate(e.name!)) {
      const joined = joinScalarSubqueries(n, current, builder);
      current = joined.input;
      return joined.node;
    }
    return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, replace(v)]));
  };
  const rewritten = replace(node) as T;
  return { node: rewritten, input: current };
}
