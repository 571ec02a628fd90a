/**
 * Plans a WHERE clause holding subqueries: `x IN (SELECT …)` and `EXISTS (…)` become semi joins,
 * their negations anti joins, and the remaining conjuncts a filter below them.
 *
 * A row operand, `(a, b) IN (SELECT x, y …)`, compares item by item (see `inJoin`).
 *
 * `x NOT IN (SELECT y …)` is UNKNOWN, so the row is dropped, when any `y` is NULL, or when `x` is
 * NULL and the subquery has rows: the anti join matches on `x = y OR x IS NULL OR y IS NULL`.
 * When both sides are NOT NULL that is a plain key equality; otherwise the condition has no
 * keys and the join runs on a single key. A correlated IN or EXISTS is planned when its
 * correlation is in the subquery's WHERE (`WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k)`);
 * those conditions become the join condition, with equalities as its keys, and an IN item that
 * reads outer columns (`b.v + a.k`) is compared on the joined pair. When the subquery groups
 * (GROUP BY, DISTINCT), its `inner = outer` correlation sides join its GROUP BY, so it is
 * planned once, uncorrelated, and the semi or anti join matches on them (Calcite's
 * decorrelation); other correlations, and outer columns in its select list or HAVING, group it
 * over a domain of the outer values (`domain-subquery.ts`). A global aggregate has one row for
 * each outer row (none where HAVING rejects it), so IN and EXISTS over it are read from scalar
 * subqueries (`scalar-subquery.ts`): IN as `x = (…)`, NOT IN as `x <> (…)` or no row, EXISTS as
 * whether its row stands.
 *
 * A subquery in the subquery's own WHERE is planned first, as a filter of the subquery's rows
 * (inside out, as Calcite decorrelates); where it reads the outer query's columns, those rows are
 * joined with a domain of the outer values first (`nested-outer.ts`, `domain-subquery.ts`) and,
 * since duplicates change no IN or EXISTS, made distinct per domain value.
 *
 * Other conditions with subqueries (scalar ones, or IN and EXISTS inside OR, CASE or a
 * comparison) are planned by `scalar-subquery.ts`.
 */
