/**
 * `Table`: a query not yet run, as `sqlQuery`, `fromDataStream` and `from` return it. It can be
 * explained, executed, turned into a DataStream or registered as a view, and continued with
 * Flink's relational operations (`select`, `where`, `groupBy`, `window`, `join`, `union`,
 * `orderBy`…), whose arguments are expressions of `table-api/expressions.ts`.
 *
 * Each operation writes the SQL a user would write for the chain so far
 * (`table-api/query-shape.ts`), and the SQL layer plans that text when the table is used, so a
 * Table and its SQL have the same plan, changelog mode and EXPLAIN. So that a mistake still
 * fails at the operation that made it, with the SQL layer's message (`Table API select():
 * column 'x' not found; available columns: a, b`), each operation plans its own step over its
 * input's plan at once: a chain costs about what its SQL costs, not a whole plan per step.
 *
 * @example
 * const revenue = tEnv
 *   .from('orders')
 *   .where($('status').isEqual('paid'))
 *   .groupBy($('customer'))
 *   .select($('customer'), $('amount').sum().as('total'));
 */
import { ErrorCodes, type WeirError } from '../types/errors.js';
import { type Catalog, parsePath } from './catalog/catalog.js';
import { formatType } from './catalog/types.js';
import type { LogicalNode } from './planner/logical.js';
import { expandColumnSets } from './table-api/column-sets.js';
import { tableApiError, withTableApiErrors } from './table-api/errors.js';
import type { Expression } from './table-api/expression.js';
import { $, type TableExpression, tableExpression as expression } from './table-api/expressions.js';
import {
  AggregatedTable,
  GroupedTable,
  GroupWindowedTable,
  OverWindowedTable,
  TablePipeline,
} from './table-api/grouped-tables.js';
import { parseQuery, TableApiPlanBuilder, type UnnamedTables } from './table-api/plan-builder.js';
import {
  type JoinType,
  type QueryShape,
  joined,
  lateralJoined,
  selectFrom,
  setOperation,
  shapeSql,
  withDistinct,
  withFetch,
  withItems,
  withNames,
  withOffset,
  withOrder,
  withWhere,
} from './table-api/query-shape.js';
import {
  collectingSubqueries,
  type GroupWindowSql,
  itemName,
  type RenderContext,
  type RenderedItem,
  renderExpression,
  renderItem,
  renderOrderKey,
  type WindowColumns,
} from './table-api/render.js';
import {
  emittedColumns,
  type FunctionKind,
  functionCallOf,
  ROW_COLUMN,
  rowFieldItems,
} from './table-api/row-based.js';
import { quoteIdentifier, quotePath } from './table-api/sql-text.js';
import type { PlannedInsert } from './table-api/statement-set.js';
import { GroupWindow, OverWindow } from './table-api/windows.js';
import type { ResultColumn, TableResult } from './table-result.js';

/** What a Table needs from its environment. */
export interface TableOwner {
  /** @internal */
  explainTable(plan: LogicalNode): string;
  /** @internal */
  executeTable(plan: LogicalNode): TableResult;
  /** @internal Runs `fn` with the catalog, as the session plans SQL (its functions, its time zone). */
  planTableApi<T>(fn: (catalog: Catalog) => T): T;
  /** @internal The INSERT of `table`'s rows into the table at `path`, checked and planned. */
  planInsertInto(path: string, table: Table): PlannedInsert;
  /** @internal */
  explainInserts(inserts: readonly PlannedInsert[]): string;
  /** @internal */
  executeInserts(inserts: readonly PlannedInsert[]): TableResult;
}

export type { TableExpression };

/** @internal The SQL a Table stands for, and the tables without a catalog name it reads. */
interface TableQuery {
  readonly shape: QueryShape;
  readonly unnamed: UnnamedTables;
}

/**
 * How an operation's table was checked. Planning the whole chain's SQL at each operation would
 * cost the chain's length over again at every step, so each operation plans only its own step,
 * over its input's plan under an internal name, and the chain's SQL is planned once, when the
 * table is used. A step the SQL layer cannot run alone (an ORDER BY a `fetch` may make a Top-N)
 * is deferred: its query over the same input is kept for the next step to extend.
 */
