/**
 * A correlated subquery whose WHERE correlates by more than `inner = outer` equalities
 * (`(SELECT COUNT(*) FROM i WHERE i.t < o.t)`), decorrelated as Calcite's RelDecorrelator does
 * with a value generator: the distinct values of the outer columns the subquery reads form a
 * domain; the inner rows are joined with it on the correlated conditions. The subquery then
 * reads each domain column as an inner column correlated by an equality with its outer column,
 * so it is planned as the equality-correlated subqueries are (grouped by those columns, a global
 * aggregate's value over no rows read where an outer value has no group, SINGLE_VALUE per value).
 *
 * Outer columns read in GROUP BY, in an aggregate's argument, in a grouped subquery's HAVING
 * (inside its own subqueries too) and (where asked) in the select list read the domain column
 * instead, which the grouping carries. So do those a subquery nested in the WHERE reads, whose
 * conjunct then filters the rows joined with the domain (`nested-outer.ts`).
 *
 * A domain column matches its outer column on `=` where a correlated comparison reads it as a
 * NULL-propagating operand, which is never TRUE for a NULL value, so a NULL outer value has no
 * rows either way; otherwise on IS NOT DISTINCT FROM, which the join keys with NULL as a value.
 *
 * The join of the inner rows with the domain is keyed by the correlation's `inner = outer`
 * equalities beside its comparisons (`b.k = a.k AND b.v < a.v` by k), and by one that every
 * branch of an OR shares, pulled out of it (`common-factors.ts`). Only a correlation without
 * such an equality (`b.v < a.v` alone) joins every row under one key, on one subtask.
 */
import type { ColumnRef, Expr, Select } from '../../parser/ast.js';
import { type FieldRex, field, type Rex } from '../../expressions/rex.js';
import { typeCondition, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { type LogicalNode, project } from '../logical.js';
import { aggregate } from '../aggregate/aggregate-nodes.js';
import { ColumnScope, outsideScope, type ScopeColumn } from '../scope.js';
import { pullCommonFactors } from './common-factors.js';
import { enclosingColumns, mapFreeColumns, refusingOuterColumns } from './nested-outer.js';
import { containsSubquery } from '../syntax-search.js';
import { andOf } from './join-conditions.js';
import { join } from './join-nodes.js';
import { type CorrelationPair, conjunction, freshNames, types } from './subquery-terms.js';

/** A subquery's inner rows joined with its domain, and the body that reads them. */
export interface Domain {
  /** The inner rows that pass the subquery's own conditions, joined with the domain. */
  readonly input: Relation;
  /** One pair per domain column: the column (inner side) and the outer column it stands for. */
  readonly pairs: readonly CorrelationPair[];
  /** The body without WHERE, reading domain columns where it read outer ones (see above). */
  readonly body: Select;
}

/** Which outer references of the select list and a global aggregate's HAVING read the domain. */
export interface DomainReads {
  /** Every one (IN and EXISTS, whose grouped items carry no outer row), or only those in aggregate calls. */
  readonly allItems: boolean;
  /** Whether the body is a global aggregate, whose HAVING keeps its outer references outside aggregate calls. */
  readonly globalAggregate: boolean;
}

/**
 * Whether the body reads outer columns outside its WHERE where only a domain column can stand
 * for them (GROUP BY, an aggregate's argument, a grouped HAVING, the select list as `reads` says).
 */
export function readsOuterOutsideWhere(
  body: Select,
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  builder: PlanBuilder,
  reads: DomainReads,
): boolean {
  const refs = outerReferences(innerScope, outerVisible, () => '$domain');
  readOutsideWhere(body, refs, builder, reads);
  return refs.read().length > 0;
}

/**
 * Whether a conjunct of the subquery's WHERE that holds a subquery reads outer columns, at its
 * own level or inside that subquery (`nested-outer.ts`): only a domain column can stand for them
 * where the subquery's rows are filtered, as those rows do not carry the outer row's columns.
 */
export function nestedReadsOuter(
  local: readonly Expr[],
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  builder: PlanBuilder,
): boolean {
  return local.some((c) => readsNested(c, innerScope, outerVisible, builder));
}

function readsNested(
  c: Expr,
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  builder: PlanBuilder,
): boolean {
  if (!containsSubquery(c)) return false;
  const refs = outerReferences(innerScope, outerVisible, () => '$domain');
  refs.replaceNested(c, builder);
  return refs.read().length > 0;
}

/** The body's GROUP BY, HAVING and select list with their outer references read from the domain. */
function readOutsideWhere(
  body: Select,
  refs: ReturnType<typeof outerReferences>,
  builder: PlanBuilder,
  reads: DomainReads,
): Pick<Select, 'groupBy' | 'having' | 'items'> {
  const isAggregate = (name: string) => builder.isAggregate(name);
  return {
    groupBy: refs.replace(body.groupBy),
    having:
      body.having === undefined
        ? undefined
        : reads.globalAggregate
          ? refs.replaceInAggregates(body.having, isAggregate)
          : refs.replaceNested(body.having, builder),
    items: reads.allItems ? refs.replace(body.items) : refs.replaceInAggregates(body.items, isAggregate),
  };
}

/**
 * Plans the subquery's rows over the domain of the outer columns it reads (see the module
 * comment), and of `carried`: columns of `outer` the subquery does not read that its planner
 * needs beside each outer value (an IN operand), each paired as IS NOT DISTINCT FROM after those read.
 */
export function domainFrom(
  body: Select & { readonly from: NonNullable<Select['from']> },
  local: readonly Expr[],
  correlated: readonly Expr[],
  outerVisible: readonly ScopeColumn[],
  outer: LogicalNode,
  builder: PlanBuilder,
  reads: DomainReads,
  carried: readonly FieldRex[] = [],
): Domain {
  const inner = builder.from(body.from);
  const fresh = freshNames([...inner.plan.columns, ...outer.columns].map((c) => c.name));
  const refs = outerReferences(inner.scope, outerVisible, () => fresh('$domain'));
  // Replaced first, so that the domain holds the outer columns the correlation reads.
  const correlation = refs.replace(correlated);
  // Conjuncts whose subqueries read outer columns filter the rows joined with the domain.
  const nested = local.filter((c) => readsNested(c, inner.scope, outerVisible, builder));
  const own = local.filter((c) => !nested.includes(c));
  const nestedOnDomain = refs.replaceNested(nested, builder);
  const rewritten: Select = { ...body, where: undefined, ...readOutsideWhere(body, refs, builder, reads) };
  const read = [
    ...refs.read(),
    ...carried.map((f) => ({
      column: { name: f.name, internal: f.name, type: f.type },
      domain: fresh('$domain'),
    })),
  ];
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
  // A name the filters cannot find is refused by the outer column it stands for.
  const enclosing = enclosingColumns(outerVisible);
  const outerName = (path: readonly string[]) => {
    const entry = path[0] === DOMAIN ? refs.read().find((c) => c.domain === path[1]) : undefined;
    if (entry === undefined) return enclosing(path);
    const column = entry.column;
    return column.qualifier === undefined ? column.name : `${column.qualifier}.${column.name}`;
  };
  const filtered =
    own.length === 0
      ? inner.plan
      : refusingOuterColumns(() => builder.subqueryFilter(conjunction(own)!, inner), outerName);
  const scope = [...inner.scope, ...domainScope];
  // An equality every branch of an OR shares keys the join once pulled out of it; equalities
  // beside the comparisons key it as they are.
  const on = correlation
    .map((c) => typeCondition(c, new ColumnScope(scope), 'WHERE'))
    .flatMap(pullCommonFactors);
  const pos = body.pos;
  const pairs = read.map(({ column, domain: name }) => ({
    inner: reference(name, pos),
    outer: field(column.internal, column.type),
    pos,
    nullSafe: !on.some((c) => nullRejects(c, name)),
  }));
  const joined = join(filtered, domain, 'inner', andOf(on));
  const plan =
    nestedOnDomain.length === 0
      ? joined
      : refusingOuterColumns(
          () => builder.subqueryFilter(conjunction(nestedOnDomain)!, { plan: joined, scope }),
          outerName,
        );
  return { input: { plan, scope }, pairs, body: rewritten };
}

/** The qualifier of the domain's columns inside the planned subquery. */
const DOMAIN = '$domain';

function reference(name: string, pos: Expr['pos']): Expr {
  return { kind: 'column', path: [DOMAIN, name], pos } as Expr;
}

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);
const PROPAGATING = new Set(['+', '-', '*', '/', '%', '||', 'NEGATE', 'CAST']);

