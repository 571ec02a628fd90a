/**
 * A correlated scalar subquery whose select item reads outer columns (`SELECT a.x + MAX(b.v)
 * FROM b WHERE b.k = a.k`), or whose global aggregate has a HAVING, split as Calcite's
 * decorrelator splits it: the subquery computes only its inner parts, grouped by the
 * correlation columns (each aggregate call of a global aggregate; each aggregate call and inner
 * column of a GROUP BY or a plain SELECT, under SINGLE_VALUE), and the item is evaluated on the
 * joined row from the outer columns and those parts. A global aggregate's HAVING becomes `CASE WHEN having THEN item END`,
 * so that a group it rejects gives NULL, and an outer row without a group evaluates the item
 * and HAVING over the aggregates' values over no rows. This module splits the item, plans the
 * parts as the right side of the LEFT join, and types the item over the joined row.
 */
import type { Case, Expr, Query, Select } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { field, literal, type Rex, substitute } from '../../expressions/rex.js';
import { type Scope, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { type LogicalNode, project } from '../logical.js';
import { ColumnScope, outsideScope, type ScopeColumn } from '../scope.js';
import { andOf } from './join-conditions.js';
import { join } from './join-nodes.js';
import { absentOr, overNoRows, singleValue } from './single-value.js';
import { type CorrelationPair, conjunction, planScalarDecorrelated, types } from './subquery-terms.js';

/** The qualifier of the part columns the split item reads. */
export const PART = '$part';

/** A select item split into the parts the subquery computes and the item over them. */
export interface SplitItem {
  /** Expressions over the inner columns, each computed by the subquery as its column `name`. */
  readonly parts: readonly { readonly name: string; readonly expr: Expr }[];
  /** The item (and HAVING) with each part read as `$part.name`; other names are outer columns. */
  readonly expr: Expr;
}

/**
 * The select item of a correlated subquery split into parts, or undefined when it reads no
 * outer column and, for a global aggregate, there is no HAVING (the subquery then computes the
 * item itself). A DISTINCT subquery's item reads no outer column here: DISTINCT would drop
 * duplicates of the parts, not of the item, so the planner reads them from a domain instead.
 */
export function splitOuterItem(
  body: Select,
  innerScope: readonly ScopeColumn[],
  outerVisible: readonly ScopeColumn[],
  globalAggregate: boolean,
  builder: PlanBuilder,
  fresh: (base: string) => string,
): SplitItem | undefined {
  const inner = new ColumnScope(innerScope);
  const outer = outsideScope(innerScope, outerVisible);
  const item = body.items[0]!.expr;
  const outerRef = findOuterReference(item, outer);
  if (outerRef === undefined && !(globalAggregate && body.having !== undefined)) return undefined;
  const grouped = body.groupBy.length > 0;
  const parts: { name: string; expr: Expr }[] = [];
  const partRef = (expr: Expr): Expr => {
    const name = fresh(PART);
    parts.push({ name, expr });
    return { kind: 'column', path: [PART, name], pos: expr.pos } as Expr;
  };
  const replace = (n: unknown): unknown => {
    if (n === null || typeof n !== 'object') return n;
    if (Array.isArray(n)) return n.map(replace);
    const e = n as Expr;
    if (e.kind === 'subquery' || e.kind === 'inQuery' || e.kind === 'exists')
      throw unsupported(
        e.pos,
        'a subquery in the select list of a correlated scalar subquery that reads outer columns',
        'join it in the subquery’s FROM',
      );
    if (
      (globalAggregate || grouped) &&
      e.kind === 'call' &&
      e.over === undefined &&
      builder.isAggregate(e.name)
    )
      return partRef(e);
    if (e.kind === 'column' && inner.has(e.path)) {
      // An inner name hides an outer one even when it is ambiguous or wrong: it fails here.
      typeExpression(e, inner);
      if (globalAggregate)
        throw validationError(
          e.pos,
          `column '${e.path.join('.')}' must appear in GROUP BY or be used in an aggregate function`,
        );
      return partRef(e);
    }
    if (e.kind === 'column') return e;
    return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, replace(v)]));
  };
  const value = replace(item) as Expr;
  // A grouped subquery keeps its HAVING, which may read inner columns only.
  if (!globalAggregate || body.having === undefined) return { parts, expr: value };
  const having = replace(body.having) as Expr;
  const then = value;
  const guarded: Case = { kind: 'case', whens: [{ when: having, then }], pos: body.having.pos };
  return { parts, expr: guarded };
}

