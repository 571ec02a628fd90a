/**
 * `ORDER BY … LIMIT n [OFFSET m]` on a streaming query: a global Top-N, planned as a
 * {@link LogicalRank} without partition keys and without the rank column, so its result updates
 * as rows enter and leave the first n (a retract changelog). `LIMIT n` alone keeps the first n
 * rows to arrive. ORDER BY without LIMIT would have to re-sort an unbounded result and is
 * refused, as Flink refuses it on non-time columns.
 *
 * Order keys name the result's columns, or columns of the select's input that the select list
 * leaves out; the latter resolve by the input's own column names (a table's columns), not by
 * aliases given in FROM, which the plan no longer carries at this point.
 */
import type { Expr, Query } from '../../parser/ast.js';
import { isInteger } from '../../catalog/types.js';
import { unsupported, validationError } from '../../errors.js';
import { typeExpression } from '../../expressions/typer.js';
import type { LogicalNode } from '../logical.js';
import { ColumnScope, scopeOf } from '../scope.js';
import { orderKeysOver, withoutOrderColumns } from './order-keys.js';
import type { LogicalRank } from './over-nodes.js';

/** The plan of a query's ORDER BY, LIMIT and OFFSET over its body's plan `body`. */
export function buildOrderByLimit(q: Query, body: LogicalNode): LogicalNode {
  if (q.orderBy.length === 0 && q.limit === undefined && q.offset === undefined) return body;
  if (q.limit === undefined)
    throw unsupported(
      q.orderBy[0]?.pos ?? q.offset!.pos,
      q.orderBy.length > 0 ? 'ORDER BY without LIMIT on a streaming query' : 'OFFSET without LIMIT',
      'add LIMIT n to keep the first n rows in that order',
    );
  const limit = constant(q.limit, 'LIMIT');
  const offset = q.offset === undefined ? 0 : constant(q.offset, 'OFFSET');
  // Order keys that are expressions are computed into columns first, and dropped again after:
  // over the result's columns, or over the select's input for columns it does not select.
  const outer = new ColumnScope(scopeOf(body.columns));
  const inner = body.kind === 'project' ? new ColumnScope(scopeOf(body.input.columns)) : undefined;
  const { input, orderBy } = orderKeysOver(q, body, outer, inner);
  const rank: LogicalRank = Object.freeze({
    kind: 'rank',
    input,
    partitionKeys: [],
    orderBy,
    rankType: 'ROW_NUMBER',
    rankStart: offset + 1,
    rankEnd: offset + limit,
    columns: input.columns,
  });
  return withoutOrderColumns(rank, input, body);
}

/** The value of a LIMIT or OFFSET: a non-negative integer literal. */
function constant(expr: Expr, clause: string): number {
  const rex = typeExpression(expr, new ColumnScope([]));
  if (rex.kind !== 'literal' || !isInteger(rex.type) || typeof rex.value !== 'number' || rex.value < 0)
    throw validationError(expr.pos, `${clause} needs a non-negative integer literal`);
  return rex.value;
}
