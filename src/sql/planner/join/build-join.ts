/**
 * Plans a join in FROM: `JOIN … ON`, `USING`, comma and cross joins, outer joins, and the
 * temporal form `JOIN r FOR SYSTEM_TIME AS OF l.ts`. Right-side columns whose names the left
 * side uses are renamed below the join; the scope keeps the names the query writes.
 *
 * A comma join is a cross join here; the FilterIntoJoinRule moves the WHERE clause's
 * conditions over both sides into it afterwards, so `FROM a, b WHERE a.k = b.k` is keyed.
 */
import type { Expr, FromItem, Join, SourcePos } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { formatType, Types, withNullability, withoutTimeAttribute } from '../../catalog/types.js';
import { call, field, literal, type Rex } from '../../expressions/rex.js';
import { refuseCurrentWatermarkInJoin } from '../../expressions/current-watermark.js';
import { typeCondition, typeExpression } from '../../expressions/typer.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { buildCorrelate } from '../correlate/build-correlate.js';
import { project } from '../logical.js';
import { ColumnScope, type ScopeColumn, scopeOf } from '../scope.js';
import { hintedJoin } from '../hints/operator-hints.js';
import { containsSubquery } from '../syntax-search.js';
import { buildSubqueryFilter } from './build-subquery.js';
import { type PlacedOn, placeOnSubqueries } from './join-on-subquery.js';
import { type JoinType, join, type LogicalJoin } from './join-nodes.js';

const TRUE = literal(true, withNullability(Types.BOOLEAN, false));

const JOIN_TYPES: Record<Join['joinType'], JoinType> = {
  INNER: 'inner',
  LEFT: 'left',
  RIGHT: 'right',
  FULL: 'full',
  CROSS: 'inner',
  comma: 'inner',
};

/** The relation of a join. */
export function buildJoin(item: Join, builder: PlanBuilder): Relation {
  const left = builder.from(item.left);
  if (item.right.kind === 'lateral') {
    const what = item.right.unnest === undefined ? 'LATERAL TABLE' : 'UNNEST';
    if (item.joinType === 'RIGHT' || item.joinType === 'FULL')
      throw unsupported(item.pos, `${item.joinType} JOIN ${what}`, 'use JOIN or LEFT JOIN … ON TRUE');
    if (item.using.length > 0) throw unsupported(item.pos, `USING with ${what}`, 'use ON TRUE');
    return buildCorrelate(left, item.right, item.joinType, item.on, builder);
  }
  const { relation: rightRelation, asOf } = rightSide(item.right, builder);
  const right = renameClashes(left, rightRelation);
  const joinType = JOIN_TYPES[item.joinType];
  const scope = [...left.scope, ...right.scope];

  let temporal: { leftTime: string } | undefined;
  if (asOf !== undefined) {
    if (joinType !== 'inner' && joinType !== 'left')
      throw unsupported(item.pos, `${item.joinType} JOIN … FOR SYSTEM_TIME AS OF`, 'use JOIN or LEFT JOIN');
    const time = typeExpression(asOf.expr, new ColumnScope(left.scope));
    if (time.kind !== 'field')
      throw validationError(
        asOf.pos,
        'FOR SYSTEM_TIME AS OF needs a time column of the left side, e.g. FOR SYSTEM_TIME AS OF o.order_time',
      );
    // Checked here, where the AS OF expression's position is known, rather than in the rule.
    if (!time.type.rowtime && !time.type.proctime)
      throw validationError(
        asOf.pos,
        `FOR SYSTEM_TIME AS OF needs a time attribute of the left table, but '${time.name}' is not one; use its rowtime column (WATERMARK FOR) or a PROCTIME() column`,
      );
    temporal = { leftTime: time.name };
  }

  if (item.using.length > 0) return usingJoin(item, left, right, joinType, temporal);

  if (item.on !== undefined && containsSubquery(item.on)) {
    if (temporal !== undefined)
      throw unsupported(
        item.on.pos,
        'a subquery in the ON condition of a FOR SYSTEM_TIME AS OF join',
        'filter the joined rows in WHERE instead',
      );
    return subqueryJoin(
      item,
      placeOnSubqueries(item.on, left, right, joinType === 'inner', builder),
      builder,
    );
  }
  let condition: Rex = TRUE;
  if (item.on !== undefined) {
    condition = typeCondition(item.on, new ColumnScope(scope), 'ON');
    refuseCurrentWatermarkInJoin(condition);
  } else if (item.joinType !== 'CROSS' && item.joinType !== 'comma')
    throw validationError(item.pos, `${item.joinType} JOIN needs ON <condition> or USING (<columns>)`);
  const plan = hintedJoin(join(left.plan, right.plan, joinType, condition, temporal), item);
  return { plan, scope: typesOf(plan, adjustScope(scope, left.scope.length, joinType)) };
}

