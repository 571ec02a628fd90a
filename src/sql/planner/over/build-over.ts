/**
 * Plans a SELECT whose list uses `… OVER (…)`: OVER aggregates (`RANGE`/`ROWS` frames ending
 * at the current row, and `LAG`, which exists only here; `LEAD` is refused as Flink refuses it
 * on streams) and ranking functions (`ROW_NUMBER()`, `RANK()`, `DENSE_RANK()`, which
 * the rules in `rank-rules.ts` turn into Top-N or deduplication).
 *
 * As Calcite does, argument, partition and order expressions that are not plain columns are
 * projected into columns below the {@link LogicalOver} node, and each OVER call in the select
 * list is replaced by a reference to the node's output column (`w0$o0`), so the select list is
 * then typed like any projection. Flink's streaming rules apply: all OVER calls of a query
 * share one window, aggregates are ordered by a time attribute ascending, and frames end at
 * the current row.
 */
import type { Call, Expr, SelectItem, SourcePos, WindowSpec } from '../../parser/ast.js';
import { lookupAggregate } from '../../aggregates/builtins.js';
import { LAG, OVER_ONLY_AGGREGATES } from '../../aggregates/lag.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import {
  formatType,
  isInteger,
  type SqlType,
  Types,
  withNullability,
  withoutTimeAttribute,
} from '../../catalog/types.js';
import { unsupported, validationError } from '../../errors.js';
import { field, type Rex } from '../../expressions/rex.js';
import { typeExpression } from '../../expressions/typer.js';
import type { Select } from '../../parser/ast.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { type LogicalNode, type PlanColumn, project } from '../logical.js';
import { ColumnScope, type ScopeColumn } from '../scope.js';
import { joinScalarSubqueries } from '../join/scalar-subquery.js';
import type { LogicalOver, OverFrame, RankType, SortKey } from './over-nodes.js';

const RANKING = new Set<string>(['ROW_NUMBER', 'RANK', 'DENSE_RANK']);
/** Flink's window functions that its streaming planner refuses. */
const BATCH_ONLY_RANKING = new Set<string>(['CUME_DIST', 'PERCENT_RANK', 'NTILE']);

