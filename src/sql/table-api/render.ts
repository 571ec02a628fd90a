/**
 * Writes Table API expressions as SQL text for one operation. What a name means depends on the
 * operation: in `window(…).groupBy($('w'))` the window alias stands for the group window call
 * (`TUMBLE(ts, INTERVAL '10' MINUTE)`), in its `select` `$('w').start()` is that window's
 * `TUMBLE_START(…)`, and `.over($('o'))` takes the over window `o` of `window(Over…)`.
 */
import { pickColumns } from './column-sets.js';
import { tableApiError } from './errors.js';
import type { Expression } from './expression.js';
import { quoteIdentifier, quotePath } from './sql-text.js';

/** A group window as SQL: `TUMBLE`, `HOP` or `SESSION`, and its arguments' text. */
export interface GroupWindowSql {
  readonly alias: string;
  readonly fn: 'TUMBLE' | 'HOP' | 'SESSION';
  readonly args: string;
}

/** The columns a windowed aggregate keeps its window's bounds in, by the window's alias. */
export interface WindowColumns {
  readonly alias: string;
  readonly start: string;
  readonly end: string;
}

/** What the names of one operation mean. */
export interface RenderContext {
  /** The operation, for errors (`select`, `where`…). */
  readonly op: string;
  readonly groupWindow?: GroupWindowSql;
  /** Set while writing `groupBy`'s keys, where the group window's alias is the window itself. */
  readonly windowKey?: boolean;
  /** The over windows of `window(Over…)` by alias, each as its `(PARTITION BY … )` text. */
  readonly overWindows?: ReadonlyMap<string, string>;
  /**
   * After a windowed `aggregate`/`flatAggregate`: the group window's alias and the columns that
   * hold its bounds, which `$('w').start()` and `.end()` then read.
   */
  readonly windowColumns?: WindowColumns;
  /** The columns of the table the operation reads, for `withColumns(…)` in call arguments. */
  readonly columns?: readonly string[];
}

/**
 * The tables without a catalog name that the subqueries written by the innermost
 * {@link collectingSubqueries} read. Writing SQL is synchronous, so a stack suffices.
 */
const readingSubqueries: Map<string, unknown>[] = [];

/** Runs `fn`, which writes SQL; returns its result and the unnamed tables its subqueries read. */
export function collectingSubqueries<T>(fn: () => T): [T, ReadonlyMap<string, unknown>] {
  const read = new Map<string, unknown>();
  readingSubqueries.push(read);
  try {
    return [fn(), read];
  } finally {
    readingSubqueries.pop();
  }
}

/** A select list item: its SQL and the name `as` gave it. */
export interface RenderedItem {
  readonly sql: string;
  readonly alias?: string;
}

/** The SQL text of an expression in `ctx`. */
export function renderExpression(e: Expression, ctx: RenderContext): string {
  const node = e.node;
  switch (node.kind) {
    case 'column': {
      const window = ctx.groupWindow;
      if (window !== undefined && node.path.length === 1 && node.path[0] === window.alias) {
        if (ctx.windowKey) return `${window.fn}(${window.args})`;
        throw tableApiError(
          ctx.op,
          `the group window '${window.alias}' is read through $('${window.alias}').start(), .end() or .rowtime()`,
        );
      }
      return quotePath(node.path);
    }
    case 'star':
      return '*';
    case 'literal':
      return node.sql;
    case 'sql':
      return node.parts.map((p) => (typeof p === 'string' ? p : renderExpression(p, ctx))).join('');
    case 'call': {
      const args = node.args.map((a) => renderExpression(a, ctx)).join(', ');
      return `${node.fn}(${node.distinct ? 'DISTINCT ' : ''}${args})`;
    }
    case 'over': {
      const name = node.window.node.kind === 'column' ? node.window.node.path.join('.') : undefined;
      const spec = name === undefined ? undefined : ctx.overWindows?.get(name);
      if (spec === undefined)
        throw tableApiError(
          ctx.op,
          `over(${String(node.window)}) names no over window; define it with window(Over.partitionBy(…).orderBy(…).preceding(…).as('${name ?? 'o'}'))`,
        );
      return `${renderExpression(node.call, ctx)} OVER ${spec}`;
    }
    case 'windowProperty': {
      const held = ctx.windowColumns;
      if (held !== undefined && held.alias === node.window) {
        if (node.property === 'START') return quoteIdentifier(held.start);
        if (node.property === 'END') return quoteIdentifier(held.end);
        throw tableApiError(
          ctx.op,
          `after aggregate or flatAggregate, window '${node.window}' gives start() and end(), not rowtime()`,
        );
      }
      const window = ctx.groupWindow;
      if (window === undefined || window.alias !== node.window)
        throw tableApiError(
          ctx.op,
          `$('${node.window}').${node.property.toLowerCase()}() names no group window; define it with window(Tumble.over(…).on(…).as('${node.window}')) and group by it`,
        );
      return `${window.fn}_${node.property}(${window.args})`;
    }
    case 'alias':
      throw tableApiError(
        ctx.op,
        `as('${node.name}') names a column of the result; it cannot stand inside an expression`,
      );
    case 'order':
      throw tableApiError(ctx.op, `asc() and desc() belong in orderBy(…), not in ${ctx.op}`);
    case 'bound':
      throw tableApiError(ctx.op, `${node.sql} bounds an over window: Over…preceding(${String(e)})`);
    case 'columns':
      if (ctx.columns === undefined)
        throw tableApiError(ctx.op, `${String(e)} picks columns of a select list, groupBy or call arguments`);
      return pickColumns(e, ctx.columns, ctx.op).map(quoteIdentifier).join(', ');
    case 'range':
      throw tableApiError(ctx.op, `${String(e)} belongs inside withColumns(…) or withoutColumns(…)`);
    case 'inQuery': {
      const { sql, unnamed } = node.table.subquery();
      const reading = readingSubqueries.at(-1);
      if (reading === undefined) throw tableApiError(ctx.op, 'a subquery is read only by a Table operation');
      for (const [name, plan] of unnamed) reading.set(name, plan);
      return `(${renderExpression(node.operand, ctx)} IN (${sql}))`;
    }
  }
}

/** A select list item: an expression, named when it ends in `as(name)`. */
export function renderItem(e: Expression, ctx: RenderContext): RenderedItem {
  if (e.node.kind === 'alias') {
    if (e.node.more.length > 0)
      throw tableApiError(
        ctx.op,
        `as('${[e.node.name, ...e.node.more].join("', '")}') names a table function's columns in joinLateral; a column takes one name`,
      );
    return { sql: renderExpression(e.node.inner, ctx), alias: e.node.name };
  }
  return { sql: renderExpression(e, ctx) };
}

/** The SQL of a select list item: `expr [AS name]`. */
export function itemSql(item: RenderedItem): string {
  return item.alias === undefined ? item.sql : `${item.sql} AS ${quoteIdentifier(item.alias)}`;
}

/** An ORDER BY key: ascending unless `desc()`. */
export function renderOrderKey(e: Expression, ctx: RenderContext): string {
  if (e.node.kind !== 'order') return renderExpression(e, ctx);
  const nulls = e.node.nulls === undefined ? '' : ` NULLS ${e.node.nulls}`;
  return `${renderExpression(e.node.inner, ctx)} ${e.node.descending ? 'DESC' : 'ASC'}${nulls}`;
}

/** The name of the column an item makes when the SQL layer does not invent one. */
export function itemName(e: Expression): string | undefined {
  if (e.node.kind === 'alias') return e.node.name;
  if (e.node.kind === 'column') return e.node.path[e.node.path.length - 1];
  return undefined;
}
