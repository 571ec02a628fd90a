/**
 * A correlated scalar subquery with a global aggregate whose WHERE correlates by more than
 * `inner = outer` equalities (`(SELECT COUNT(*) FROM i WHERE i.t < o.t)`), decorrelated as
 * Calcite's RelDecorrelator does with a value generator: the distinct values of the outer
 * columns the subquery reads form a domain; the inner rows are joined with it on the correlated
 * conditions and aggregated per domain value; each outer row is then LEFT joined to its value's
 * result. An outer row whose value has no result reads the aggregate's value over no rows.
 *
 * The LEFT join matches on `=` when every correlated condition is a comparison, which is never
 * TRUE for a NULL outer value, so such a row's value has no result either; otherwise it
 * matches on IS NOT DISTINCT FROM, which the join cannot key by.
 */
import type { Expr, Query, Select } from '../../parser/ast.js';
import { field, type Rex } from '../../expressions/rex.js';
import { typeCondition, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { type LogicalNode, project } from '../logical.js';
import { aggregate } from '../aggregate/aggregate-nodes.js';
import { ColumnScope, type ScopeColumn } from '../scope.js';
import { join } from './join-nodes.js';
import { conjunction, equality, freshNames, types } from './subquery-terms.js';

/** The subquery's rows per domain value, the LEFT join's conditions, and its value column. */
export interface DomainRight {
  readonly plan: LogicalNode;
  readonly conditions: readonly Rex[];
  readonly value: string;
}

/** Plans the subquery over the domain of the outer columns it reads (see the module comment). */
export function domainRight(
  query: Query,
  body: Select & { readonly from: NonNullable<Select['from']> },
  local: readonly Expr[],
  correlated: readonly Expr[],
  inner: Relation,
  outerVisible: readonly ScopeColumn[],
  outer: LogicalNode,
  builder: PlanBuilder,
): DomainRight {
  const fresh = freshNames([...inner.plan.columns, ...outer.columns].map((c) => c.name));
  const { read, rewritten } = outerColumns({ correlated, items: body.items }, inner.scope, outerVisible, () =>
    fresh('$domain'),
  );
  const names = read.map((c) => c.domain);
  // The outer columns' distinct values.
  const domain = aggregate(
    project(
      outer,
      read.map((c) => ({ name: c.domain, rex: field(c.column.internal, c.column.type) })),
    ),
    names,
    [],
  );
  // Read under their own names, which no inner column can shadow or make ambiguous.
  const domainScope = read.map((c) => ({
    qualifier: DOMAIN,
    name: c.domain,
    internal: c.domain,
    type: c.column.type,
  }));
  const filtered = local.length === 0 ? inner.plan : builder.subqueryFilter(conjunction(local)!, inner);
  const both = [...inner.scope, ...domainScope];
  const on = typeCondition(conjunction(rewritten.correlated)!, new ColumnScope(both), 'WHERE');
  const joined = join(filtered, domain, 'inner', on);
  const value = fresh('$value');
  const keys = names.map(() => fresh('$corr'));
  const reference = (name: string): Expr => ({ kind: 'column', path: [DOMAIN, name], pos: body.pos }) as Expr;
  const grouped: Select = {
    ...body,
    distinct: false,
    where: undefined,
    having: undefined,
    groupBy: names.map(reference),
    items: [
      { ...rewritten.items[0]!, alias: value },
      ...names.map((name, i) => ({
        kind: 'selectItem' as const,
        expr: reference(name),
        alias: keys[i],
        pos: body.pos,
      })),
    ],
  };
  const plan = builder.aggregateSelect(grouped, { plan: joined, scope: both });
  const comparisons = correlated.every(
    (c) => c.kind === 'binary' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(c.op),
  );
  const conditions = read.map(({ column }, i) => {
    const key = plan.columns.find((col) => col.name === keys[i])!;
    const outerValue = field(column.internal, column.type);
    const keyValue = field(key.name, key.type);
    return comparisons
      ? equality(keyValue, outerValue, query.pos)
      : notDistinct(keyValue, outerValue, query.pos);
  });
  return { plan, conditions, value };
}

/** The qualifier of the domain's columns inside the planned subquery. */
const DOMAIN = '$domain';

/**
 * The outer columns a syntax tree reads (names the inner scope lacks and the outer one has),
 * each with the domain column `name()` gives it, and the tree reading those columns instead.
 */
function outerColumns<T>(
  node: T,
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  name: () => string,
): { read: { column: ScopeColumn; domain: string }[]; rewritten: T } {
  const inner = new ColumnScope(innerScope);
  const outer = new ColumnScope(outerVisible);
  const found = new Map<string, { column: ScopeColumn; domain: string }>();
  const replace = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(replace);
    const e = n as Expr | { kind: 'query' };
    // A nested subquery's names resolve in its own scopes first.
    if (e.kind === 'query') return n;
    if (e.kind === 'column' && !types(e, inner) && types(e, outer)) {
      const rex = typeExpression(e, outer);
      const column = rex.kind === 'field' ? outerVisible.find((c) => c.internal === rex.name) : undefined;
      if (column === undefined) return n;
      let entry = found.get(column.internal);
      if (entry === undefined) {
        entry = { column, domain: name() };
        found.set(column.internal, entry);
      }
      return { ...e, path: [DOMAIN, entry.domain] };
    }
    return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, replace(v)]));
  };
  const rewritten = replace(node) as T;
  return { read: [...found.values()], rewritten };
}

/** `l IS NOT DISTINCT FROM r`, typed as SQL types it. */
function notDistinct(l: Rex, r: Rex, pos: Expr['pos']): Rex {
  return typeExpression(
    {
      kind: 'isDistinctFrom',
      negated: true,
      pos,
      left: { kind: 'column', path: ['$l'], pos },
      right: { kind: 'column', path: ['$r'], pos },
    } as never,
    { resolve: (path) => (path[0] === '$l' ? l : r) },
  );
}
