/**
 * `GROUP BY GROUPING SETS (…)`, `ROLLUP(…)` and `CUBE(…)`, planned as Flink plans them: an
 * Expand node turns each input row into one row per grouping set, with the keys outside the
 * set NULL and the set's id in `$e`, and the ordinary group aggregate groups by every key plus
 * `$e`. Aggregate arguments that read a grouping column read an untouched copy of it, so
 * `SUM(a) … GROUP BY ROLLUP(a)` sums the real values in the grand total row. `GROUPING(a)` and
 * `GROUPING_ID(a, b)` become per-set constants that Expand emits beside `$e`, and so does
 * `GROUP_ID()`: 0 for a set's first occurrence in the list, 1, 2… for its repeats.
 *
 * As in Calcite, `()` is the empty set (`GROUP BY ()` is one group of every row and needs no
 * Expand), a parenthesized list inside ROLLUP or CUBE is one unit (`ROLLUP((a, b), c)` is
 * `(a, b, c), (a, b), ()`), and under a plain GROUP BY `GROUPING(…)` is the constant 0.
 *
 * Over no rows the empty set's group gives one row in batch mode and none on a stream, as a
 * global aggregate's does (`empty-grouping-sets.ts`).
 */
import type { Call, ColumnRef, Expr, Select } from '../../parser/ast.js';
import { node } from '../../parser/ast.js';
import { unsupported, validationError } from '../../errors.js';
import { Types, withNullability, withoutTimeAttribute } from '../../catalog/types.js';
import { field, literal, type Rex } from '../../expressions/rex.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PlanBuilder, Relation } from '../builder.js';
import { ColumnScope, type ScopeColumn } from '../scope.js';
import { buildAggregateSelect } from './build-aggregate.js';
import { windowBoundsOf } from '../window/window-bounds.js';
import { isProcessingTimeWindow } from '../window/window-nodes.js';
import { markEmptyGroups } from './empty-grouping-sets.js';
import { expand } from './expand-nodes.js';

const SET_ID = '$e';
const ORIGINAL = '$orig$';
const GROUPING_VALUE = '$grouping$';

/** Whether a GROUP BY key is one of the grouping constructs this module plans. */
export function isGroupingConstruct(key: Expr): boolean {
  return (
    key.kind === 'call' && (key.name === 'GROUPING SETS' || key.name === 'ROLLUP' || key.name === 'CUBE')
  );
}

/** The sets of one GROUP BY element, each a list of key expressions. */
function setsOf(key: Expr): Expr[][] {
  const items = (e: Expr): Expr[] => (e.kind === 'row' ? [...e.items] : [e]);
  if (key.kind !== 'call' || !isGroupingConstruct(key)) return [items(key)];
  const args = key.args;
  switch (key.name) {
    case 'GROUPING SETS':
      return args.flatMap((a) => (isGroupingConstruct(a) ? setsOf(a) : [items(a)]));
    case 'ROLLUP':
      // (a, b, c), (a, b), (a), ()
      return args.map((_, i) => args.slice(0, args.length - i).flatMap(items)).concat([[]]);
    default: {
      // CUBE: every subset, the full set first, as Calcite lists them.
      const n = args.length;
      const sets: Expr[][] = [];
      for (let mask = (1 << n) - 1; mask >= 0; mask--)
        sets.push(args.filter((_, i) => (mask & (1 << (n - 1 - i))) !== 0).flatMap(items));
      return sets;
    }
  }
}

