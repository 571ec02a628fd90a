/**
 * The WindowJoinRule: a join of two windowed relations (each a windowing table function or a
 * window aggregate, possibly under filters and projections that keep the window columns) whose
 * condition equates both sides' `window_start` and `window_end` becomes a window join, as in
 * Flink. Such a join needs no retractions: each window is joined once, when it closes. Both
 * sides must use the same window; a join that does not equate the bounds stays a regular join.
 */
import { validationError } from '../../errors.js';
import type { LogicalNode } from '../logical.js';
import type { RewriteRule } from '../rules.js';
import { type WindowSpec, WINDOW_END, WINDOW_START } from '../window/window-nodes.js';
import { andAll, splitJoinCondition } from './temporal-join-rule.js';
import type { LogicalWindowJoin, WindowBounds } from './window-join-nodes.js';

/** Where a windowed plan's rows keep their window's bounds, and the window when known. */
interface Windowed {
  readonly bounds: WindowBounds;
  readonly window: WindowSpec;
}

/** The window columns of a plan whose rows are windowed; undefined for other plans. */
export function windowedColumns(node: LogicalNode): Windowed | undefined {
  switch (node.kind) {
    case 'windowTableFunction':
      return { bounds: { start: WINDOW_START, end: WINDOW_END }, window: node.window };
    case 'windowAggregate': {
      const { start, end } = node.windowColumns;
      return start === undefined || end === undefined
        ? undefined
        : { bounds: { start, end }, window: node.window };
    }
    case 'filter':
    case 'watermarkAssigner':
      return windowedColumns(node.input);
    case 'project': {
      const inner = windowedColumns(node.input);
      if (inner === undefined) return undefined;
      const rename = (c: string) =>
        node.projections.find((p) => p.rex.kind === 'field' && p.rex.name === c)?.name;
      const start = rename(inner.bounds.start);
      const end = rename(inner.bounds.end);
      return start === undefined || end === undefined
        ? undefined
        : { bounds: { start, end }, window: inner.window };
    }
    default:
      return undefined;
  }
}

/** Whether both sides use one window: the time column and where each was written may differ. */
const sameWindow = (a: WindowSpec, b: WindowSpec) =>
  JSON.stringify({ ...a, timeColumn: '', pos: undefined }) ===
  JSON.stringify({ ...b, timeColumn: '', pos: undefined });

/** Recognises window joins; see the module comment. */
export const WindowJoinRule: RewriteRule = {
  name: 'WindowJoinRule',
  apply(node) {
    if (node.kind !== 'join' || node.temporal !== undefined) return undefined;
    const left = windowedColumns(node.left);
    const right = windowedColumns(node.right);
    if (left === undefined || right === undefined) return undefined;
    const split = splitJoinCondition(
      node.condition,
      new Set(node.left.columns.map((c) => c.name)),
      new Set(node.right.columns.map((c) => c.name)),
    );
    const isPair = (l: string, r: string) => (p: { left: string; right: string }) =>
      p.left === l && p.right === r;
    const startPair = split.pairs.find(isPair(left.bounds.start, right.bounds.start));
    const endPair = split.pairs.find(isPair(left.bounds.end, right.bounds.end));
    if (startPair === undefined || endPair === undefined) return undefined;
    if (!sameWindow(left.window, right.window))
      throw validationError(
        node.condition.kind === 'call' ? node.condition.pos : undefined,
        'a window join needs the same window (kind, size, slide and offset) on both sides; window both inputs alike',
      );
    const keys = split.pairs.filter((p) => p !== startPair && p !== endPair);
    const join: LogicalWindowJoin = {
      kind: 'windowJoin',
      left: node.left,
      right: node.right,
      joinType: node.joinType,
      condition: node.condition,
      leftWindow: left.bounds,
      rightWindow: right.bounds,
      leftKeys: Object.freeze(keys.map((p) => p.left)),
      rightKeys: Object.freeze(keys.map((p) => p.right)),
      residual: andAll(split.residual === undefined ? [] : [split.residual]),
      windowKind: left.window.kind,
      columns: node.columns,
    };
    return Object.freeze(join);
  },
};
