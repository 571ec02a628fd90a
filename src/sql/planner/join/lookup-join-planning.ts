/**
 * Lookup joins: DataStream translation and EXPLAIN line. The probe side flat-maps through a
 * {@link LookupJoinFunction}, chained to it with no shuffle, since every subtask holds the whole
 * table; the right side's plan is never translated into a source (the function reads the table).
 * A Calc above the join that only picks columns is done by the same function.
 */
import type { DataStream } from '../../../api/data-stream.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { fieldsOf, formatRex } from '../../expressions/rex.js';
import { type LookupOutputColumn, LookupJoinFunction } from '../../runtime/temporal/lookup-join-function.js';
import type { PhysicalCalc } from '../physical.js';
import type { QueryTranslator } from '../translate.js';
import type { LookupSpec } from './lookup-join-nodes.js';
import type { PhysicalTemporalJoin } from './temporal-join-nodes.js';

/** The DataStream operator of a lookup join (a temporal join node with `lookup` set). */
export function translateLookupJoin(
  node: PhysicalTemporalJoin,
  lookup: LookupSpec,
  recurse: QueryTranslator,
  output?: readonly LookupOutputColumn[],
): DataStream<Row> {
  const rightNames = new Set(node.right.columns.map((c) => c.name));
  const fn = new LookupJoinFunction({
    ...(output === undefined ? {} : { output }),
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
 * A Calc that only picks and renames columns of a lookup join (Nexmark q13 drops the proctime
 * and the key), done by the join itself: each output row is built once with the Calc's columns,
 * instead of a joined row that the Calc then copies. Undefined when the Calc filters, computes,
 * or sits on another node, or when the join has a residual condition (tested on the whole
 * joined row).
 */
export function translateProjectedLookupJoin(
  calc: PhysicalCalc,
  recurse: QueryTranslator,
): DataStream<Row> | undefined {
  const join = calc.input;
  if (join.kind !== 'temporalJoin' || join.lookup === undefined || join.residual !== undefined)
    return undefined;
  if (calc.condition !== undefined || calc.changelogMode !== 'insert-only') return undefined;
  const rightNames = new Set(join.right.columns.map((c) => c.name));
  const joined = new Set(join.columns.map((c) => c.name));
  const output: LookupOutputColumn[] = [];
  for (const { name, rex } of calc.projections) {
    if (rex.kind !== 'field' || !joined.has(rex.name)) return undefined;
    output.push({ name, column: rex.name, right: rightNames.has(rex.name) });
  }
  return translateLookupJoin(probeNarrowed(join, output), join.lookup, recurse, output);
}

/**
 * The join with its probe-side Calc computing only the columns the keys and the output read.
 * The proctime column of `FOR SYSTEM_TIME AS OF` is never read by a lookup (the table is loaded
 * at open), so its clock read per row (about 40 ns of CPU) is skipped.
 */
function probeNarrowed(
  join: PhysicalTemporalJoin,
  output: readonly LookupOutputColumn[],
): PhysicalTemporalJoin {
  const probe = join.left;
  if (probe.kind !== 'calc' || probe.changelogMode !== 'insert-only') return join;
  const needed = new Set(output.filter((c) => !c.right).map((c) => c.column));
  for (const key of join.lookup!.keys) for (const field of fieldsOf(key.left)) needed.add(field);
  const projections = probe.projections.filter((p) => needed.has(p.name));
  if (projections.length === probe.projections.length) return join;
  const left: PhysicalCalc = Object.freeze({
    ...probe,
    projections,
    columns: probe.columns.filter((c) => needed.has(c.name)),
  });
  return Object.freeze({ ...join, left });
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
  const id = lookup.table.identifier;
  const table = `${id?.catalog ?? 'default_catalog'}.${id?.database ?? 'default_database'}.${lookup.table.name}`;
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