/** Plans a SELECT whose GROUP BY holds GROUPING SETS, ROLLUP or CUBE. */
export function buildGroupingSetsSelect(select: Select, input: Relation, builder: PlanBuilder): LogicalNode {
  const scope = new ColumnScope(input.scope);
  const resolve = (e: Expr): Rex | undefined => {
    if (e.kind !== 'column') return undefined;
    try {
      return scope.resolve(e.path, e.pos);
    } catch {
      return undefined; // not a column of the input: the aggregate's typing reports it
    }
  };
  const construct = select.groupBy.find(isGroupingConstruct)!;
  const bounds = windowBoundsOf(input.plan);
  if (bounds !== undefined && isProcessingTimeWindow(bounds.window))
    throw unsupported(
      construct.pos,
      'GROUPING SETS, ROLLUP and CUBE over processing-time windows',
      'declare a WATERMARK and window on the event-time column, or group each set in its own window query',
    );
  // The cross product of every element's sets: GROUP BY a, ROLLUP(b) is (a, b), (a).
  let sets: Expr[][] = [[]];
  for (const key of select.groupBy)
    sets = sets.flatMap((prefix) => setsOf(key).map((s) => [...prefix, ...s]));
  if (sets.length > 4096)
    throw validationError(
      select.pos,
      `GROUP BY makes ${sets.length} grouping sets; at most 4096 are planned`,
    );
  // Each key must be a column of the input: Expand nulls columns, not expressions.
  const keyColumn = (e: Expr): string => {
    const rex = e.kind === 'column' ? scope.resolve(e.path, e.pos) : undefined;
    if (rex?.kind !== 'field')
      throw unsupported(
        e.pos,
        'an expression in GROUPING SETS, ROLLUP or CUBE',
        'compute them in a subquery and group by its columns',
      );
    return rex.name;
  };
  const columnSets = sets.map((s) => [...new Set(s.map(keyColumn))]);
  // Over windows, as in Flink, every set groups by the window: its rows are aggregated per window.
  if (
    bounds !== undefined &&
    columnSets.some((s) => !s.some((c) => bounds.start.includes(c)) || !s.some((c) => bounds.end.includes(c)))
  )
    throw validationError(
      construct.pos,
      'every grouping set over a windowing table function must hold window_start and window_end; add them to GROUP BY outside GROUPING SETS, ROLLUP and CUBE',
    );
  const keys = [...new Set(columnSets.flat())];
  // Keys in every set are never nulled: the window bounds stay as they are (non-null).
  const inEverySet = (k: string) => bounds !== undefined && columnSets.every((s) => s.includes(k));
  const n = keys.length;
  // $e: a bit per key left out (the first key is the highest bit), as Flink's; a repeated set
  // gets its own id above those bits so its rows stay apart.
  const seen = new Map<number, number>();
  // GROUP_ID(): 0 for a set's first occurrence, 1, 2… for its repeats.
  const repeats: number[] = [];
  const ids = columnSets.map((s) => {
    let mask = 0;
    keys.forEach((k, i) => {
      if (!s.includes(k)) mask |= 1 << (n - 1 - i);
    });
    const repeat = seen.get(mask) ?? 0;
    seen.set(mask, repeat + 1);
    repeats.push(repeat);
    return mask + repeat * 2 ** n;
  });

  const plan = input.plan;
  const extra: PlanColumn[] = [];
  const extraScope: ScopeColumn[] = [];
  const extraValues: ((set: number) => Rex)[] = [];
  const addColumn = (name: string, type: PlanColumn['type'], value: (set: number) => Rex) => {
    extra.push({ name, type });
    extraScope.push({ name, internal: name, type });
    extraValues.push(value);
  };
  const idType = withNullability(Types.BIGINT, false);
  addColumn(SET_ID, idType, (set) => literal(ids[set]!, idType));

  // Aggregate arguments read a copy of a grouping column; GROUPING(…) calls a per-set constant.
  const originals = new Map<string, string>();
  const groupingCalls = new Map<string, string>();
  const isAggregate = (name: string) => builder.isAggregate(name);
  let groupIdColumn: string | undefined;
  const rewrite = (e: Expr, inAggregate: boolean): Expr => {
    if (e.kind === 'call' && e.name === 'GROUP_ID' && e.over === undefined) {
      if (e.args.length !== 0) throw validationError(e.pos, 'GROUP_ID takes no arguments');
      if (groupIdColumn === undefined) {
        groupIdColumn = `${GROUPING_VALUE}${groupingCalls.size}`;
        groupingCalls.set('\u0001GROUP_ID', groupIdColumn);
        addColumn(groupIdColumn, idType, (set) => literal(repeats[set]!, idType));
      }
      return node<ColumnRef>({ kind: 'column', pos: e.pos, path: [groupIdColumn] });
    }
    if (e.kind === 'call' && (e.name === 'GROUPING' || e.name === 'GROUPING_ID') && e.over === undefined) {
      if (e.args.length === 0) throw validationError(e.pos, `${e.name} needs at least one grouping column`);
      const cols = e.args.map((a) => {
        const rex = resolve(a);
        if (rex?.kind !== 'field' || !keys.includes(rex.name))
          throw validationError(a.pos, `${e.name} arguments must be grouping columns of the GROUP BY`);
        return rex.name;
      });
      const signature = cols.join('\u0000');
      let name = groupingCalls.get(signature);
      if (name === undefined) {
        name = `${GROUPING_VALUE}${groupingCalls.size}`;
        groupingCalls.set(signature, name);
        addColumn(name, idType, (set) => {
          let value = 0;
          for (const c of cols) value = value * 2 + (columnSets[set]!.includes(c) ? 0 : 1);
          return literal(value, idType);
        });
      }
      return node<ColumnRef>({ kind: 'column', pos: e.pos, path: [name] });
    }
    if (e.kind === 'column' && inAggregate) {
      const rex = resolve(e);
      if (rex?.kind === 'field' && keys.includes(rex.name) && e.path.length <= 2) {
        let name = originals.get(rex.name);
        if (name === undefined) {
          name = `${ORIGINAL}${rex.name}`;
          originals.set(rex.name, name);
          const column = plan.columns.find((c) => c.name === rex.name)!;
          const type = withoutTimeAttribute(column.type);
          addColumn(name, type, () => field(rex.name, type));
        }
        return node<ColumnRef>({ kind: 'column', pos: e.pos, path: [name] });
      }
      return e;
    }
    if ((e as { kind: string }).kind === 'query') return e;
    const nowInAggregate = inAggregate || (e.kind === 'call' && isAggregate((e as Call).name));
    return mapChildren(e, (child) => rewrite(child, nowInAggregate));
  };
  const items = select.items.map((item) =>
    item.expr.kind === 'star' ? item : node({ ...item, expr: rewrite(item.expr, false) }),
  );
  const having = select.having === undefined ? undefined : rewrite(select.having, false);

  // The Expand node: input columns (grouping keys nullable, NULL outside their sets), then $e,
  // the copies and the GROUPING values.
  const columns: PlanColumn[] = [
    ...plan.columns.map((c) =>
      keys.includes(c.name) && !inEverySet(c.name)
        ? { name: c.name, type: withNullability(withoutTimeAttribute(c.type), true) }
        : c,
    ),
    ...extra,
  ];
  const projects = columnSets.map((set, i) => [
    ...plan.columns.map((c, j): Rex => {
      const type = columns[j]!.type;
      if (!keys.includes(c.name)) return field(c.name, c.type);
      return set.includes(c.name) ? field(c.name, type) : literal(null, type);
    }),
    ...extraValues.map((value) => value(i)),
  ]);
  const expanded = expand(plan, columns, projects);
  const nullable = new Map(columns.map((c) => [c.name, c.type]));
  const expandedScope: ScopeColumn[] = [
    ...input.scope.map((c) => (keys.includes(c.internal) ? { ...c, type: nullable.get(c.internal)! } : c)),
    ...extraScope,
  ];
  const keyRef = (name: string): Expr => node<ColumnRef>({ kind: 'column', pos: select.pos, path: [name] });
  const scopeName = (internal: string) => input.scope.find((c) => c.internal === internal);
  const groupBy: Expr[] = [
    ...keys.map((k) => {
      const c = scopeName(k)!;
      return node<ColumnRef>({
        kind: 'column',
        pos: select.pos,
        path: c.qualifier === undefined ? [c.name] : [c.qualifier, c.name],
      });
    }),
    keyRef(SET_ID),
    ...[...groupingCalls.values()].map(keyRef),
  ];
  const planned = buildAggregateSelect(
    node<Select>({ ...select, items, having, groupBy }),
    { plan: expanded, scope: expandedScope },
    builder,
  );
  // The empty set's group has a row over no rows in batch mode, as a global aggregate's.
  const emptySets = columnSets.flatMap((s, i) => (s.length === 0 ? [i] : []));
  return markEmptyGroups(planned, expanded, emptySets);
}

