/**
 * A correlated IN or EXISTS subquery that groups (GROUP BY, or HAVING with GROUP BY) used as a
 * value, decorrelated as Calcite's RelDecorrelator decorrelates an aggregate: the inner sides of
 * its WHERE's `inner = outer` equalities join its GROUP BY and its select list, so it is planned
 * once, uncorrelated, as a derived table, and an outer row's subquery is the derived rows whose
 * correlation columns equal its outer values. A group of the rewritten query is a group of the
 * original for every outer row with that value, so HAVING keeps the same groups; a NULL outer
 * value matches none, as `inner = NULL` holds for no inner row.
 *
 * A correlation other than `inner = outer`, or outer columns outside the WHERE, are planned over
 * a domain of the outer values instead (`grouped-domain-in-exists.ts`). Refused, as Flink's
 * planner refuses them (Calcite's decorrelator keeps no correlated LIMIT, which Flink plans only
 * for LATERAL as a Top-N): LIMIT or OFFSET, and a set operation or WITH.
 */
import type { Expr, Query, Select, SubqueryRef } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import type { PlanBuilder } from '../builder.js';
import { ColumnScope, type ScopeColumn } from '../scope.js';
import {
  checkWidth,
  conjunction,
  correlationPairs,
  planDecorrelated,
  splitCorrelatedWhere,
  types,
} from './subquery-terms.js';

/** The derived table's rows to count, the correlation they match on, and the IN values. */
export interface GroupedRows {
  /** A SELECT over the derived table, without items; its WHERE matches the outer row. */
  readonly body: Select;
  /** The select items an IN operand's items are compared with, one per operand item. */
  readonly values: readonly Expr[];
}

/** The derived table's alias, which no outer name uses (hidden columns are `$subquery`'s). */
const ALIAS = '$in';

/**
 * The correlated grouped subquery `query` as a derived table correlated by equalities on its
 * grouped correlation columns (see the module comment); `width` is the IN operand's item count
 * (0 for EXISTS), `outerScope` the names the subquery sees outside its FROM.
 */
export function groupedRows(
  query: Query,
  builder: PlanBuilder,
  outerScope: readonly ScopeColumn[],
  width: number,
): GroupedRows {
  const what = 'a correlated IN or EXISTS subquery with GROUP BY used as a value';
  if (query.limit !== undefined || query.offset !== undefined)
    throw unsupported(
      query.pos,
      'LIMIT or OFFSET in a correlated IN or EXISTS subquery used as a value',
      'drop it',
    );
  const body = query.body;
  if (query.with.length > 0 || body.kind !== 'select' || body.from === undefined)
    throw unsupported(
      query.pos,
      'a correlated IN or EXISTS subquery with WITH or a set operation used as a value',
      'correlate a single SELECT in its WHERE',
    );
  if (width > 0 && body.items.some((i) => i.expr.kind === 'star'))
    throw unsupported(query.pos, 'SELECT * in an IN subquery', 'list the columns it compares instead');
  if (width > 0) checkWidth(query.pos, body.items.length, width);
  const { innerScope, outerVisible, local, correlated } = splitCorrelatedWhere(
    { ...body, from: body.from },
    builder,
    outerScope,
  );
  const innerOnly = new ColumnScope(innerScope);
  const pairs = correlationPairs(correlated, innerScope, outerVisible, what);
  const pos = query.pos;
  const values = Array.from({ length: width }, (_, i) => `$y${i}`);
  const keys = pairs.map((_, i) => `$corr${i}`);
  const item = (expr: Expr) => ({ kind: 'selectItem' as const, expr, pos });
  const inner = pairs.map((p) => p.inner);
  const decorrelated: Query = {
    ...query,
    orderBy: [],
    body: {
      ...body,
      where: conjunction(local),
      groupBy: [...body.groupBy, ...inner],
      // EXISTS counts groups, whatever they select.
      items: [...body.items.slice(0, width), ...inner.map(item)],
    },
  };
  planDecorrelated(
    builder,
    decorrelated,
    pos,
    `an outer column outside the WHERE of ${what}`,
    'read outer columns only in WHERE equalities such as b.k = a.k',
  );
  const from: SubqueryRef = {
    kind: 'subqueryRef',
    query: decorrelated,
    alias: ALIAS,
    columnAliases: [...values, ...keys],
    pos,
  };
  const column = (name: string) => ({ kind: 'column', path: [ALIAS, name], pos }) as Expr;
  // Each correlation column against the outer side of its equality, read in the outer scope
  // (the derived table's `$`-names shadow none of it).
  const where = conjunction(
    correlated.map((c, i) => {
      const eq = c as Extract<Expr, { kind: 'binary' }>;
      const outerSide = types(eq.left, innerOnly) ? eq.right : eq.left;
      return { kind: 'binary', op: '=', left: column(keys[i]!), right: outerSide, pos: c.pos } as Expr;
    }),
  );
  return {
    body: { kind: 'select', distinct: false, items: [], from, where, groupBy: [], windows: [], pos },
    values: values.map(column),
  };
}
