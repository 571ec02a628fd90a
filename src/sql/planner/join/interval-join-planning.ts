/**
 * Interval joins: physical planning, DataStream translation and EXPLAIN lines.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalIntervalJoin, PhysicalIntervalJoin } from './interval-join-nodes.js';

/** The physical plan of a interval join node. */
export function toPhysicalIntervalJoin(_node: LogicalIntervalJoin, _recurse: PhysicalPlanner): PhysicalNode {
  throw unsupported(undefined, 'interval join');
}

/** The DataStream operators of a physical interval join node. */
export function translateIntervalJoin(
  _node: PhysicalIntervalJoin,
  _ctx: TranslateContext,
  _recurse: QueryTranslator,
): DataStream<Row> {
  throw unsupported(undefined, 'interval join');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainIntervalJoinLogical(node: LogicalIntervalJoin): string {
  return `LogicalIntervalJoin(${node.columns.map((c) => c.name).join(', ')})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainIntervalJoinPhysical(node: PhysicalIntervalJoin, mode: string): string {
  return `IntervalJoin(${node.columns.map((c) => c.name).join(', ')}, ${mode})`;
}