type StepCheck =
  | { readonly kind: 'planned'; readonly plan: LogicalNode }
  | { readonly kind: 'deferred'; readonly query: TableQuery };

/** The internal name a step reads its input's plan by; a join's two inputs get their own. */
const INPUT = '$input';
const LEFT = '$left';
const RIGHT = '$right';

/**
 * The next internal name of a table without one, per environment: a job file run again on a
 * worker thread names its tables the same, so it meets the SQL text it parsed before.
 */
const unnamedCounts = new WeakMap<TableOwner, number>();

/** Plans the query `q` as the Table API operation `op`, its errors named after `op`. */
function planQuery(owner: TableOwner, op: string, q: TableQuery): LogicalNode {
  const sql = shapeSql(q.shape);
  return withTableApiErrors(op, () =>
    owner.planTableApi((catalog) => new TableApiPlanBuilder(catalog, q.unnamed).query(parseQuery(sql))),
  );
}

/** A relational query over tables, views or DataStreams. */
export class Table {
  /** @internal A table of its plan alone, as `sqlQuery` and `fromDataStream` make it. */
  constructor(
    private readonly owner: TableOwner,
    /** The plan of the whole query; for an operation's table, planned on first use. */
    private wholePlan?: LogicalNode,
    /** Set on first use for a table made from a plan alone (see `source`). */
    private query?: TableQuery,
    /** The operation that made the table, and how its step was checked. */
    private readonly made?: { readonly op: string; readonly check: StepCheck },
  ) {}

  /** @internal the logical plan of the table's whole query, as its SQL plans */
  get plan(): LogicalNode {
    if (this.wholePlan === undefined) this.wholePlan = planQuery(this.owner, this.made!.op, this.query!);
    return this.wholePlan;
  }

  /** @internal The table or view at a catalog path, as `TableEnvironment.from` gives it. */
  static fromPath(owner: TableOwner, path: string): Table {
    const parts = withTableApiErrors('from', () => parsePath(path));
    const query = { shape: selectFrom(quotePath(parts), 'table'), unnamed: new Map() };
    return Table.checked(owner, 'from', query, query);
  }

  /**
   * The table of the whole query `query`, whose step, `step` over its inputs' plans, is planned
   * now so that a mistake fails here. An ORDER BY or OFFSET that a stream cannot run alone is
   * deferred: a `fetch` after it may make it a Top-N.
   */
  private static checked(owner: TableOwner, op: string, query: TableQuery, step: TableQuery): Table {
    try {
      const plan = planQuery(owner, op, step);
      // A table's first step (`from`) is its whole query.
      return new Table(owner, step === query ? plan : undefined, query, {
        op,
        check: { kind: 'planned', plan },
      });
    } catch (error) {
      if (op !== 'orderBy' && op !== 'offset') throw error;
      if ((error as WeirError).code !== ErrorCodes.SQL_UNSUPPORTED) throw error;
      return new Table(owner, undefined, query, { op, check: { kind: 'deferred', query: step } });
    }
  }

  /**
   * The query a step over this table extends to be checked: a read of this table's checked plan
   * under the internal name `name`, or a deferred step's own query (which reads `INPUT`; read as
   * another input, such a table is read through its whole query).
   */
  private checkInput(name: string): TableQuery {
    const check = this.made?.check;
    if (check?.kind === 'deferred') return name === INPUT ? check.query : this.source();
    const plan = check === undefined ? this.plan : check.plan;
    return { shape: selectFrom(quoteIdentifier(name), 'table'), unnamed: new Map([[name, plan]]) };
  }

  /** The output columns with their SQL types. */
  getResolvedSchema(): ResultColumn[] {
    return this.plan.columns.map((c) => ({ name: c.name, type: formatType(c.type) }));
  }

  /** The logical, rewritten and physical plans, as EXPLAIN prints them. */
  explain(): string {
    return this.owner.explainTable(this.plan);
  }

