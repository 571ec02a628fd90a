/**
 * The steps of Flink's row-based operations (`map`, `flatMap`, `aggregate`, `flatAggregate`,
 * grouped and windowed): a function's call selected under one internal column, then its ROW
 * result read field by field, or the ARRAY of a table aggregate's rows unnested (see
 * `row-based.ts` for the checks of the call and the columns it gives).
 */
import type { LogicalNode } from '../planner/logical.js';
import { checkUnique, columnItems, expanded, reading, selectItems } from './column-steps.js';
import type { Expression } from './expression.js';
import { $, type TableExpression } from './expressions.js';
import { lateralJoined, withItems } from './query-shape.js';
import { type GroupWindowSql, renderExpression, renderItem, type WindowColumns } from './render.js';
import { emittedColumns, ROW_COLUMN, rowFieldItems } from './row-based.js';
import { quoteIdentifier } from './sql-text.js';
import type { Step } from './table-query.js';

/** The name a flatMap's table function is known by in its SQL; `$` keeps it from any table's name. */
const FUNCTION_ALIAS = '$function';

/** The hidden columns a windowed aggregate keeps its window's start and end in. */
const WINDOW_START = '$window_start';
const WINDOW_END = '$window_end';

/** The output columns of a plan, with their types. */
type Columns = LogicalNode['columns'];

/** `map(call)`: the scalar function's value under the internal column, before {@link expandRowStep}. */
export function mapStep(call: Expression, columns: readonly string[]): Step {
  const ctx = reading({ op: 'map' }, columns);
  return (q) => withItems(q.shape, [{ sql: renderExpression(call, ctx), alias: ROW_COLUMN }]);
}

/** `flatMap(call)`: `SELECT T.* FROM t, LATERAL TABLE(call) AS T(names…)`. */
export function flatMapStep(call: Expression, names: readonly string[], columns: readonly string[]): Step {
  const ctx = reading({ op: 'flatMap' }, columns);
  const fn = quoteIdentifier(FUNCTION_ALIAS);
  const named = names.length === 0 ? '' : `(${names.map(quoteIdentifier).join(', ')})`;
  return (q) =>
    withItems(
      lateralJoined(q.shape, `LATERAL TABLE(${renderExpression(call, ctx)}) AS ${fn}${named}`, 'INNER'),
      [{ sql: `${fn}.*` }],
    );
}

/** `SELECT keys…, call AS $row FROM … GROUP BY keys…`. */
export function groupedCallStep(
  op: string,
  keys: readonly TableExpression[],
  call: Expression,
  columns: readonly string[],
): Step {
  const ctx = reading({ op }, columns);
  return (q) => {
    const keyExpressions = expanded(keys, columns, op);
    const items = [
      ...keyExpressions.map((k) => renderItem(k, ctx)),
      { sql: renderExpression(call, ctx), alias: ROW_COLUMN },
    ];
    return withItems(
      q.shape,
      items,
      keyExpressions.map((k) => renderExpression(k, ctx)),
    );
  };
}

/**
 * A windowed `aggregate` or `flatAggregate`: the keys but the window, the window's start and end
 * in hidden columns for the `select` after it, and the call, grouped by the window and keys.
 */
export function windowAggregateStep(
  op: string,
  window: GroupWindowSql,
  keys: readonly TableExpression[],
  call: Expression,
  columns: readonly string[],
): { step: Step; window: WindowColumns } {
  const ctx = reading({ op, groupWindow: window }, columns);
  const keyCtx = { ...ctx, windowKey: true };
  const step: Step = (q) => {
    const keyExpressions = expanded(keys, columns, op);
    const isWindow = (k: Expression) =>
      k.node.kind === 'column' && k.node.path.length === 1 && k.node.path[0] === window.alias;
    const items = [
      ...keyExpressions.filter((k) => !isWindow(k)).map((k) => renderItem(k, ctx)),
      { sql: `${window.fn}_START(${window.args})`, alias: WINDOW_START },
      { sql: `${window.fn}_END(${window.args})`, alias: WINDOW_END },
      { sql: renderExpression(call, ctx), alias: ROW_COLUMN },
    ];
    return withItems(
      q.shape,
      items,
      keyExpressions.map((k) => renderExpression(k, keyCtx)),
    );
  };
  return { step, window: { alias: window.alias, start: WINDOW_START, end: WINDOW_END } };
}

/** `select(fields)` after a windowed aggregate: its window's bounds read, `*` without them. */
export function windowAggregatedSelectStep(
  fields: readonly TableExpression[],
  window: WindowColumns,
  columns: readonly string[],
): Step {
  const visible = columns.filter((c) => c !== window.start && c !== window.end);
  const starred = fields.flatMap((f) => {
    const star = typeof f === 'string' ? f.trim() === '*' : f.node.kind === 'star';
    return star ? visible.map((c) => $(c)) : [f];
  });
  return (q) => withItems(q.shape, selectItems(starred, columns, { op: 'select', windowColumns: window }));
}

/** The input with its last column, a function's result, read as the columns of its fields. */
export function expandRowStep(op: string, names: readonly string[], columns: Columns): Step {
  const kept = columns.slice(0, -1).map((c) => c.name);
  const fields = rowFieldItems(op, columns.at(-1)!.type, names);
  checkUnique(op, [...kept, ...fields.map((f) => f.alias!)]);
  return (q) => withItems(q.shape, [...columnItems(kept), ...fields]);
}

/** The input with its last column, an ARRAY of a table aggregate's rows, unnested into rows. */
export function expandRowsStep(op: string, names: readonly string[], columns: Columns): Step {
  const kept = columns.slice(0, -1).map((c) => c.name);
  const emitted = emittedColumns(op, columns.at(-1)!.type, names);
  checkUnique(op, [...kept, ...emitted]);
  const unnest = `UNNEST(${quoteIdentifier(ROW_COLUMN)}) AS ${quoteIdentifier(FUNCTION_ALIAS)}(${emitted.map(quoteIdentifier).join(', ')})`;
  return (q) => withItems(lateralJoined(q.shape, unnest, 'INNER'), columnItems([...kept, ...emitted]));
}
