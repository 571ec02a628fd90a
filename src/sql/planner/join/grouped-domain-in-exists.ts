/**
 * A correlated IN or EXISTS subquery with GROUP BY, used as a value, that a grouping on its
 * correlation columns cannot decorrelate (`grouped-in-exists.ts`): one correlated by more than
 * `inner = outer` equalities (`WHERE b.v < a.v`), or reading outer columns in HAVING, GROUP BY
 * or its select list. As Calcite's RelDecorrelator does with a value generator, it is planned
 * over the domain of the outer values it reads (`domain-subquery.ts`): its groups are grouped by
 * the domain columns as well, so each holds the groups of one outer value, and an outer row
 * LEFT joins the counts of its value's groups (all of them, those whose value is not NULL, and
 * those whose value equals the IN operand), from which the value is read as for any IN or EXISTS.
 * The three counts come from one aggregate through one join: the domain carries the IN operand
 * beside the outer values, so a group of the aggregate is one (outer values, operand) pair and
 * counts its matches with a FILTER. That trades three joins, each holding every outer row, for a
 * domain (and the inner rows joined with it) as large as the distinct pairs of outer values and
 * operands.
 */
import type { Exists, Expr, InQuery, Query, Select } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { call, type FieldRex, field, literal, type Rex } from '../../expressions/rex.js';
import type { PlanBuilder } from '../builder.js';
import type { LogicalNode } from '../logical.js';
import type { ScopeColumn } from '../scope.js';
import { domainFrom, readsOuterOutsideWhere } from './domain-subquery.js';
import {
  checkWidth,
  correlationPairs,
  inFromCounts,
  pairCondition,
  planDecorrelated,
  splitCorrelatedWhere,
} from './subquery-terms.js';

/** Rows to LEFT join to the outer rows: the conditions they match on and the columns read. */
export interface CountedRelation {
  readonly plan: LogicalNode;
  readonly conditions: readonly Rex[];
  readonly values: readonly string[];
}

/**
 * Joins the relation `make` builds over the outer rows (`outer`, whose column names `fresh`
 * avoids) to them, and gives the joined columns' values in the order of `values` (NULL for an
 * outer row without a match).
 */
export type JoinRelation = (
  make: (outer: LogicalNode, fresh: (base: string) => string) => CountedRelation,
) => readonly Rex[];

/** A subquery's parts split for decorrelation: its body, names and correlated conjuncts. */
interface Split {
  readonly body: Select & { readonly from: NonNullable<Select['from']> };
  readonly outerVisible: readonly ScopeColumn[];
  readonly local: readonly Expr[];
  readonly correlated: readonly Expr[];
}

function split(query: Query, builder: PlanBuilder, outerScope: readonly ScopeColumn[]): Split | undefined {
  const body = query.body;
  if (query.with.length > 0 || query.limit !== undefined || query.offset !== undefined) return undefined;
  if (body.kind !== 'select' || body.from === undefined || body.groupBy.length === 0) return undefined;
  const from = { ...body, from: body.from };
  const { outerVisible, local, correlated } = splitCorrelatedWhere(from, builder, outerScope);
  return { body: from, outerVisible, local, correlated };
}

/**
 * Whether a correlated subquery with GROUP BY needs the domain: correlated by more than
 * equalities, or reading outer columns outside its WHERE.
 */
export function needsDomain(query: Query, builder: PlanBuilder, outerScope: readonly ScopeColumn[]): boolean {
  const parts = split(query, builder, outerScope);
  if (parts === undefined) return false;
  const innerScope = builder.from(parts.body.from).scope;
  const reads = { allItems: true, globalAggregate: false };
  if (readsOuterOutsideWhere(parts.body, innerScope, parts.outerVisible, builder, reads)) return true;
  if (parts.correlated.length === 0) return false;
  try {
    correlationPairs(parts.correlated, innerScope, parts.outerVisible, 'a subquery');
    return false;
  } catch {
    return true;
  }
}

const BOOL = (nullable: boolean) => withNullability(Types.BOOLEAN, nullable);

