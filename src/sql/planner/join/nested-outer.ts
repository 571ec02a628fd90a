/**
 * Column references of an enclosing query inside subqueries nested in a correlated subquery's
 * WHERE (`b.v IN (SELECT v FROM c WHERE c.x = a.x)` inside a subquery over b, where a is the
 * enclosing query's). Such a reference skips a level: the nested subquery is planned against b's
 * rows, which do not carry a's columns. Decorrelation from the inside out (as Calcite's) first
 * brings those columns into b's rows from a domain of a's values (`domain-subquery.ts`), which
 * needs each reference found and pointed at its domain column.
 *
 * A name resolves in the innermost query whose FROM has it, so a reference is free (read from
 * outside the expression) only where no FROM of the subqueries around it, inside the expression,
 * has its name.
 */
import type { ColumnRef, Expr, FromItem, Query, QueryBody } from '../../parser/ast.js';
import type { PlanBuilder } from '../builder.js';
import { ColumnNotFoundError, unsupported } from '../../errors.js';
import { ColumnScope, type ScopeColumn } from '../scope.js';

/**
 * `node` with each free column reference (see the module comment) replaced by `map(ref)`, which
 * gives the reference itself to keep it. A nested query with a WITH clause of its own is kept as
 * it is: its names are resolved when it is planned.
 */
export function mapFreeColumns<T>(node: T, builder: PlanBuilder, map: (ref: ColumnRef) => Expr): T {
  return walk(node, [], builder, map) as T;
}

function walk(
  n: unknown,
  scopes: readonly ColumnScope[],
  builder: PlanBuilder,
  map: (ref: ColumnRef) => Expr,
): unknown {
  if (n === null || typeof n !== 'object') return n;
  if (Array.isArray(n)) return n.map((x) => walk(x, scopes, builder, map));
  const e = n as { kind?: string };
  if (e.kind === 'query') return query(n as Query, scopes, builder, map);
  if (e.kind === 'column') {
    const ref = n as ColumnRef;
    return scopes.some((s) => s.has(ref.path)) ? ref : map(ref);
  }
  return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, walk(v, scopes, builder, map)]));
}

function query(
  q: Query,
  scopes: readonly ColumnScope[],
  builder: PlanBuilder,
  map: (ref: ColumnRef) => Expr,
): Query {
  if (q.with.length > 0) return q;
  return { ...q, body: body(q.body, scopes, builder, map) };
}

function body(
  b: QueryBody,
  scopes: readonly ColumnScope[],
  builder: PlanBuilder,
  map: (ref: ColumnRef) => Expr,
): QueryBody {
  const go = <T>(x: T, inner: readonly ColumnScope[]) => walk(x, inner, builder, map) as T;
  switch (b.kind) {
    case 'query':
      return query(b, scopes, builder, map);
    case 'setOp':
      return { ...b, left: body(b.left, scopes, builder, map), right: body(b.right, scopes, builder, map) };
    case 'values':
      return { ...b, rows: go(b.rows, scopes) };
    case 'select': {
      // The FROM clause is kept: without LATERAL its items cannot read an enclosing query.
      const from = b.from === undefined ? undefined : fromScope(b.from, builder);
      if (from === null) return b;
      const inner = from === undefined ? scopes : [from, ...scopes];
      return {
        ...b,
        items: go(b.items, inner),
        where: go(b.where, inner),
        groupBy: go(b.groupBy, inner),
        having: go(b.having, inner),
      };
    }
  }
}

/**
 * A nested FROM clause's names, or null where it cannot be planned (a JOIN … ON reading an
 * enclosing query): its query is then kept, and planning it reports the error.
 */
function fromScope(from: FromItem, builder: PlanBuilder): ColumnScope | null {
  try {
    return new ColumnScope(builder.from(from).scope);
  } catch {
    return null;
  }
}

/**
 * Plans what holds nested subqueries, refusing at its position a column of an enclosing query
 * that planning could not find, where decorrelation does not carry it (a nested FROM clause's
 * JOIN … ON, a nested query with a WITH clause): `outer` gives a name's outer column as written,
 * or undefined for a name that is no enclosing query's, whose error stands.
 */
export function refusingOuterColumns<T>(
  plan: () => T,
  outer: (path: readonly string[]) => string | undefined,
): T {
  try {
    return plan();
  } catch (error) {
    if (!(error instanceof ColumnNotFoundError)) throw error;
    const name = outer(error.path);
    if (name === undefined) throw error;
    throw unsupported(
      error.pos,
      `reading column ${name} of an enclosing query there`,
      'a subquery reads them in the WHERE of its own SELECT, not in JOIN … ON, WITH or a set operation',
    );
  }
}

/**
 * The `outer` of {@link refusingOuterColumns} for the columns an enclosing query lets a subquery
 * read. A planner's hidden column (`$domain.…`) is left to the enclosing planner that made it,
 * which names the column it stands for.
 */
export function enclosingColumns(
  outerVisible: readonly ScopeColumn[],
): (path: readonly string[]) => string | undefined {
  const scope = new ColumnScope(outerVisible);
  return (path) => {
    if (path[0]!.startsWith('$')) return undefined;
    try {
      scope.resolve(path, { line: 0, column: 0 });
      return path.join('.');
    } catch {
      // No column of the enclosing query either (a.nope): the error stands.
      return undefined;
    }
  };
}
