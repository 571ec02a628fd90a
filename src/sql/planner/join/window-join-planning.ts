/**
 * Window joins: physical planning, DataStream translation and EXPLAIN lines.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalWindowJoin, PhysicalWindowJoin } from './window-join-nodes.js';

/** The physical plan of a window join node. */
export function toPhysicalWindowJoin(_node: LogicalWindowJoin, _recurse: PhysicalPlanner): PhysicalNode {
  throw unsupported(undefined, 'window join');
}

/** The DataStream operators of a physical window join node. */
export function translateWindowJoin(
  _node: PhysicalWindowJoin,
  _ctx: TranslateContext,
  _recurse: QueryTranslator,
): DataStream<Row> {
  throw unsupported(undefined, 'window join');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainWindowJoinLogical(node: LogicalWindowJoin): string {
  return `LogicalWindowJoin(${node.columns.map((c) => c.name).join(', ')})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainWindowJoinPhysical(node: PhysicalWindowJoin, mode: string): string {
  return `WindowJoin(${node.columns.map((c) => c.name).join(', ')}, ${mode})`;
}
