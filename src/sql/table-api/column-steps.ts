/**
 * The steps of the Table API operations that compute, rename, drop and filter columns
 * (`select`, `where`, `as`, `addColumns`, `dropColumns`, `renameColumns`, `orderBy`, a grouped
 * `select`): each is checked against its input's columns and written as the clause it adds.
 */
import { expandColumnSets } from './column-sets.js';
import { tableApiError } from './errors.js';
import type { Expression } from './expression.js';
import { type TableExpression, tableExpression as expression } from './expressions.js';
import { withItems, withNames, withOrder, withWhere } from './query-shape.js';
import {
  itemName,
  type RenderContext,
  type RenderedItem,
  renderExpression,
  renderItem,
  renderOrderKey,
} from './render.js';
import { quoteIdentifier } from './sql-text.js';
import type { Step } from './table-query.js';

/** `ctx` with the input's columns, for the column sets of call arguments. */
export function reading(ctx: RenderContext, columns: readonly string[]): RenderContext {
  return { ...ctx, columns };
}

/** The fields as expressions, each `withColumns(…)` replaced by the columns it picks. */
export function expanded(
  fields: readonly TableExpression[],
  columns: readonly string[],
  op: string,
): Expression[] {
  return expandColumnSets(fields.map(expression), columns, op);
}

/** The select list of `fields` over `columns`. */
export function selectItems(
  fields: readonly TableExpression[],
  columns: readonly string[],
  ctx: RenderContext,
): RenderedItem[] {
  if (fields.length === 0) throw tableApiError(ctx.op, 'select at least one column');
  const read = reading(ctx, columns);
  return expanded(fields, columns, ctx.op).map((e) => renderItem(e, read));
}

/** `select(fields)`, in the context `ctx` (plain, over windows, after a windowed aggregate). */
export function selectStep(
  fields: readonly TableExpression[],
  columns: readonly string[],
  ctx: RenderContext,
): Step {
  return (q) => withItems(q.shape, selectItems(fields, columns, ctx));
}

/** `groupBy(keys).select(fields)`, in a window's context for a windowed table. */
export function groupedSelectStep(
  keys: readonly TableExpression[],
  fields: readonly TableExpression[],
  columns: readonly string[],
  ctx: RenderContext,
): Step {
  const keyCtx = reading({ ...ctx, windowKey: true }, columns);
  return (q) => {
    const groupBy = expanded(keys, columns, ctx.op).map((k) => renderExpression(k, keyCtx));
    return withItems(q.shape, selectItems(fields, columns, ctx), groupBy);
  };
}

/** `where(predicate)` or `filter(predicate)`. */
export function filterStep(op: string, predicate: TableExpression, columns: readonly string[]): Step {
  return (q) => withWhere(q.shape, renderExpression(expression(predicate), reading({ op }, columns)));
}

/** `orderBy(fields)`. */
export function orderStep(fields: readonly TableExpression[], columns: readonly string[]): Step {
  const ctx = reading({ op: 'orderBy' }, columns);
  return (q) =>
    withOrder(
      q.shape,
      fields.map((f) => renderOrderKey(expression(f), ctx)),
    );
}

/** `as(names…)`: the first columns renamed. */
export function asStep(names: readonly string[], columns: readonly string[]): Step {
  if (names.length > columns.length)
    throw tableApiError(
      'as',
      `${names.length} names given for ${columns.length} columns (${columns.join(', ')})`,
    );
  const renamed = columns.map((c, i) => names[i] ?? c);
  checkUnique('as', renamed);
  return (q) => withNames(q.shape, columns, renamed);
}

/** `addColumns(fields)`: computed columns at the end, none named as an existing one. */
export function addColumnsStep(fields: readonly TableExpression[], columns: readonly string[]): Step {
  const ctx = reading({ op: 'addColumns' }, columns);
  const added = expanded(fields, columns, ctx.op);
  for (const e of added) {
    const name = itemName(e);
    if (name !== undefined && columns.includes(name))
      throw tableApiError(
        'addColumns',
        `column '${name}' exists already; use addOrReplaceColumns to replace it, or as('…') for another name`,
      );
  }
  return (q) => withItems(q.shape, [...columnItems(columns), ...added.map((e) => renderItem(e, ctx))]);
}

/** `addOrReplaceColumns(fields)`: a field named as an existing column takes its place. */
export function addOrReplaceColumnsStep(
  fields: readonly TableExpression[],
  columns: readonly string[],
): Step {
  const ctx = reading({ op: 'addOrReplaceColumns' }, columns);
  return (q) => {
    const replacements = new Map<string, RenderedItem>();
    const appended: RenderedItem[] = [];
    for (const e of expanded(fields, columns, ctx.op)) {
      const name = itemName(e);
      const item = renderItem(e, ctx);
      if (name !== undefined && columns.includes(name))
        replacements.set(name, { sql: item.sql, alias: name });
      else appended.push(item);
    }
    const items = columns.map((c) => replacements.get(c) ?? { sql: quoteIdentifier(c) });
    return withItems(q.shape, [...items, ...appended]);
  };
}

/** `dropColumns(fields)`: the columns left, at least one. */
export function dropColumnsStep(fields: readonly TableExpression[], columns: readonly string[]): Step {
  const picked = expanded(fields, columns, 'dropColumns');
  const dropped = new Set(picked.map((f) => columnOf('dropColumns', f, columns)));
  const kept = columns.filter((c) => !dropped.has(c));
  if (kept.length === 0) throw tableApiError('dropColumns', 'a table keeps at least one column');
  return (q) => withItems(q.shape, columnItems(kept));
}

/** `renameColumns($('a').as('x'), …)`. */
export function renameColumnsStep(fields: readonly Expression[], columns: readonly string[]): Step {
  const renames = new Map<string, string>();
  for (const f of fields) {
    if (f.node.kind !== 'alias')
      throw tableApiError('renameColumns', `give each column its new name: $('a').as('x'), not ${String(f)}`);
    renames.set(columnOf('renameColumns', f.node.inner, columns), f.node.name);
  }
  const renamed = columns.map((c) => renames.get(c) ?? c);
  checkUnique('renameColumns', renamed);
  return (q) => withNames(q.shape, columns, renamed);
}

/** The select list of these columns, as they are. */
export function columnItems(columns: readonly string[]): RenderedItem[] {
  return columns.map((c) => ({ sql: quoteIdentifier(c) }));
}

/** Refuses a list of output columns in which a name appears twice. */
export function checkUnique(op: string, names: readonly string[]): void {
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined)
    throw tableApiError(op, `two columns would be named '${twice}'; names must be unique`);
}

/** Refuses a row count that is not a whole number. */
export function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw tableApiError(op, `takes a whole number of rows, not ${n}`);
}

function columnOf(op: string, field: TableExpression, columns: readonly string[]): string {
  const e = expression(field);
  if (e.node.kind !== 'column' || e.node.path.length !== 1)
    throw tableApiError(op, `name a column: $('a') or 'a', not ${String(e)}`);
  const name = e.node.path[0]!;
  if (!columns.includes(name))
    throw tableApiError(op, `column '${name}' not found; available columns: ${columns.join(', ')}`);
  return name;
}
