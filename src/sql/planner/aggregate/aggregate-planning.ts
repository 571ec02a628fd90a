/**
 * Group aggregation: physical planning, DataStream translation and EXPLAIN lines.
 *
 * A group aggregate keys its input by the group keys (a global aggregate by one constant key,
 * so it runs on one subtask) and keeps each group's accumulators in keyed state. Its output is
 * a retract changelog, except SELECT DISTINCT over an insert-only input, whose groups never
 * change once they exist and so are plain inserts. It takes insert-only and retract input; an
 * upsert input lacks the old row an update replaces, so it is refused at planning time.
 */
import type { DataStream } from '../../../api/data-stream.js';
import { formatAggregateCall } from '../../aggregates/aggregate-function.js';
import { GroupAggregateFunction } from '../../aggregates/group-aggregate-function.js';
import { unsupported, validationError } from '../../errors.js';
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../changelog.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { AggregateLogicalNode, AggregatePhysicalNode } from './aggregate-nodes.js';

/** The physical plan of a GROUP BY aggregation node. */
export function toPhysicalAggregate(node: AggregateLogicalNode, recurse: PhysicalPlanner): PhysicalNode {
  const input = recurse(node.input);
  if (input.changelogMode === 'upsert')
    throw unsupported(
      node.calls[0]?.pos,
      'GROUP BY over an upsert changelog (updates without their old rows)',
      'aggregate a retract changelog or an insert-only table',
    );
  if (input.changelogMode === 'retract')
    for (const call of node.calls)
      if (!call.definition.retractable)
        throw validationError(
          call.pos,
          `aggregate function ${call.fn} cannot retract rows, but its input is updated; aggregate an insert-only table or implement retract`,
        );
  const changelogMode =
    node.calls.length === 0 && input.changelogMode === 'insert-only' ? 'insert-only' : 'retract';
  return Object.freeze({
    kind: 'groupAggregate',
    input,
    groupKeys: node.groupKeys,
    calls: node.calls,
    columns: node.columns,
    changelogMode,
  });
}

/** The key of a row: none (global aggregate), one column's value, or an array of them. */
function keySelector(keys: readonly string[], changelog: boolean): (element: unknown) => unknown {
  const rowOf = changelog ? (e: unknown) => (e as ChangelogRow).row : (e: unknown) => e as Row;
  if (keys.length === 0) return () => 0;
  if (keys.length === 1) {
    const key = keys[0]!;
    return (e) => rowOf(e)[key] ?? null;
  }
  return (e) => {
    const row = rowOf(e);
    return keys.map((k) => row[k] ?? null);
  };
}

/** The DataStream operators of a physical GROUP BY aggregation node. */
export function translateAggregate(
  node: AggregatePhysicalNode,
  ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  void ctx;
  const input = recurse(node.input) as unknown as DataStream<unknown>;
  const changelogInput = node.input.changelogMode !== 'insert-only';
  return input
    .keyBy(keySelector(node.groupKeys, changelogInput))
    .process(
      new GroupAggregateFunction({
        groupKeys: node.groupKeys,
        calls: node.calls,
        changelogInput,
        insertOnlyOutput: node.changelogMode === 'insert-only',
      }),
    )
    .name('GroupAggregate') as unknown as DataStream<Row>;
}

const selectText = (node: AggregateLogicalNode | AggregatePhysicalNode) =>
  [...node.groupKeys, ...node.calls.map(formatAggregateCall)].join(', ');
const groupText = (node: AggregateLogicalNode | AggregatePhysicalNode) =>
  node.groupKeys.length === 0 ? '' : `groupBy=[${node.groupKeys.join(', ')}], `;

/** The node's line in EXPLAIN's logical plans: `LogicalAggregate(group=[a], select=[a, COUNT(*) AS cnt])`. */
export function explainAggregateLogical(node: AggregateLogicalNode): string {
  return `LogicalAggregate(group=[${node.groupKeys.join(', ')}], select=[${selectText(node)}])`;
}

/** The node's line in EXPLAIN's physical plan, as Flink's `GroupAggregate(groupBy=[a], select=[…], changelogMode=[…])`. */
export function explainAggregatePhysical(node: AggregatePhysicalNode, mode: string): string {
  return `GroupAggregate(${groupText(node)}select=[${selectText(node)}], ${mode})`;
}
