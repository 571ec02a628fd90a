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
 *
 * A subquery that aggregates, has DISTINCT, a set operation or LIMIT is counted as a derived
 * table, which it may be only when uncorrelated; a correlated one is refused.
 */
import type { Call, Exists, Expr, InQuery, Query, Select, SubqueryRef } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { call, literal, type Rex } from '../../expressions/rex.js';
import type { PlanBuilder } from '../builder.js';
import { builderIsAggregate, conjunction, conjuncts } from './subquery-terms.js';

/** Joins a scalar subquery to the outer rows and gives its value; `x` names a hidden outer column. */
export type JoinScalar = (query: Query, pos: Expr['pos']) => Rex;

const BOOL = (nullable: boolean) => withNullability(Types.BOOLEAN, nullable);

/**
 * The value of an IN or EXISTS subquery. `x` is the IN operand, already typed and projected
 * into the outer rows as the column `xPath` names.
 */
export function inOrExistsValue(
  e: InQuery | Exists,
  x: { readonly rex: Rex; readonly path: readonly string[] } | undefined,
  builder: PlanBuilder,
  joinScalar: JoinScalar,
): Rex {
  const pos = e.pos;
  const compare = (op: '>' | '=' | '<', l: Rex, r: Rex) => call(op, [l, r], BOOL(false));
  const zero = literal(0, withNullability(Types.BIGINT, false));
  const source = countable(e.query, builder, e.kind === 'inQuery');
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
  const y = source.value!;
  const xRef = { kind: 'column', path: x!.path, pos } as Expr;
  const matches = count(undefined, { kind: 'binary', op: '=', left: y, right: xRef, pos } as Expr);
  const rows = count(undefined);
  const nonNull = count(y);
  const unknown = call(
    'OR',
    [call('IS NULL', [x!.rex], BOOL(false)), compare('<', nonNull, rows)],
    BOOL(false),
  );
  const value = call(
    'CASE',
    [
      compare('>', matches, zero),
      literal(true, BOOL(false)),
      compare('=', rows, zero),
      literal(false, BOOL(false)),
      unknown,
      literal(null, BOOL(true)),
      literal(false, BOOL(false)),
    ],
    BOOL(true),
  );
  return e.negated ? call('NOT', [value], BOOL(true)) : value;
}

/** A subquery as rows to count: a SELECT body whose WHERE may be extended, and its IN value. */
interface Countable {
  readonly body: Select;
  readonly where?: Expr;
  readonly value?: Expr;
}

function countable(query: Query, builder: PlanBuilder, wantValue: boolean): Countable {
  const body = query.body;
  const plain =
    query.with.length === 0 &&
    query.limit === undefined &&
    query.offset === undefined &&
    body.kind === 'select' &&
    body.groupBy.length === 0 &&
    body.having === undefined &&
    !body.items.some((i) => builderIsAggregate(i.expr, builder));
  if (plain) {
    if (wantValue && (body.items.length !== 1 || body.items[0]!.expr.kind === 'star'))
      throw validationError(
        query.pos,
        `the IN subquery returns ${body.items.length} columns; it must return one`,
      );
    return { body, where: body.where, value: wantValue ? body.items[0]!.expr : undefined };
  }
  // Counted as a derived table, whose rows no longer see the outer query's names.
  const alias = '$in';
  const planned = plannedAlone(query, builder);
  if (wantValue && planned !== 1)
    throw validationError(query.pos, `the IN subquery returns ${planned} columns; it must return one`);
  const pos = query.pos;
  const from: SubqueryRef = {
    kind: 'subqueryRef',
    query,
    alias,
    columnAliases: wantValue ? ['$y'] : [],
    pos,
  };
  return {
    body: { kind: 'select', distinct: false, items: [], from, groupBy: [], windows: [], pos },
    value: wantValue ? ({ kind: 'column', path: [alias, '$y'], pos } as Expr) : undefined,
  };
}

/** The column count of a subquery planned on its own; a correlated one is refused. */
function plannedAlone(query: Query, builder: PlanBuilder): number {
  try {
    return builder.query(query).columns.length;
  } catch (error) {
    if (/column '[^']*' not found/.test((error as Error).message))
      throw unsupported(
        query.pos,
        'a correlated IN or EXISTS subquery with GROUP BY, HAVING, an aggregate or LIMIT used as a value',
        'correlate a plain SELECT, or make it a WHERE condition of its own (without LIMIT), where GROUP BY and HAVING are planned',
      );
    throw error;
  }
}