  /** Runs the query; `collect()` on the result gathers its rows. */
  execute(): TableResult {
    return this.owner.executeTable(this.plan);
  }

  /**
   * The SQL query this table stands for (a table without a catalog name that it reads appears
   * as `` `$table$n` ``); for a table of `sqlQuery` or `fromDataStream` not yet continued, its
   * columns: `Table(id BIGINT, name STRING)`. Naming such a table here would shift the names
   * later tables get, which a job file rebuilt on a worker thread must reproduce.
   */
  toString(): string {
    if (this.query === undefined)
      return `Table(${this.getResolvedSchema()
        .map((c) => `${c.name} ${c.type}`)
        .join(', ')})`;
    return shapeSql(this.query.shape);
  }

  /** The columns `fields` compute from this table's: `select($('a'), $('b').plus(1).as('c'))`. */
  select(...fields: TableExpression[]): Table {
    const ctx: RenderContext = { op: 'select' };
    return this.next('select', (q) => withItems(q.shape, this.items(fields, ctx)));
  }

  /** The rows for which `predicate` is TRUE. */
  where(predicate: TableExpression): Table {
    return this.filtered('where', predicate);
  }

  /** The same as {@link where}. */
  filter(predicate: TableExpression): Table {
    return this.filtered('filter', predicate);
  }

  /** Renames the columns, the first one first; columns past the names given keep theirs. */
  as(field: string, ...fields: string[]): Table {
    const names = [field, ...fields];
    const columns = this.columnNames();
    if (names.length > columns.length)
      throw tableApiError(
        'as',
        `${names.length} names given for ${columns.length} columns (${columns.join(', ')})`,
      );
    const renamed = columns.map((c, i) => names[i] ?? c);
    checkUnique('as', renamed);
    return this.next('as', (q) => withNames(q.shape, columns, renamed));
  }

  /** Adds computed columns at the end; a name that exists already is an error. */
  addColumns(...fields: TableExpression[]): Table {
    const columns = this.columnNames();
    const ctx = this.reading({ op: 'addColumns' });
    const added = this.expanded(fields, ctx);
    for (const e of added) {
      const name = itemName(e);
      if (name !== undefined && columns.includes(name))
        throw tableApiError(
          'addColumns',
          `column '${name}' exists already; use addOrReplaceColumns to replace it, or as('…') for another name`,
        );
    }
    return this.next('addColumns', (q) =>
      withItems(q.shape, [...columnItems(columns), ...added.map((e) => renderItem(e, ctx))]),
    );
  }

  /** Adds computed columns; one with the name of an existing column takes its place. */
  addOrReplaceColumns(...fields: TableExpression[]): Table {
    const columns = this.columnNames();
    const ctx = this.reading({ op: 'addOrReplaceColumns' });
    return this.next('addOrReplaceColumns', (q) => {
      const replacements = new Map<string, RenderedItem>();
      const appended: RenderedItem[] = [];
      for (const e of this.expanded(fields, ctx)) {
        const name = itemName(e);
        const item = renderItem(e, ctx);
        if (name !== undefined && columns.includes(name))
          replacements.set(name, { sql: item.sql, alias: name });
        else appended.push(item);
      }
      const items = columns.map((c) => replacements.get(c) ?? { sql: quoteIdentifier(c) });
      return withItems(q.shape, [...items, ...appended]);
    });
  }

  /** The table without these columns (`$('a')` or `'a'`). */
  dropColumns(...fields: TableExpression[]): Table {
    const columns = this.columnNames();
    const picked = this.expanded(fields, { op: 'dropColumns' });
    const dropped = new Set(picked.map((f) => this.columnOf('dropColumns', f, columns)));
    const kept = columns.filter((c) => !dropped.has(c));
    if (kept.length === 0) throw tableApiError('dropColumns', 'a table keeps at least one column');
    return this.next('dropColumns', (q) => withItems(q.shape, columnItems(kept)));
  }

