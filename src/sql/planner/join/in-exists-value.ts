/**
 * `x IN (SELECT y …)` and `EXISTS (…)` where a value is needed (the select list, CASE, OR,
 * HAVING) rather than as a condition of their own, which `build-subquery.ts` plans as semi and
 * anti joins. As Calcite's SubQueryRemoveRule does, the value is read from counts of the
 * subquery's rows, each a correlated scalar subquery LEFT joined to the outer rows:
 *
 * - `EXISTS (q)` is `COUNT(*) > 0` over q's rows.
 * - `x IN (q)` is TRUE where some y equals x, FALSE where q has no rows, and otherwise UNKNOWN
 *   (NULL) where x is NULL or some y is NULL: `CASE WHEN matches > 0 THEN TRUE WHEN rows = 0
 *   THEN FALSE WHEN x IS NULL OR nonNull < rows THEN NULL ELSE FALSE END`, where `matches`
 *   counts q's rows with `y = x`, x being read from a hidden outer column so that the
 *   subquery's own names cannot shadow it.
 * - `(a, b) IN (q)` is TRUE where some row of q equals the operand item by item, NULL where some
 *   row's comparison is UNKNOWN (no item differs, one is NULL), else FALSE: counts of the rows
 *   where every item's `=` holds and where none is FALSE, the latter correlated by more than
 *   equalities and so planned over a domain of the operand's values.
 *
 * - IN or EXISTS over a correlated global aggregate (no GROUP BY) reads its one row: EXISTS is
 *   whether it stands, IN compares the operand with it (FALSE where HAVING leaves no row).
 *
 * Any other subquery that aggregates, or has a set operation or LIMIT, is counted as a derived
 * table. A correlated one with GROUP BY is first decorrelated by its `inner = outer` equalities
 * (`grouped-in-exists.ts`), except EXISTS without HAVING, whose groups stand where its rows do,
 * so its rows are counted as a plain SELECT's under any correlation. One correlated by more, or
 * reading outer columns outside its WHERE, is grouped over a domain of the outer values
 * (`grouped-domain-in-exists.ts`); any other is refused.
 */
import type { Call, Exists, Expr, InQuery, Query, Select, SubqueryRef } from '../../parser/ast.js';
import { ColumnNotFoundError, unsupported } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { call, literal, type Rex } from '../../expressions/rex.js';
import type { PlanBuilder } from '../builder.js';
import type { ScopeColumn } from '../scope.js';
import { domainGroupedValue, type JoinRelation, needsDomain } from './grouped-domain-in-exists.js';
import { groupedRows } from './grouped-in-exists.js';
import {
  builderIsAggregate,
  checkWidth,
  conjunction,
  conjuncts,
  equality,
  inFromCounts,
} from './subquery-terms.js';

/** Joins a scalar subquery to the outer rows and gives its value; `x` names a hidden outer column. */
export type JoinScalar = (query: Query, pos: Expr['pos']) => Rex;

const BOOL = (nullable: boolean) => withNullability(Types.BOOLEAN, nullable);

/**
 * The value of an IN or EXISTS subquery. `x` is the IN operand (each item of a row operand),
 * already typed and projected into the outer rows as the columns their paths name; `outerScope`
 * is the names the subquery sees outside its FROM.
 */
