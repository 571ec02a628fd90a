/**
 * Plans scalar subqueries (`(SELECT MAX(p.price) FROM prices p WHERE p.item = o.item)`) wherever
 * an expression of the select list or WHERE holds one, as Calcite's SubQueryRemoveRule and
 * decorrelator do: each becomes a LEFT join of the outer rows with the subquery's rows, and the
 * expression reads the joined column. On a stream the join retracts and redoes an outer row's
 * result as either side changes, with the changelog kinds of that join.
 *
 * - Uncorrelated: a global aggregate returns one row and joins on TRUE; any other subquery is
 *   wrapped in SINGLE_VALUE, which fails at run time at a second row, as in Flink. A streaming
 *   global aggregate emits no row over no input, where SQL gives its value over no rows (COUNT
 *   0), so an outer row that finds no row reads that value, as in the correlated case below.
 * - Correlated in its WHERE by `inner = outer` equalities: the inner sides become GROUP BY keys
 *   and the join matches on them, so the subquery runs once per correlation value. A global
 *   aggregate (`SELECT COUNT(*) … WHERE p.k = o.k`) then has no row for an outer row that matches
 *   nothing, where it should give its value over no rows: an outer row without a match reads
 *   that value (COUNT 0), computed once from the aggregate functions (the "COUNT bug"). Any other
 *   subquery (no aggregate, GROUP BY, DISTINCT) is wrapped in SINGLE_VALUE per correlation value.
 * - Correlated by more than equalities (`b.t < a.t`), or reading outer columns in GROUP BY, a
 *   grouped HAVING or an aggregate's argument: planned over the domain of the outer values it
 *   reads (`domain-subquery.ts`), Calcite's value generator, whose columns then correlate it by
 *   equalities as above.
 * - Holding a subquery in its WHERE: that subquery filters its rows, planned first; where it
 *   reads outer columns, over the domain as above (`nested-outer.ts`).
 * - Reading outer columns in its select list, or with HAVING and no GROUP BY: the item is split
 *   into the parts the subquery computes and an expression over them and the outer row, which
 *   is evaluated after the join (`outer-item.ts`).
 *
 * In a query that aggregates or uses OVER, `grouped-subquery.ts` and the OVER planner say which
 * rows a subquery is joined to.
 *
 * Like Flink's, SINGLE_VALUE counts rows as they arrive: where updates from parallel instances
 * reach it out of order, a row's replacement may arrive before the row leaves, which fails too.
 */
