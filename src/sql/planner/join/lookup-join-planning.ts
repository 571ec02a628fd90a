/**
 * Lookup joins: DataStream translation and EXPLAIN line. The probe side flat-maps through a
 * {@link LookupJoinFunction}, chained to it with no shuffle, since every subtask holds the whole
 * table; the right side's plan is never translated into a source (the function reads the table).
 */
import type { DataStream } from '../../../api/data-stream.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { formatRex } from '../../expressions/rex.js';
import { LookupJoinFunction } from '../../runtime/temporal/lookup-join-function.js';
import type { QueryTranslator } from '../translate.js';
import type { LookupSpec } from './lookup-join-nodes.js';
import type { PhysicalTemporalJoin } from './temporal-join-nodes.js';

/** The DataStream operator of a lookup join (a temporal join node with `lookup` set). */
export function translateLookupJoin(
  node: PhysicalTemporalJoin,
  lookup: LookupSpec,
  recurse: QueryTranslator,
): DataStream<Row> {
  const rightNames = new Set(node.right.columns.map((c) => c.name));
  const fn = new LookupJoinFunction({
    joinType: node.joinType === 'left' ? 'left' : 'inner',
    table: lookup.table,
    steps: lookup.steps,
    leftKeys: lookup.keys.map((k) => compileExpression(k.left)),
    rightKeys: lookup.keys.map((k) => k.right),
    leftColumns: node.columns.map((c) => c.name).filter((c) => !rightNames.has(c)),
    rightColumns: node.columns.map((c) => c.name).filter((c) => rightNames.has(c)),
    residual: node.residual === undefined ? undefined : compileExpression(node.residual),
  });
  return recurse(node.left).flatMap(fn).name('LookupJoin');
}

/**
 * The node's line in EXPLAIN's physical plan, after Flink's: `lookup=[key=…]` names each right
 * column with the probe column it is looked up by; an expression on the probe side is a `$fN`
 * field (numbered after the left columns, as Flink's Calc below the join would number it),
 * defined in `probe=[…]`.
 */
export function explainLookupJoinPhysical(
  node: PhysicalTemporalJoin,
  lookup: LookupSpec,
  mode: string,
): string {
  const table = `default_catalog.default_database.${lookup.table.name}`;
  const joinType = node.joinType === 'left' ? 'LeftOuterJoin' : 'InnerJoin';
  let next = node.left.columns.length;
  const computed: string[] = [];
  const keys = lookup.keys.map((k) => {
    if (k.left.kind === 'field') return `${k.right}=${k.left.name}`;
    const name = `$f${next++}`;
    computed.push(`${name}=${formatRex(k.left)}`);
    return `${k.right}=${name}`;
  });
  const probe = computed.length === 0 ? '' : `, probe=[${computed.join(', ')}]`;
  const where = node.residual === undefined ? '' : `, where=[${formatRex(node.residual)}]`;
  return `LookupJoin(table=[${table}], joinType=[${joinType}], lookup=[${keys.join(', ')}]${probe}${where}, select=[${node.columns.map((c) => c.name).join(', ')}], ${mode})`;
}
