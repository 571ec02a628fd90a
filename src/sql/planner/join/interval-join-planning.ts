/**
 * Interval joins: physical planning, DataStream translation and EXPLAIN lines. Every join type
 * runs on {@link IntervalJoinFunction} over both inputs keyed by the equi-join keys, each side's
 * rows kept until the watermark passes their bound, so the output is insert-only. It follows
 * Flink's SQL interval join, not the DataStream `intervalJoin`: a late row still joins the rows
 * buffered on the other side instead of being dropped, and an outer join pads a row once the
 * watermark shows it can no longer match. Inputs that carry updates cannot be buffered by time
 * alone: such a join is planned as a regular join instead. Both sides' time columns stay rowtime
 * attributes (the output watermark is held back by the interval, so neither is behind it), but a
 * pair leaves stamped with the time of the row that completed it: a window over either column
 * restamps the rows by it first (`window/record-time.ts`).
 */
import type { DataStream } from '../../../api/data-stream.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { formatRex, type Rex } from '../../expressions/rex.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import { joinKeys } from './join-conditions.js';
import { IntervalJoinFunction } from './interval-join-function.js';
import { intervalBounds } from './interval-join-rule.js';
import type { LogicalIntervalJoin, PhysicalIntervalJoin } from './interval-join-nodes.js';
import { checkJoinInput, joinOutputMode, joinTypeName } from './join-planning.js';
import { WatermarkDelayingCoProcessOperator } from '../../runtime/watermark-delay.js';
import { readFromRightRows, rightInputAsRead } from './right-row-names.js';

/** The physical plan of a interval join node. */
export function toPhysicalIntervalJoin(node: LogicalIntervalJoin, recurse: PhysicalPlanner): PhysicalNode {
  const left = recurse(node.left);
  const right = recurse(node.right);
  checkJoinInput(left, 'an interval JOIN');
  checkJoinInput(right, 'an interval JOIN');
  if (left.changelogMode !== 'insert-only' || right.changelogMode !== 'insert-only')
    return Object.freeze({
      kind: 'join',
      left,
      right,
      joinType: node.joinType,
      condition: node.condition,
      columns: node.columns,
      changelogMode: joinOutputMode(node.joinType, left.changelogMode, right.changelogMode),
    });
  return Object.freeze({
    kind: 'intervalJoin',
    left,
    right,
    joinType: node.joinType,
    condition: node.condition,
    columns: node.columns,
    changelogMode: 'insert-only',
  });
}

/** A side's key, and whether a row has a NULL in an `=` key (an IS NOT DISTINCT FROM key's NULL matches NULL). */
function keyOf(
  keys: readonly Rex[],
  nullSafe: readonly boolean[],
): { key: (row: Row) => unknown; hasNull: (row: Row) => boolean } {
  const fns = keys.map((k) => compileExpression(k));
  const tested = fns.filter((_, i) => !nullSafe[i]);
  const hasNull = (row: Row) => tested.some((f) => f(row) == null);
  if (fns.length === 0) return { key: () => 0, hasNull: () => false };
  if (fns.length === 1) {
    const f = fns[0]!;
    return { key: (row) => f(row) ?? null, hasNull };
  }
  return { key: (row) => fns.map((f) => f(row) ?? null), hasNull };
}

/** The DataStream operators of a physical interval join node. */
export function translateIntervalJoin(
  node: PhysicalIntervalJoin,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  const bounds = intervalBounds(node.condition, node.left.columns, node.right.columns)!;
  const keys = joinKeys(node.condition, node.left.columns, node.right.columns);
  // The time bounds are enforced by the operator; the rest of the condition is checked per pair.
  const remainingRex =
    bounds.remaining === undefined
      ? undefined
      : joinKeys(bounds.remaining, node.left.columns, node.right.columns).remaining;
  const remaining = remainingRex === undefined ? undefined : compileExpression(remainingRex);
  const rightInput = rightInputAsRead(node.right);
  const rowNames = rightInput.rowNames;
  const left = keyOf(keys.leftKeys, keys.nullSafe);
  const right = keyOf(readFromRightRows(keys.rightKeys, rowNames), keys.nullSafe);
  const fn = new IntervalJoinFunction({
    joinType: node.joinType,
    leftColumns: node.left.columns.map((c) => c.name),
    rightColumns: node.right.columns.map((c) => c.name),
    ...(rowNames.size === 0 ? {} : { rightRowNames: rowNames }),
    leftTime: bounds.leftTime,
    rightTime: bounds.rightTime,
    lower: bounds.lower,
    upper: bounds.upper,
    leftHasNullKey: left.hasNull,
    rightHasNullKey: right.hasNull,
    remaining,
  });
  // A pair is emitted when its second row comes, so its times may lie up to the interval's
  // width behind the input watermark; Flink holds the output watermark back by that much.
  const delayMs = Math.max(bounds.upper, -bounds.lower);
  return recurse(node.left)
    .connect(recurse(rightInput.node))
    .keyBy(left.key, right.key)
    .transform('KeyedCoProcess', () => new WatermarkDelayingCoProcessOperator<Row, Row, Row>(fn, delayMs))
    .name(node.joinType === 'inner' ? 'IntervalJoin' : `IntervalJoin(${joinTypeName(node.joinType)})`);
}

/** The node's line in EXPLAIN's logical plans. */
export function explainIntervalJoinLogical(node: LogicalIntervalJoin): string {
  return `LogicalJoin(condition=[${formatRex(node.condition)}], joinType=[${node.joinType}])`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainIntervalJoinPhysical(node: PhysicalIntervalJoin, mode: string): string {
  const b = intervalBounds(node.condition, node.left.columns, node.right.columns)!;
  return (
    `IntervalJoin(joinType=[${joinTypeName(node.joinType)}], windowBounds=[isRowTime=true, ` +
    `leftLowerBound=${-b.upper}, leftUpperBound=${-b.lower}, leftTimeIndex=${b.leftTime}, rightTimeIndex=${b.rightTime}], ` +
    `where=[${formatRex(node.condition)}], select=[${node.columns.map((c) => c.name).join(', ')}], ${mode})`
  );
}
