/**
 * What the subquery planners (`build-subquery.ts` for IN and EXISTS, `scalar-subquery.ts` for
 * scalar subqueries) share: splitting a condition, telling inner from outer names, and reading a
 * correlated WHERE's `inner = outer` equalities.
 */
import type { Expr, Query, Select } from '../../parser/ast.js';
import { ColumnNotFoundError, unsupported, validationError } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { call, field, literal, type Rex } from '../../expressions/rex.js';
import { type Scope, typeCondition, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import type { LogicalNode } from '../logical.js';
import { ColumnScope, NestedScope, outsideScope, type ScopeColumn } from '../scope.js';
import { containsSubquery } from '../syntax-search.js';

/** A condition's AND-ed parts. */
export function conjuncts(e: Expr): Expr[] {
  if (e.kind === 'binary' && e.op === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  if (e.kind === 'row' && e.items.length === 1) return conjuncts(e.items[0]!);
  return [e];
}

/** The AND of some parts (the inverse of {@link conjuncts}); undefined for none. */
export function conjunction(parts: readonly Expr[]): Expr | undefined {
  if (parts.length === 0) return undefined;
  return parts.reduce((a, b) => ({ kind: 'binary', op: 'AND', left: a, right: b, pos: a.pos }) as Expr);
}

/** Whether an expression's names all resolve in a scope. */
export function types(e: Expr, scope: Scope): boolean {
  try {
    typeExpression(e, scope);
    return true;
  } catch {
    return false;
  }
}

/** Whether an expression calls an aggregate outside any nested subquery. */
export function builderIsAggregate(e: unknown, builder: PlanBuilder): boolean {
  if (e === null || typeof e !== 'object') return false;
  const node = e as { kind?: string; name?: string; over?: unknown };
  if (node.kind === 'call' && node.over === undefined && builder.isAggregate(node.name!)) return true;
  if (node.kind === 'subquery' || node.kind === 'exists' || node.kind === 'inQuery') return false;
  return Object.values(node).some((v) => typeof v === 'object' && builderIsAggregate(v, builder));
}

/** `l = r` typed as SQL types it, with the implicit casts of a comparison. */
export function equality(l: Rex, r: Rex, pos: Expr['pos']): Rex {
  return typeExpression(
    {
      kind: 'binary',
      op: '=',
      pos,
      left: { kind: 'column', path: ['$l'], pos },
      right: { kind: 'column', path: ['$r'], pos },
    } as never,
    { resolve: (path) => (path[0] === '$l' ? l : r) },
  );
}

/** One `inner = outer` conjunct of a correlated WHERE: the inner side and the typed outer one. */
export interface CorrelationPair {
  readonly inner: Expr;
  readonly outer: Rex;
  readonly pos: Expr['pos'];
  /**
   * Whether the sides match as IS NOT DISTINCT FROM (a domain value whose NULL the subquery's
   * rows can hold, see `domain-subquery.ts`) rather than `=`.
   */
  readonly nullSafe?: boolean;
}

/** The condition a pair's inner column (as `inner`) and its outer side match on. */
export function pairCondition(pair: CorrelationPair, inner: Rex): Rex {
  return pair.nullSafe === true
    ? notDistinct(inner, pair.outer, pair.pos)
    : equality(inner, pair.outer, pair.pos);
}

/** `l IS NOT DISTINCT FROM r`, typed as SQL types it. */
export function notDistinct(l: Rex, r: Rex, pos: Expr['pos']): Rex {
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

/**
 * Each correlated conjunct as an `inner = outer` pair; any other correlated condition is
 * refused, `where` naming the kind of subquery that needs equalities.
 */
export function correlationPairs(
  correlated: readonly Expr[],
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  where: string,
): CorrelationPair[] {
  const innerOnly = new ColumnScope(innerScope);
  const outerOnly = outsideScope(innerScope, outerVisible);
  return correlated.map((c) => {
    const eq = c.kind === 'binary' && c.op === '=' ? c : undefined;
    const sides =
      eq === undefined
        ? undefined
        : types(eq.left, innerOnly) && types(eq.right, outerOnly)
          ? { inner: eq.left, outer: eq.right }
          : types(eq.right, innerOnly) && types(eq.left, outerOnly)
            ? { inner: eq.right, outer: eq.left }
            : undefined;
    // A name neither scope knows fails here with its own message.
    if (sides === undefined) typeCondition(c, new NestedScope([innerScope, outerVisible]), 'WHERE');
    if (sides === undefined)
      throw unsupported(
        c.pos,
        `a correlated condition other than inner = outer in ${where}`,
        'correlate with equalities such as b.k = a.k',
      );
    return { inner: sides.inner, outer: typeExpression(sides.outer, outerOnly), pos: c.pos };
  });
}

/**
 * Plans a correlated subquery rewritten to group by its correlation columns, over `input` in
 * place of its FROM clause when given (its rows joined with a domain). The only names such
 * a rewrite leaves unresolved are outer columns where the planner cannot read them, so a missing
 * column is refused as `what` at the subquery's position, with `hint`.
 */
export function planDecorrelated(
  builder: PlanBuilder,
  rewritten: Query,
  pos: Expr['pos'],
  what: string,
  hint = 'refer to outer columns only in WHERE equalities such as b.k = a.k',
  input?: Relation,
): LogicalNode {
  try {
    if (input !== undefined && rewritten.body.kind === 'select')
      return builder.selectOver(rewritten.body, input);
    return builder.query(rewritten);
  } catch (error) {
    if (error instanceof ColumnNotFoundError) throw unsupported(pos, what, hint);
    throw error;
  }
}

/**
 * Plans a correlated scalar subquery rewritten to group by its correlation columns (named
 * `keyNames`, one per pair), refusing an outer column read where decorrelation cannot carry it,
 * and gives the equalities that join those columns of a node over the plan to the outer ones.
 */
export function planScalarDecorrelated(
  builder: PlanBuilder,
  rewritten: Query,
  pos: Expr['pos'],
  pairs: readonly CorrelationPair[],
  keyNames: readonly string[],
  input?: Relation,
): { readonly plan: LogicalNode; readonly on: (over: LogicalNode) => Rex[] } {
  const plan = planDecorrelated(
    builder,
    rewritten,
    pos,
    'an outer column in GROUP BY, HAVING or an aggregate call of a correlated scalar subquery',
    'read it in WHERE equalities such as b.k = a.k, or in the select list outside aggregate calls',
    input,
  );
  const on = (over: LogicalNode) =>
    pairs.map((p, i) => {
      const c = over.columns.find((col) => col.name === keyNames[i])!;
      return pairCondition(p, field(c.name, c.type));
    });
  return { plan, on };
}

/**
 * A namer of hidden columns: each call gives `base`, or `base` with the first number that makes
 * it unique, among `taken` and every name given before.
 */
export function freshNames(taken: Iterable<string>): (base: string) => string {
  const used = new Set(taken);
  return (base) => {
    let name = base;
    for (let i = 0; used.has(name); i++) name = `${base}${i}`;
    used.add(name);
    return name;
  };
}

/** Refuses an IN subquery whose column count is not the operand's (one, or a row's items). */
export function checkWidth(pos: Expr['pos'], columns: number, width: number): void {
  if (columns === width) return;
  throw validationError(
    pos,
    width === 1
      ? `the IN subquery returns ${columns} columns; it must return one`
      : `the IN subquery returns ${columns} columns; it must return ${width}, one for each item of the row before IN`,
  );
}

/**
 * A correlated subquery's WHERE read against its FROM: the FROM's names, the outer names it does
 * not hide, and the conjuncts that read only the FROM (or hold a subquery of their own) apart
 * from those that read outer names.
 */
export interface CorrelatedWhere {
  readonly innerScope: readonly ScopeColumn[];
  readonly outerVisible: readonly ScopeColumn[];
  readonly local: Expr[];
  readonly correlated: Expr[];
}

/** Splits `body`'s WHERE into local and correlated conjuncts (see {@link CorrelatedWhere}). */
export function splitCorrelatedWhere(
  body: Select & { readonly from: NonNullable<Select['from']> },
  builder: PlanBuilder,
  outerScope: readonly ScopeColumn[],
): CorrelatedWhere {
  const innerScope = builder.from(body.from).scope;
  const innerOnly = new ColumnScope(innerScope);
  const shadowed = new Set(innerScope.map((c) => `${c.qualifier ?? ''}.${c.name}`));
  const outerVisible = outerScope.filter((c) => !shadowed.has(`${c.qualifier ?? ''}.${c.name}`));
  const local: Expr[] = [];
  const correlated: Expr[] = [];
  for (const c of body.where === undefined ? [] : conjuncts(body.where))
    (containsSubquery(c) || types(c, innerOnly) ? local : correlated).push(c);
  return { innerScope, outerVisible, local, correlated };
}

const BOOLEAN = (nullable: boolean) => withNullability(Types.BOOLEAN, nullable);

/**
 * `x IN (q)` for one value x, from counts of q's rows: those equal to x (`matches`), all of them
 * (`rows`) and those whose value is not NULL (`nonNull`). TRUE on a match, FALSE over no rows,
 * NULL when x or some row's value is NULL, FALSE otherwise, as three-valued IN is.
 */
export function inFromCounts(x: Rex, matches: Rex, rows: Rex, nonNull: Rex): Rex {
  const compare = (op: '>' | '=' | '<', l: Rex, r: Rex) => call(op, [l, r], BOOLEAN(false));
  const zero = literal(0, withNullability(Types.BIGINT, false));
  const unknown = call(
    'OR',
    [call('IS NULL', [x], BOOLEAN(false)), compare('<', nonNull, rows)],
    BOOLEAN(false),
  );
  return call(
    'CASE',
    [
      compare('>', matches, zero),
      literal(true, BOOLEAN(false)),
      compare('=', rows, zero),
      literal(false, BOOLEAN(false)),
      unknown,
      literal(null, BOOLEAN(true)),
      literal(false, BOOLEAN(false)),
    ],
    BOOLEAN(true),
  );
}
