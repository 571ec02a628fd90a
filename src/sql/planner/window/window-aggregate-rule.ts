/**
 * WindowAggregateRule: a GROUP BY over a windowing table function whose keys include the
 * function's `window_start` and `window_end` becomes a window aggregate, which emits each
 * window's rows once, when the watermark passes the window's end, instead of a group aggregate
 * that updates its rows forever. The aggregate may read the function through a projection
 * (renames, argument expressions) and a filter that do not compute on the window columns; both
 * move below the window, and a projection on top restores the aggregate's column order.
 */
import { validationError } from '../../errors.js';
import { Types, withNullability } from '../../catalog/types.js';
import { call, field, fieldsOf, type Rex } from '../../expressions/rex.js';
import { filter, type LogicalNode, type LogicalProject, type PlanColumn, project } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import {
  WINDOW_END,
  WINDOW_START,
  WINDOW_TIME,
  type WindowColumns,
  windowAggregate,
} from './window-nodes.js';

const WINDOW_NAMES: ReadonlySet<string> = new Set([WINDOW_START, WINDOW_END, WINDOW_TIME]);
const readsWindow = (rex: Rex) => [...fieldsOf(rex)].some((f) => WINDOW_NAMES.has(f));

/** Aggregate [→ Project] [→ Filter] → WindowTableFunction  ⇒  Project → WindowAggregate. */
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
    if (below.kind !== 'windowTableFunction') return undefined;
    const tvf = below;
    if (condition !== undefined && readsWindow(condition)) return undefined;

    // Which aggregate input columns are window columns, and how the others are computed.
    const projections =
      projection?.projections ??
      tvf.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) as Rex }));
    const windowColumnOf = new Map<string, string>();
    const computed = new Map<string, Rex>();
    for (const p of projections) {
      if (p.rex.kind === 'field' && WINDOW_NAMES.has(p.rex.name)) windowColumnOf.set(p.name, p.rex.name);
      else if (readsWindow(p.rex)) return undefined;
      else computed.set(p.name, p.rex);
    }
    const groupKeys: string[] = [];
    const windowColumns: { start?: string; end?: string; time?: string } = {};
    for (const key of node.groupKeys) {
      const windowColumn = windowColumnOf.get(key);
      if (windowColumn === undefined) {
        groupKeys.push(key);
        continue;
      }
      const slot = windowColumn === WINDOW_START ? 'start' : windowColumn === WINDOW_END ? 'end' : 'time';
      if (windowColumns[slot] !== undefined) return undefined;
      windowColumns[slot] = key;
    }
    if (windowColumns.start === undefined || windowColumns.end === undefined) return undefined;
    const read = new Set(groupKeys);
    for (const c of node.calls) {
      for (const arg of c.args) read.add(arg);
      if (c.filter !== undefined) read.add(c.filter);
    }
    if ([...read].some((name) => windowColumnOf.has(name))) return undefined;

    const window = tvf.window;
    if (window.kind === 'SESSION')
      for (const key of window.partitionKeys)
        if (
          !groupKeys.some(
            (g) => computed.get(g)?.kind === 'field' && (computed.get(g) as { name: string }).name === key,
          )
        )
          throw validationError(
            undefined,
            `a SESSION window aggregate must group by the window's PARTITION BY column ${key}; add it to GROUP BY`,
          );

    // The window operator keys and aggregates the TVF's input rows, projected to what it reads.
    let input: LogicalNode = tvf.input;
    // A row without a time belongs to no window (Flink drops it); the operator only sees the
    // row's timestamp, so such rows are filtered out here.
    const time = tvf.input.columns.find((c) => c.name === window.timeColumn)!;
    if (time.type.nullable)
      input = filter(
        input,
        call('IS NOT NULL', [field(time.name, time.type)], withNullability(Types.BOOLEAN, false)),
      );
    if (condition !== undefined) input = filter(input, condition);
    input = project(
      input,
      projections.filter((p) => read.has(p.name)).map((p) => ({ name: p.name, rex: computed.get(p.name)! })),
    );
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
      windowColumns: Object.freeze(windowColumns) as WindowColumns,
      columns: Object.freeze(columns),
    });
    return project(
      aggregate,
      node.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
    );
  },
};