/** The plan of a SELECT with OVER windows whose FROM and WHERE are already planned as `input`. */
export function buildOverSelect(select: Select, input: Relation, builder: PlanBuilder): LogicalNode {
  const named = new Map(select.windows.map((w) => [w.name, w.spec]));
  const calls: Call[] = [];
  for (const item of select.items) collectOverCalls(item.expr, calls);
  if (calls.length === 0)
    throw validationError(
      select.windows[0]?.spec.pos ?? select.pos,
      'WINDOW clause defined but no OVER call uses it; remove it or write agg(…) OVER w',
    );
  const specs = calls.map((c) => resolveSpec(c.over!, named));
  for (const [i, c] of calls.entries()) refuseSubquery([c.args, c.filter, specs[i]]);
  const first = specs[0]!;
  specs.forEach((spec, i) => {
    if (!sameWindow(first, spec))
      throw unsupported(
        calls[i]!.pos,
        'OVER calls with different windows in one SELECT',
        'give every OVER call the same window (WINDOW w AS (…) … OVER w), or compute them in separate queries',
      );
  });

  const scope = new ColumnScope(input.scope);
  // Expressions that are not plain input columns are computed by a projection below the node.
  const extra: { name: string; rex: Rex }[] = [];
  const columnOf = (expr: Expr): string => {
    const rex = typeExpression(expr, scope);
    if (rex.kind === 'field') return rex.name;
    const name = `$${extra.length}`;
    extra.push({ name, rex });
    return name;
  };
  const typeOf = (name: string): SqlType =>
    (input.plan.columns.find((c) => c.name === name) ?? extra.find((e) => e.name === name)!.rex).type;

  const partitionKeys = [...new Set(first.partitionBy.map(columnOf))];
  const orderBy: SortKey[] = first.orderBy.map((o) => ({
    column: columnOf(o.expr),
    descending: o.descending,
    nullsFirst: o.nullsFirst ?? !o.descending,
  }));

  const ranking = calls.filter((c) => RANKING.has(c.name));
  if (ranking.length > 0 && ranking.length < calls.length)
    throw unsupported(
      calls.find((c) => !RANKING.has(c.name))!.pos,
      'aggregates and ranking functions in one SELECT',
      'compute the ranking in a subquery',
    );
  if (ranking.length > 1)
    throw unsupported(ranking[1]!.pos, 'more than one ranking function in a SELECT', 'keep one');

  const overCalls: BoundAggregateCall[] = [];
  let rank: LogicalOver['rank'];
  const outputOf = new Map<Call, PlanColumn>();
  let frame: OverFrame = { unit: 'RANGE' };
  if (ranking.length === 1) {
    const call = ranking[0]!;
    if (call.args.length > 0)
      throw validationError(
        call.pos,
        `${call.name}() takes no arguments; the window's ORDER BY ranks the rows`,
      );
    if (orderBy.length === 0)
      throw validationError(
        call.over!.pos,
        `${call.name}() needs ORDER BY in its window: OVER (PARTITION BY k ORDER BY x DESC)`,
      );
    rank = { type: call.name as RankType, name: 'w0$o0', pos: call.pos };
    outputOf.set(call, { name: rank.name, type: withNullability(Types.BIGINT, false) });
  } else {
    for (const call of calls) {
      const upper = call.name.toUpperCase();
      if (BATCH_ONLY_RANKING.has(upper))
        throw unsupported(
          call.pos,
          `${upper} in a streaming OVER window (Flink computes it in batch mode only)`,
          'rank rows with ROW_NUMBER, RANK or DENSE_RANK and a Top-N filter on the result',
        );
    }
    frame = checkAggregateWindow(first, orderBy, typeOf);
    calls.forEach((call, i) => {
      const upper = call.name.toUpperCase();
      if (upper === 'LEAD')
        throw unsupported(
          call.pos,
          'LEAD in a streaming OVER window (as in Flink: a row is emitted before the rows after it arrive)',
          'use LAG, which reads the rows before the current one',
        );
      const definition =
        lookupAggregate(call.name, builder.catalog.functions) ?? OVER_ONLY_AGGREGATES.get(upper);
      if (definition === LAG) checkLag(call, scope);
      if (definition === undefined)
        throw validationError(
          call.pos,
          `${call.name} is not an aggregate function, so it cannot be used with OVER`,
        );
      if (frame.preceding !== undefined && !definition.retractable)
        throw unsupported(
          call.pos,
          `${call.name} over a bounded frame (it cannot retract rows leaving the frame)`,
          'use UNBOUNDED PRECEDING',
        );
      const star = call.args.length === 1 && call.args[0]!.kind === 'star';
      const args = star ? [] : call.args.map(columnOf);
      const argTypes = args.map((a) => withoutTimeAttribute(typeOf(a)));
      const type = definition.resultType(argTypes, call.pos);
      const name = `w0$o${i}`;
      const filterColumn = call.filter === undefined ? undefined : columnOf(call.filter);
      overCalls.push({
        fn: definition.name,
        args,
        argTypes,
        distinct: call.distinct,
        filter: filterColumn,
        name,
        type,
        pos: call.pos,
        definition,
      });
      outputOf.set(call, { name, type });
    });
  }

  let below = input.plan;
  if (extra.length > 0)
    below = project(below, [
      ...below.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
      ...extra,
    ]);
  const outputs = [...outputOf.values()];
  const over: LogicalOver = Object.freeze({
    kind: 'over',
    input: below,
    partitionKeys,
    orderBy,
    frame,
    calls: overCalls,
    rank,
    columns: Object.freeze([...below.columns, ...outputs]),
  });

  // The select list, with each OVER call read from the node's output column.
  const overScope: ScopeColumn[] = [
    ...input.scope,
    ...outputs.map((o) => ({ name: o.name, internal: o.name, type: o.type })),
  ];
  const items: SelectItem[] = select.items.map((item, index) => ({
    ...item,
    // Calcite names an unaliased OVER call EXPR$n, not after the column it is read from.
    alias:
      item.alias ?? (item.expr.kind === 'call' && item.expr.over !== undefined ? `EXPR$${index}` : undefined),
    expr: replaceOverCalls(item.expr, (c) => outputOf.get(c)!.name),
  }));
  // A scalar subquery reads the OVER node's rows, so it is joined above it: the node keeps its
  // append-only input ordered by a time attribute, which the LEFT join would not give it.
  const joined = joinScalarSubqueries(items, { plan: over, scope: overScope }, builder);
  const projected = builder.projectItems(joined.node, joined.input);
  if (projected.kind !== 'project') return projected;
  // `*` means the input's columns, not the OVER results as well.
  const internal = new Set(outputs.map((o) => o.name));
  const kept = projected.projections.filter((p) => !internal.has(p.name));
  return kept.length === projected.projections.length ? projected : project(joined.input.plan, kept);
}