  /** Renames columns: `renameColumns($('a').as('x'), $('b').as('y'))`. */
  renameColumns(...fields: Expression[]): Table {
    const columns = this.columnNames();
    const renames = new Map<string, string>();
    for (const f of fields) {
      if (f.node.kind !== 'alias')
        throw tableApiError(
          'renameColumns',
          `give each column its new name: $('a').as('x'), not ${String(f)}`,
        );
      renames.set(this.columnOf('renameColumns', f.node.inner, columns), f.node.name);
    }
    const renamed = columns.map((c) => renames.get(c) ?? c);
    checkUnique('renameColumns', renamed);
    return this.next('renameColumns', (q) => withNames(q.shape, columns, renamed));
  }

  /** The distinct rows; on an unbounded input, an updating table. */
  distinct(): Table {
    return this.next('distinct', (q) => withDistinct(q.shape));
  }

  /** Groups rows by these keys, for a `select` of keys and aggregates. */
  groupBy(...fields: TableExpression[]): GroupedTable {
    if (fields.length === 0)
      throw tableApiError('groupBy', 'name at least one key; select aggregates directly for one group');
    return new GroupedTable(this, fields.map(expression));
  }

  /** A group window (`Tumble`, `Slide`, `Session`) for `groupBy($('w'), …)`. */
  window(window: GroupWindow): GroupWindowedTable;
  /** Over windows (`Over`) for aggregates in `select`: `$('x').sum().over($('o'))`. */
  window(...windows: OverWindow[]): OverWindowedTable;
  window(...windows: (GroupWindow | OverWindow)[]): GroupWindowedTable | OverWindowedTable {
    if (windows.length === 1 && windows[0] instanceof GroupWindow)
      return new GroupWindowedTable(this, windows[0]);
    if (windows.length === 0 || !windows.every((w) => w instanceof OverWindow))
      throw tableApiError('window', 'takes one group window (Tumble, Slide, Session) or over windows (Over)');
    return new OverWindowedTable(this, windows as OverWindow[]);
  }

  /** An inner join; without a condition, every pair, usually narrowed by a `where` after it. */
  join(right: Table, condition?: TableExpression): Table {
    return this.joinWith('join', 'INNER', right, condition);
  }

  /** A left outer join: every row of this table, with NULLs where the right has no match. */
  leftOuterJoin(right: Table, condition: TableExpression): Table {
    return this.joinWith('leftOuterJoin', 'LEFT', right, condition);
  }

  /** A right outer join. */
  rightOuterJoin(right: Table, condition: TableExpression): Table {
    return this.joinWith('rightOuterJoin', 'RIGHT', right, condition);
  }

  /** A full outer join. */
  fullOuterJoin(right: Table, condition: TableExpression): Table {
    return this.joinWith('fullOuterJoin', 'FULL', right, condition);
  }

  /**
   * Each row with every row a table function gives for it (rows it gives none for are dropped):
   * `joinLateral(call('split', $('text')).as('word', 'length'))`, as `FROM t, LATERAL TABLE(…)`.
   */
  joinLateral(tableFunctionCall: Expression, condition?: TableExpression): Table {
    return this.lateralWith('joinLateral', 'INNER', tableFunctionCall, condition);
  }

  /** As {@link joinLateral}, but a row the function gives nothing for is kept, NULLs padding it. */
  leftOuterJoinLateral(tableFunctionCall: Expression, condition?: TableExpression): Table {
    return this.lateralWith('leftOuterJoinLateral', 'LEFT', tableFunctionCall, condition);
  }

  /**
   * Each row as the columns of a scalar function's ROW result (one column `f0` for another
   * type): `map(call('parse', $('line')))`, or `.as('a', 'b')` on the call to name them. As SQL,
   * the function's value is selected and its fields are read from it.
   */
  map(scalarFunctionCall: Expression): Table {
    const { call, names } = this.functionCall('map', scalarFunctionCall, 'scalar');
    const ctx = this.reading({ op: 'map' });
    const mapped = this.next('map', (q) =>
      withItems(q.shape, [{ sql: renderExpression(call, ctx), alias: ROW_COLUMN }]),
    );
    return mapped.expandRow('map', names);
  }

