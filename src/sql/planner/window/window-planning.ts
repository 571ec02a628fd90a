/**
 * Windowing table functions and window aggregation: physical planning, DataStream translation and EXPLAIN lines.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { WindowLogicalNode, WindowPhysicalNode } from './window-nodes.js';

/** The physical plan of a windowing table function node. */
export function toPhysicalWindow(_node: WindowLogicalNode, _recurse: PhysicalPlanner): PhysicalNode {
  throw unsupported(undefined, 'windowing table function');
}

/** The DataStream operators of a physical windowing table function node. */
export function translateWindow(
  _node: WindowPhysicalNode,
  _ctx: TranslateContext,
  _recurse: QueryTranslator,
): DataStream<Row> {
  throw unsupported(undefined, 'windowing table function');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainWindowLogical(node: WindowLogicalNode): string {
  return `LogicalWindow(${node.columns.map((c) => c.name).join(', ')})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainWindowPhysical(node: WindowPhysicalNode, mode: string): string {
  return `Window(${node.columns.map((c) => c.name).join(', ')}, ${mode})`;
}
