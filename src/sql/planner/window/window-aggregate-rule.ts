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
import { filter, type LogicalNode, type LogicalProject, type PlanColumn, project } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import {
  type InputWindow,
  type LogicalWindowAggregate,
  type LogicalWindowTableFunction,
  WINDOW_END,
  WINDOW_START,
  WINDOW_TIME,
  windowAggregate,
} from './window-nodes.js';

type Slot = 'start' | 'end' | 'time';

/** Aggregate [→ Project] [→ Filter] → WindowTableFunction | WindowAggregate  ⇒  Project → WindowAggregate. */
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
    return undefined;
  },
};

function overWindows(
  node: LogicalAggregate,
  projection: LogicalProject | undefined,
  condition: Rex | undefined,
  windowed: LogicalWindowTableFunction | LogicalWindowAggregate,
): LogicalNode | undefined {
  // The columns of `windowed` that hold window bounds, by slot.
  const slotOf = new Map<string, Slot>();
  if (windowed.kind === 'windowTableFunction') {
    slotOf.set(WINDOW_START, 'start').set(WINDOW_END, 'end').set(WINDOW_TIME, 'time');
  } else {
    const { start, end, time } = windowed.windowColumns;
    if (start === undefined || end === undefined) return undefined;
    slotOf.set(start, 'start').set(end, 'end');
    if (time !== undefined) slotOf.set(time, 'time');
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

  const window = windowed.window;
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
    inputWindow = { start: windowed.windowColumns.start!, end: windowed.windowColumns.end! };
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