import type { Expr, Query, Select } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { type FieldRex, field, literal, type Rex } from '../../expressions/rex.js';
import { typeCondition, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { filter, type LogicalNode, project } from '../logical.js';
import { ColumnScope, notGroupedError, type ScopeColumn } from '../scope.js';
import { columnsOutsideAggregates, containsSubquery } from '../syntax-search.js';
import { andOf } from './join-conditions.js';
import { join } from './join-nodes.js';
import { domainFrom, nestedReadsOuter, readsOuterOutsideWhere } from './domain-subquery.js';
import { enclosingColumns, refusingOuterColumns } from './nested-outer.js';
import { inOrExistsValue } from './in-exists-value.js';
import { type Composed, composedValue, splitOuterItem, splitRight } from './outer-item.js';
import { absentOr, overNoRows, singleRow, singleValue } from './single-value.js';
import {
  builderIsAggregate,
  type CorrelationPair,
  conjunction,
  conjuncts,
  correlationPairs,
  freshNames,
  planScalarDecorrelated,
  types,
} from './subquery-terms.js';

/** The qualifier of the hidden columns that stand for joined scalar subqueries. */
const QUALIFIER = '$subquery';

/**
 * A syntax tree (an expression or select items) with each scalar subquery, and each IN or
 * EXISTS subquery (as a value, see `in-exists-value.ts`), LEFT joined to the input and replaced
 * by a reference to its column, and the joined input, whose scope has those columns hidden (not
 * part of `*`). The hidden columns' names avoid the input's and `reserved`.
 */
export function joinScalarSubqueries<T>(
  node: T,
  input: Relation,
  builder: PlanBuilder,
  reserved: Iterable<string> = [],
): { node: T; input: Relation } {
  let plan = input.plan;
  const scope: ScopeColumn[] = [...input.scope];
  const fresh = freshNames([...plan.columns.map((c) => c.name), ...reserved]);
  /** Projects the input's columns, the hidden ones made so far and new ones; returns their names. */
  const addColumns = (base: string, rexes: readonly Rex[]): string[] => {
    const names = rexes.map(() => fresh(base));
    plan = project(plan, [
      ...input.plan.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
      ...plan.columns
        .filter((c) => scope.some((s) => s.qualifier === QUALIFIER && s.internal === c.name))
        .map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
      ...rexes.map((rex, i) => ({ name: names[i]!, rex })),
    ]);
    for (const [i, rex] of rexes.entries())
      scope.push({
        qualifier: QUALIFIER,
        name: names[i]!,
        internal: names[i]!,
        type: rex.type,
        hidden: true,
      });
    return names;
  };
  const addColumn = (base: string, rex: Rex): string => addColumns(base, [rex])[0]!;
  const joinSubquery = (
    query: Query,
    pos: Expr['pos'],
    outerScope: readonly ScopeColumn[],
    what?: string,
  ): FieldRex => {
    const right = scalarRight(
      query,
      pos,
      { input: input.plan, rows: plan },
      outerScope,
      builder,
      fresh,
      what,
    );
    plan = join(plan, right.plan, 'left', andOf(right.conditions));
    const rex =
      'composed' in right ? composedValue(right.composed, right.plan, outerScope) : readValue(right);
    return field(addColumn('$scalar', rex), rex.type);
  };
  const reference = (name: string, pos: Expr['pos']) => ({ kind: 'column', path: [QUALIFIER, name], pos });
  const replace = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(replace);
    const e = n as Expr;
    if (e.kind === 'subquery') return reference(joinSubquery(e.query, e.pos, input.scope).name, e.pos);
    if (e.kind === 'inQuery' || e.kind === 'exists') {
      // The IN operand is read from hidden columns (one per item of a row operand), which the
      // subquery's names cannot shadow.
      const x: { rex: Rex; path: readonly string[] }[] = [];
      const outerScope = [...input.scope];
      if (e.kind === 'inQuery') {
        const operand = e.operand;
        for (const item of operand.kind === 'row' && operand.items.length > 1 ? operand.items : [operand]) {
          const typed = typeExpression(replace(item) as Expr, new ColumnScope(scope));
          const name = addColumn('$in', typed);
          x.push({ rex: field(name, typed.type), path: [QUALIFIER, name] });
          outerScope.push(scope[scope.length - 1]!);
        }
      }
      const value = inOrExistsValue(
        e,
        x,
        builder,
        outerScope,
        (query, pos) => joinSubquery(query, pos, outerScope, 'an IN or EXISTS subquery used as a value'),
        (make) => {
          const right = make(plan, fresh);
          plan = join(plan, right.plan, 'left', andOf(right.conditions));
          // Read together: a projection keeps only the hidden columns made so far, not the join's.
          const read = right.values.map((value) => {
            const column = right.plan.columns.find((c) => c.name === value)!;
            return field(column.name, withNullability(column.type, true));
          });
          return addColumns('$scalar', read).map((name, i) => field(name, read[i]!.type));
        },
      );
      return reference(addColumn('$in', value), e.pos);
    }
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, replace(v)]));
  };
  const rewritten = replace(node) as T;
  return { node: rewritten, input: { plan, scope } };
}

/** The joined value of a subquery that computes its item itself. */
function readValue(right: Extract<ScalarRight, { value: string }>): Rex {
  const value = field(right.value, withNullability(right.type, true));
  // No row for an outer row: the subquery's value over no rows, where it is not NULL.
  return right.empty === undefined ? value : absentOr(right.empty.present, right.empty.value, value);
}

/** A WHERE condition with subqueries: the input joined, filtered, and its columns kept. */
export function scalarFilter(
  e: Expr,
  left: LogicalNode,
  leftScope: readonly ScopeColumn[],
  builder: PlanBuilder,
): LogicalNode {
  const joined = joinScalarSubqueries(e, { plan: left, scope: [...leftScope] }, builder);
  const condition = typeCondition(joined.node, new ColumnScope(joined.input.scope), 'WHERE');
  return project(
    filter(joined.input.plan, condition),
    left.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
  );
}

/** A scalar subquery as the right side of a LEFT join. */
type ScalarRight = {
  readonly plan: LogicalNode;
  /** Conditions over the outer and `plan`'s columns; empty for an uncorrelated subquery. */
  readonly conditions: readonly Rex[];
} & (
  | {
      /** The column of `plan` holding the subquery's value, and its type there. */
      readonly value: string;
      readonly type: Rex['type'];
      /** For an outer row without a match: a column TRUE in every `plan` row, and the value. */
      readonly empty?: { readonly present: string; readonly value: Rex };
    }
  | { readonly composed: Composed }
);

