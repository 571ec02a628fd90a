/**
 * Group aggregation: physical planning, DataStream translation and EXPLAIN lines.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { AggregateLogicalNode, AggregatePhysicalNode } from './aggregate-nodes.js';

/** The physical plan of a GROUP BY aggregation node. */
export function toPhysicalAggregate(_node: AggregateLogicalNode, _recurse: PhysicalPlanner): PhysicalNode {
  throw unsupported(undefined, 'GROUP BY aggregation');
}

/** The DataStream operators of a physical GROUP BY aggregation node. */
export function translateAggregate(
  _node: AggregatePhysicalNode,
  _ctx: TranslateContext,
  _recurse: QueryTranslator,
): DataStream<Row> {
  throw unsupported(undefined, 'GROUP BY aggregation');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainAggregateLogical(node: AggregateLogicalNode): string {
  return `LogicalAggregate(${node.columns.map((c) => c.name).join(', ')})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainAggregatePhysical(node: AggregatePhysicalNode, mode: string): string {
  return `Aggregate(${node.columns.map((c) => c.name).join(', ')}, ${mode})`;
}