  /**
   * The rows a table function gives for each row, with the function's columns only:
   * `flatMap(call('split', $('s')))`, as `SELECT T.* FROM t, LATERAL TABLE(split(s)) AS T`.
   */
  flatMap(tableFunctionCall: Expression): Table {
    const { call, names } = this.functionCall('flatMap', tableFunctionCall, 'table');
    const ctx = this.reading({ op: 'flatMap' });
    const fn = quoteIdentifier(FUNCTION_ALIAS);
    const columns = names.length === 0 ? '' : `(${names.map(quoteIdentifier).join(', ')})`;
    return this.next('flatMap', (q) =>
      withItems(
        lateralJoined(q.shape, `LATERAL TABLE(${renderExpression(call, ctx)}) AS ${fn}${columns}`, 'INNER'),
        [{ sql: `${fn}.*` }],
      ),
    );
  }

  /**
   * One row of all rows' aggregate: an aggregate function's ROW result expanded into columns,
   * continued by `select`. Grouped: `groupBy($('k')).aggregate(call('agg', $('v')))`.
   */
  aggregate(aggregateFunctionCall: Expression): AggregatedTable {
    return new AggregatedTable(this.aggregateRow('aggregate', [], aggregateFunctionCall));
  }

  /**
   * The rows a table aggregate function (a `TableAggregateFunction`) emits for all rows,
   * continued by `select`; each change retracts the rows it emitted before. Grouped:
   * `groupBy($('k')).flatAggregate(call('top2', $('v')))`.
   */
  flatAggregate(tableAggregateCall: Expression): AggregatedTable {
    return new AggregatedTable(this.flatAggregateRows('flatAggregate', [], tableAggregateCall));
  }

  /** The distinct rows of both tables (SQL's UNION). */
  union(right: Table): Table {
    return this.setWith('union', 'UNION', right);
  }

  /** All rows of both tables (UNION ALL). */
  unionAll(right: Table): Table {
    return this.setWith('unionAll', 'UNION ALL', right);
  }

  /** The distinct rows in both tables (INTERSECT). */
  intersect(right: Table): Table {
    return this.setWith('intersect', 'INTERSECT', right);
  }

  /** Rows in both tables, as often as in both (INTERSECT ALL). */
  intersectAll(right: Table): Table {
    return this.setWith('intersectAll', 'INTERSECT ALL', right);
  }

  /** The distinct rows of this table that the other lacks (EXCEPT). */
  minus(right: Table): Table {
    return this.setWith('minus', 'EXCEPT', right);
  }

  /** Rows of this table not matched by one of the other's (EXCEPT ALL). */
  minusAll(right: Table): Table {
    return this.setWith('minusAll', 'EXCEPT ALL', right);
  }

  /**
   * Orders rows by these keys (`$('a').desc()`); on a stream the first key is an ascending
   * time attribute, or the order comes with a `fetch`/`limit` (a Top-N).
   */
  orderBy(...fields: TableExpression[]): Table {
    const ctx = this.reading({ op: 'orderBy' });
    return this.next('orderBy', (q) =>
      withOrder(
        q.shape,
        fields.map((f) => renderOrderKey(expression(f), ctx)),
      ),
    );
  }

  /** Skips the first `n` rows. */
  offset(n: number): Table {
    checkCount('offset', n);
    return this.next('offset', (q) => withOffset(q.shape, n));
  }

  /** The first `n` rows. */
  fetch(n: number): Table {
    checkCount('fetch', n);
    return this.next('fetch', (q) => withFetch(q.shape, n));
  }

  /** The first `fetch` rows, or `fetch` rows after the first `offset` ones: `limit(offset, fetch)`. */
  limit(fetchOrOffset: number, fetch?: number): Table {
    return fetch === undefined ? this.fetch(fetchOrOffset) : this.offset(fetchOrOffset).fetch(fetch);
  }

  /** Writes the rows into the table at `path`, as `INSERT INTO path SELECT …`, and starts the job. */
  executeInsert(path: string): TableResult {
    return this.insertInto(path).execute();
  }

