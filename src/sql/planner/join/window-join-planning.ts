/**
 * Window joins: physical planning, DataStream translation and EXPLAIN lines. Both sides are
 * keyed by their equality columns and connected into the window join operator of
 * `runtime/temporal/`, which keeps each side's rows under their window's end and joins each
 * window once when the watermark passes its end. The key is compact (`runtime/compact-keys.ts`),
 * not an array of values: an array key is serialised canonically twice per row (to pick the
 * channel and to set the operator's current key), which was a tenth of Nexmark q5's CPU time.
 * A join on one column is keyed by its value itself. SESSION windows, whose end does not fix
 * their start, add the start to the key; a join without equality columns (q5) is keyed by the
 * window's end, so its windows still spread over the subtasks.
 */
import type { DataStream } from '../../../api/data-stream.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { formatRex } from '../../expressions/rex.js';
import { validationError } from '../../errors.js';
import { columnsKey } from '../../runtime/compact-keys.js';
import { WindowJoinOperator } from '../../runtime/temporal/window-join-operator.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import { refuseProcessingTimeWindows } from '../window/window-planning.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalWindowJoin, PhysicalWindowJoin, WindowBounds } from './window-join-nodes.js';
import { windowBoundsZone } from '../window/local-time-window.js';

/** The physical plan of a window join node. */
export function toPhysicalWindowJoin(node: LogicalWindowJoin, recurse: PhysicalPlanner): PhysicalNode {
  for (const side of [node.left, node.right]) refuseProcessingTimeWindows(side, 'window join');
  const left = recurse(node.left);
  const right = recurse(node.right);
  for (const side of [left, right])
    if (side.changelogMode !== 'insert-only')
      throw validationError(
        undefined,
        `a window join takes insert-only inputs, but one side produces ${side.changelogMode} changes; window the rows before they are updated`,
      );
  return Object.freeze({
    kind: 'windowJoin',
    left,
    right,
    joinType: node.joinType,
    condition: node.condition,
    leftWindow: node.leftWindow,
    rightWindow: node.rightWindow,
    leftKeys: node.leftKeys,
    rightKeys: node.rightKeys,
    residual: node.residual,
    windowKind: node.windowKind,
    columns: node.columns,
    changelogMode: 'insert-only',
  });
}

/** The DataStream operators of a physical window join node. */
export function translateWindowJoin(
  node: PhysicalWindowJoin,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  const left = recurse(node.left);
  const right = recurse(node.right);
  const spec = {
    joinType: node.joinType,
    leftWindowEnd: node.leftWindow.end,
    rightWindowEnd: node.rightWindow.end,
    zone: windowBoundsZone(node.left),
    leftKeys: node.leftKeys,
    rightKeys: node.rightKeys,
    leftColumns: node.left.columns.map((c) => c.name),
    rightColumns: node.right.columns.map((c) => c.name),
    residual: node.residual === undefined ? undefined : compileExpression(node.residual),
  };
  // The operator keeps rows under their window's end; the key needs it only without equality
  // columns (to spread the windows), and the start only for SESSION windows.
  const keyColumns = (keys: readonly string[], w: WindowBounds) => [
    ...keys,
    ...(node.windowKind === 'SESSION' ? [w.start] : []),
    ...(keys.length === 0 ? [w.end] : []),
  ];
  return left
    .connect(right)
    .keyBy(
      columnsKey(keyColumns(node.leftKeys, node.leftWindow)),
      columnsKey(keyColumns(node.rightKeys, node.rightWindow)),
    )
    .transform('WindowJoin', () => new WindowJoinOperator(spec))
    .name('WindowJoin');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainWindowJoinLogical(node: LogicalWindowJoin): string {
  return `LogicalWindowJoin(joinType=[${node.joinType}], condition=[${formatRex(node.condition)}])`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainWindowJoinPhysical(node: PhysicalWindowJoin, mode: string): string {
  const keys = node.leftKeys.map((k, i) => `${k}=${node.rightKeys[i]}`).join(', ');
  const residual = node.residual === undefined ? '' : `, where=[${formatRex(node.residual)}]`;
  const window = `leftWindow=[${node.leftWindow.start}, ${node.leftWindow.end}], rightWindow=[${node.rightWindow.start}, ${node.rightWindow.end}]`;
  return `WindowJoin(joinType=[${node.joinType}], key=[${keys}]${residual}, ${window}, select=[${node.columns.map((c) => c.name).join(', ')}], ${mode})`;
}
