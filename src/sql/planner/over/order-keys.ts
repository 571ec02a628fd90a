/**
 * The sort keys of a query's ORDER BY over its body's plan, shared by Top-N (`ORDER BY … LIMIT`)
 * and the temporal sort. Keys that are expressions are computed into `$order<i>` columns under the
 * sorting node, over the result's columns, or over the select's input for columns the select list
 * leaves out; the caller projects them away again above it ({@link withoutOrderColumns}).
 */
import type { Query } from '../../parser/ast.js';
import { field, type Rex } from '../../expressions/rex.js';
import { typeExpression } from '../../expressions/typer.js';
import { type LogicalNode, project } from '../logical.js';
import type { ColumnScope } from '../scope.js';
import type { SortKey } from './over-nodes.js';

/** `body` widened with the computed key columns, and the keys over it. */
export interface OrderKeys {
  readonly input: LogicalNode;
  readonly orderBy: SortKey[];
}

/**
 * The keys of `q.orderBy` typed over `outer` (the result's columns) or else `inner` (the select's
 * input, when the body is a projection), and the input that carries the computed ones.
 */
export function orderKeysOver(
  q: Query,
  body: LogicalNode,
  outer: ColumnScope,
  inner: ColumnScope | undefined,
): OrderKeys {
  const above: { name: string; rex: Rex }[] = [];
  const below: { name: string; rex: Rex }[] = [];
  const orderBy: SortKey[] = q.orderBy.map((item, i) => {
    const name = `$order${i}`;
    let column = name;
    try {
      const rex = typeExpression(item.expr, outer);
      if (rex.kind === 'field') column = rex.name;
      else above.push({ name, rex });
    } catch (error) {
      if (inner === undefined) throw error;
      below.push({ name, rex: typeExpression(item.expr, inner) });
    }
    return { column, descending: item.descending, nullsFirst: item.nullsFirst ?? !item.descending };
  });
  let input = body;
  if (below.length > 0 && body.kind === 'project')
    input = project(body.input, [...body.projections, ...below]);
  if (above.length > 0)
    input = project(input, [
      ...input.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
      ...above,
    ]);
  return { input, orderBy };
}

/** `sorted` projected back to `body`'s columns when key columns were added under it. */
export function withoutOrderColumns(sorted: LogicalNode, input: LogicalNode, body: LogicalNode): LogicalNode {
  if (input === body) return sorted;
  return project(
    sorted,
    body.columns.map((c) => ({ name: c.name, rex: field(c.name, c.type) })),
  );
}