/**
 * A join whose ON condition held subqueries, now placed on its sides (`join-on-subquery.ts`):
 * the join of those sides, filtered by the conditions that read both, without the hidden
 * columns the subqueries added.
 */
function subqueryJoin(item: Join, placed: PlacedOn, builder: PlanBuilder): Relation {
  const { left, right } = placed;
  const joinType = JOIN_TYPES[item.joinType];
  const scope = [...left.scope, ...right.scope];
  const condition = placed.on === undefined ? TRUE : typeCondition(placed.on, new ColumnScope(scope), 'ON');
  refuseCurrentWatermarkInJoin(condition);
  const joined = hintedJoin(join(left.plan, right.plan, joinType, condition), item);
  const joinedScope = typesOf(joined, adjustScope(scope, left.scope.length, joinType));
  const plan =
    placed.after === undefined
      ? joined
      : buildSubqueryFilter(placed.after, { plan: joined, scope: joinedScope }, builder);
  const kept = plan.columns.filter((c) => !placed.hidden.has(c.name));
  return {
    plan: project(
      plan,
      kept.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
    ),
    scope: joinedScope.filter((c) => !placed.hidden.has(c.internal)),
  };
}

/** The scope with each column's type as the join's output has it (a regular join drops time attributes). */
function typesOf(plan: LogicalJoin, scope: ScopeColumn[]): ScopeColumn[] {
  const types = new Map(plan.columns.map((c) => [c.name, c.type]));
  return scope.map((c) => {
    const type = types.get(c.internal);
    return type === undefined || type === c.type ? c : { ...c, type };
  });
}

/** The right side of a join, with its `FOR SYSTEM_TIME AS OF` expression if it has one. */
interface RightSide {
  readonly relation: Relation;
  readonly asOf?: { readonly expr: Expr; readonly pos: SourcePos };
}

/** The right side's relation; a `FOR SYSTEM_TIME AS OF` table is resolved here, not by `from`. */
function rightSide(item: FromItem, builder: PlanBuilder): RightSide {
  if (item.kind !== 'tableRef' || item.systemTimeAsOf === undefined) return { relation: builder.from(item) };
  const qualifier = item.alias ?? item.name[item.name.length - 1]!;
  const plan = builder.named(item.name, item.pos, item.hints);
  let scope = scopeOf(plan.columns, qualifier);
  if (item.columnAliases.length > 0) {
    if (item.columnAliases.length !== scope.length)
      throw validationError(
        item.pos,
        `${item.columnAliases.length} column aliases given for ${scope.length} columns`,
      );
    scope = scope.map((c, i) => ({ ...c, name: item.columnAliases[i]! }));
  }
  return { relation: { plan, scope }, asOf: { expr: item.systemTimeAsOf, pos: item.systemTimeAsOf.pos } };
}

/**
 * The right relation with each column whose name the left side's plan already uses projected
 * to a fresh name (`auction` → `auction0`), so the join's row can hold both.
 */
function renameClashes(left: Relation, right: Relation): Relation {
  const used = new Set(left.plan.columns.map((c) => c.name));
  const rightNames = right.plan.columns.map((c) => c.name);
  if (!rightNames.some((n) => used.has(n))) return right;
  for (const n of rightNames) used.add(n);
  const renames = new Map<string, string>();
  for (const name of rightNames) {
    if (!left.plan.columns.some((c) => c.name === name)) continue;
    let fresh = name;
    for (let i = 0; used.has(fresh); i++) fresh = `${name}${i}`;
    used.add(fresh);
    renames.set(name, fresh);
  }
  const plan = project(
    right.plan,
    // A pass-through field keeps its type, so a renamed rowtime stays a time attribute.
    right.plan.columns.map((c) => ({ name: renames.get(c.name) ?? c.name, rex: field(c.name, c.type) })),
  );
  return {
    plan,
    scope: right.scope.map((c) => ({ ...c, internal: renames.get(c.internal) ?? c.internal })),
  };
}

/** Scope types after an outer join: the padded side's columns become nullable plain values. */
function adjustScope(scope: ScopeColumn[], leftCount: number, joinType: JoinType): ScopeColumn[] {
  const padLeft = joinType === 'right' || joinType === 'full';
  const padRight = joinType === 'left' || joinType === 'full';
  return scope.map((c, i) => {
    const padded = i < leftCount ? padLeft : padRight;
    return padded ? { ...c, type: withNullability(withoutTimeAttribute(c.type), true) } : c;
  });
}

/**
 * `JOIN … USING (k)`: an equi-join on each named column, then one output column per name
 * (the left value, the right one for RIGHT JOIN, their COALESCE for FULL JOIN) followed by the
 * other left and right columns, as standard SQL orders them for `*`. A qualified `a.*` is
 * Calcite's: a's own columns in a's order, its key as `a.k` reads it (a's value, NULL where a
 * row of the other side found no match), whatever the join type.
 */
