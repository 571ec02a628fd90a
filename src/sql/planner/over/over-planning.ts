/**
 * OVER aggregation, Top-N, deduplication and their window forms: physical planning, DataStream translation and EXPLAIN lines.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { OverLogicalNode, OverPhysicalNode } from './over-nodes.js';

/** The physical plan of a OVER window node. */
export function toPhysicalOver(_node: OverLogicalNode, _recurse: PhysicalPlanner): PhysicalNode {
  throw unsupported(undefined, 'OVER window');
}

/** The DataStream operators of a physical OVER window node. */
export function translateOver(
  _node: OverPhysicalNode,
  _ctx: TranslateContext,
  _recurse: QueryTranslator,
): DataStream<Row> {
  throw unsupported(undefined, 'OVER window');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainOverLogical(node: OverLogicalNode): string {
  return `LogicalOver(${node.columns.map((c) => c.name).join(', ')})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainOverPhysical(node: OverPhysicalNode, mode: string): string {
  return `Over(${node.columns.map((c) => c.name).join(', ')}, ${mode})`;
}