  /** The INSERT of the rows into the table at `path`, checked now, to run or explain. */
  insertInto(path: string): TablePipeline {
    const insert = withTableApiErrors('insertInto', () => this.owner.planInsertInto(path, this));
    return new TablePipeline(
      () => this.owner.executeInserts([insert]),
      () => this.owner.explainInserts([insert]),
    );
  }

  /** @internal `groupBy(keys).select(fields)`, in a window's context for a windowed table. */
  selectGrouped(
    op: string,
    keys: readonly TableExpression[],
    fields: readonly TableExpression[],
    ctx: RenderContext,
  ): Table {
    const keyCtx = this.reading({ ...ctx, windowKey: true });
    return this.next(op, (q) => {
      const groupBy = this.expanded(keys, keyCtx).map((k) => renderExpression(k, keyCtx));
      return withItems(q.shape, this.items(fields, ctx), groupBy);
    });
  }

  /**
   * @internal `groupBy(keys).aggregate(call)`: the keys' columns, then the fields of the
   * aggregate function's ROW result, as `SELECT k, r.x, r.y FROM (SELECT k, f(v) AS r … GROUP BY k)`.
   */
  aggregateRow(op: string, keys: readonly TableExpression[], aggregateFunctionCall: Expression): Table {
    const { call, names } = this.functionCall(op, aggregateFunctionCall, 'aggregate');
    return this.groupedCall(op, keys, call).expandRow(op, names);
  }

  /**
   * @internal `groupBy(keys).flatAggregate(call)`: the keys' columns with each row of the ARRAY
   * a table aggregate function gives, as `SELECT k, x, y FROM (SELECT k, f(v) AS r … GROUP BY k),
   * UNNEST(r) AS T(x, y)`.
   */
  flatAggregateRows(op: string, keys: readonly TableExpression[], tableAggregateCall: Expression): Table {
    const { call, names } = this.functionCall(op, tableAggregateCall, 'tableAggregate');
    return this.groupedCall(op, keys, call).expandRows(op, names);
  }

  /**
   * @internal `window(w).groupBy($('w'), keys).aggregate(call)` or `.flatAggregate(call)`: as
   * grouped, with the window's start and end kept in hidden columns for the `select` after it.
   */
  windowAggregateRows(
    op: string,
    window: GroupWindowSql,
    keys: readonly TableExpression[],
    fnCall: Expression,
  ): { table: Table; window: WindowColumns } {
    const { call, names } = this.functionCall(
      op,
      fnCall,
      op === 'flatAggregate' ? 'tableAggregate' : 'aggregate',
    );
    const held: WindowColumns = { alias: window.alias, start: WINDOW_START, end: WINDOW_END };
    const ctx = this.reading({ op, groupWindow: window });
    const keyCtx = { ...ctx, windowKey: true };
    const grouped = this.next(op, (q) => {
      const keyExpressions = this.expanded(keys, keyCtx);
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
    });
    const table = op === 'flatAggregate' ? grouped.expandRows(op, names) : grouped.expandRow(op, names);
    return { table, window: held };
  }

  /** @internal `select(fields)` after a windowed aggregate: its window's bounds read, `*` without them. */
  selectWindowAggregated(fields: readonly TableExpression[], window: WindowColumns): Table {
    const visible = this.columnNames().filter((c) => c !== window.start && c !== window.end);
    const expanded = fields.flatMap((f) => {
      const star = typeof f === 'string' ? f.trim() === '*' : f.node.kind === 'star';
      return star ? visible.map((c) => $(c)) : [f];
    });
    return this.next('select', (q) =>
      withItems(q.shape, this.items(expanded, { op: 'select', windowColumns: window })),
    );
  }

  /** @internal `select(fields)` in the context of over windows. */
  selectOver(fields: readonly TableExpression[], ctx: RenderContext): Table {
    return this.next('select', (q) => withItems(q.shape, this.items(fields, ctx)));
  }

  /** The call a row-based operation takes, checked to be of a function of kind `kind`. */
  private functionCall(op: string, e: Expression, kind: FunctionKind) {
    return functionCallOf(op, e, kind, (name) =>
      this.owner.planTableApi(({ functions }): FunctionKind | undefined => {
        const catalogKind = functions.kindOf(name);
        // The catalog holds a table aggregate function as an aggregate function (SQL runs it so).
        return catalogKind === 'aggregate' && functions.isTableAggregate(name)
          ? 'tableAggregate'
          : catalogKind;
      }),
    );
  }