/**
 * A SELECT with a plain GROUP BY (no GROUPING SETS, ROLLUP or CUBE) whose `GROUPING(…)` and
 * `GROUPING_ID(…)` calls (and `GROUP_ID()`) are replaced by 0, as in Flink: every key is grouped
 * in the only set.
 * Their arguments must still be grouping columns; `GROUP BY ()` has none. Returns `select`
 * itself when it has no such call.
 */
export function withConstantGrouping(select: Select, input: Relation): Select {
  const scope = new ColumnScope(input.scope);
  const resolveKey = (e: Expr): string | undefined => {
    if (e.kind !== 'column') return undefined;
    try {
      const rex = scope.resolve(e.path, e.pos);
      return rex.kind === 'field' ? rex.name : undefined;
    } catch {
      return undefined;
    }
  };
  const keys = new Set(
    select.groupBy.flatMap((k) => (k.kind === 'row' ? [...k.items] : [k])).map(resolveKey),
  );
  const rewrite = (e: Expr): Expr => {
    const groupId = e.kind === 'call' && e.name === 'GROUP_ID' && e.over === undefined;
    if (groupId && e.args.length !== 0) throw validationError(e.pos, 'GROUP_ID takes no arguments');
    if (
      groupId ||
      (e.kind === 'call' && (e.name === 'GROUPING' || e.name === 'GROUPING_ID') && e.over === undefined)
    ) {
      if (!groupId && e.args.length === 0)
        throw validationError(e.pos, `${e.name} needs at least one grouping column`);
      for (const a of e.args) {
        const key = resolveKey(a);
        if (key === undefined || !keys.has(key))
          throw validationError(a.pos, `${e.name} arguments must be grouping columns of the GROUP BY`);
      }
      return node<Expr>({
        kind: 'cast',
        pos: e.pos,
        operand: node<Expr>({ kind: 'literal', pos: e.pos, type: 'number', value: 0, text: '0' }),
        type: node({
          kind: 'type',
          pos: e.pos,
          name: 'BIGINT',
          params: [],
          args: [],
          nullable: false,
          withLocalTimeZone: false,
        }),
        safe: false,
      });
    }
    if ((e as { kind: string }).kind === 'query') return e;
    return mapChildren(e, rewrite);
  };
  const items = select.items.map((item) => {
    const expr = item.expr.kind === 'star' ? item.expr : rewrite(item.expr);
    return expr === item.expr ? item : node({ ...item, expr });
  });
  const having = select.having === undefined ? undefined : rewrite(select.having);
  const changed = items.some((item, i) => item !== select.items[i]) || having !== select.having;
  return changed ? node<Select>({ ...select, items, having }) : select;
}

/** A copy of a syntax node with each child expression (in fields and arrays) mapped. */
function mapChildren(e: Expr, map: (child: Expr) => Expr): Expr {
  let changed = false;
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) {
      const out = value.map(visit);
      return out.every((v, i) => v === value[i]) ? value : Object.freeze(out);
    }
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { kind?: unknown }).kind === 'string'
    ) {
      const next = map(value as Expr);
      if (next !== value) changed = true;
      return next;
    }
    return value;
  };
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    const next = k === 'pos' ? v : visit(v);
    if (next !== v) changed = true;
    copy[k] = next;
  }
  return changed ? (Object.freeze(copy) as unknown as Expr) : e;
}
