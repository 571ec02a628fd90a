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
import type { CompiledPlan } from './compiled-plan/compiled-plan.js';
import { formatType } from './catalog/types.js';
import type { LogicalNode } from './planner/logical.js';
import {
  addColumnsStep,
  addOrReplaceColumnsStep,
  asStep,
  checkCount,
  dropColumnsStep,
  filterStep,
  orderStep,
  renameColumnsStep,
  selectStep,
} from './table-api/column-steps.js';
import { type Combine, joinStep, lateralStep, setStep } from './table-api/combine-steps.js';
import { tableApiError, withTableApiErrors } from './table-api/errors.js';
import type { Expression } from './table-api/expression.js';
import { type TableExpression, tableExpression as expression } from './table-api/expressions.js';
import {
  AggregatedTable,
  aggregateRow,
  flatAggregateRows,
  GroupedTable,
  GroupWindowedTable,
  OverWindowedTable,
} from './table-api/grouped-tables.js';
import {
  type JoinType,
  selectFrom,
  shapeSql,
  withDistinct,
  withFetch,
  withOffset,
} from './table-api/query-shape.js';
import { type FunctionCall, type FunctionKind, functionCallOf } from './table-api/row-based.js';
import { expandRowStep, flatMapStep, mapStep } from './table-api/row-steps.js';
import { quotePath } from './table-api/sql-text.js';
import type { PlannedInsert } from './table-api/statement-set.js';
import type { TableDescriptor } from './table-api/table-descriptor.js';
import { TablePipeline } from './table-api/table-pipeline.js';
import {
  extended,
  INPUT,
  LEFT,
  nextUnnamedName,
  planQuery,
  RIGHT,
  readOf,
  type Step,
  type StepCheck,
  type TableQuery,
} from './table-api/table-query.js';
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
  /** @internal The INSERT of `table`'s rows into the table at `target`, checked and planned. */
  planInsertInto(target: string | TableDescriptor, table: Table): PlannedInsert;
  /** @internal */
  explainInserts(inserts: readonly PlannedInsert[]): string;
  /** @internal */
  executeInserts(inserts: readonly PlannedInsert[]): TableResult;
  /** @internal */
  compileInsertsPlan(inserts: readonly PlannedInsert[]): CompiledPlan;
}