/**
 * Refuses a subquery in an OVER call's arguments or window. Calcite joins it to the rows below
 * the window; on a stream that join's output is updating and no longer ordered by a time
 * attribute, which an OVER window needs, so Flink cannot run it either.
 */
function refuseSubquery(parts: unknown): void {
  const find = (value: unknown): Expr | undefined => {
    if (value === null || typeof value !== 'object') return undefined;
    if (Array.isArray(value)) return value.map(find).find((e) => e !== undefined);
    const node = value as Expr;
    if (node.kind === 'subquery' || node.kind === 'inQuery' || node.kind === 'exists') return node;
    return Object.values(node)
      .map(find)
      .find((e) => e !== undefined);
  };
  const subquery = find(parts);
  if (subquery !== undefined)
    throw unsupported(
      subquery.pos,
      'a subquery in an OVER call or its window',
      'joining it to each row would make the window’s input updating; read the value with a temporal join (FOR SYSTEM_TIME AS OF) in FROM',
    );
}

/** Every `f(…) OVER …` in an expression, outermost first. */
function collectOverCalls(expr: unknown, into: Call[]): void {
  if (expr === null || typeof expr !== 'object') return;
  if (Array.isArray(expr)) {
    for (const e of expr) collectOverCalls(e, into);
    return;
  }
  const node = expr as { kind?: string };
  if (node.kind === 'query') return;
  if (node.kind === 'call' && (node as Call).over !== undefined) {
    into.push(node as Call);
    return;
  }
  for (const value of Object.values(node)) collectOverCalls(value, into);
}

/** The expression with each OVER call replaced by a reference to its output column. */
function replaceOverCalls(expr: Expr, nameOf: (call: Call) => string): Expr {
  const rewrite = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(rewrite);
    const node = value as { kind?: string; pos?: SourcePos };
    if (node.kind === 'query') return value;
    if (node.kind === 'call' && (node as Call).over !== undefined)
      return { kind: 'column', pos: node.pos, path: [nameOf(node as Call)] };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rewrite(v)]));
  };
  return rewrite(expr) as Expr;
}

/** `OVER w` and `OVER (w ORDER BY …)` resolved against the WINDOW clause. */
function resolveSpec(spec: WindowSpec, named: ReadonlyMap<string, WindowSpec>): WindowSpec {
  if (spec.base === undefined) return spec;
  const base = named.get(spec.base);
  if (base === undefined)
    throw validationError(
      spec.pos,
      `window '${spec.base}' is not defined; add WINDOW ${spec.base} AS (…) after WHERE`,
    );
  const resolved = resolveSpec(base, named);
  if (spec.partitionBy.length > 0)
    throw validationError(
      spec.pos,
      `OVER (${spec.base} PARTITION BY …) cannot change the partitioning of window '${spec.base}'`,
    );
  return {
    ...resolved,
    orderBy: spec.orderBy.length > 0 ? spec.orderBy : resolved.orderBy,
    frame: spec.frame ?? resolved.frame,
  };
}