/**
 * The right side of a scalar subquery's LEFT join. `outer.input` is the input the subquery is
 * joined to; `outer.rows` that input with the hidden columns made so far (an IN operand's).
 */
function scalarRight(
  query: Query,
  pos: Expr['pos'],
  { input: outer, rows }: { readonly input: LogicalNode; readonly rows: LogicalNode },
  leftScope: readonly ScopeColumn[],
  builder: PlanBuilder,
  fresh: (base: string) => string,
  what = 'a scalar subquery',
): ScalarRight {
  const body = query.body;
  const oneColumn = (count: number) => {
    if (count !== 1)
      throw validationError(pos, `the scalar subquery returns ${count} columns; it must return one`);
  };
  const correlated: Expr[] = [];
  const local: Expr[] = [];
  let innerScope: readonly ScopeColumn[] = [];
  let outerElsewhere = false;
  if (query.with.length === 0 && body.kind === 'select' && body.from !== undefined) {
    innerScope = builder.from(body.from).scope;
    const innerOnly = new ColumnScope(innerScope);
    // A nested subquery is planned with the subquery's own WHERE, which resolves its names.
    for (const c of body.where === undefined ? [] : conjuncts(body.where))
      (containsSubquery(c) || types(c, innerOnly) ? local : correlated).push(c);
    // Correlated outside its WHERE alone: by a nested subquery reading outer columns, or by
    // outer columns in its select list, GROUP BY or HAVING.
    const outerVisible = outerOf(innerScope, leftScope);
    outerElsewhere =
      nestedReadsOuter(local, innerScope, outerVisible, builder) ||
      readsOuterOutsideWhere(body, innerScope, outerVisible, builder, {
        allItems: true,
        globalAggregate: false,
      });
  }
  if ((correlated.length === 0 && !outerElsewhere) || body.kind !== 'select') {
    const sub = refusingOuterColumns(() => builder.query(query), enclosingColumns(leftScope));
    oneColumn(sub.columns.length);
    const column = sub.columns[0]!;
    const value = fresh('$value');
    const projected = project(sub, [{ name: value, rex: field(column.name, column.type) }]);
    // A global aggregate over no rows emits no row on a stream: its value over none is read.
    if (singleRow(sub)) return withEmptyValue(projected, [], value, fresh) ?? readAsIs(projected, value);
    return readAsIs(singleValue(projected, [], value, pos), value);
  }
  if (query.limit !== undefined || query.offset !== undefined)
    throw unsupported(
      query.pos,
      'LIMIT or OFFSET in a correlated scalar subquery',
      'drop it and return one row with an aggregate such as MAX(…)',
    );
  if (body.items.length !== 1 || body.items[0]!.expr.kind === 'star')
    throw validationError(
      pos,
      `the scalar subquery returns ${body.items.length} columns; it must return one`,
    );
  const outerVisible = outerOf(innerScope, leftScope);
  const hasAggregate =
    body.items.some((i) => builderIsAggregate(i.expr, builder)) ||
    (body.having !== undefined && builderIsAggregate(body.having, builder));
  // DISTINCT keeps a global aggregate's one row as it is.
  const globalAggregate = hasAggregate && body.groupBy.length === 0;
  if (globalAggregate) checkGrouped(body, innerScope, builder);
  const own = globalAggregate ? { ...body, distinct: false } : body;
  let pairs: readonly CorrelationPair[] | undefined;
  let select = own;
  // The subquery's own conditions, which a domain's join applies below it instead.
  let ownWhere: readonly Expr[] = local;
  let domainInput: Relation | undefined;
  // A DISTINCT subquery's items read the domain, as its duplicates are dropped per value.
  const reads = { allItems: own.distinct, globalAggregate };
  try {
    pairs = correlationPairs(correlated, innerScope, outerVisible, what);
  } catch (error) {
    if (body.from === undefined) throw error;
  }
  // Correlated by more than equalities, or reading outer columns where grouping cannot carry
  // them: planned over a domain of the outer values.
  if (
    pairs === undefined ||
    nestedReadsOuter(local, innerScope, outerVisible, builder) ||
    readsOuterOutsideWhere(own, innerScope, outerVisible, builder, reads)
  ) {
    const domain = domainFrom(
      { ...own, from: own.from! },
      local,
      correlated,
      outerVisible,
      rows,
      builder,
      reads,
    );
    pairs = domain.pairs;
    select = domain.body;
    domainInput = domain.input;
    innerScope = domain.input.scope;
    ownWhere = [];
  }
  const split = splitOuterItem(select, innerScope, outerVisible, globalAggregate, builder, fresh);
  if (split !== undefined)
    return splitRight(
      query,
      select,
      ownWhere,
      pairs,
      split,
      globalAggregate,
      outer,
      builder,
      fresh,
      pos,
      domainInput,
    );
  const keyNames = pairs.map(() => fresh('$corr'));
  const valueName = fresh('$value');
  const rewritten: Query = {
    ...query,
    orderBy: [],
    body: {
      ...select,
      where: conjunction(ownWhere),
      groupBy:
        globalAggregate || select.groupBy.length > 0 ? [...select.groupBy, ...pairs.map((p) => p.inner)] : [],
      items: [
        { ...select.items[0]!, alias: valueName },
        ...pairs.map((p, i) => ({
          kind: 'selectItem' as const,
          expr: p.inner,
          alias: keyNames[i],
          pos: body.pos,
        })),
      ],
    },
  };
  const { plan, on } = planScalarDecorrelated(builder, rewritten, query.pos, pairs, keyNames, domainInput);
  // SINGLE_VALUE sees only the rows of correlation values some outer row has (Calcite's value
  // generator), so rows no outer row would read, NULL keys among them, cannot fail the query.
  const right = globalAggregate
    ? plan
    : singleValue(join(plan, outer, 'semi', andOf(on(plan))), keyNames, valueName, pos);
  const conditions = on(right);
  if (!globalAggregate) return readAsIs(right, valueName, conditions);
  const read = withEmptyValue(plan, conditions, valueName, fresh);
  if (read === undefined)
    throw unsupported(
      pos,
      'this correlated scalar subquery',
      'return a single aggregate or an expression over aggregates, e.g. COUNT(*) + 1',
    );
  return read;
}