  /** `SELECT keys…, call AS $row FROM … GROUP BY keys…`. */
  private groupedCall(op: string, keys: readonly TableExpression[], call: Expression): Table {
    const ctx = this.reading({ op });
    return this.next(op, (q) => {
      const keyExpressions = this.expanded(keys, ctx);
      const items = [
        ...keyExpressions.map((k) => renderItem(k, ctx)),
        { sql: renderExpression(call, ctx), alias: ROW_COLUMN },
      ];
      return withItems(
        q.shape,
        items,
        keyExpressions.map((k) => renderExpression(k, ctx)),
      );
    });
  }

  /** This table with its last column, an ARRAY of a table aggregate's rows, unnested into rows. */
  private expandRows(op: string, names: readonly string[]): Table {
    const columns = this.columns();
    const kept = columns.slice(0, -1).map((c) => c.name);
    const emitted = emittedColumns(op, columns.at(-1)!.type, names);
    checkUnique(op, [...kept, ...emitted]);
    const unnest = `UNNEST(${quoteIdentifier(ROW_COLUMN)}) AS ${quoteIdentifier(FUNCTION_ALIAS)}(${emitted.map(quoteIdentifier).join(', ')})`;
    return this.next(op, (q) =>
      withItems(lateralJoined(q.shape, unnest, 'INNER'), columnItems([...kept, ...emitted])),
    );
  }

  /** This table with its last column, a function's result, read as the columns of its fields. */
  private expandRow(op: string, names: readonly string[]): Table {
    const columns = this.columns();
    const kept = columns.slice(0, -1).map((c) => c.name);
    const fields = rowFieldItems(op, columns.at(-1)!.type, names);
    checkUnique(op, [...kept, ...fields.map((f) => f.alias!)]);
    return this.next(op, (q) => withItems(q.shape, [...columnItems(kept), ...fields]));
  }

  private filtered(op: string, predicate: TableExpression): Table {
    return this.next(op, (q) =>
      withWhere(q.shape, renderExpression(expression(predicate), this.reading({ op }))),
    );
  }

  /** The table of `step`'s query; expressions are written in `step`, so their subqueries are seen. */
  private next(op: string, step: (q: TableQuery) => QueryShape): Table {
    const extend = (q: TableQuery): TableQuery => {
      const [shape, read] = collectingSubqueries(() => step(q));
      return { shape, unnamed: withUnnamed(q.unnamed, read as UnnamedTables) };
    };
    return Table.checked(this.owner, op, extend(this.source()), extend(this.checkInput(INPUT)));
  }

  /** @internal The table as a subquery, for `$('x').in(table)`. */
  subquery(): { sql: string; unnamed: UnnamedTables } {
    const q = this.source();
    return { sql: shapeSql(q.shape), unnamed: q.unnamed };
  }

  /** The query to continue: this table's own, or a read of its plan under an internal name. */
  private source(): TableQuery {
    if (this.query !== undefined) return this.query;
    const n = unnamedCounts.get(this.owner) ?? 0;
    unnamedCounts.set(this.owner, n + 1);
    const name = `$table$${n}`;
    const query = {
      shape: selectFrom(quoteIdentifier(name), 'table'),
      unnamed: new Map([[name, this.plan]]),
    };
    this.query = query;
    return query;
  }

  private items(fields: readonly TableExpression[], ctx: RenderContext): RenderedItem[] {
    if (fields.length === 0) throw tableApiError(ctx.op, 'select at least one column');
    const read = this.reading(ctx);
    return this.expanded(fields, read).map((e) => renderItem(e, read));
  }

  /** `ctx` with this table's columns, for the column sets of call arguments. */
  private reading(ctx: RenderContext): RenderContext {
    return { ...ctx, columns: this.columnNames() };
  }

