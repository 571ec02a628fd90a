/**
 * Temporal sort: physical planning (insert-only input only, as Flink), DataStream translation
 * (keyed by nothing, then the sort function of `src/sql/runtime/sort/`) and EXPLAIN lines in
 * Flink's wording, `TemporalSort(orderBy=[rowtime ASC, b ASC])`.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { unsupported } from '../../errors.js';
import { columnsKey } from '../../runtime/compact-keys.js';
import { ProcTimeSortFunction, RowTimeSortFunction } from '../../runtime/sort/temporal-sort-function.js';
import type { SortKey } from '../over/over-nodes.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalTemporalSort, PhysicalTemporalSort } from './sort-nodes.js';

/** The physical plan of a temporal sort; refuses an updating input, which has no time order. */
export function toPhysicalTemporalSort(node: LogicalTemporalSort, recurse: PhysicalPlanner): PhysicalNode {
  const input = recurse(node.input);
  if (input.changelogMode !== 'insert-only')
    throw unsupported(
      undefined,
      `ORDER BY a time attribute over an updating input (${input.changelogMode} changes)`,
      'sort an insert-only table, or add LIMIT n for a Top-N',
    );
  const time = node.input.columns.find((c) => c.name === node.orderBy[0]!.column);
  const plan: PhysicalTemporalSort = {
    kind: 'temporalSort',
    input,
    orderBy: node.orderBy,
    proctime: time?.type.proctime === true,
    columns: node.columns,
    changelogMode: 'insert-only',
  };
  return Object.freeze(plan);
}

/** The DataStream operators of a physical temporal sort. */
export function translateTemporalSort(
  node: PhysicalTemporalSort,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  const others = node.orderBy.slice(1);
  return recurse(node.input)
    .keyBy(columnsKey([]))
    .process(
      node.proctime
        ? new ProcTimeSortFunction(others)
        : new RowTimeSortFunction(node.orderBy[0]!.column, others),
    )
    .name('TemporalSort');
}

const orderText = (keys: readonly SortKey[]) =>
  keys.map((k) => `${k.column} ${k.descending ? 'DESC' : 'ASC'}`).join(', ');

/** The node's line in EXPLAIN's logical plans. */
export function explainTemporalSortLogical(node: LogicalTemporalSort): string {
  return `LogicalSort(orderBy=[${orderText(node.orderBy)}])`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainTemporalSortPhysical(node: PhysicalTemporalSort, mode: string): string {
  return `TemporalSort(orderBy=[${orderText(node.orderBy)}], ${mode})`;
}
