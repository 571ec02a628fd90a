/**
 * Lookup joins: DataStream translation and EXPLAIN line. A bounded filesystem table's probe side
 * flat-maps through a {@link LookupJoinFunction}, chained to it with no shuffle, since every
 * subtask holds the whole table. A jdbc table's goes through an {@link AsyncLookupJoinFunction}
 * in the async I/O operator (`AsyncDataStream.orderedWait`, so output keeps the probe order as
 * Flink's default does; `unorderedWait` with `table.exec.async-lookup.output-mode` =
 * `ALLOW_UNORDERED` on an insert-only probe stream), with `table.exec.async-lookup.buffer-capacity` lookups in flight per
 * subtask and `table.exec.async-lookup.timeout` for each. The right side's plan is never
 * translated into a source (the function reads the table). A Calc above the join that only
 * picks columns is done by the same function.
 */
import { AsyncDataStream } from '../../../api/async-data-stream.js';
import type { DataStream } from '../../../api/data-stream.js';
import type { TableConfig } from '../../config.js';
import { createJdbcLookupSource } from '../../connectors/jdbc/jdbc-lookup.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { fieldsOf, formatRex } from '../../expressions/rex.js';
import { AsyncLookupJoinFunction } from '../../runtime/temporal/lookup-join-async-function.js';
import { explainLookupHint } from '../hints/lookup-hint.js';
import { type LookupOutputColumn, LookupJoinFunction } from '../../runtime/temporal/lookup-join-function.js';
import type { PhysicalCalc, PhysicalNode } from '../physical.js';
import type { QueryTranslator } from '../translate.js';
import type { LookupSpec } from './lookup-join-nodes.js';
import type { PhysicalTemporalJoin } from './temporal-join-nodes.js';

/** Flink's defaults for `table.exec.async-lookup.buffer-capacity` and `.timeout`. */
const DEFAULT_ASYNC_CAPACITY = 100;
const DEFAULT_ASYNC_TIMEOUT_MS = 180_000;

/** The DataStream operator of a lookup join (a temporal join node with `lookup` set). */
export function translateLookupJoin(
  node: PhysicalTemporalJoin,
  lookup: LookupSpec,
  recurse: QueryTranslator,
  output?: readonly LookupOutputColumn[],
  config?: TableConfig,
): DataStream<Row> {
  if (lookup.tableKeys !== undefined) return translateAsyncLookupJoin(node, lookup, recurse, output, config);
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

/** A jdbc lookup join: the async function over the table's lookup source, in the async I/O operator. */
function translateAsyncLookupJoin(
  node: PhysicalTemporalJoin,
  lookup: LookupSpec,
  recurse: QueryTranslator,
  output: readonly LookupOutputColumn[] | undefined,
  config: TableConfig | undefined,
): DataStream<Row> {
  const rightNames = new Set(node.right.columns.map((c) => c.name));
  // A LOOKUP hint's options win over the session's for this join only, as in Flink.
  const { hint } = lookup;
  const timeoutMs =
    hint?.timeoutMs ?? config?.get<number>('table.exec.async-lookup.timeout') ?? DEFAULT_ASYNC_TIMEOUT_MS;
  const capacity =
    hint?.capacity ??
    config?.get<number>('table.exec.async-lookup.buffer-capacity') ??
    DEFAULT_ASYNC_CAPACITY;
  const needed = neededColumns(node.right, lookup);
  const tableKeys = lookup.tableKeys!;
  // Read (and so checked) now, at planning, not first when a subtask opens.
  createJdbcLookupSource(lookup.table, needed, tableKeys, undefined, hint?.retry);
  const fn = new AsyncLookupJoinFunction({
    ...(output === undefined ? {} : { output }),
    joinType: node.joinType === 'left' ? 'left' : 'inner',
    tableName: lookup.table.name,
    createSource: () => createJdbcLookupSource(lookup.table, needed, tableKeys, undefined, hint?.retry),
    steps: lookup.steps,
    leftKeys: lookup.keys.map((k) => compileExpression(k.left)),
    leftColumns: node.columns.map((c) => c.name).filter((c) => !rightNames.has(c)),
    rightColumns: node.columns.map((c) => c.name).filter((c) => rightNames.has(c)),
    residual: node.residual === undefined ? undefined : compileExpression(node.residual),
    timeoutMs,
  });
  // As in Flink, ALLOW_UNORDERED lets results overtake each other on an insert-only probe
  // stream (a changelog's order would matter), and the default keeps the probe order.
  const unordered =
    (hint?.outputMode ?? config?.get<string>('table.exec.async-lookup.output-mode')) === 'allow_unordered' &&
    node.left.changelogMode === 'insert-only';
  const wait = unordered ? AsyncDataStream.unorderedWait : AsyncDataStream.orderedWait;
  // A timeout of 0 in Flink's option means none; the operator takes Infinity for that.
  return wait(recurse(node.left), fn, timeoutMs > 0 ? timeoutMs : Infinity, capacity).name('LookupJoin');
}

/**
 * The table columns a lookup must read: those the right side's scan produces after projection
 * push-down, and any the filters and projections over the table read (they were captured
 * before push-down narrowed the plan).
 */
function neededColumns(right: PhysicalNode, lookup: LookupSpec): Set<string> {
  let node: PhysicalNode = right;
  while (node.kind !== 'sourceScan' && 'input' in node) node = node.input as PhysicalNode;
  const needed = new Set((node.kind === 'sourceScan' ? node.columns : right.columns).map((c) => c.name));
  for (const step of lookup.steps) {
    const rexes = step.kind === 'filter' ? [step.condition] : step.projections.map((p) => p.rex);
    for (const rex of rexes) for (const f of fieldsOf(rex)) needed.add(f);
  }
  return needed;
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
  config?: TableConfig,
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
  return translateLookupJoin(probeNarrowed(join, output), join.lookup, recurse, output, config);
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
 * The node's line in EXPLAIN's physical plan, after Flink's: `async=[true]` for a jdbc table,
 * `lookup=[key=…]` names each right column with the probe column or constant it is looked up by; an expression on the probe side is a `$fN`
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
    if (fieldsOf(k.left).size === 0) return `${k.right}=${formatRex(k.left)}`;
    const name = `$f${next++}`;
    computed.push(`${name}=${formatRex(k.left)}`);
    return `${k.right}=${name}`;
  });
  const probe = computed.length === 0 ? '' : `, probe=[${computed.join(', ')}]`;
  const where = node.residual === undefined ? '' : `, where=[${formatRex(node.residual)}]`;
  // Flink prints async=[…] for a lookup that may be async; the bounded filesystem one is not.
  const async = lookup.tableKeys === undefined ? '' : `, async=[true]${explainLookupHint(lookup.hint)}`;
  return `LookupJoin(table=[${table}], joinType=[${joinType}]${async}, lookup=[${keys.join(', ')}]${probe}${where}, select=[${node.columns.map((c) => c.name).join(', ')}], ${mode})`;
}
