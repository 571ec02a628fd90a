/**
 * A correlated IN or EXISTS subquery with GROUP BY, used as a value, that a grouping on its
 * correlation columns cannot decorrelate (`grouped-in-exists.ts`): one correlated by more than
 * `inner = outer` equalities (`WHERE b.v < a.v`), or reading outer columns in HAVING, GROUP BY
 * or its select list. As Calcite's RelDecorrelator does with a value generator, it is planned
 * over the domain of the outer values it reads (`domain-subquery.ts`): its groups are grouped by
 * the domain columns as well, so each holds the groups of one outer value, and an outer row
 * LEFT joins the counts of its value's groups (all of them, those whose value is not NULL, and
 * those whose value equals the IN operand), from which the value is read as for any IN or EXISTS.
 */
import type { Exists, Expr, InQuery, Query, Select } from '../../parser/ast.js';
import { unsupported } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { call, field, literal, type Rex } from '../../expressions/rex.js';
import type { PlanBuilder } from '../builder.js';
import type { LogicalNode } from '../logical.js';
import type { ScopeColumn } from '../scope.js';
import { domainFrom, readsOuterOutsideWhere } from './domain-subquery.js';
import {
  type CorrelationPair,
  checkWidth,
  correlationPairs,
  equality,
  inFromCounts,
  pairCondition,
  planDecorrelated,
  splitCorrelatedWhere,
} from './subquery-terms.js';

/** Rows to LEFT join to the outer rows: the conditions they match on and the column read. */
export interface CountedRelation {
  readonly plan: LogicalNode;
  readonly conditions: readonly Rex[];
  readonly value: string;
}

/**
 * Joins the relation `make` builds over the outer rows (`outer`, whose column names `fresh`
 * avoids) to them, and gives the joined column's value (NULL for an outer row without a match).
 */
export type JoinRelation = (
  make: (outer: LogicalNode, fresh: (base: string) => string) => CountedRelation,
) => Rex;

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
  // The subquery's groups per domain value, planned once and read by each count.
  let grouped:
    | { plan: LogicalNode; pairs: readonly CorrelationPair[]; keys: string[]; y: string }
    | undefined;
  const groups = (outer: LogicalNode, fresh: (base: string) => string) => {
    if (grouped !== undefined) return grouped;
    const reads = { allItems: true, globalAggregate: false };
    const domain = domainFrom(
      parts.body,
      parts.local,
      parts.correlated,
      parts.outerVisible,
      outer,
      builder,
      reads,
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
          ...(x.length === 1 ? [item(domain.body.items[0]!.expr, y)] : []),
          ...domain.pairs.map((p, i) => item(p.inner, keys[i]!)),
        ],
      },
    };
    const plan = planDecorrelated(
      builder,
      rewritten,
      pos,
      'this correlated IN or EXISTS subquery with GROUP BY',
      'correlate it with equalities such as b.k = a.k',
      domain.input,
    );
    grouped = { plan, pairs: domain.pairs, keys, y };
    return grouped;
  };
  const zero = literal(0, withNullability(Types.BIGINT, false));
  // Counts the groups of each outer row's value, those where `of` (a column) is not NULL, and,
  // with `equalTo`, those whose value equals it.
  const count = (of?: 'y', equalTo?: Rex): Rex => {
    const counted = joinRelation((outer, fresh) => {
      const g = groups(outer, fresh);
      const column = (name: string) => ({ kind: 'column', path: [name], pos }) as Expr;
      const scope = g.plan.columns.map((c) => ({ name: c.name, internal: c.name, type: c.type }));
      const value = fresh('$count');
      const by = [...g.keys, ...(equalTo === undefined ? [] : [g.y])];
      const counting = {
        kind: 'call',
        name: 'COUNT',
        args: [of === undefined ? { kind: 'star', qualifier: [], pos } : column(g.y)],
        distinct: false,
        pos,
      } as Expr;
      const select: Select = {
        kind: 'select',
        distinct: false,
        items: [
          { kind: 'selectItem', expr: counting, alias: value, pos },
          ...by.map((name) => ({ kind: 'selectItem' as const, expr: column(name), alias: name, pos })),
        ],
        groupBy: by.map(column),
        windows: [],
        pos,
      };
      const plan = builder.selectOver(select, { plan: g.plan, scope });
      const read = (name: string) => {
        const c = plan.columns.find((col) => col.name === name)!;
        return field(c.name, c.type);
      };
      const conditions = [
        ...g.pairs.map((p, i) => pairCondition(p, read(g.keys[i]!))),
        ...(equalTo === undefined ? [] : [equality(read(g.y), equalTo, pos)]),
      ];
      return { plan, conditions, value };
    });
    return call('CASE', [call('IS NULL', [counted], BOOL(false)), zero, counted], zero.type);
  };
  const compare = (op: '>' | '=' | '<', l: Rex, r: Rex) => call(op, [l, r], BOOL(false));
  if (e.kind === 'exists') return compare('>', count(), zero);
  const operand = x[0]!.rex;
  const value = inFromCounts(operand, count(undefined, operand), count(), count('y'));
  return e.negated ? call('NOT', [value], BOOL(true)) : value;
}