/** Whether a condition is never TRUE where column `name` is NULL: a comparison reading it through NULL-propagating operators. */
function nullRejects(c: Rex, name: string): boolean {
  if (c.kind !== 'call' || !COMPARISONS.has(c.op)) return false;
  return c.args.some((a) => propagates(a, name));
}

/** Whether an expression is NULL where column `name` is, reading it through arithmetic and casts only. */
function propagates(e: Rex, name: string): boolean {
  if (e.kind === 'field') return e.name === name;
  return (
    e.kind === 'call' &&
    e.udf === undefined &&
    PROPAGATING.has(e.op) &&
    e.args.some((a) => propagates(a, name))
  );
}

/**
 * Replaces outer column references (names the inner scope lacks and the outer one has) with
 * domain columns, one per outer column, named by `name()`; `read()` lists those replaced so far.
 */
function outerReferences(
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  name: () => string,
) {
  const outer = outsideScope(innerScope, outerVisible);
  const found = new Map<string, { column: ScopeColumn; domain: string }>();
  const replace = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(replace);
    const e = n as Expr | { kind: 'query' };
    // A nested subquery's names resolve in its own scopes first.
    if (e.kind === 'query') return n;
    if (e.kind === 'column') return column(e);
    return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, replace(v)]));
  };
  const column = (e: ColumnRef): Expr => {
    if (!types(e, outer)) return e;
    const rex = typeExpression(e, outer);
    const read = rex.kind === 'field' ? outerVisible.find((c) => c.internal === rex.name) : undefined;
    if (read === undefined) return e;
    let entry = found.get(read.internal);
    if (entry === undefined) {
      entry = { column: read, domain: name() };
      found.set(read.internal, entry);
    }
    return reference(entry.domain, e.pos);
  };
  const inAggregates = (n: unknown, isAggregate: (name: string) => boolean): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map((x) => inAggregates(x, isAggregate));
    const e = n as { kind?: string; name?: string; over?: unknown };
    if (e.kind === 'query' || e.kind === 'subquery' || e.kind === 'inQuery' || e.kind === 'exists') return n;
    if (e.kind === 'call' && e.over === undefined && isAggregate(e.name!)) return replace(n);
    return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, inAggregates(v, isAggregate)]));
  };
  return {
    replace: <T>(node: T): T => replace(node) as T,
    replaceInAggregates: <T>(node: T, isAggregate: (name: string) => boolean): T =>
      inAggregates(node, isAggregate) as T,
    /** As `replace`, and inside nested subqueries too, where their own FROM clauses lack the name. */
    replaceNested: <T>(node: T, builder: PlanBuilder): T => mapFreeColumns(node, builder, column),
    read: () => [...found.values()],
  };
}
