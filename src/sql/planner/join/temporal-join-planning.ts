/**
 * Temporal joins: physical planning, DataStream translation and EXPLAIN lines.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalTemporalJoin, PhysicalTemporalJoin } from './temporal-join-nodes.js';

/** The physical plan of a FOR SYSTEM_TIME AS OF (temporal join) node. */
export function toPhysicalTemporalJoin(_node: LogicalTemporalJoin, _recurse: PhysicalPlanner): PhysicalNode {
  throw unsupported(undefined, 'FOR SYSTEM_TIME AS OF (temporal join)');
}

/** The DataStream operators of a physical FOR SYSTEM_TIME AS OF (temporal join) node. */
export function translateTemporalJoin(
  _node: PhysicalTemporalJoin,
  _ctx: TranslateContext,
  _recurse: QueryTranslator,
): DataStream<Row> {
  throw unsupported(undefined, 'FOR SYSTEM_TIME AS OF (temporal join)');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainTemporalJoinLogical(node: LogicalTemporalJoin): string {
  return `LogicalTemporalJoin(${node.columns.map((c) => c.name).join(', ')})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainTemporalJoinPhysical(node: PhysicalTemporalJoin, mode: string): string {
  return `TemporalJoin(${node.columns.map((c) => c.name).join(', ')}, ${mode})`;
}