function usingJoin(
  item: Join,
  left: Relation,
  right: Relation,
  joinType: JoinType,
  temporal: { leftTime: string } | undefined,
): Relation {
  const find = (side: Relation, name: string, what: string): ScopeColumn => {
    const matches = side.scope.filter((c) => c.name === name && c.hidden !== true);
    if (matches.length !== 1)
      throw validationError(
        item.pos,
        matches.length === 0
          ? `USING column '${name}' is not a column of the ${what} side`
          : `USING column '${name}' is ambiguous on the ${what} side`,
      );
    return matches[0]!;
  };
  const pairs = item.using.map((name) => ({
    name,
    l: find(left, name, 'left'),
    r: find(right, name, 'right'),
  }));
  const conjuncts = pairs.map(({ name, l, r }) => {
    const eq = typeExpression(
      {
        kind: 'binary',
        op: '=',
        pos: item.pos,
        left: { kind: 'column', path: ['$l', name], pos: item.pos },
        right: { kind: 'column', path: ['$r', name], pos: item.pos },
      } as never,
      new ColumnScope([
        { ...l, qualifier: '$l' },
        { ...r, qualifier: '$r' },
      ]),
    );
    if (eq.type.root !== 'BOOLEAN')
      throw validationError(
        item.pos,
        `USING column '${name}' has types ${formatType(l.type)} and ${formatType(r.type)}`,
      );
    return eq;
  });
  const condition = conjuncts.reduce((a, b) =>
    call('AND', [a, b], withNullability(Types.BOOLEAN, a.type.nullable || b.type.nullable)),
  );
  const joined = hintedJoin(join(left.plan, right.plan, joinType, condition, temporal), item);
  const types = new Map(joined.columns.map((c) => [c.name, c.type]));
  const usingInternals = new Set(pairs.flatMap((p) => [p.l.internal, p.r.internal]));
  const projections: { name: string; rex: Rex }[] = [];
  const scope: ScopeColumn[] = [];
  const used = new Set<string>();
  // Each column's position on its own side, so that `a.*` lists a's columns in a's order.
  const ordinals = new Map<string, number>([
    ...left.scope.map((c, i) => [c.internal, i] as const),
    ...right.scope.map((c, i) => [c.internal, i] as const),
  ]);
  const add = (name: string, rex: Rex, qualifier?: string, scopeName = name, hidden = false, of?: string) => {
    let unique = name;
    for (let i = 0; used.has(unique); i++) unique = `${name}${i}`;
    used.add(unique);
    projections.push({ name: unique, rex });
    const ordinal = qualifier === undefined || of === undefined ? undefined : ordinals.get(of);
    scope.push({
      qualifier,
      name: scopeName,
      internal: unique,
      type: rex.type,
      ...(hidden ? { hidden } : {}),
      ...(ordinal === undefined ? {} : { ordinal }),
    });
  };
  const leftQualifier = left.scope[0]?.qualifier;
  const rightQualifier = right.scope[0]?.qualifier;
  for (const { name, l, r } of pairs) {
    const lf = field(l.internal, types.get(l.internal)!);
    const rf = field(r.internal, types.get(r.internal)!);
    const rex =
      joinType === 'right'
        ? rf
        : joinType === 'full'
          ? call(
              'COALESCE',
              [lf, rf],
              withNullability(withoutTimeAttribute(lf.type), lf.type.nullable && rf.type.nullable),
            )
          : lf;
    add(
      name,
      rex,
      joinType === 'full' ? undefined : joinType === 'right' ? rightQualifier : leftQualifier,
      name,
      false,
      joinType === 'right' ? r.internal : l.internal,
    );
  }
  const joinedScope = adjustScope([...left.scope, ...right.scope], left.scope.length, joinType);
  for (const c of joinedScope) {
    if (usingInternals.has(c.internal)) continue;
    add(
      c.internal,
      field(c.internal, types.get(c.internal)!),
      c.qualifier,
      c.name,
      c.hidden === true,
      c.internal,
    );
  }
  // Each side's own column stays reachable as `a.k` / `b.k` (Calcite's behaviour), outside `*`,
  // unless the merged column answers to that qualifier with the same value already.
  const hiddenSides: readonly ('left' | 'right')[] =
    joinType === 'full' ? ['left', 'right'] : joinType === 'right' ? ['left'] : ['right'];
  for (const { l, r } of pairs)
    for (const side of hiddenSides) {
      const c = side === 'left' ? l : r;
      if (c.qualifier !== undefined)
        add(c.internal, field(c.internal, types.get(c.internal)!), c.qualifier, c.name, true, c.internal);
    }
  return { plan: project(joined, projections), scope };
}