/** Whether two windows are the same, compared by their syntax without positions. */
function sameWindow(a: WindowSpec, b: WindowSpec): boolean {
  const strip = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(strip);
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'pos' && k !== 'base')
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

/** Flink's rules for OVER aggregates on streams; the frame in milliseconds or rows. */
function checkAggregateWindow(
  spec: WindowSpec,
  orderBy: readonly SortKey[],
  typeOf: (column: string) => SqlType,
): OverFrame {
  if (orderBy.length !== 1)
    throw validationError(
      spec.pos,
      orderBy.length === 0
        ? 'OVER aggregates need ORDER BY a time attribute: OVER (PARTITION BY k ORDER BY rowtime …)'
        : 'OVER aggregates order by exactly one time attribute; remove the other ORDER BY keys',
    );
  const key = orderBy[0]!;
  const keyPos = spec.orderBy[0]!.pos;
  const type = typeOf(key.column);
  if (!type.rowtime && !type.proctime)
    throw validationError(
      keyPos,
      `OVER aggregates must be ordered by a time attribute, but '${key.column}' is ${formatType(type)}; use the table's WATERMARK column`,
    );
  if (key.descending)
    throw validationError(keyPos, `OVER aggregates order by the time attribute ascending; remove DESC`);
  const frame = spec.frame;
  if (frame === undefined) return { unit: 'RANGE' };
  if (frame.end.kind !== 'currentRow')
    throw unsupported(spec.pos, 'OVER frames not ending at CURRENT ROW', 'end the frame with CURRENT ROW');
  switch (frame.start.kind) {
    case 'unboundedPreceding':
      return { unit: frame.unit };
    case 'currentRow':
      return { unit: frame.unit, preceding: 0 };
    case 'unboundedFollowing':
    case 'following':
      throw unsupported(
        spec.pos,
        'OVER frames that start after the current row',
        'use n PRECEDING or UNBOUNDED PRECEDING',
      );
    case 'preceding': {
      const offset = frame.start.offset;
      const rex = typeExpression(offset, new ColumnScope([]));
      const value = rex.kind === 'literal' ? rex.value : undefined;
      if (frame.unit === 'ROWS') {
        if (!isInteger(rex.type) || typeof value !== 'number' || value < 0)
          throw validationError(offset.pos, 'ROWS BETWEEN n PRECEDING needs a non-negative integer n');
        return { unit: 'ROWS', preceding: value };
      }
      if (rex.type.root !== 'INTERVAL_DAY_TIME' || typeof value !== 'number' || value < 0)
        throw validationError(
          offset.pos,
          "RANGE BETWEEN … PRECEDING on a time attribute needs an interval: INTERVAL '1' HOUR PRECEDING",
        );
      return { unit: 'RANGE', preceding: value };
    }
  }
}

/** LAG's offset is a non-negative integer literal, and LAG takes no DISTINCT or FILTER. */
function checkLag(call: Call, scope: ColumnScope): void {
  if (call.distinct || call.filter !== undefined)
    throw validationError(call.pos, 'LAG takes no DISTINCT or FILTER; filter the rows in a subquery');
  const offset = call.args[1];
  if (offset === undefined) return;
  const rex = typeExpression(offset, scope);
  if (rex.kind !== 'literal' || !isInteger(rex.type) || typeof rex.value !== 'number' || rex.value < 0)
    throw validationError(offset.pos, "LAG's offset must be a non-negative integer literal: LAG(x, 2)");
}
