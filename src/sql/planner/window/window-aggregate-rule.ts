/**
 * WindowAggregateRule: a GROUP BY over a windowing table function whose keys include the
 * function's `window_start` and `window_end` becomes a window aggregate, which emits each
 * window's rows once, when the watermark passes the window's end, instead of a group aggregate
 * that updates its rows forever. The same holds over a window aggregate's output grouped again
 * by its window bounds (Nexmark q5's maximum count per window): the second level is a window
 * aggregate over windowed input, each row going to the window its bound columns name. The
 * aggregate may read its input through a projection (renames, argument expressions) and a
 * filter that do not compute on the window columns; both move below the window, and a
 * projection on top restores the aggregate's column order.
 */
import { Types, withNullability } from '../../catalog/types.js';
import { validationError } from '../../errors.js';
import { call, field, fieldsOf, type Rex } from '../../expressions/rex.js';
import type { LogicalAggregate } from '../aggregate/aggregate-nodes.js';
import type { LogicalExpand } from '../aggregate/expand-nodes.js';
import { filter, type LogicalNode, type LogicalProject, type PlanColumn, project } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import {
  type InputWindow,
  type LogicalWindowAggregate,
  type LogicalWindowTableFunction,
  WINDOW_END,
  WINDOW_START,
  WINDOW_TIME,
  type WindowSpec,
  windowAggregate,
} from './window-nodes.js';
import { windowBoundsOf } from './window-bounds.js';

type Slot = 'start' | 'end' | 'time';

/**
 * Aggregate [→ Project] [→ Filter] → WindowTableFunction | WindowAggregate, or Aggregate
 * [→ Project] → Expand (grouping sets over a window TVF)  ⇒  Project → WindowAggregate.
 */
export const WindowAggregateRule: RewriteRule = {
  name: 'WindowAggregateRule',
  apply(node) {
    if (node.kind !== 'aggregate') return undefined;
    let below: LogicalNode = node.input;
    let projection: LogicalProject | undefined;
    if (below.kind === 'project') {
      projection = below;
      below = below.input;
    }
    let condition: Rex | undefined;
    if (below.kind === 'filter') {
      condition = below.condition;
      below = below.input;
    }
    if (below.kind === 'windowTableFunction') return overWindows(node, projection, condition, below);
    if (below.kind === 'windowAggregate') return overWindows(node, projection, condition, below);
    if (below.kind === 'expand') return overWindows(node, projection, condition, below);
    return undefined;
  },
};

/**
 * The bound columns of a grouping sets' Expand over a windowing table function: those that every
 * projection list copies from a column carrying `window_start` or `window_end` (the sets must
 * all keep them, so the rows keep their windows through the Expand).
 */
function expandBounds(node: LogicalExpand): { window: WindowSpec; start: string; end: string } | undefined {
  const bounds = windowBoundsOf(node.input);
  if (bounds === undefined) return undefined;
  const carried = (names: readonly string[]) =>
    node.columns.find((_, j) =>
      node.projects.every((list) => {
        const rex = list[j]!;
        return rex.kind === 'field' && names.includes(rex.name);
      }),
    )?.name;
  const start = carried(bounds.start);
  const end = carried(bounds.end);
  return start === undefined || end === undefined ? undefined : { window: bounds.window, start, end };
}

