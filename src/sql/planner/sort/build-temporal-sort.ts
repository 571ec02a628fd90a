/**
 * The plan of `ORDER BY` without LIMIT or OFFSET on a streaming query whose first order key is a
 * time attribute in ascending order: a {@link LogicalTemporalSort}. Any other ORDER BY without
 * LIMIT is left to `buildOrderByLimit`, which refuses it (as Flink refuses sorting a stream on
 * non-time columns), and so is ORDER BY … LIMIT (Top-N).
 *
 * Order keys after the first may be expressions or columns the select list leaves out; they are
 * computed into `$order<i>` columns under the sort and dropped again above it, as for Top-N.
 */
import type { Query } from '../../parser/ast.js';
import { validationError } from '../../errors.js';
import type { Rex } from '../../expressions/rex.js';
import { typeExpression } from '../../expressions/typer.js';
import type { LogicalNode } from '../logical.js';
import { ColumnScope, scopeOf } from '../scope.js';
import { orderKeysOver, withoutOrderColumns } from '../over/order-keys.js';
import type { LogicalTemporalSort } from './sort-nodes.js';

/**
 * The temporal sort of `q` over its body's plan `body`, or undefined when `q` has LIMIT or
 * OFFSET, or its first order key is not a time attribute column.
 */
export function buildTemporalSort(q: Query, body: LogicalNode): LogicalNode | undefined {
  const first = q.orderBy[0];
  if (first === undefined || q.limit !== undefined || q.offset !== undefined) return undefined;
  const outer = new ColumnScope(scopeOf(body.columns));
  const inner = body.kind === 'project' ? new ColumnScope(scopeOf(body.input.columns)) : undefined;
  // The first key must be a time attribute column, of the result or of the select's input.
  let time: Rex | undefined;
  for (const scope of [outer, inner]) {
    if (time !== undefined || scope === undefined) continue;
    try {
      time = typeExpression(first.expr, scope);
    } catch {}
  }
  if (time?.kind !== 'field' || !(time.type.rowtime === true || time.type.proctime === true))
    return undefined;
  if (first.descending)
    throw validationError(
      first.pos,
      `a streaming ORDER BY without LIMIT must sort its time attribute ${time.name} ascending; drop DESC or add LIMIT n`,
    );
  const { input, orderBy } = orderKeysOver(q, body, outer, inner);
  const sort: LogicalTemporalSort = Object.freeze({
    kind: 'temporalSort',
    input,
    orderBy: Object.freeze(orderBy),
    columns: input.columns,
  });
  return withoutOrderColumns(sort, input, body);
}