/** The outer columns a subquery over `innerScope` can read: those its own names do not hide. */
function outerOf(innerScope: readonly ScopeColumn[], leftScope: readonly ScopeColumn[]): ScopeColumn[] {
  const shadowed = new Set(innerScope.map((c) => `${c.qualifier ?? ''}.${c.name}`));
  return leftScope.filter((c) => !shadowed.has(`${c.qualifier ?? ''}.${c.name}`));
}

/**
 * Refuses a column of the subquery's own FROM read outside aggregate calls when it aggregates
 * without GROUP BY: decorrelation groups it by its correlation columns, which would otherwise
 * let such a column pass for a key (`MAX(v) + k … WHERE k = a.k`).
 */
function checkGrouped(body: Select, innerScope: readonly ScopeColumn[], builder: PlanBuilder): void {
  const own = new ColumnScope(innerScope);
  const isAggregate = (name: string) => builder.isAggregate(name);
  const exprs = [...body.items.map((i) => i.expr), ...(body.having === undefined ? [] : [body.having])];
  for (const expr of exprs)
    for (const column of expr.kind === 'star' ? [] : columnsOutsideAggregates(expr, isAggregate))
      if (own.has(column.path)) throw notGroupedError(column.path.join('.'), column.pos);
}

/** A right side whose value column is read as it is, NULL for an outer row without a match. */
function readAsIs(plan: LogicalNode, value: string, conditions: readonly Rex[] = []): ScalarRight {
  return { plan, conditions, value, type: plan.columns.find((c) => c.name === value)!.type };
}

/**
 * A global aggregate's right side (grouped by its correlation columns, if any), whose value an
 * outer row without a match reads as the aggregate's value over no rows (COUNT 0), as Calcite
 * wraps the join's value in a CASE; undefined where that value is unknown.
 */
function withEmptyValue(
  plan: LogicalNode,
  conditions: readonly Rex[],
  value: string,
  fresh: (base: string) => string,
): ScalarRight | undefined {
  const emptyValue = overNoRows(plan, value);
  if (emptyValue === undefined) return undefined;
  const type = plan.columns.find((c) => c.name === value)!.type;
  if (emptyValue.kind === 'literal' && emptyValue.value === null) return { plan, conditions, value, type };
  const present = fresh('$present');
  const withPresent = project(plan, [
    ...plan.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
    { name: present, rex: literal(true, withNullability(Types.BOOLEAN, false)) },
  ]);
  return { plan: withPresent, conditions, value, type, empty: { present, value: emptyValue } };
}