  /** The fields as expressions, each `withColumns(…)` replaced by the columns it picks. */
  private expanded(fields: readonly TableExpression[], ctx: RenderContext): Expression[] {
    return expandColumnSets(fields.map(expression), this.columnNames(), ctx.op);
  }

  private columnNames(): string[] {
    return this.columns().map((c) => c.name);
  }

  /** The output columns, as the step's check planned them (a deferred step's need the whole plan). */
  private columns(): LogicalNode['columns'] {
    const check = this.made?.check;
    return check?.kind === 'planned' ? check.plan.columns : this.plan.columns;
  }

  private columnOf(op: string, field: TableExpression, columns: readonly string[]): string {
    const e = expression(field);
    if (e.node.kind !== 'column' || e.node.path.length !== 1)
      throw tableApiError(op, `name a column: $('a') or 'a', not ${String(e)}`);
    const name = e.node.path[0]!;
    if (!columns.includes(name))
      throw tableApiError(op, `column '${name}' not found; available columns: ${columns.join(', ')}`);
    return name;
  }

  private joinWith(op: string, type: JoinType, right: Table, condition?: TableExpression): Table {
    if (right.owner !== this.owner)
      throw tableApiError(op, 'both tables must come from the same TableEnvironment');
    const rightColumns = new Set(right.columnNames());
    const shared = this.columnNames().filter((c) => rightColumns.has(c));
    if (shared.length > 0)
      throw tableApiError(
        op,
        `both tables have columns named ${shared.join(', ')}; rename one side's with as(…) or renameColumns(…)`,
      );
    const join = (l: TableQuery, r: TableQuery): TableQuery => {
      const [shape, read] = collectingSubqueries(() => {
        const cond = condition === undefined ? undefined : renderExpression(expression(condition), { op });
        return joined(l.shape, r.shape, type, cond);
      });
      return { shape, unnamed: withUnnamed(l.unnamed, r.unnamed, read as UnnamedTables) };
    };
    return Table.checked(
      this.owner,
      op,
      join(this.source(), right.source()),
      join(this.checkInput(LEFT), right.checkInput(RIGHT)),
    );
  }

  private lateralWith(
    op: string,
    type: 'INNER' | 'LEFT',
    tableFunctionCall: Expression,
    condition?: TableExpression,
  ): Table {
    const ctx = this.reading({ op });
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
    return this.next(op, (q) => {
      const cond = condition === undefined ? undefined : renderExpression(expression(condition), { op });
      return lateralJoined(q.shape, `LATERAL TABLE(${renderExpression(fn, ctx)})${alias}`, type, cond);
    });
  }

  private setWith(op: string, sqlOp: string, right: Table): Table {
    if (right.owner !== this.owner)
      throw tableApiError(op, 'both tables must come from the same TableEnvironment');
    const set = (l: TableQuery, r: TableQuery): TableQuery => ({
      shape: setOperation(l.shape, r.shape, sqlOp),
      unnamed: withUnnamed(l.unnamed, r.unnamed),
    });
    return Table.checked(
      this.owner,
      op,
      set(this.source(), right.source()),
      set(this.checkInput(LEFT), right.checkInput(RIGHT)),
    );
  }
}

/** The unnamed tables of several queries together; their names are unique per environment. */
function withUnnamed(...maps: UnnamedTables[]): UnnamedTables {
  return maps.length === 1 || maps.slice(1).every((m) => m.size === 0)
    ? maps[0]!
    : new Map(maps.flatMap((m) => [...m]));
}

/** The name a flatMap's table function is known by in its SQL; `$` keeps it from any table's name. */
const FUNCTION_ALIAS = '$function';

/** The hidden columns a windowed aggregate keeps its window's start and end in. */
const WINDOW_START = '$window_start';
const WINDOW_END = '$window_end';

function columnItems(columns: readonly string[]): RenderedItem[] {
  return columns.map((c) => ({ sql: quoteIdentifier(c) }));
}

function checkUnique(op: string, names: readonly string[]): void {
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined)
    throw tableApiError(op, `two columns would be named '${twice}'; names must be unique`);
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw tableApiError(op, `takes a whole number of rows, not ${n}`);
}