function overWindows(
  node: LogicalAggregate,
  projection: LogicalProject | undefined,
  condition: Rex | undefined,
  windowed: LogicalWindowTableFunction | LogicalWindowAggregate | LogicalExpand,
): LogicalNode | undefined {
  // The columns of `windowed` that hold window bounds, by slot; over rows that carry their window
  // already (a window aggregate's, or grouping sets' Expand over a TVF), also those bounds.
  const slotOf = new Map<string, Slot>();
  let window: WindowSpec;
  let carriedWindow: InputWindow | undefined;
  if (windowed.kind === 'windowTableFunction') {
    slotOf.set(WINDOW_START, 'start').set(WINDOW_END, 'end').set(WINDOW_TIME, 'time');
    window = windowed.window;
  } else if (windowed.kind === 'windowAggregate') {
    const { start, end, time } = windowed.windowColumns;
    if (start === undefined || end === undefined) return undefined;
    slotOf.set(start, 'start').set(end, 'end');
    if (time !== undefined) slotOf.set(time, 'time');
    window = windowed.window;
    carriedWindow = { start, end };
  } else {
    const bounds = expandBounds(windowed);
    if (bounds === undefined) return undefined;
    slotOf.set(bounds.start, 'start').set(bounds.end, 'end');
    window = bounds.window;
    carriedWindow = { start: bounds.start, end: bounds.end };
  }
  const readsWindow = (rex: Rex) => [...fieldsOf(rex)].some((f) => slotOf.has(f));
  if (condition !== undefined && readsWindow(condition)) return undefined;

  // Which aggregate input columns are window columns, and how the others are computed.
  const projections =
    projection?.projections ??
    windowed.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) as Rex }));
  const windowSlotOf = new Map<string, Slot>();
  const computed = new Map<string, Rex>();
  for (const p of projections) {
    const slot = p.rex.kind === 'field' ? slotOf.get(p.rex.name) : undefined;
    if (slot !== undefined) windowSlotOf.set(p.name, slot);
    else if (readsWindow(p.rex)) return undefined;
    else computed.set(p.name, p.rex);
  }
  const groupKeys: string[] = [];
  const windowColumns: { start?: string; end?: string; time?: string } = {};
  for (const key of node.groupKeys) {
    const slot = windowSlotOf.get(key);
    if (slot === undefined) {
      groupKeys.push(key);
      continue;
    }
    if (windowColumns[slot] !== undefined) return undefined;
    windowColumns[slot] = key;
  }
  if (windowColumns.start === undefined || windowColumns.end === undefined) return undefined;
  const read = new Set(groupKeys);
  for (const c of node.calls) {
    for (const arg of c.args) read.add(arg);
    if (c.filter !== undefined) read.add(c.filter);
  }
  if ([...read].some((name) => windowSlotOf.has(name))) return undefined;

  if (window.kind === 'SESSION' && windowed.kind === 'windowTableFunction')
    for (const key of window.partitionKeys) {
      const grouped = groupKeys.some((g) => {
        const rex = computed.get(g);
        return rex?.kind === 'field' && rex.name === key;
      });
      if (!grouped)
        throw validationError(
          undefined,
          `a SESSION window aggregate must group by the window's PARTITION BY column ${key}; add it to GROUP BY`,
        );
    }

  // The window operator keys and aggregates the rows below the windows, projected to what it
  // reads (and, over windowed rows, to their bounds).
  const kept = projections
    .filter((p) => read.has(p.name))
    .map((p) => ({ name: p.name, rex: computed.get(p.name)! }));
  let input: LogicalNode;
  let inputWindow: InputWindow | undefined;
  if (windowed.kind === 'windowTableFunction') {
    input = windowed.input;
    // A row without a time belongs to no window (Flink drops it); the operator only sees the
    // row's timestamp, so such rows are filtered out here.
    const time = windowed.input.columns.find((c) => c.name === window.timeColumn)!;
    if (time.type.nullable)
      input = filter(
        input,
        call('IS NOT NULL', [field(time.name, time.type)], withNullability(Types.BOOLEAN, false)),
      );
    if (condition !== undefined) input = filter(input, condition);
    input = project(input, kept);
  } else {
    const bounds = windowed.columns.filter(
      (c) => slotOf.get(c.name) === 'start' || slotOf.get(c.name) === 'end',
    );
    if (kept.some((p) => bounds.some((b) => b.name === p.name))) return undefined;
    input = condition === undefined ? windowed : filter(windowed, condition);
    input = project(input, [
      ...kept,
      ...bounds.map((b) => ({ name: b.name, rex: field(b.name, b.type) as Rex })),
    ]);
    inputWindow = carriedWindow;
  }

  const typeOf = (name: string) => node.columns.find((c) => c.name === name)!.type;
  const columns: PlanColumn[] = [
    ...groupKeys.map((k) => ({ name: k, type: typeOf(k) })),
    ...node.calls.map((c) => ({ name: c.name, type: c.type })),
    ...(['start', 'end', 'time'] as const)
      .map((slot) => windowColumns[slot])
      .filter((name): name is string => name !== undefined)
      .map((name) => ({ name, type: typeOf(name) })),
  ];
  const aggregate = windowAggregate({
    input,
    window,
    groupKeys,
    calls: node.calls,
    windowColumns: Object.freeze(windowColumns),
    ...(inputWindow === undefined ? {} : { inputWindow: Object.freeze(inputWindow) }),
    columns: Object.freeze(columns),
  });
  return project(
    aggregate,
    node.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
  );
}
