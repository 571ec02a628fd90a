/**
 * Table function calls (LATERAL TABLE): physical planning, DataStream translation and EXPLAIN lines.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalCorrelate, PhysicalCorrelate } from './correlate-nodes.js';

/** The physical plan of a LATERAL TABLE node. */
export function toPhysicalCorrelate(_node: LogicalCorrelate, _recurse: PhysicalPlanner): PhysicalNode {
  throw unsupported(undefined, 'LATERAL TABLE');
}

/** The DataStream operators of a physical LATERAL TABLE node. */
export function translateCorrelate(
  _node: PhysicalCorrelate,
  _ctx: TranslateContext,
  _recurse: QueryTranslator,
): DataStream<Row> {
  throw unsupported(undefined, 'LATERAL TABLE');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainCorrelateLogical(node: LogicalCorrelate): string {
  return `LogicalCorrelate(${node.columns.map((c) => c.name).join(', ')})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainCorrelatePhysical(node: PhysicalCorrelate, mode: string): string {
  return `Correlate(${node.columns.map((c) => c.name).join(', ')}, ${mode})`;
}