/** The first column of an expression that is an outer column, not an inner one. */
function findOuterReference(e: unknown, outer: Scope): Expr | undefined {
  if (e === null || typeof e !== 'object') return undefined;
  if (Array.isArray(e)) {
    for (const x of e) {
      const found = findOuterReference(x, outer);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const node = e as Expr | { kind?: string };
  if (node.kind === 'query') return undefined;
  if (node.kind === 'column') {
    const c = node as Expr;
    return types(c, outer) ? c : undefined;
  }
  return findOuterReference(Object.values(node), outer);
}

/** A value computed on the joined row from outer columns and columns of the subquery's plan. */
export interface Composed {
  /** The select item over outer columns and `$part.name`. */
  readonly expr: Expr;
  /** Each part's column, and its value for an outer row without a match. */
  readonly parts: readonly { readonly name: string; readonly empty: Rex }[];
  /** A column TRUE in every `plan` row. */
  readonly present: string;
  /** Whether the value is NULL for an outer row without a match (no aggregate to give one). */
  readonly nullWhenAbsent: boolean;
}

/** A split subquery as the right side of a LEFT join, and how to read its value. */
export interface SplitRight {
  readonly plan: LogicalNode;
  readonly conditions: readonly Rex[];
  readonly composed: Composed;
}

/**
 * A correlated subquery whose item is split: its parts grouped by the
 * correlation columns, a global aggregate's directly and a plain SELECT's under SINGLE_VALUE.
 */
export function splitRight(
  query: Query,
  body: Select,
  local: readonly Expr[],
  pairs: readonly CorrelationPair[],
  split: SplitItem,
  globalAggregate: boolean,
  outer: LogicalNode,
  builder: PlanBuilder,
  fresh: (base: string) => string,
  pos: Expr['pos'],
  input?: Relation,
): SplitRight {
  const keyNames = pairs.map(() => fresh('$corr'));
  const present = fresh('$present');
  const item = (expr: Expr, alias: string) => ({ kind: 'selectItem' as const, expr, alias, pos: body.pos });
  const TRUE = { kind: 'literal', type: 'boolean', value: true, text: 'TRUE', pos: body.pos } as Expr;
  const rewritten: Query = {
    ...query,
    orderBy: [],
    body: {
      ...body,
      where: conjunction(local),
      having: globalAggregate ? undefined : body.having,
      groupBy:
        globalAggregate || body.groupBy.length > 0 ? [...body.groupBy, ...pairs.map((p) => p.inner)] : [],
      items: [
        ...split.parts.map((p) => item(p.expr, p.name)),
        // Rows are counted by SINGLE_VALUE of TRUE, which also marks an outer row's match.
        ...(globalAggregate ? [] : [item(TRUE, present)]),
        ...pairs.map((p, i) => item(p.inner, keyNames[i]!)),
      ],
    },
  };
  const { plan, on } = planScalarDecorrelated(builder, rewritten, query.pos, pairs, keyNames, input);
  const partNames = split.parts.map((p) => p.name);
  if (!globalAggregate) {
    const right = singleValue(
      join(plan, outer, 'semi', andOf(on(plan))),
      keyNames,
      [...partNames, present],
      pos,
    );
    const parts = partNames.map((name) => {
      const type = right.columns.find((c) => c.name === name)!.type;
      return { name, empty: literal(null, withNullability(type, true)) };
    });
    return {
      plan: right,
      conditions: on(right),
      composed: { expr: split.expr, parts, present, nullWhenAbsent: true },
    };
  }
  const parts = partNames.map((name) => ({ name, empty: overNoRows(plan, name)! }));
  const withPresent = project(plan, [
    ...plan.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
    { name: present, rex: literal(true, withNullability(Types.BOOLEAN, false)) },
  ]);
  return {
    plan: withPresent,
    conditions: on(withPresent),
    composed: { expr: split.expr, parts, present, nullWhenAbsent: false },
  };
}

/** The joined value of a split item: typed over the outer columns and the subquery's parts. */
export function composedValue(
  composed: Composed,
  right: LogicalNode,
  outerScope: readonly ScopeColumn[],
): Rex {
  const partColumns = composed.parts.map((p) => {
    const c = right.columns.find((col) => col.name === p.name)!;
    return {
      qualifier: PART,
      name: p.name,
      internal: p.name,
      type: withNullability(c.type, true),
      hidden: true,
    };
  });
  const typed = typeExpression(composed.expr, new ColumnScope([...outerScope, ...partColumns]));
  if (composed.nullWhenAbsent)
    return absentOr(composed.present, literal(null, withNullability(typed.type, true)), typed);
  return substitute(typed, (f) => {
    const part = composed.parts.find((p) => p.name === f.name);
    return part === undefined ? f : absentOr(composed.present, part.empty, f);
  });
}
