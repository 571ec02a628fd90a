/**
 * The steps that combine a table with another or with a table function: joins, lateral joins
 * and set operations. A join's tables must not share a column name, since the Table API reads
 * columns by name alone.
 */
import { reading } from './column-steps.js';
import { tableApiError } from './errors.js';
import type { Expression } from './expression.js';
import { type TableExpression, tableExpression as expression } from './expressions.js';
import { type JoinType, joined, lateralJoined, setOperation } from './query-shape.js';
import { collectingSubqueries, renderExpression } from './render.js';
import { quoteIdentifier } from './sql-text.js';
import type { UnnamedTables } from './plan-builder.js';
import { type Step, type TableQuery, withUnnamed } from './table-query.js';

/** Two queries made one. */
export type Combine = (left: TableQuery, right: TableQuery) => TableQuery;

/** A join of tables with these columns, `ON condition` (a comma join without one). */
export function joinStep(
  op: string,
  type: JoinType,
  leftColumns: readonly string[],
  rightColumns: readonly string[],
  condition?: TableExpression,
): Combine {
  const right = new Set(rightColumns);
  const shared = leftColumns.filter((c) => right.has(c));
  if (shared.length > 0)
    throw tableApiError(
      op,
      `both tables have columns named ${shared.join(', ')}; rename one side's with as(…) or renameColumns(…)`,
    );
  return (l, r) => {
    const [shape, read] = collectingSubqueries(() => {
      const cond = condition === undefined ? undefined : renderExpression(expression(condition), { op });
      return joined(l.shape, r.shape, type, cond);
    });
    return { shape, unnamed: withUnnamed(l.unnamed, r.unnamed, read as UnnamedTables) };
  };
}

/** `left op right` for UNION, INTERSECT, EXCEPT and their ALL forms. */
export function setStep(sqlOp: string): Combine {
  return (l, r) => ({
    shape: setOperation(l.shape, r.shape, sqlOp),
    unnamed: withUnnamed(l.unnamed, r.unnamed),
  });
}

/**
 * `joinLateral(call.as(names…), condition)`: each row with the rows a table function gives for
 * it, as `FROM t, LATERAL TABLE(…) AS T(names…)` or a `[LEFT] JOIN LATERAL TABLE(…) ON …`.
 */
export function lateralStep(
  op: string,
  type: 'INNER' | 'LEFT',
  tableFunctionCall: Expression,
  columns: readonly string[],
  condition?: TableExpression,
): Step {
  const ctx = reading({ op }, columns);
  const node = tableFunctionCall.node;
  const fn = node.kind === 'alias' ? node.inner : tableFunctionCall;
  if (fn.node.kind !== 'call')
    throw tableApiError(
      op,
      `takes a table function's call: call('split', $('text')).as('word'), not ${String(fn)}`,
    );
  const names = node.kind === 'alias' ? [node.name, ...node.more] : [];
  // The alias only names the function's columns: the Table API has no qualifiers.
  const alias = names.length === 0 ? '' : ` AS \`T\`(${names.map(quoteIdentifier).join(', ')})`;
  return (q) => {
    const cond = condition === undefined ? undefined : renderExpression(expression(condition), { op });
    return lateralJoined(q.shape, `LATERAL TABLE(${renderExpression(fn, ctx)})${alias}`, type, cond);
  };
}