export function inOrExistsValue(
  e: InQuery | Exists,
  x: readonly { readonly rex: Rex; readonly path: readonly string[] }[],
  builder: PlanBuilder,
  outerScope: readonly ScopeColumn[],
  joinScalar: JoinScalar,
  joinRelation: JoinRelation,
): Rex {
  const pos = e.pos;
  const compare = (op: '>' | '=' | '<', l: Rex, r: Rex) => call(op, [l, r], BOOL(false));
  const zero = literal(0, withNullability(Types.BIGINT, false));
  if (correlatedGlobalAggregate(e.query, builder)) return globalValue(e, x, joinScalar);
  if (!existsOverGroups(e) && correlated(e.query, builder) && needsDomain(e.query, builder, outerScope))
    return domainGroupedValue(e, x, builder, outerScope, joinRelation);
  const source = countable(e.query, builder, e.kind === 'inQuery' ? x.length : 0, outerScope);
  const count = (arg: Expr | undefined, extra?: Expr): Rex => {
    const args = arg === undefined ? [{ kind: 'star', qualifier: [], pos } as Expr] : [arg];
    const counting: Call = { kind: 'call', name: 'COUNT', args, distinct: false, pos };
    const where = conjunction([
      ...(source.where === undefined ? [] : conjuncts(source.where)),
      ...(extra ? [extra] : []),
    ]);
    const body: Select = {
      ...source.body,
      distinct: false,
      where,
      items: [{ kind: 'selectItem', expr: counting, pos } as never],
    };
    const counted = joinScalar(
      { ...e.query, with: [], orderBy: [], limit: undefined, offset: undefined, body },
      pos,
    );
    // Never NULL (a count over no rows reads 0), but typed nullable as every scalar subquery's
    // value is; the CASE gives it the NOT NULL type the comparisons below are typed with.
    return call('CASE', [call('IS NULL', [counted], BOOL(false)), zero, counted], zero.type);
  };
  if (e.kind === 'exists') return compare('>', count(undefined), zero);
  const ys = source.values!;
  const equalities = x.map(
    (xi, i) =>
      ({
        kind: 'binary',
        op: '=',
        left: ys[i]!,
        right: { kind: 'column', path: xi.path, pos },
        pos,
      }) as Expr,
  );
  const matches = count(undefined, conjunction(equalities));
  const value =
    x.length === 1
      ? inFromCounts(x[0]!.rex, matches, count(undefined), count(ys[0]!))
      : rowValue(equalities, matches, count);
  return e.negated ? call('NOT', [value], BOOL(true)) : value;
}

/**
 * Whether a subquery is a global aggregate (no GROUP BY; an aggregate or HAVING) that reads outer
 * columns, and so cannot be counted as a derived table: it has one row per outer row, or none
 * where HAVING rejects it, and is read as scalar subqueries (see {@link globalValue}).
 */
function correlatedGlobalAggregate(query: Query, builder: PlanBuilder): boolean {
  const body = query.body;
  if (query.with.length > 0 || query.limit !== undefined || query.offset !== undefined) return false;
  if (body.kind !== 'select' || body.groupBy.length > 0) return false;
  if (body.having === undefined && !body.items.some((i) => builderIsAggregate(i.expr, builder))) return false;
  return correlated(query, builder);
}

/**
 * IN or EXISTS over a correlated global aggregate, from its one row: EXISTS is whether the row
 * stands (its `COUNT(*)`, never NULL where there is a row, is not NULL); `x IN (q)` compares the
 * operand with the row item by item (`=` under AND, UNKNOWN as SQL's row comparison gives it),
 * FALSE where there is no row.
 */
function globalValue(
  e: InQuery | Exists,
  x: readonly { readonly rex: Rex; readonly path: readonly string[] }[],
  joinScalar: JoinScalar,
): Rex {
  const pos = e.pos;
  const body = e.query.body as Select;
  const scalar = (expr: Expr) =>
    joinScalar(
      {
        ...e.query,
        orderBy: [],
        body: { ...body, distinct: false, items: [{ kind: 'selectItem', expr, pos } as never] },
      },
      pos,
    );
  const counting: Call = {
    kind: 'call',
    name: 'COUNT',
    args: [{ kind: 'star', qualifier: [], pos } as Expr],
    distinct: false,
    pos,
  };
  const stands = () => call('IS NOT NULL', [scalar(counting)], BOOL(false));
  if (e.kind === 'exists') return stands();
  if (body.items.some((i) => i.expr.kind === 'star'))
    throw unsupported(e.query.pos, 'SELECT * in an IN subquery', 'list the columns it compares instead');
  checkWidth(e.query.pos, body.items.length, x.length);
  const equal = x
    .map((xi, i) => equality(xi.rex, scalar(body.items[i]!.expr), pos))
    .reduce((a, b) => call('AND', [a, b], BOOL(true)));
  const value =
    body.having === undefined
      ? equal
      : call('CASE', [stands(), equal, literal(false, BOOL(false))], withNullability(equal.type, true));
  return e.negated ? call('NOT', [value], BOOL(true)) : value;
}

