/**
 * Temporal joins: physical planning, DataStream translation and EXPLAIN lines. Both sides are
 * keyed by the right side's primary key (the left side by the columns equated with it) and
 * connected into one keyed co-process function from `runtime/temporal/`. A lookup join (a
 * bounded right table) goes to lookup-join-planning.ts instead.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { KeySelector } from '../../../types/functions.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { formatRex } from '../../expressions/rex.js';
import { validationError } from '../../errors.js';
import {
  EventTimeTemporalJoin,
  ProcessingTimeTemporalJoin,
  type TemporalJoinSpec,
} from '../../runtime/temporal/temporal-join-function.js';
import type { ChangelogRow } from '../changelog.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import { explainLookupJoinPhysical, translateLookupJoin } from './lookup-join-planning.js';
import type { LogicalTemporalJoin, PhysicalTemporalJoin } from './temporal-join-nodes.js';

/** The physical plan of a FOR SYSTEM_TIME AS OF (temporal join) node. */
export function toPhysicalTemporalJoin(node: LogicalTemporalJoin, recurse: PhysicalPlanner): PhysicalNode {
  const left = recurse(node.left);
  const right = recurse(node.right);
  if (left.changelogMode !== 'insert-only')
    throw validationError(
      undefined,
      `temporal join takes an insert-only left side, but it produces ${left.changelogMode} changes; join an append-only table FOR SYSTEM_TIME AS OF`,
    );
  return Object.freeze({
    kind: 'temporalJoin',
    left,
    right,
    joinType: node.joinType,
    condition: node.condition,
    leftTime: node.leftTime,
    timeKind: node.timeKind,
    leftKeys: node.leftKeys,
    rightKeys: node.rightKeys,
    residual: node.residual,
    rightTime: node.rightTime,
    ...(node.lookup === undefined ? {} : { lookup: node.lookup }),
    columns: node.columns,
    changelogMode: 'insert-only',
  });
}

/** A key selector over the named columns: the value itself for one, an array for several. */
export function columnsKey(columns: readonly string[], enveloped = false): KeySelector<Row, unknown> {
  const rowOf = enveloped ? (e: Row) => (e as unknown as ChangelogRow).row : (e: Row) => e;
  if (columns.length === 1) {
    const c = columns[0]!;
    return (e) => rowOf(e)[c] ?? null;
  }
  return (e) => {
    const row = rowOf(e);
    return columns.map((c) => row[c] ?? null);
  };
}

/** The DataStream operators of a physical FOR SYSTEM_TIME AS OF (temporal join) node. */
export function translateTemporalJoin(
  node: PhysicalTemporalJoin,
  ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  if (node.lookup !== undefined)
    return translateLookupJoin(node, node.lookup, recurse, undefined, ctx.config);
  const left = recurse(node.left);
  const right = recurse(node.right);
  const rightIsChangelog = node.right.changelogMode !== 'insert-only';
  const spec: TemporalJoinSpec = {
    joinType: node.joinType === 'left' ? 'left' : 'inner',
    leftTime: node.leftTime,
    rightTime: node.rightTime ?? '',
    rightColumns: node.right.columns.map((c) => c.name),
    rightIsChangelog,
    residual: node.residual === undefined ? undefined : compileExpression(node.residual),
  };
  const fn =
    node.timeKind === 'event' ? new EventTimeTemporalJoin(spec) : new ProcessingTimeTemporalJoin(spec);
  return left
    .connect(right)
    .keyBy(columnsKey(node.leftKeys), columnsKey(node.rightKeys, rightIsChangelog))
    .process(fn)
    .name(node.timeKind === 'event' ? 'TemporalJoin' : 'ProcTimeTemporalJoin');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainTemporalJoinLogical(node: LogicalTemporalJoin): string {
  return `LogicalTemporalJoin(joinType=[${node.joinType}], condition=[${formatRex(node.condition)}], asOf=[${node.leftTime}])`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainTemporalJoinPhysical(node: PhysicalTemporalJoin, mode: string): string {
  if (node.lookup !== undefined) return explainLookupJoinPhysical(node, node.lookup, mode);
  const keys = node.leftKeys.map((k, i) => `${k}=${node.rightKeys[i]}`).join(', ');
  const residual = node.residual === undefined ? '' : `, where=[${formatRex(node.residual)}]`;
  const time =
    node.timeKind === 'event'
      ? `rowtime=[${node.leftTime}, ${node.rightTime}]`
      : `proctime=[${node.leftTime}]`;
  return `TemporalJoin(joinType=[${node.joinType}], key=[${keys}]${residual}, ${time}, select=[${node.columns.map((c) => c.name).join(', ')}], ${mode})`;
}