/** The value of an IN or EXISTS over a subquery that {@link needsDomain}; `x` as in `inOrExistsValue`. */
export function domainGroupedValue(
  e: InQuery | Exists,
  x: readonly { readonly rex: Rex; readonly path: readonly string[] }[],
  builder: PlanBuilder,
  outerScope: readonly ScopeColumn[],
  joinRelation: JoinRelation,
): Rex {
  const query = e.query;
  const parts = split(query, builder, outerScope)!;
  const pos = query.pos;
  if (x.length > 1)
    throw unsupported(
      pos,
      'a row IN over a GROUP BY subquery correlated by more than equalities',
      'compare one value, or correlate with equalities such as b.k = a.k',
    );
  if (x.length === 1) {
    if (parts.body.items.some((i) => i.expr.kind === 'star'))
      throw unsupported(pos, 'SELECT * in an IN subquery', 'list the columns it compares instead');
    checkWidth(pos, parts.body.items.length, 1);
  }
  // The operand is a hidden column of the outer rows (`inOrExistsValue`).
  const operand = e.kind === 'inQuery' ? (x[0]!.rex as FieldRex) : undefined;
  const zero = literal(0, withNullability(Types.BIGINT, false));
  // One LEFT join reads every count the value needs from one aggregate over the subquery's
  // groups per domain value. The IN operand is carried in the domain, so that the groups of
  // each (outer value, operand) pair count those whose value equals the operand.
  const [rows, nonNull, matches] = joinRelation((outer, fresh) => {
    const reads = { allItems: true, globalAggregate: false };
    const carried = operand === undefined ? [] : [operand];
    const domain = domainFrom(
      parts.body,
      parts.local,
      parts.correlated,
      parts.outerVisible,
      outer,
      builder,
      reads,
      carried,
    );
    const keys = domain.pairs.map(() => fresh('$corr'));
    const y = fresh('$y');
    const item = (expr: Expr, alias: string) => ({ kind: 'selectItem' as const, expr, alias, pos });
    const rewritten: Query = {
      ...query,
      orderBy: [],
      body: {
        ...domain.body,
        groupBy: [...domain.body.groupBy, ...domain.pairs.map((p) => p.inner)],
        items: [
          ...(operand === undefined ? [] : [item(domain.body.items[0]!.expr, y)]),
          ...domain.pairs.map((p, i) => item(p.inner, keys[i]!)),
        ],
      },
    };
    const groups = planDecorrelated(
      builder,
      rewritten,
      pos,
      'this correlated IN or EXISTS subquery with GROUP BY',
      'correlate it with equalities such as b.k = a.k',
      domain.input,
    );
    const column = (name: string) => ({ kind: 'column', path: [name], pos }) as Expr;
    const star = { kind: 'star', qualifier: [], pos } as Expr;
    const count = (arg: Expr, filter?: Expr) =>
      ({ kind: 'call', name: 'COUNT', args: [arg], distinct: false, filter, pos }) as Expr;
    const values = (operand === undefined ? ['$count'] : ['$count', '$nonNull', '$matches']).map(fresh);
    // The groups whose value is not NULL, and those whose value equals the carried operand.
    const counts =
      operand === undefined
        ? [count(star)]
        : [
            count(star),
            count(column(y)),
            count(star, {
              kind: 'binary',
              op: '=',
              left: column(y),
              right: column(keys.at(-1)!),
              pos,
            } as Expr),
          ];
    const select: Select = {
      kind: 'select',
      distinct: false,
      items: [
        ...counts.map((expr, i) => item(expr, values[i]!)),
        ...keys.map((name) => item(column(name), name)),
      ],
      groupBy: keys.map(column),
      windows: [],
      pos,
    };
    const scope = groups.columns.map((c) => ({ name: c.name, internal: c.name, type: c.type }));
    const plan = builder.selectOver(select, { plan: groups, scope });
    const read = (name: string) => {
      const c = plan.columns.find((col) => col.name === name)!;
      return field(c.name, c.type);
    };
    const conditions = domain.pairs.map((p, i) => pairCondition(p, read(keys[i]!)));
    return { plan, conditions, values };
  }).map((counted) => call('CASE', [call('IS NULL', [counted], BOOL(false)), zero, counted], zero.type));
  const compare = (op: '>' | '=' | '<', l: Rex, r: Rex) => call(op, [l, r], BOOL(false));
  if (e.kind === 'exists') return compare('>', rows!, zero);
  const value = inFromCounts(x[0]!.rex, matches!, rows!, nonNull!);
  return e.negated ? call('NOT', [value], BOOL(true)) : value;
}
