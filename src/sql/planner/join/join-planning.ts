/**
 * Regular joins: physical planning, DataStream translation and EXPLAIN lines.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalJoin, PhysicalJoin } from './join-nodes.js';

/** The physical plan of a JOIN node. */
export function toPhysicalJoin(_node: LogicalJoin, _recurse: PhysicalPlanner): PhysicalNode {
  throw unsupported(undefined, 'JOIN');
}

/** The DataStream operators of a physical JOIN node. */
export function translateJoin(
  _node: PhysicalJoin,
  _ctx: TranslateContext,
  _recurse: QueryTranslator,
): DataStream<Row> {
  throw unsupported(undefined, 'JOIN');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainJoinLogical(node: LogicalJoin): string {
  return `LogicalJoin(${node.columns.map((c) => c.name).join(', ')})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainJoinPhysical(node: PhysicalJoin, mode: string): string {
  return `Join(${node.columns.map((c) => c.name).join(', ')}, ${mode})`;
}