import type { Exists, Expr, InQuery, Query, Select } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { call, field, type Rex } from '../../expressions/rex.js';
import { typeCondition, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { pullCommonFactors } from './common-factors.js';
import { domainFrom, nestedReadsOuter, readsOuterOutsideWhere } from './domain-subquery.js';
import { filter, type LogicalNode, project } from '../logical.js';
import { enclosingColumns, refusingOuterColumns } from './nested-outer.js';
import { ColumnScope, NestedScope, type ScopeColumn } from '../scope.js';
import { containsSubquery } from '../syntax-search.js';
import { scalarFilter } from './scalar-subquery.js';
import {
  builderIsAggregate,
  checkWidth,
  conjunction,
  type CorrelationPair,
  conjuncts,
  correlationPairs,
  equality,
  freshNames,
  pairCondition,
  planDecorrelated,
  types,
} from './subquery-terms.js';
import { andOf } from './join-conditions.js';
import { join } from './join-nodes.js';

const BOOL = (nullable: boolean) => withNullability(Types.BOOLEAN, nullable);

/** The input filtered by a condition that holds subqueries. */
export function buildSubqueryFilter(where: Expr, input: Relation, builder: PlanBuilder): LogicalNode {
  const plain: Expr[] = [];
  const subqueries: Expr[] = [];
  for (const c of conjuncts(where)) (containsSubquery(c) ? subqueries : plain).push(c);
  const scope = new ColumnScope(input.scope);
  let plan: LogicalNode = input.plan;
  if (plain.length > 0) plan = filter(plan, andOf(plain.map((c) => typeCondition(c, scope, 'WHERE'))));
  for (const c of subqueries) {
    // IN or EXISTS inside OR, CASE or a comparison is a value, read from counts of its rows.
    const inOrExists = inOrExistsCore(c);
    plan =
      inOrExists !== undefined
        ? semiJoin(inOrExists, plan, input.scope, builder)
        : scalarFilter(c, plan, input.scope, builder);
  }
  return plan;
}

/** A condition that is an IN or EXISTS under NOTs and parentheses, and whether it is negated. */
function inOrExistsCore(e: Expr): { core: InQuery | Exists; negated: boolean } | undefined {
  let negated = false;
  let core = e;
  while ((core.kind === 'unary' && core.op === 'NOT') || (core.kind === 'row' && core.items.length === 1)) {
    if (core.kind === 'unary') negated = !negated;
    core = core.kind === 'unary' ? core.operand : core.items[0]!;
  }
  return core.kind === 'inQuery' || core.kind === 'exists' ? { core, negated } : undefined;
}

function semiJoin(
  { core, negated }: { core: InQuery | Exists; negated: boolean },
  left: LogicalNode,
  leftScope: readonly ScopeColumn[],
  builder: PlanBuilder,
): LogicalNode {
  if (core.kind === 'inQuery')
    return inJoin(core.operand, core.query, negated !== core.negated, left, leftScope, builder);
  return existsJoin(core.query, negated, left, leftScope, builder);
}

/** The right plan with each column whose name the left uses renamed, and the renames. */
function renamedRight(
  left: LogicalNode,
  right: LogicalNode,
): { plan: LogicalNode; renames: Map<string, string> } {
  const used = new Set([...left.columns, ...right.columns].map((c) => c.name));
  const renames = new Map<string, string>();
  for (const c of right.columns) {
    if (!left.columns.some((l) => l.name === c.name)) continue;
    let fresh = c.name;
    for (let i = 0; used.has(fresh); i++) fresh = `${c.name}${i}`;
    used.add(fresh);
    renames.set(c.name, fresh);
  }
  if (renames.size === 0) return { plan: right, renames };
  return {
    plan: project(
      right,
      right.columns.map((c) => ({ name: renames.get(c.name) ?? c.name, rex: field(c.name, c.type) })),
    ),
    renames,
  };
}

/**
 * `x IN (SELECT y …)` as a semi join on `x = y`, NOT IN as an anti join. A row operand
 * (`(a, b) IN (SELECT x, y …)`) compares each of its items with the subquery's column in that
 * place: a row matches when every pair is equal, and NOT IN drops the outer row where some
 * subquery row compares TRUE or UNKNOWN, that is where no pair is known to differ.
 */
function inJoin(
  operand: Expr,
  query: Query,
  negated: boolean,
  left: LogicalNode,
  leftScope: readonly ScopeColumn[],
  builder: PlanBuilder,
): LogicalNode {
  const operands = operand.kind === 'row' && operand.items.length > 1 ? operand.items : [operand];
  const xs = operands.map((o) => typeExpression(o, new ColumnScope(leftScope)));
  const sub = correlatedRight(query, left, leftScope, builder, xs.length);
  if (sub === GLOBAL) return scalarFilter(globalIn(operands, query, negated), left, leftScope, builder);
  let right: LogicalNode;
  let ys: readonly Rex[];
  if (sub !== undefined) {
    right = sub.plan;
    ys = sub.values!;
  } else {
    const plain = refusingOuterColumns(() => builder.query(query), enclosingColumns(leftScope));
    checkWidth(query.pos, plain.columns.length, xs.length);
    right = renamedRight(left, plain).plan;
    ys = right.columns.map((c) => field(c.name, c.type));
  }
  const correlation = sub?.conditions ?? [];
  const eqs = xs.map((x, i) => equality(x, ys[i]!, operands[i]!.pos));
  if (!negated) return join(left, right, 'semi', andOf([...correlation, ...eqs]));
  const matches = xs.map((x, i) => {
    const y = ys[i]!;
    if (!x.type.nullable && !y.type.nullable) return eqs[i]!;
    return call(
      'OR',
      [
        call('OR', [eqs[i]!, call('IS NULL', [x], BOOL(false))], BOOL(true)),
        call('IS NULL', [y], BOOL(false)),
      ],
      BOOL(true),
    );
  });
  return join(left, right, 'anti', andOf([...correlation, ...matches]));
}

/** Refuses a correlated IN subquery's select list: `*`, or a count other than the operand's. */
function checkItems(pos: Expr['pos'], items: readonly { readonly expr: Expr }[], width: number): void {
  if (items.some((i) => i.expr.kind === 'star'))
    throw validationError(pos, 'a correlated IN subquery selects *; list the columns it compares instead');
  checkWidth(pos, items.length, width);
}

function existsJoin(
  query: Query,
  negated: boolean,
  left: LogicalNode,
  leftScope: readonly ScopeColumn[],
  builder: PlanBuilder,
): LogicalNode {
  const sub = correlatedRight(query, left, leftScope, builder, 0);
  if (sub === GLOBAL) return scalarFilter(globalExists(query, negated), left, leftScope, builder);
  if (sub !== undefined) return join(left, sub.plan, negated ? 'anti' : 'semi', andOf(sub.conditions));
  // Uncorrelated: the subquery's rows decide alone.
  const plain = refusingOuterColumns(() => builder.query(query), enclosingColumns(leftScope));
  const { plan: right } = renamedRight(left, plain);
  return join(left, right, negated ? 'anti' : 'semi', andOf([]));
}

/**
 * A correlated subquery that is a global aggregate: it has one row for every outer row (or, with
 * HAVING, one or none), so it is read as scalar subqueries rather than joined as rows.
 */
const GLOBAL = 'global';

/** The one-item subqueries of a global aggregate's items, or of `item` in their place. */
function scalarOf(query: Query, item?: Expr): Expr[] {
  const body = query.body as Select;
  const items =
    item === undefined ? body.items : [{ kind: 'selectItem' as const, expr: item, pos: body.pos }];
  return items.map(
    (i) =>
      ({
        kind: 'subquery',
        query: { ...query, orderBy: [], body: { ...body, distinct: false, items: [i] } },
        pos: query.pos,
      }) as Expr,
  );
}

/**
 * EXISTS over a correlated global aggregate: whether its row stands, that is whether
 * `(SELECT COUNT(*) … HAVING …)`, never NULL where it has a row, is not NULL.
 */
function globalExists(query: Query, negated: boolean): Expr {
  const pos = query.pos;
  const count = {
    kind: 'call',
    name: 'COUNT',
    args: [{ kind: 'star', qualifier: [], pos }],
    distinct: false,
    pos,
  };
  const [row] = scalarOf(query, count as Expr);
  return { kind: 'is', test: 'NULL', negated: !negated, operand: row!, pos } as Expr;
}

/**
 * IN over a correlated global aggregate, as a WHERE condition: the operand equals its one row,
 * item by item; NOT IN holds where there is no row (HAVING rejected it) or some item differs.
 */
function globalIn(operands: readonly Expr[], query: Query, negated: boolean): Expr {
  const body = query.body as Select;
  checkItems(query.pos, body.items, operands.length);
  const values = scalarOf(query);
  const pos = query.pos;
  const compare = (op: '=' | '<>') =>
    operands.map((x, i) => ({ kind: 'binary', op, left: x, right: values[i]!, pos }) as Expr);
  if (!negated) return conjunction(compare('='))!;
  const absent = body.having === undefined ? [] : [globalExists(query, true)];
  return [...absent, ...compare('<>')].reduce(
    (a, b) => ({ kind: 'binary', op: 'OR', left: a, right: b, pos }) as Expr,
  );
}

/** A correlated subquery as a relation to join: its rows, the join conditions, the IN value. */
interface Decorrelated {
  readonly plan: LogicalNode;
  /** Conditions over the outer row's columns and `plan`'s, which decide the rows that match. */
  readonly conditions: readonly Rex[];
  /**
   * The SELECT items, one per item of the IN operand (IN only): over `plan`'s columns, or over
   * those and the outer row's where the item reads outer columns.
   */
  readonly values?: readonly Rex[];
}

/**
 * The subquery decorrelated, or undefined when it refers to no outer column (it is then planned
 * on its own), or GLOBAL when it is a global aggregate (read as scalar subqueries). Correlation is
 * supported in the WHERE of a single SELECT … FROM (in subqueries of that WHERE too), in its
 * select list, GROUP BY and HAVING: the correlated conjuncts become join conditions. When the
 * subquery groups (GROUP BY, DISTINCT), it is grouped by its correlation values as well, so the
 * aggregate runs once per value rather than once per outer row, and the join matches on that
 * value, as Calcite's decorrelator does.
 */
function correlatedRight(
  query: Query,
  left: LogicalNode,
  leftScope: readonly ScopeColumn[],
  builder: PlanBuilder,
  width: number,
): Decorrelated | typeof GLOBAL | undefined {
  const body = query.body;
  if (query.with.length > 0 || body.kind !== 'select' || body.from === undefined) return undefined;
  const inner = builder.from(body.from);
  const innerOnly = new ColumnScope(inner.scope);
  // Inner names shadow outer ones, as SQL resolves names in the innermost scope first.
  const shadowed = new Set(inner.scope.map((c) => `${c.qualifier ?? ''}.${c.name}`));
  const outerVisible = leftScope.filter((c) => !shadowed.has(`${c.qualifier ?? ''}.${c.name}`));
  const local: Expr[] = [];
  const correlated: Expr[] = [];
  // A conjunct holding a subquery of its own is planned with the subquery's rows, as their
  // filter, unless it reads outer columns, which a domain then brings into those rows.
  for (const c of body.where === undefined ? [] : conjuncts(body.where))
    (containsSubquery(c) || types(c, innerOnly) ? local : correlated).push(c);
  const nestedOuter = nestedReadsOuter(local, inner.scope, outerVisible, builder);
  // Correlated outside its WHERE alone: an IN's select list (SELECT c.v + a.k FROM c) is
  // compared on joined pairs; GROUP BY and HAVING group over a domain.
  const elsewhere = readsOuterOutsideWhere(body, inner.scope, outerVisible, builder, {
    allItems: width > 0,
    globalAggregate: false,
  });
  if (correlated.length === 0 && !nestedOuter && !elsewhere) return undefined;
  if (query.limit !== undefined || query.offset !== undefined)
    throw unsupported(query.pos, 'LIMIT or OFFSET in a correlated subquery', 'drop it or join instead');
  // Duplicates change no IN or EXISTS, so rows filtered over a domain are made distinct per
  // domain value, as a grouping subquery is.
  const aggregating =
    nestedOuter ||
    body.distinct ||
    body.groupBy.length > 0 ||
    body.having !== undefined ||
    body.items.some((i) => builderIsAggregate(i.expr, builder));
  if (
    body.groupBy.length === 0 &&
    (body.having !== undefined || body.items.some((i) => builderIsAggregate(i.expr, builder)))
  )
    return GLOBAL;
  if (aggregating)
    return aggregatedRight(
      query,
      nestedOuter && body.groupBy.length === 0 ? { ...body, distinct: true } : body,
      local,
      correlated,
      left,
      inner.scope,
      outerVisible,
      builder,
      width,
      nestedOuter,
    );
  const filtered =
    local.length === 0
      ? inner.plan
      : refusingOuterColumns(
          () => builder.subqueryFilter(conjunction(local)!, inner),
          enclosingColumns(outerVisible),
        );
  const { plan: renamedPlan, renames } = renamedRight(left, filtered);
  const innerScope = inner.scope.map((c) => ({ ...c, internal: renames.get(c.internal) ?? c.internal }));
  const both = new NestedScope([innerScope, outerVisible]);
  const renamedInner = new ColumnScope(innerScope);
  let plan = renamedPlan;
  // An equality every branch of an OR shares keys the semi or anti join once pulled out of it.
  const conditions = correlated.map((c) => typeCondition(c, both, 'WHERE')).flatMap(pullCommonFactors);
  if (width === 0) return { plan, conditions };
  const items = body.items;
  checkItems(query.pos, items, width);
  // An item that reads outer columns too (b.v + a.k) is compared on the joined pair, as the
  // correlated conditions are; the others are computed once per inner row.
  const ownItems = items.map((item) => types(item.expr, renamedInner));
  const values = items.map((item, i) => typeExpression(item.expr, ownItems[i] ? renamedInner : both));
  const fresh = freshNames([...left.columns, ...plan.columns].map((c) => c.name));
  const names = values.map(() => fresh('$in'));
  plan = project(plan, [
    ...plan.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
    ...values.flatMap((rex, i) => (ownItems[i] ? [{ name: names[i]!, rex }] : [])),
  ]);
  return {
    plan,
    conditions,
    values: values.map((v, i) => (ownItems[i] ? field(names[i]!, v.type) : v)),
  };
}

/** A correlated aggregating subquery grouped by its correlation values as well. */
function aggregatedRight(
  query: Query,
  body: Extract<Query['body'], { kind: 'select' }>,
  local: readonly Expr[],
  correlated: readonly Expr[],
  left: LogicalNode,
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  builder: PlanBuilder,
  width: number,
  nestedOuter: boolean,
): Decorrelated {
  let pairs: readonly CorrelationPair[] | undefined;
  let select = body;
  let ownWhere = local;
  let input: Relation | undefined;
  const reads = { allItems: true, globalAggregate: false };
  try {
    pairs = correlationPairs(correlated, innerScope, outerVisible, 'a subquery with GROUP BY or HAVING');
  } catch (error) {
    if (body.from === undefined) throw error;
  }
  // Correlated by more than equalities, or reading outer columns outside WHERE: grouped over a
  // domain of the outer values, whose columns the grouping carries to the select list and HAVING.
  if (
    pairs === undefined ||
    nestedOuter ||
    readsOuterOutsideWhere(body, innerScope, outerVisible, builder, reads)
  ) {
    const domain = domainFrom(
      { ...body, from: body.from! },
      local,
      correlated,
      outerVisible,
      left,
      builder,
      reads,
    );
    pairs = domain.pairs;
    select = domain.body;
    ownWhere = [];
    input = domain.input;
  }
  const fresh = freshNames(left.columns.map((c) => c.name));
  const keyNames = pairs.map(() => fresh('$corr'));
  if (width > 0) checkItems(query.pos, body.items, width);
  const valueNames = body.items.slice(0, width).map(() => fresh('$in'));
  const pos = body.pos;
  const rewritten: Query = {
    ...query,
    orderBy: [],
    body: {
      ...select,
      where: conjunction(ownWhere),
      // SELECT DISTINCT without GROUP BY: the correlation values join the distinct columns.
      groupBy: select.groupBy.length === 0 ? [] : [...select.groupBy, ...pairs.map((p) => p.inner)],
      items: [
        ...valueNames.map((alias, i) => ({ ...select.items[i]!, alias })),
        ...pairs.map((p, i) => ({ kind: 'selectItem' as const, expr: p.inner, alias: keyNames[i], pos })),
      ],
    },
  };
  const plan = planDecorrelated(
    builder,
    rewritten,
    query.pos,
    'an outer column outside the WHERE of a correlated subquery with GROUP BY or HAVING',
    undefined,
    input,
  );
  const column = (name: string) => {
    const c = plan.columns.find((col) => col.name === name)!;
    return field(c.name, c.type);
  };
  const conditions = pairs.map((p, i) => pairCondition(p, column(keyNames[i]!)));
  return { plan, conditions, values: valueNames.map(column) };
}