/** Counts the subquery's rows: those whose `arg` is not NULL, and where `extra` holds. */
type Count = (arg: Expr | undefined, extra?: Expr) => Rex;

/**
 * `(a, b) IN (q)`: TRUE where some row of q equals the operand item by item, else UNKNOWN where
 * some row's comparison is (no item differs, one is NULL), else FALSE.
 */
function rowValue(equalities: readonly Expr[], matches: Rex, count: Count): Rex {
  const zero = literal(0, withNullability(Types.BIGINT, false));
  const notFalse = equalities.map(
    (eq) => ({ kind: 'is', test: 'FALSE', negated: true, operand: eq, pos: eq.pos }) as Expr,
  );
  const unknown = count(undefined, conjunction(notFalse));
  return call(
    'CASE',
    [
      call('>', [matches, zero], BOOL(false)),
      literal(true, BOOL(false)),
      call('>', [unknown, zero], BOOL(false)),
      literal(null, BOOL(true)),
      literal(false, BOOL(false)),
    ],
    BOOL(true),
  );
}

/** A subquery as rows to count: a SELECT body whose WHERE may be extended, and its IN values. */
interface Countable {
  readonly body: Select;
  readonly where?: Expr;
  /** The select items an IN operand's items are compared with, `width` of them. */
  readonly values?: readonly Expr[];
}

function countable(
  query: Query,
  builder: PlanBuilder,
  width: number,
  outerScope: readonly ScopeColumn[],
): Countable {
  const wantValue = width > 0;
  const body = query.body;
  const plain =
    query.with.length === 0 &&
    query.limit === undefined &&
    query.offset === undefined &&
    body.kind === 'select' &&
    body.groupBy.length === 0 &&
    body.having === undefined &&
    !body.items.some((i) => builderIsAggregate(i.expr, builder));
  if (plain && !(wantValue && body.items.some((i) => i.expr.kind === 'star'))) {
    if (wantValue) checkWidth(query.pos, body.items.length, width);
    return { body, where: body.where, values: wantValue ? body.items.map((i) => i.expr) : undefined };
  }
  // Counted as a derived table, whose rows no longer see the outer query's names; a correlated
  // one is first decorrelated into an uncorrelated one (see `grouped-in-exists.ts`).
  if (correlated(query, builder)) {
    // EXISTS over groups without HAVING: a group stands where a row does, whatever the
    // correlation, so the rows are counted as a plain SELECT's.
    if (!wantValue && groupsWithoutHaving(query))
      return { body: { ...(body as Select), groupBy: [] }, where: (body as Select).where };
    const grouped = groupedRows(query, builder, outerScope, width);
    return { body: grouped.body, where: grouped.body.where, values: wantValue ? grouped.values : undefined };
  }
  const alias = '$in';
  const planned = builder.query(query).columns.length;
  if (wantValue) checkWidth(query.pos, planned, width);
  const pos = query.pos;
  const names = Array.from({ length: width }, (_, i) => `$y${i}`);
  const from: SubqueryRef = { kind: 'subqueryRef', query, alias, columnAliases: names, pos };
  return {
    body: { kind: 'select', distinct: false, items: [], from, groupBy: [], windows: [], pos },
    values: names.map((name) => ({ kind: 'column', path: [alias, name], pos }) as Expr),
  };
}

/** Whether it is EXISTS over groups without HAVING, counted as a plain SELECT's rows. */
function existsOverGroups(e: InQuery | Exists): boolean {
  return e.kind === 'exists' && groupsWithoutHaving(e.query);
}

/** Whether a subquery is one SELECT … FROM with GROUP BY and without HAVING, LIMIT or WITH. */
function groupsWithoutHaving(query: Query): boolean {
  const body = query.body;
  return (
    query.with.length === 0 &&
    query.limit === undefined &&
    query.offset === undefined &&
    body.kind === 'select' &&
    body.from !== undefined &&
    body.groupBy.length > 0 &&
    body.having === undefined
  );
}

/** Whether a subquery reads names it does not define, which are the outer query's. */
function correlated(query: Query, builder: PlanBuilder): boolean {
  try {
    builder.query(query);
    return false;
  } catch (error) {
    if (error instanceof ColumnNotFoundError) return true;
    throw error;
  }
}