export type { TableExpression };

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
    if (this.wholePlan === undefined) this.wholePlan = this.planned(this.made!.op, this.query!);
    return this.wholePlan;
  }

  /** @internal The table or view at a catalog path, as `TableEnvironment.from` gives it. */
  static fromPath(owner: TableOwner, path: string): Table {
    const parts = withTableApiErrors('from', () => parsePath(path));
    const query = { shape: selectFrom(quotePath(parts), 'table'), unnamed: new Map() };
    const plan = planQuery((fn) => owner.planTableApi(fn), 'from', query);
    // A table's first step is its whole query.
    return new Table(owner, plan, query, { op: 'from', check: { kind: 'planned', plan } });
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
    return this.step('select', selectStep(fields, this.columnNames(), { op: 'select' }));
  }

  /** The rows for which `predicate` is TRUE. */
  where(predicate: TableExpression): Table {
    return this.step('where', filterStep('where', predicate, this.columnNames()));
  }

  /** The same as {@link where}. */
  filter(predicate: TableExpression): Table {
    return this.step('filter', filterStep('filter', predicate, this.columnNames()));
  }

  /** Renames the columns, the first one first; columns past the names given keep theirs. */
  as(field: string, ...fields: string[]): Table {
    return this.step('as', asStep([field, ...fields], this.columnNames()));
  }

  /** Adds computed columns at the end; a name that exists already is an error. */
  addColumns(...fields: TableExpression[]): Table {
    return this.step('addColumns', addColumnsStep(fields, this.columnNames()));
  }

  /** Adds computed columns; one with the name of an existing column takes its place. */
  addOrReplaceColumns(...fields: TableExpression[]): Table {
    return this.step('addOrReplaceColumns', addOrReplaceColumnsStep(fields, this.columnNames()));
  }

  /** The table without these columns (`$('a')` or `'a'`). */
  dropColumns(...fields: TableExpression[]): Table {
    return this.step('dropColumns', dropColumnsStep(fields, this.columnNames()));
  }

  /** Renames columns: `renameColumns($('a').as('x'), $('b').as('y'))`. */
  renameColumns(...fields: Expression[]): Table {
    return this.step('renameColumns', renameColumnsStep(fields, this.columnNames()));
  }

  /** The distinct rows; on an unbounded input, an updating table. */
  distinct(): Table {
    return this.step('distinct', (q) => withDistinct(q.shape));
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
    const op = 'joinLateral';
    return this.step(op, lateralStep(op, 'INNER', tableFunctionCall, this.columnNames(), condition));
  }

  /** As {@link joinLateral}, but a row the function gives nothing for is kept, NULLs padding it. */
  leftOuterJoinLateral(tableFunctionCall: Expression, condition?: TableExpression): Table {
    const op = 'leftOuterJoinLateral';
    return this.step(op, lateralStep(op, 'LEFT', tableFunctionCall, this.columnNames(), condition));
  }

  /**
   * Each row as the columns of a scalar function's ROW result (one column `f0` for another
   * type): `map(call('parse', $('line')))`, or `.as('a', 'b')` on the call to name them. As SQL,
   * the function's value is selected and its fields are read from it.
   */
  map(scalarFunctionCall: Expression): Table {
    const { call, names } = this.functionCall('map', scalarFunctionCall, 'scalar');
    const mapped = this.step('map', mapStep(call, this.columnNames()));
    return mapped.step('map', expandRowStep('map', names, mapped.columns()));
  }

  /**
   * The rows a table function gives for each row, with the function's columns only:
   * `flatMap(call('split', $('s')))`, as `SELECT T.* FROM t, LATERAL TABLE(split(s)) AS T`.
   */
  flatMap(tableFunctionCall: Expression): Table {
    const { call, names } = this.functionCall('flatMap', tableFunctionCall, 'table');
    return this.step('flatMap', flatMapStep(call, names, this.columnNames()));
  }

  /**
   * One row of all rows' aggregate: an aggregate function's ROW result expanded into columns,
   * continued by `select`. Grouped: `groupBy($('k')).aggregate(call('agg', $('v')))`.
   */
  aggregate(aggregateFunctionCall: Expression): AggregatedTable {
    return new AggregatedTable(aggregateRow(this, 'aggregate', [], aggregateFunctionCall));
  }

  /**
   * The rows a table aggregate function (a `TableAggregateFunction`) emits for all rows,
   * continued by `select`; each change retracts the rows it emitted before, or, when the
   * function defines `emitUpdateWithRetract`, only the rows that changed. Grouped:
   * `groupBy($('k')).flatAggregate(call('top2', $('v')))`.
   */
  flatAggregate(tableAggregateCall: Expression): AggregatedTable {
    return new AggregatedTable(flatAggregateRows(this, 'flatAggregate', [], tableAggregateCall));
  }

  /** The distinct rows of both tables (SQL's UNION). */
  union(right: Table): Table {
    return this.combined('union', right, () => setStep('UNION'));
  }

  /** All rows of both tables (UNION ALL). */
  unionAll(right: Table): Table {
    return this.combined('unionAll', right, () => setStep('UNION ALL'));
  }

  /** The distinct rows in both tables (INTERSECT). */
  intersect(right: Table): Table {
    return this.combined('intersect', right, () => setStep('INTERSECT'));
  }

  /** Rows in both tables, as often as in both (INTERSECT ALL). */
  intersectAll(right: Table): Table {
    return this.combined('intersectAll', right, () => setStep('INTERSECT ALL'));
  }

  /** The distinct rows of this table that the other lacks (EXCEPT). */
  minus(right: Table): Table {
    return this.combined('minus', right, () => setStep('EXCEPT'));
  }

  /** Rows of this table not matched by one of the other's (EXCEPT ALL). */
  minusAll(right: Table): Table {
    return this.combined('minusAll', right, () => setStep('EXCEPT ALL'));
  }

  /**
   * Orders rows by these keys (`$('a').desc()`); on a stream the first key is an ascending
   * time attribute, or the order comes with a `fetch`/`limit` (a Top-N).
   */
  orderBy(...fields: TableExpression[]): Table {
    return this.step('orderBy', orderStep(fields, this.columnNames()));
  }

  /** Skips the first `n` rows. */
  offset(n: number): Table {
    checkCount('offset', n);
    return this.step('offset', (q) => withOffset(q.shape, n));
  }

  /** The first `n` rows. */
  fetch(n: number): Table {
    checkCount('fetch', n);
    return this.step('fetch', (q) => withFetch(q.shape, n));
  }

  /** The first `fetch` rows, or `fetch` rows after the first `offset` ones: `limit(offset, fetch)`. */
  limit(fetchOrOffset: number, fetch?: number): Table {
    return fetch === undefined ? this.fetch(fetchOrOffset) : this.offset(fetchOrOffset).fetch(fetch);
  }

  /** Writes the rows into `target` (as {@link insertInto} takes it) and starts the job. */
  executeInsert(target: string | TableDescriptor): TableResult {
    return this.insertInto(target).execute();
  }

  /**
   * The INSERT of the rows into the table at `target` (`t`, `db.t` or `catalog.db.t`, as
   * `INSERT INTO target SELECT …`), or into an anonymous table `target` describes (its schema may
   * be omitted: it is then this table's), checked now, to run, explain or compile.
   */
  insertInto(target: string | TableDescriptor): TablePipeline {
    const insert = withTableApiErrors('insertInto', () => this.owner.planInsertInto(target, this));
    return new TablePipeline(
      () => this.owner.executeInserts([insert]),
      () => this.owner.explainInserts([insert]),
      () => this.owner.compileInsertsPlan([insert]),
      typeof target === 'string' ? insert.target : undefined,
    );
  }

  /** @internal The table as a subquery, for `$('x').in(table)`. */
  subquery(): { sql: string; unnamed: TableQuery['unnamed'] } {
    const q = this.source();
    return { sql: shapeSql(q.shape), unnamed: q.unnamed };
  }

  /** @internal The table of `step` over this one: its whole query extended, its step checked now. */
  step(op: string, step: Step): Table {
    return this.checked(op, extended(this.source(), step), extended(this.checkInput(INPUT), step));
  }

  /** The table of `combine` over this table and `right`; `combine` is made once both are known to be of one environment. */
  private combined(op: string, right: Table, combine: () => Combine): Table {
    if (right.owner !== this.owner)
      throw tableApiError(op, 'both tables must come from the same TableEnvironment');
    const c = combine();
    return this.checked(
      op,
      c(this.source(), right.source()),
      c(this.checkInput(LEFT), right.checkInput(RIGHT)),
    );
  }

  private joinWith(op: string, type: JoinType, right: Table, condition?: TableExpression): Table {
    return this.combined(op, right, () =>
      joinStep(op, type, this.columnNames(), right.columnNames(), condition),
    );
  }

  /**
   * The table of the whole query `query`, whose step, `step` over its inputs' plans, is planned
   * now so that a mistake fails here. An ORDER BY or OFFSET that a stream cannot run alone is
   * deferred: a `fetch` after it may make it a Top-N.
   */
  private checked(op: string, query: TableQuery, step: TableQuery): Table {
    try {
      const plan = this.planned(op, step);
      return new Table(this.owner, undefined, query, { op, check: { kind: 'planned', plan } });
    } catch (error) {
      if (op !== 'orderBy' && op !== 'offset') throw error;
      if ((error as WeirError).code !== ErrorCodes.SQL_UNSUPPORTED) throw error;
      return new Table(this.owner, undefined, query, { op, check: { kind: 'deferred', query: step } });
    }
  }

  private planned(op: string, q: TableQuery): LogicalNode {
    return planQuery((fn) => this.owner.planTableApi(fn), op, q);
  }

  /**
   * The query a step over this table extends to be checked: a read of this table's checked plan
   * under the internal name `name`, or a deferred step's own query (which reads `INPUT`; read as
   * another input, such a table is read through its whole query).
   */
  private checkInput(name: string): TableQuery {
    const check = this.made?.check;
    if (check?.kind === 'deferred') return name === INPUT ? check.query : this.source();
    return readOf(name, check === undefined ? this.plan : check.plan);
  }

  /** The query to continue: this table's own, or a read of its plan under an internal name. */
  private source(): TableQuery {
    if (this.query === undefined) this.query = readOf(nextUnnamedName(this.owner), this.plan);
    return this.query;
  }

  /** @internal The output columns, as the step's check planned them (a deferred step's need the whole plan). */
  columns(): LogicalNode['columns'] {
    const check = this.made?.check;
    return check?.kind === 'planned' ? check.plan.columns : this.plan.columns;
  }

  /** @internal The output columns' names. */
  columnNames(): string[] {
    return this.columns().map((c) => c.name);
  }

  /** @internal The call a row-based operation takes, checked to be of a function of kind `kind`. */
  functionCall(op: string, e: Expression, kind: FunctionKind): FunctionCall {
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
}
