/**
 * MATCH_RECOGNIZE: physical planning (insert-only input only, as Flink), DataStream translation
 * (keyed by the partition columns, or by nothing, then the operator of `src/sql/runtime/match/`)
 * and EXPLAIN lines in the shape of Flink's Match node.
 */
import type { DataStream } from '../../../api/data-stream.js';
import type { Row } from '../../expressions/compiler.js';
import { fieldsOf } from '../../expressions/rex.js';
import { unsupported } from '../../errors.js';
import { columnsKey } from '../../runtime/compact-keys.js';
import { MatchRecognizeFunction } from '../../runtime/match/match-recognize-function.js';
import type { MatchExpression } from '../../runtime/match/match-spec.js';
import type { PhysicalNode, PhysicalPlanner } from '../physical.js';
import type { QueryTranslator, TranslateContext } from '../translate.js';
import type { LogicalMatch, PhysicalMatch } from './match-nodes.js';

/** The physical plan of a match; refuses an updating input, which has no order of rows to match. */
export function toPhysicalMatch(node: LogicalMatch, recurse: PhysicalPlanner): PhysicalNode {
  const input = recurse(node.input);
  if (input.changelogMode !== 'insert-only')
    throw unsupported(
      undefined,
      `MATCH_RECOGNIZE over an updating input (${input.changelogMode} changes)`,
      'match over an insert-only table or view',
    );
  const plan: PhysicalMatch = {
    kind: 'match',
    input,
    spec: node.spec,
    orderBy: node.orderBy,
    text: node.text,
    columns: node.columns,
    changelogMode: 'insert-only',
  };
  return Object.freeze(plan);
}

/** The DataStream operators of a physical match. */
export function translateMatch(
  node: PhysicalMatch,
  _ctx: TranslateContext,
  recurse: QueryTranslator,
): DataStream<Row> {
  return recurse(node.input)
    .keyBy(columnsKey(node.spec.partitionKeys))
    .process(new MatchRecognizeFunction(node.spec))
    .name('Match');
}

/** The input columns a match reads: partition and order keys, and every column its expressions read. */
export function matchInputColumns(node: LogicalMatch): Set<string> {
  const need = new Set<string>([...node.spec.partitionKeys, ...node.orderBy.map((k) => k.column)]);
  const add = (expr: MatchExpression | undefined) => {
    for (const nav of expr?.navigations ?? []) {
      if (nav.kind === 'aggregate') for (const a of nav.args) fieldsOf(a, need);
      else if (nav.kind === 'matchRowtime') need.add(nav.column);
      else fieldsOf(nav.value, need);
    }
  };
  node.spec.defines.forEach(add);
  for (const m of node.spec.measures) add(m.expr);
  return need;
}

function matchText(node: LogicalMatch | PhysicalMatch): string {
  const { spec, text } = node;
  const order = node.orderBy.map((k) => `${k.column} ${k.descending ? 'DESC' : 'ASC'}`).join(', ');
  return [
    `partitionBy=[${spec.partitionKeys.join(', ')}]`,
    `orderBy=[${order}]`,
    `measures=[${text.measures.join(', ')}]`,
    'rowsPerMatch=[ONE ROW PER MATCH]',
    `after=[${text.after}]`,
    `pattern=[${text.pattern}]`,
    ...(text.within === undefined ? [] : [`within=[${text.within}]`]),
    `define=[${text.define.join(', ')}]`,
  ].join(', ');
}

/** The node's line in EXPLAIN's logical plans. */
export function explainMatchLogical(node: LogicalMatch): string {
  return `LogicalMatch(${matchText(node)})`;
}

/** The node's line in EXPLAIN's physical plan; `mode` is the changelogMode=[…] text. */
export function explainMatchPhysical(node: PhysicalMatch, mode: string): string {
  return `Match(${matchText(node)}, ${mode})`;
}
