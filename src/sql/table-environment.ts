/**
 * `TableEnvironment`: Weir's entry point for SQL and the Table API, on top of a
 * StreamExecutionEnvironment. It holds the catalog, the session options and the connector
 * registry; `executeSql` runs one statement of Flink's SQL dialect, `sqlQuery` plans a query
 * as a `Table`, and `fromDataStream` / `toDataStream` cross between SQL and DataStream.
 *
 * Rows are plain objects keyed by column name (`{ id: 1, name: 'a' }`); see
 * `catalog/types.ts` for how each SQL type is held.
 *
 * @example
 * const tEnv = TableEnvironment.create();
 * tEnv.executeSql(`CREATE TABLE t (id BIGINT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10')`);
 * const rows = await tEnv.executeSql('SELECT id, UPPER(name) AS name FROM t WHERE id > 0').collect();
 */
import { canonicalLongs } from './expressions/canonical-longs.js';
import type { DataStream } from '../api/data-stream.js';
import { StreamExecutionEnvironment } from '../api/environment.js';
import {
  Catalog,
  type CatalogTable,
  type CatalogView,
  DEFAULT_CATALOG,
  DEFAULT_DATABASE,
  parsePath,
} from './catalog/catalog.js';
import { alteredCatalogOptions, catalogFromDdl, databaseOptions } from './catalog/catalog-ddl.js';
import { tableFromDdl, viewFromDdl } from './catalog/ddl.js';
import { checkMetadataWrite } from './catalog/metadata-columns.js';
import { alterTable, alterView } from './catalog/ddl-alter.js';
import { tableFromQuery } from './catalog/ddl-ctas.js';
import { mergeLike } from './catalog/ddl-like.js';
import { describeCatalogRows, showCreate } from './catalog/ddl-text.js';
import {
  formatType,
  resolveType,
  type SqlType,
  Types,
  withNullability,
  withoutTimeAttribute,
} from './catalog/types.js';
import { TableConfig } from './config.js';
import type { DynamicTableFactory } from './connectors/factory.js';
import { ConnectorRegistry } from './connectors/registry.js';
import { unsupported, validationError } from './errors.js';
import type { Row } from './expressions/compiler.js';
import { FUNCTIONS } from './expressions/functions.js';
import { AGGREGATES } from './expressions/typer.js';
import { type FunctionClassImpl, resolveCreateFunction } from './functions/create-function.js';
import { defineUserFunction } from './functions/definitions.js';
import { withFunctionCatalog } from './functions/planning-context.js';
import { localTimeZone, withSessionTimeZone } from './expressions/time-zone.js';
import type { ScalarFunction, TableFunction, UserDefinedFunction } from './functions/user-functions.js';
import type { Rex } from './expressions/rex.js';
import { runtime } from './expressions/runtime.js';
import type {
  CreateFunction,
  CreateTable,
  Describe,
  Insert,
  PlanStatement,
  Query,
  ShowColumns,
  SourcePos,
  Statement,
  StatementSet as StatementSetStatement,
} from './parser/ast.js';
import { parseDataType, parseStatement } from './parser/parse.js';
import { PlanBuilder, tablePlan } from './planner/builder.js';
import { queryColumnPos, sinkColumnRex, valuesForSink } from './planner/sink-casts.js';
import { tableWithHints } from './planner/hints/dynamic-options.js';
import type { ChangelogRow } from './planner/changelog.js';
import { type LogicalNode, type PlanColumn, project, sink } from './planner/logical.js';
import { explainPlan, planLogical, planLogicalSet } from './planner/planner.js';
import type { PhysicalNode } from './planner/physical.js';
import { translateResult, translateSinks } from './planner/translate.js';
import { staticPartitionValues } from './planner/static-partition.js';
import { Table, type TableOwner } from './table.js';
import { descriptorStatement } from './table-api/descriptor-ddl.js';
import { Schema } from './table-api/schema.js';
import { type PlannedInsert, StatementSet, type StatementSetOwner } from './table-api/statement-set.js';
import type { TableDescriptor } from './table-api/table-descriptor.js';
import { TableResult } from './table-result.js';
import { SessionJobs } from './job-statements.js';
import { CompiledPlan, PlanReference } from './compiled-plan/compiled-plan.js';
import { planFileExists, planFromSubmitter, planPath } from './compiled-plan/plan-file.js';
import {
  type PlanTarget,
  planFromJson,
  planOptions,
  planRunConfig,
  planToJson,
  type SinkPlan,
} from './compiled-plan/plan-format.js';
import { planFunctions } from './compiled-plan/plan-functions.js';
import { recallSinkJobPlan, rememberSinkJobPlan } from './compiled-plan/submitted-plan.js';

const STRING_NOT_NULL = withNullability(Types.STRING, false);
const stringColumns = (...names: string[]): PlanColumn[] =>
  names.map((name) => ({ name, type: STRING_NOT_NULL }));

/** Whether a name passes SHOW's `[NOT] LIKE | ILIKE` (`\\` escapes `%` and `_`, as in Flink). */
function showLike(
  name: string,
  like: { readonly pattern: string; readonly negated: boolean; readonly ignoreCase?: boolean } | undefined,
): boolean {
  if (like === undefined) return true;
  const matched = like.ignoreCase
    ? runtime.like(name.toLowerCase(), like.pattern.toLowerCase(), '\\')
    : runtime.like(name, like.pattern, '\\');
  return matched !== like.negated;
}

/** A schema for `fromDataStream`: column name to SQL type, e.g. `{ id: 'BIGINT', name: 'STRING' }`. */
export type DataStreamSchema = Readonly<Record<string, string>>;

/** A catalog for {@link TableEnvironment.createCatalog}: its options, and a comment. */
export interface CatalogDescriptor {
  /** As CREATE CATALOG's `WITH (…)`: 'type' (`generic_in_memory`) and 'default-database'. */
  readonly options: Readonly<Record<string, string>>;
  readonly comment?: string;
}

/** Options of {@link TableEnvironment.create}. */
export interface TableEnvironmentOptions {
  /** Where the `print` connector writes; standard output by default. */
  readonly printTarget?: { write(text: string): unknown };
  /**
   * The directory relative `CREATE FUNCTION … LANGUAGE TYPESCRIPT 'module#Export'` paths resolve
   * against (`weir sql -f` passes the script's); by default the job file's, else the working
   * directory.
   */
  readonly moduleDirectory?: string;
}

/** The SQL and Table API entry point. */
export class TableEnvironment implements TableOwner, StatementSetOwner {
  private readonly catalog = new Catalog();
  private readonly config = new TableConfig();
  private readonly registry = new ConnectorRegistry();
  private readonly functionClasses = new Map<string, FunctionClassImpl>();
  private anonymous = 0;
  private anonymousSinks = 0;
  private readonly jobs = new SessionJobs();

  private constructor(
    private readonly env: StreamExecutionEnvironment,
    private readonly options: TableEnvironmentOptions,
  ) {
    // An environment already in batch mode plans for it, as Flink's table environment takes the
    // runtime mode from its stream environment's configuration: batch plans differ (EXPLAIN shows
    // the rows over no rows of empty grouping sets), and `SET` can still change it.
    if (env.getRuntimeMode() === 'batch') this.config.set('execution.runtime-mode', 'batch');
  }

  /** A table environment on `env`, or on `StreamExecutionEnvironment.getExecutionEnvironment()`. */
  static create(env?: StreamExecutionEnvironment, options: TableEnvironmentOptions = {}): TableEnvironment {
    return new TableEnvironment(env ?? StreamExecutionEnvironment.getExecutionEnvironment(), options);
  }

  /** The environment jobs run on. */
  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.env;
  }

  /** The session options `SET` changes. */
  getConfig(): TableConfig {
    return this.config;
  }

  /** Makes a connector available to `CREATE TABLE … WITH ('connector' = '<identifier>')`. */
  registerConnector(factory: DynamicTableFactory): void {
    this.registry.register(factory);
  }

  /**
   * Names of the tables and views of the current database, or of `catalog`.`database`, both
   * temporary and permanent, sorted, as Flink's `listTables`.
   */
  listTables(catalog?: string, database?: string): string[] {
    if (catalog === undefined || database === undefined) return this.catalog.names();
    this.catalog.existingDatabase([catalog, database], undefined);
    return this.catalog.names(undefined, catalog, database);
  }

  /** Names of the views of the current database, temporary and permanent, sorted. */
  listViews(): string[] {
    return this.catalog.names('view');
  }

  /** Names of the temporary tables and views of the current database, sorted. */
  listTemporaryTables(): string[] {
    return this.catalog.temporaryNames();
  }

  /** Names of the temporary views of the current database, sorted. */
  listTemporaryViews(): string[] {
    return this.catalog.temporaryNames('view');
  }

  /** Names of the catalogs, sorted (`SHOW CATALOGS`). */
  listCatalogs(): string[] {
    return this.catalog.catalogNames();
  }

  /** Names of the databases of the current catalog, sorted (`SHOW DATABASES`). */
  listDatabases(): string[] {
    return this.catalog.databaseNames();
  }

  /** The catalog names resolve in (`SHOW CURRENT CATALOG`). */
  getCurrentCatalog(): string {
    return this.catalog.currentCatalog();
  }

  /** The database names resolve in (`SHOW CURRENT DATABASE`). */
  getCurrentDatabase(): string {
    return this.catalog.currentDatabase();
  }

  /** Makes a catalog current, and its default database (`USE CATALOG name`). */
  useCatalog(name: string): void {
    this.catalog.useCatalog(name, undefined);
  }

  /** Makes a database of the current catalog current (`USE name`). */
  useDatabase(name: string): void {
    this.catalog.useDatabase([name], undefined);
  }

  /**
   * Adds a catalog, as `CREATE CATALOG name [COMMENT …] WITH (…)`: `descriptor` is its options
   * (`{ type: 'generic_in_memory', 'default-database': 'db' }`), or those and a comment. Weir
   * makes in-memory catalogs only; an existing name is an error.
   */
  createCatalog(name: string, descriptor: CatalogDescriptor | Readonly<Record<string, string>>): void {
    const isDescriptor = typeof (descriptor as CatalogDescriptor).options === 'object';
    const options = isDescriptor ? (descriptor as CatalogDescriptor).options : descriptor;
    const comment = isDescriptor ? (descriptor as CatalogDescriptor).comment : undefined;
    const { type, defaultDatabase } = catalogFromDdl({
      name,
      options: Object.entries(options).map(([key, value]) => ({ key, value: String(value) })),
    });
    this.catalog.createCatalog(
      name,
      type,
      defaultDatabase,
      options as Record<string, string>,
      comment,
      false,
      undefined,
    );
  }

  /**
   * Runs one statement: DDL, SHOW, DESCRIBE, SET, RESET, EXPLAIN, a query, INSERT or a
   * statement set. Errors are one-line user errors with the line and column.
   */
  executeSql(sql: string): TableResult {
    // Constants folded while planning (VALUES) read the session zone too.
    const result = withFunctionCatalog(
      this.catalog.functions,
      () => withSessionTimeZone(localTimeZone(this.config), () => this.execute(parseStatement(sql))),
      this.catalog,
    );
    return result.printedIn(localTimeZone(this.config));
  }

  /** Plans a query (SELECT, VALUES, WITH) as a Table. */
  sqlQuery(sql: string): Table {
    return withFunctionCatalog(
      this.catalog.functions,
      () => withSessionTimeZone(localTimeZone(this.config), () => this.planQuery(sql)),
      this.catalog,
    );
  }

  private planQuery(sql: string): Table {
    const statement = parseStatement(sql);
    if (statement.kind !== 'queryStatement')
      throw validationError(
        statement.pos,
        `sqlQuery takes a query (SELECT …); run ${statement.kind === 'insert' ? 'INSERT' : 'other statements'} with executeSql`,
      );
    return new Table(this, new PlanBuilder(this.catalog).query(statement.query));
  }

  /**
   * The table or view at `path` (`t`, `db.t` or `catalog.db.t`) as a Table, to continue with
   * the Table API's operations: `tEnv.from('orders').where($('price').isGreater(10))`.
   */
  from(path: string): Table {
    return Table.fromPath(this, path);
  }

  /** @internal */
  planTableApi<T>(fn: (catalog: Catalog) => T): T {
    return this.inSession(() => fn(this.catalog));
  }

  /** The EXPLAIN text of a query or INSERT. */
  explainSql(sql: string): string {
    const statement = parseStatement(sql);
    const target = statement.kind === 'explain' ? statement.statement : statement;
    // In the session's zone, as EXPLAIN through executeSql: the plan can depend on it.
    return this.inSession(() => this.explainStatement(target as Query | Insert | Statement));
  }

  /**
   * Registers a user-defined function for SQL, as Flink's method of this name: a scalar
   * function (`{ eval, resultType }` or a {@link ScalarFunction}), a table function (a
   * {@link TableFunction}, or `{ kind: 'table', eval, resultType }`) or an aggregate function
   * (`{ createAccumulator, accumulate, getValue, resultType }`). See `functions/user-functions.ts`
   * for types, nulls and instances. Names are case-insensitive. As in Flink, the function
   * shadows a built-in function of its name for the session (`UPPER` calls it) until
   * {@link dropTemporarySystemFunction} brings the built-in back.
   */
  createTemporarySystemFunction(name: string, fn: UserDefinedFunction): void {
    this.registerFunction(name, fn, true);
  }

  /**
   * Registers a user-defined function in the current database, as Flink's method of this
   * name. Weir has one namespace for catalog functions, whatever the database. A built-in
   * function of the same name is resolved first, as in Flink: only a qualified call
   * (`default_database.upper(x)`) reaches this one; a temporary system function of the same
   * name shadows it too.
   */
  createTemporaryFunction(name: string, fn: UserDefinedFunction): void {
    this.registerFunction(name, fn, false);
  }

  /** Removes a function registered with createTemporarySystemFunction; returns whether it existed. */
  dropTemporarySystemFunction(name: string): boolean {
    return this.catalog.functions.dropSystem(name);
  }

  /** Removes a function registered with createTemporaryFunction; returns whether it existed. */
  dropTemporaryFunction(name: string): boolean {
    return this.catalog.functions.dropCatalogFunction(name);
  }

  /** Names of the user-defined functions, as registered, sorted. */
  listUserDefinedFunctions(): string[] {
    return this.catalog.functions.names();
  }

  /** Names of all functions: built-in ones (upper case) and user-defined ones, sorted. */
  listFunctions(): string[] {
    const functions = this.catalog.functions;
    // A user function of a built-in's name is listed once, under the name it was registered by.
    const builtIns = BUILT_IN_FUNCTIONS.filter((n) => functions.kindOf(n) === undefined);
    return [...builtIns, ...functions.names()].sort();
  }

  /**
   * Binds a Flink function class name to a TypeScript implementation (a function object, or a
   * class constructed with no arguments), so that `CREATE FUNCTION f AS 'com.example.F'` (LANGUAGE
   * JAVA or SCALA) creates it. Lets scripts written for Flink run unchanged.
   *
   * @example
   * tEnv.registerFunctionClass('com.github.nexmark.flink.udf.CountChar', CountChar);
   * tEnv.executeSql("CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'");
   */
  registerFunctionClass(className: string, impl: FunctionClassImpl): void {
    this.functionClasses.set(className, impl);
  }

  private createFunction(statement: CreateFunction): TableResult {
    const name = statement.name[statement.name.length - 1]!;
    // A qualified name must name an existing database, though all databases share one namespace.
    // A temporary one lives outside the catalogs, as in Flink: its database need not exist.
    if (statement.name.length > 1 && !statement.temporary)
      this.catalog.existingDatabase(statement.name.slice(0, -1), statement.pos);
    const system = statement.system === true;
    const functions = this.catalog.functions;
    const exists = () =>
      statement.ifNotExists && (system ? functions.isSystem(name) : functions.isCatalogFunction(name));
    if (exists()) return TableResult.ok();
    // Weir has one namespace for catalog functions: CREATE [TEMPORARY] FUNCTION registers as
    // createTemporaryFunction does, CREATE TEMPORARY SYSTEM FUNCTION as createTemporarySystemFunction.
    const register = (fn: UserDefinedFunction) => {
      if (!exists()) this.registerFunction(name, fn, system);
    };
    const fn = resolveCreateFunction(statement, this.functionClasses, this.options.moduleDirectory);
    if (!(fn instanceof Promise)) {
      register(fn);
      return TableResult.ok();
    }
    const loaded = fn.then(register);
    const ok = TableResult.ok();
    return new TableResult(
      'SUCCESS',
      ok.columnTypes(),
      (limit) => loaded.then(() => ok.collect(limit)),
      undefined,
      'insert-only',
      loaded,
    );
  }

  private registerFunction(name: string, fn: UserDefinedFunction, system: boolean): void {
    const functions = this.catalog.functions;
    if (system ? functions.isSystem(name) : functions.isCatalogFunction(name))
      throw validationError(
        undefined,
        `a ${system ? 'temporary system function' : 'function'} named '${name}' is already registered; drop it first with ${system ? 'dropTemporarySystemFunction' : 'dropTemporaryFunction'}('${name}')`,
      );
    const definition = defineUserFunction(name, fn);
    // The planner tells aggregates from other calls by the built-in names before it types a
    // call, so a built-in aggregate is shadowed only by an aggregate (Flink allows any kind).
    if (system && AGGREGATES.has(name.toUpperCase()) && !('retractable' in definition))
      throw validationError(
        undefined,
        `temporary system function '${name}' would shadow the built-in aggregate function ${name.toUpperCase()}, which only an aggregate function can; choose another name`,
      );
    this.catalog.functions.register(definition, system);
  }

  /**
   * A table over a DataStream whose elements are rows (objects keyed by column name). With
   * `schema`, the columns and their SQL types; without, one column `f0` holding each element.
   */
  fromDataStream<T>(stream: DataStream<T>, schema?: DataStreamSchema): Table {
    const name = `DataStreamTable_${this.anonymous++}`;
    let columns: { name: string; type: SqlType }[];
    let toRow: ((element: unknown) => Row) | undefined;
    if (schema === undefined) {
      columns = [{ name: 'f0', type: Types.RAW }];
      toRow = (element) => ({ f0: element });
    } else {
      columns = Object.entries(schema).map(([column, type]) => ({
        name: column,
        type: resolveType(parseDataType(type)),
      }));
      // The elements are rows already, but a BIGINT in them may not be in its canonical form.
      toRow = canonicalLongs(columns.filter((c) => c.type.root === 'BIGINT').map((c) => c.name));
    }
    const table: CatalogTable = Object.freeze({
      kind: 'table',
      name,
      columns,
      options: {},
      dataStream: { stream: stream as DataStream<unknown>, toRow },
    });
    return new Table(this, tablePlan(table));
  }

  /**
   * A table over a stream of changes (`{ kind: '+I' | '-U' | '+U' | '-D', row }`), such as
   * `toChangelogStream` gives; the schema names the row's columns and their SQL types.
   */
  fromChangelogStream(stream: DataStream<ChangelogRow>, schema: DataStreamSchema): Table {
    const name = `ChangelogStreamTable_${this.anonymous++}`;
    const columns = Object.entries(schema).map(([column, type]) => ({
      name: column,
      type: resolveType(parseDataType(type)),
    }));
    // As in fromDataStream, a BIGINT in a change's row may not be in its canonical form; a
    // retraction must match the row it takes back, so both are made canonical the same way.
    const canonical = canonicalLongs(columns.filter((c) => c.type.root === 'BIGINT').map((c) => c.name));
    const toRow =
      canonical === undefined
        ? undefined
        : (element: unknown): Row => {
            const change = element as ChangelogRow;
            const row = canonical(change.row);
            return (row === change.row ? change : { kind: change.kind, row }) as unknown as Row;
          };
    const table: CatalogTable = Object.freeze({
      kind: 'table',
      name,
      columns,
      options: {},
      dataStream: { stream: stream as DataStream<unknown>, changelogMode: 'retract', toRow },
    });
    return new Table(this, tablePlan(table));
  }

  /** The rows of an insert-only table as a DataStream of plain objects keyed by column name. */
  toDataStream(table: Table): DataStream<Row> {
    const planned = planLogical(table.plan, this.registry, this.config);
    if (planned.physical.changelogMode !== 'insert-only')
      throw validationError(
        undefined,
        `toDataStream needs an insert-only table, but this one produces ${planned.physical.changelogMode} changes; use toChangelogStream`,
      );
    return translateResult(planned.physical, this.translateContext());
  }

  /**
   * Every change of a table as a {@link ChangelogRow} (`{ kind: '+I', row }`), for tables whose
   * rows may be updated or deleted; an insert-only table gives only `+I` changes.
   */
  toChangelogStream(table: Table): DataStream<ChangelogRow> {
    const planned = planLogical(table.plan, this.registry, this.config);
    const stream = translateResult(planned.physical, this.translateContext());
    if (planned.physical.changelogMode !== 'insert-only')
      return stream as unknown as DataStream<ChangelogRow>;
    return stream.map((row: Row): ChangelogRow => ({ kind: '+I', row })).name('ToChangelog');
  }

  /**
   * Registers a Table or DataStream as a temporary view for SQL, for this session. `path` is
   * `v`, `db.v` or `catalog.db.v` (backquote a part holding dots: `` `my.view` ``); as in
   * Flink, its database need not exist, and a view there already is an error.
   */
  createTemporaryView<T>(path: string, source: Table | DataStream<T>, schema?: DataStreamSchema): void {
    const table = source instanceof Table ? source : this.fromDataStream(source, schema);
    const parts = parsePath(path);
    const view: CatalogView = Object.freeze({
      kind: 'view',
      name: parts[parts.length - 1]!,
      query: undefined as unknown as Query,
      columnNames: [],
      columns: table.plan.columns,
      plan: table.plan,
    });
    this.catalog.create(view, true, false, undefined, parts);
  }

  /**
   * Drops the temporary view at `path` (a permanent view there is seen again); returns false
   * when there is no temporary view there, as Flink's.
   */
  dropTemporaryView(path: string): boolean {
    return this.dropTemporary('view', path);
  }

  /**
   * Drops the temporary table at `path` (a permanent table there is seen again); returns false
   * when there is no temporary table there, as Flink's.
   */
  dropTemporaryTable(path: string): boolean {
    return this.dropTemporary('table', path);
  }

  private dropTemporary(kind: 'table' | 'view', path: string): boolean {
    const parts = parsePath(path);
    if (!this.catalog.isTemporary(parts) || this.catalog.get(parts)?.kind !== kind) return false;
    return this.catalog.drop(kind, parts, true, false, undefined);
  }

  // Tables from descriptors, and statement sets: the Table API's CREATE TABLE and EXECUTE
  // STATEMENT SET, run by the same code as the SQL statements.

  /**
   * Creates a permanent table at `path` from a {@link TableDescriptor}, as `CREATE TABLE path …`
   * with its text would: the same checks and errors, and the same SHOW CREATE TABLE and
   * DESCRIBE afterwards. A table or view there already is an error, unless `ignoreIfExists`;
   * returns whether the table was created.
   */
  createTable(path: string, descriptor: TableDescriptor, ignoreIfExists = false): boolean {
    return this.createDescribedTable(path, descriptor, false, ignoreIfExists);
  }

  /**
   * Creates a temporary table at `path` from a {@link TableDescriptor}, as
   * `CREATE TEMPORARY TABLE path …` would. It hides a permanent table of that name for this
   * session; a temporary table there already is an error, unless `ignoreIfExists`.
   */
  createTemporaryTable(path: string, descriptor: TableDescriptor, ignoreIfExists = false): boolean {
    return this.createDescribedTable(path, descriptor, true, ignoreIfExists);
  }

  private createDescribedTable(
    path: string,
    descriptor: TableDescriptor,
    temporary: boolean,
    ignoreIfExists: boolean,
  ): boolean {
    const parts = parsePath(path);
    return this.inSession(() => {
      const statement = descriptorStatement(parts, descriptor, temporary);
      const table = tableFromDdl(statement, this.registry);
      return this.catalog.create(table, temporary, ignoreIfExists, statement.pos, parts);
    });
  }

  /**
   * Compiles an INSERT or a statement set (`EXECUTE STATEMENT SET BEGIN … END`) into a
   * {@link CompiledPlan} without running it, as Flink's method of this name: its physical plan,
   * fixed, to write to a file and run later with {@link loadPlan}, in this or another session.
   */
  compilePlanSql(sql: string): CompiledPlan {
    return this.inSession(() => {
      const statement = parseStatement(sql);
      if (statement.kind !== 'insert' && statement.kind !== 'statementSet')
        throw validationError(
          statement.pos,
          'compilePlanSql takes an INSERT or EXECUTE STATEMENT SET BEGIN … END; run other statements with executeSql',
        );
      return this.compileInserts(statement);
    });
  }

  /**
   * Loads a compiled plan, as Flink's method of this name. Its tables come from the plan itself
   * (their connector options are in it), so the session needs no DDL for them; the user-defined
   * functions it calls must be registered under the names they had. A plan of another format
   * version than this Weir's is refused.
   */
  loadPlan(reference: PlanReference): CompiledPlan {
    return this.loadPlanAt(reference, undefined);
  }

  /** Loads a compiled plan and runs it, as Flink's method of this name: `loadPlan(reference).execute()`. */
  executePlan(reference: PlanReference): TableResult {
    return this.loadPlan(reference).execute();
  }

  /** @internal */
  executeCompiledPlan(plan: CompiledPlan): TableResult {
    const { sinks, targets, options } = plan.content;
    return this.inSession(() => this.startSinkJob(sinks, targets, planRunConfig(this.config, options)));
  }

  private loadPlanAt(reference: PlanReference, pos: SourcePos | undefined): CompiledPlan {
    const { text, source } = reference.read(pos);
    return new CompiledPlan(
      this,
      planFromJson(text, source, planFunctions(this.catalog.functions), pos),
      text,
    );
  }

  /** The compiled plan of INSERTs run as one job; a set's CTAS statements are refused. */
  private compileInserts(statement: Insert | StatementSetStatement): CompiledPlan {
    const ctas = statement.kind === 'statementSet' ? statement.creates?.[0] : undefined;
    if (ctas !== undefined)
      throw unsupported(
        ctas.pos,
        'CREATE TABLE … AS in a compiled plan',
        'create the table first and INSERT INTO it',
      );
    const inserts = (statement.kind === 'insert' ? [statement] : statement.inserts).map((insert) =>
      this.plannedInsert(insert),
    );
    return this.compilePlanned(inserts);
  }

  /** @internal */
  compileInsertsPlan(inserts: readonly PlannedInsert[]): CompiledPlan {
    return this.inSession(() => this.compilePlanned(inserts));
  }

  private compilePlanned(inserts: readonly PlannedInsert[]): CompiledPlan {
    const planned = planLogicalSet(
      inserts.map((insert) => insert.plan),
      this.registry,
      this.config,
    );
    const functions = planFunctions(this.catalog.functions);
    const json = planToJson(
      {
        sinks: planned.map((p) => p.physical as SinkPlan),
        targets: inserts.map(({ path, target }) => ({ path, target })),
        options: planOptions(this.config),
      },
      functions,
    );
    // Read back from its JSON, so what runs now is what the file will run later.
    return new CompiledPlan(this, planFromJson(json, 'the compiled plan', functions), json);
  }

  /**
   * COMPILE [AND EXECUTE] PLAN, EXECUTE PLAN and EXPLAIN PLAN 'file'. Under IF NOT EXISTS an
   * existing file is kept (and COMPILE AND EXECUTE runs it), as in Flink.
   */
  private planStatement(statement: PlanStatement): TableResult {
    const path = planPath(statement.file);
    const load = () => this.loadPlanAt(PlanReference.fromFile(path), statement.filePos);
    switch (statement.kind) {
      case 'executePlan':
        return load().execute();
      case 'explainPlanFile':
        return rowsResult(stringColumns('result'), [{ result: load().explain() }]);
      case 'compilePlan': {
        // A worker rebuilding the job takes the plan its submitting thread compiled or kept.
        if ((statement.ifNotExists && planFileExists(path)) || planFromSubmitter(path))
          return statement.execute ? load().execute() : TableResult.ok();
        const plan = this.compileInserts(statement.statement);
        plan.writeTo(path, false, statement.filePos);
        return statement.execute ? plan.execute() : TableResult.ok();
      }
    }
  }

  /** An empty {@link StatementSet}: INSERTs added to it run as one job. */
  createStatementSet(): StatementSet {
    return new StatementSet(this);
  }

  /** @internal */
  planInsertSql(sql: string): PlannedInsert {
    return this.inSession(() => {
      const statement = parseStatement(sql);
      if (statement.kind !== 'insert')
        throw validationError(
          statement.pos,
          `a statement set takes INSERT statements only, not ${sql.trim().split(/\s+/)[0]!.toUpperCase()}; run other statements with executeSql`,
        );
      return this.plannedInsert(statement);
    });
  }

  /** @internal */
  planInsertInto(target: string | TableDescriptor, table: Table): PlannedInsert {
    return this.inSession(() => {
      if (typeof target !== 'string') return this.plannedAnonymousInsert(target, table);
      const parts = parsePath(target);
      const object = this.catalog.lookup(parts, undefined);
      if (object.kind !== 'table')
        throw validationError(undefined, `cannot insert into view '${object.name}'; insert into a table`);
      const id = object.identifier;
      return {
        plan: this.sinkPlan(object, table.plan, [], undefined, undefined),
        path: target,
        target: `${id?.catalog ?? DEFAULT_CATALOG}.${id?.database ?? DEFAULT_DATABASE}.${object.name}`,
      };
    });
  }

  /**
   * An insert into a table that exists for this insert only, as Flink's anonymous tables:
   * named `*anonymous_<connector>$<n>*`, its schema the descriptor's or else the query's.
   */
  private plannedAnonymousInsert(descriptor: TableDescriptor, table: Table): PlannedInsert {
    const name = `*anonymous_${descriptor.options.get('connector')}$${++this.anonymousSinks}*`;
    let described = descriptor;
    if (descriptor.schema === undefined) {
      const schema = Schema.newBuilder();
      for (const c of table.plan.columns) schema.column(c.name, formatType(withoutTimeAttribute(c.type)));
      described = descriptor.toBuilder().schema(schema.build()).build();
    }
    const object = tableFromDdl(descriptorStatement([name], described, true), this.registry);
    return { plan: this.sinkPlan(object, table.plan, [], undefined, undefined), path: name, target: name };
  }

  /** @internal */
  explainInserts(inserts: readonly PlannedInsert[]): string {
    return this.inSession(() =>
      explainPlan(
        planLogicalSet(
          inserts.map((insert) => insert.plan),
          this.registry,
          this.config,
        ),
      ),
    );
  }

  /** @internal */
  executeInserts(inserts: readonly PlannedInsert[]): TableResult {
    return this.inSession(
      () => this.recalledSinkJob(inserts.map((insert) => insert.path)) ?? this.runPlannedInserts(inserts),
    );
  }

  /** Runs `fn` with this session's functions and time zone, as `executeSql` runs a statement. */
  private inSession<T>(fn: () => T): T {
    return withFunctionCatalog(
      this.catalog.functions,
      () => withSessionTimeZone(localTimeZone(this.config), fn),
      this.catalog,
    );
  }

  /** @internal */
  explainTable(plan: LogicalNode): string {
    return explainPlan(planLogical(plan, this.registry, this.config));
  }

  /** @internal */
  executeTable(plan: LogicalNode): TableResult {
    const planned = planLogical(plan, this.registry, this.config);
    return new TableResult(
      'SUCCESS_WITH_CONTENT',
      plan.columns,
      (limit) => this.collect(planned.physical, limit),
      undefined,
      planned.physical.changelogMode,
    ).printedIn(localTimeZone(this.config));
  }

  private execute(statement: Statement): TableResult {
    switch (statement.kind) {
      case 'createTable':
        if (statement.asQuery !== undefined) return this.runStatementSet(statement);
        this.catalog.create(
          tableFromDdl(mergeLike(statement, this.catalog), this.registry),
          statement.temporary,
          statement.ifNotExists,
          statement.pos,
          statement.name,
        );
        return TableResult.ok();
      case 'createView':
        this.catalog.create(
          viewFromDdl(statement, this.catalog),
          statement.temporary,
          statement.ifNotExists,
          statement.pos,
          statement.name,
        );
        return TableResult.ok();
      case 'createCatalog': {
        const { type, defaultDatabase, options } = catalogFromDdl(statement);
        const { name, comment, ifNotExists, pos } = statement;
        this.catalog.createCatalog(name, type, defaultDatabase, options, comment, ifNotExists, pos);
        return TableResult.ok();
      }
      case 'dropCatalog':
        this.catalog.dropCatalog(statement.name, statement.ifExists, statement.namePos);
        return TableResult.ok();
      case 'createDatabase':
        this.catalog.createDatabase(
          statement.name,
          statement.comment,
          databaseOptions(statement),
          statement.ifNotExists,
          statement.namePos,
        );
        return TableResult.ok();
      case 'dropDatabase':
        this.catalog.dropDatabase(statement.name, statement.ifExists, statement.cascade, statement.namePos);
        return TableResult.ok();
      case 'createFunction':
        return this.createFunction(statement);
      case 'drop': {
        if (statement.object === 'FUNCTION') {
          const name = statement.name[statement.name.length - 1]!;
          // A temporary function lives outside the catalogs, as in Flink: its database need not exist.
          if (statement.name.length > 1 && !statement.temporary)
            this.catalog.existingDatabase(statement.name.slice(0, -1), statement.namePos);
          const functions = this.catalog.functions;
          const system = statement.system === true;
          if (system ? functions.dropSystem(name) : functions.dropCatalogFunction(name))
            return TableResult.ok();
          if (statement.ifExists) return TableResult.ok();
          if (system)
            throw validationError(
              statement.namePos,
              `temporary system function '${name}' does not exist; temporary system functions: ${
                functions
                  .names()
                  .filter((n) => functions.isSystem(n))
                  .join(', ') || 'none'
              }`,
            );
          if (functions.isSystem(name))
            throw validationError(
              statement.namePos,
              `function '${statement.name.join('.')}' is a temporary system function; drop it with DROP TEMPORARY SYSTEM FUNCTION ${name}`,
            );
          if (BUILT_IN_FUNCTIONS.includes(name.toUpperCase()))
            throw validationError(
              statement.namePos,
              `${name.toUpperCase()} is a built-in function and cannot be dropped`,
            );
          throw validationError(
            statement.namePos,
            `function '${statement.name.join('.')}' does not exist; user-defined functions: ${functions.names().join(', ') || 'none'}`,
          );
        }
        this.catalog.drop(
          statement.object === 'TABLE' ? 'table' : 'view',
          statement.name,
          statement.temporary,
          statement.ifExists,
          statement.namePos,
        );
        return TableResult.ok();
      }
      case 'show':
        return this.show(statement);
      case 'describe':
      case 'showColumns':
        return this.describe(statement);
      case 'showCreate':
        return rowsResult(stringColumns('result'), [{ result: showCreate(statement, this.catalog) }]);
      case 'alterTable':
        alterTable(statement, this.catalog, this.registry);
        return TableResult.ok();
      case 'alterView':
        alterView(statement, this.catalog);
        return TableResult.ok();
      case 'alterCatalog': {
        const action = statement.action;
        const current = this.catalog.describeCatalog(statement.name, statement.namePos);
        const change =
          action.kind === 'comment' ? { comment: action.comment } : alteredCatalogOptions(statement, current);
        this.catalog.alterCatalog(statement.name, change, statement.namePos);
        return TableResult.ok();
      }
      case 'alterDatabase':
        this.catalog.alterDatabase(statement.name, databaseOptions(statement), statement.namePos);
        return TableResult.ok();
      case 'describeCatalog':
        return rowsResult(
          stringColumns('info name', 'info value'),
          describeCatalogRows(
            this.catalog.catalogDescriptor(statement.name, statement.namePos),
            statement.extended,
          ),
        );
      case 'set':
        if (statement.key === undefined) {
          const rows = this.config.entries().map(([key, value]) => ({ key, value }));
          return rowsResult(stringColumns('key', 'value'), rows);
        }
        this.config.set(statement.key, statement.value!, statement.pos);
        return TableResult.ok();
      case 'reset':
        this.config.reset(statement.key, statement.pos);
        return TableResult.ok();
      case 'use':
        if (!statement.catalog) this.catalog.useDatabase(statement.name, statement.pos);
        else if (statement.name.length === 1) this.catalog.useCatalog(statement.name[0]!, statement.pos);
        else
          throw validationError(
            statement.pos,
            `a catalog name has one part, not ${statement.name.join('.')}; write USE CATALOG name or USE catalog.database`,
          );
        return TableResult.ok();
      case 'explain': {
        const text = this.explainStatement(statement.statement);
        return rowsResult(stringColumns('result'), [{ result: text }]);
      }
      case 'insert':
        return this.runInserts([statement]);
      case 'statementSet':
        return this.runStatementSet(statement);
      case 'queryStatement':
        return this.executeTable(new PlanBuilder(this.catalog).query(statement.query));
      case 'showJobs':
      case 'describeJob':
      case 'stopJob':
        return this.jobs.execute(statement, this.config.get<string>('state.savepoints.dir'));
      case 'compilePlan':
      case 'executePlan':
      case 'explainPlanFile':
        return this.planStatement(statement);
    }
  }

  private explainStatement(statement: Query | Insert | Statement): string {
    if (statement.kind === 'query')
      return explainPlan(
        planLogical(new PlanBuilder(this.catalog).query(statement), this.registry, this.config),
      );
    if (statement.kind === 'queryStatement')
      return explainPlan(
        planLogical(new PlanBuilder(this.catalog).query(statement.query), this.registry, this.config),
      );
    if (statement.kind === 'insert')
      return explainPlan(planLogical(this.insertPlan(statement), this.registry, this.config));
    if (statement.kind === 'createTable' && statement.asQuery !== undefined)
      return this.explainStatement({
        kind: 'statementSet',
        pos: statement.pos,
        inserts: [ctasInsert(statement)],
        creates: [statement],
      });
    if (statement.kind === 'statementSet')
      // The tables of its CTAS statements exist while it is planned, and only then.
      return this.withCtasTables(statement.creates ?? [], false, () =>
        explainPlan(
          planLogicalSet(
            statement.inserts.map((insert) => this.insertPlan(insert)),
            this.registry,
            this.config,
          ),
        ),
      );
    throw unsupported(statement.pos, `EXPLAIN of ${statement.kind}`);
  }

  private show(statement: Extract<Statement, { kind: 'show' }>): TableResult {
    switch (statement.object) {
      case 'TABLES': {
        const { catalog, database } =
          statement.from === undefined
            ? { catalog: undefined, database: undefined }
            : this.catalog.existingDatabase(statement.from, statement.fromPos);
        const like = statement.like;
        // `\` escapes a `%` or `_` that is part of a name, as in Flink's SHOW … LIKE.
        const names = this.catalog
          .names(undefined, catalog, database)
          .filter((n) => like === undefined || runtime.like(n, like.pattern, '\\') !== like.negated);
        return rowsResult(
          stringColumns('table name'),
          names.map((n) => ({ 'table name': n })),
        );
      }
      case 'VIEWS':
        return rowsResult(
          stringColumns('view name'),
          this.catalog.names('view').map((n) => ({ 'view name': n })),
        );
      case 'FUNCTIONS':
      case 'USER FUNCTIONS': {
        // Weir's functions share one namespace: FROM only checks that the database exists.
        if (statement.from !== undefined) this.catalog.existingDatabase(statement.from, statement.fromPos);
        const names = (
          statement.object === 'FUNCTIONS' ? this.listFunctions() : this.listUserDefinedFunctions()
        ).filter((n) => showLike(n, statement.like));
        return rowsResult(
          stringColumns('function name'),
          names.map((n) => ({ 'function name': n })),
        );
      }
      case 'CATALOGS':
        return rowsResult(
          stringColumns('catalog name'),
          this.catalog
            .catalogNames()
            .filter((n) => showLike(n, statement.like))
            .map((n) => ({ 'catalog name': n })),
        );
      case 'DATABASES': {
        const catalog = statement.from?.[0];
        if (catalog !== undefined) this.catalog.describeCatalog(catalog, statement.fromPos);
        return rowsResult(
          stringColumns('database name'),
          this.catalog
            .databaseNames(catalog)
            .filter((n) => showLike(n, statement.like))
            .map((n) => ({ 'database name': n })),
        );
      }
      case 'CURRENT CATALOG':
        return rowsResult(stringColumns('current catalog name'), [
          { 'current catalog name': this.catalog.currentCatalog() },
        ]);
      case 'CURRENT DATABASE':
        return rowsResult(stringColumns('current database name'), [
          { 'current database name': this.catalog.currentDatabase() },
        ]);
    }
  }

  /** Rows like Flink's DESCRIBE: name, type, null, key, extras, watermark; SHOW COLUMNS filters them by name. */
  private describe(statement: Describe | ShowColumns): TableResult {
    const result = this.describeAll(statement);
    const like = statement.kind === 'showColumns' ? statement.like : undefined;
    if (like === undefined) return result;
    return new TableResult('SUCCESS_WITH_CONTENT', result.columnTypes(), async (limit) => {
      const rows = (await result.collect()).filter(
        (r) => runtime.like(r.name as string, like.pattern) !== like.not,
      );
      return limit === undefined ? rows : rows.slice(0, limit);
    });
  }

  private describeAll(statement: Describe | ShowColumns): TableResult {
    const object = this.catalog.lookup(statement.name, statement.namePos);
    const columns = stringColumns('name', 'type', 'null', 'key', 'extras', 'watermark');
    if (object.kind === 'view') {
      const rows = object.columns.map((c) => ({
        name: c.name,
        type: formatType(withNullability(c.type, true)),
        null: c.type.nullable ? 'TRUE' : 'FALSE',
        key: '',
        extras: '',
        watermark: '',
      }));
      return rowsResult(columns, rows);
    }
    const key = object.primaryKey;
    const rows = object.columns.map((c) => ({
      name: c.name,
      type: formatType(withNullability(c.type, true)),
      null: c.type.nullable ? 'TRUE' : 'FALSE',
      key: key?.columns.includes(c.name) ? `PRI(${key.columns.join(', ')})` : '',
      extras: c.computed !== undefined ? `AS ${c.computed.text}` : metadataExtras(c.metadata),
      watermark: object.watermark?.column === c.name ? object.watermark.text : '',
    }));
    return rowsResult(columns, rows);
  }

  /** The plan of INSERT INTO: the query, its columns matched to the sink's by position. */
  private insertPlan(insert: Insert): LogicalNode {
    const object = this.catalog.lookup(insert.table, insert.namePos);
    if (object.kind !== 'table')
      throw validationError(insert.namePos, `cannot INSERT INTO view '${object.name}'; insert into a table`);
    if (insert.overwrite) throw unsupported(insert.pos, 'INSERT OVERWRITE', 'use INSERT INTO');
    const statics = staticPartitionValues(object, insert.partition ?? []);
    const query = new PlanBuilder(this.catalog).query(insert.query);
    const target = tableWithHints(object, insert.tableHints);
    return this.sinkPlan(target, query, insert.columns, insert, insert.query, statics);
  }

  /**
   * The plan writing `query` into `object`: its columns matched to the sink's by position, or to
   * `columns` when named; the static partition columns (`statics`) take their values and the
   * query supplies the others. Positions are undefined for a Table API insert.
   */
  private sinkPlan(
    object: CatalogTable,
    query: LogicalNode,
    columns: readonly string[],
    insert: { readonly pos: SourcePos; readonly namePos: SourcePos } | undefined,
    queryAst: Query | undefined,
    statics: ReadonlyMap<string, Rex> = new Map(),
  ): LogicalNode {
    const queryPos = queryAst?.pos;
    checkMetadataWrite(object, this.registry, insert?.namePos);
    // VIRTUAL metadata columns are read only: a sink has no place for them.
    const sinkColumns = object.columns.filter(
      (c) => c.computed === undefined && c.metadata?.virtual !== true,
    );
    const targets =
      columns.length === 0
        ? sinkColumns.filter((c) => !statics.has(c.name))
        : columns.map((n) => {
            const column = sinkColumns.find((c) => c.name === n);
            if (column === undefined)
              throw validationError(
                insert?.pos,
                `column '${n}' is not a physical column of '${object.name}'; its columns are ${sinkColumns.map((c) => c.name).join(', ')}`,
              );
            if (statics.has(n))
              throw validationError(
                insert?.pos,
                `column '${n}' has its value in PARTITION (…); leave it out of the column list`,
              );
            return column;
          });
    if (query.columns.length !== targets.length)
      throw validationError(
        queryPos,
        `the query has ${query.columns.length} columns but '${object.name}' expects ${targets.length} (${targets.map((c) => c.name).join(', ')})`,
      );
    const source = valuesForSink(query, queryAst, targets);
    const projections = sinkColumns.map((target) => {
      const fixed = statics.get(target.name);
      if (fixed !== undefined) return { name: target.name, rex: fixed };
      const index = targets.indexOf(target);
      // As in Flink, a column left out of the list is NULL, which a NOT NULL one cannot take.
      if (index < 0 && !target.type.nullable)
        throw validationError(
          insert?.pos,
          `column '${target.name}' of '${object.name}' is NOT NULL and has no default value; add it to the column list with a value`,
        );
      if (index < 0)
        return {
          name: target.name,
          rex: { kind: 'literal' as const, value: null, type: withNullability(target.type, true) },
        };
      const at = queryAst === undefined ? undefined : queryColumnPos(queryAst, index);
      return { name: target.name, rex: sinkColumnRex(source.columns[index]!, target, object.name, at) };
    });
    return sink(project(source, projections), object, insert?.pos);
  }

  /**
   * A statement set, or one CTAS (as a set of itself): creates the CTAS tables, each with its
   * query's columns (an existing one is kept under IF NOT EXISTS, replaced by CREATE OR REPLACE),
   * then runs every INSERT as one job. The tables are dropped again if the job cannot be planned.
   */
  private runStatementSet(set: StatementSetStatement | CreateTable): TableResult {
    const ctas = set.kind === 'createTable' ? [set] : (set.creates ?? []);
    const inserts = set.kind === 'createTable' ? [ctasInsert(set)] : set.inserts;
    return this.withCtasTables(ctas, true, () => this.runInserts(inserts));
  }

  /**
   * Runs `fn` with the tables of CTAS statements created, each with its query's columns (an
   * existing one is kept under IF NOT EXISTS, replaced by CREATE OR REPLACE). If `fn` fails, or
   * `keep` is false (EXPLAIN), the catalog is put back as it was.
   */
  private withCtasTables<T>(ctas: readonly CreateTable[], keep: boolean, fn: () => T): T {
    const created: (readonly string[])[] = [];
    const restored: CatalogTable[] = [];
    const undo = () => {
      for (const name of created) this.catalog.drop('table', name, false, true, undefined);
      for (const table of restored) this.catalog.create(table, false, true, undefined);
    };
    let result: T;
    try {
      for (const ddl of ctas) {
        const name = Catalog.objectName(ddl.name, ddl.pos);
        const existing = this.catalog.get(ddl.name);
        if (existing !== undefined && ddl.ifNotExists) continue;
        if (ddl.replace === 'replace' && existing === undefined)
          throw validationError(
            ddl.pos,
            `table '${name}' to replace does not exist; use CREATE TABLE … AS or CREATE OR REPLACE TABLE … AS`,
          );
        const columns = new PlanBuilder(this.catalog).query(ddl.asQuery!).columns;
        const table = tableFromQuery(ddl, columns, this.registry);
        if (ddl.replace !== undefined && existing !== undefined) {
          if (existing.kind !== 'table')
            throw validationError(ddl.pos, `'${name}' is a view; REPLACE TABLE replaces tables`);
          if (this.catalog.isTemporary(ddl.name))
            throw validationError(
              ddl.pos,
              `'${name}' is a temporary table, which REPLACE TABLE does not replace (as in Flink); drop it first`,
            );
          this.catalog.drop('table', ddl.name, false, false, ddl.pos);
          restored.push(existing);
        }
        this.catalog.create(table, false, false, ddl.pos, ddl.name);
        created.push(ddl.name);
      }
      result = fn();
    } catch (error) {
      undo();
      throw error;
    }
    if (!keep) undo();
    return result;
  }

  private runInserts(inserts: readonly Insert[]): TableResult {
    return (
      this.recalledSinkJob(inserts.map((insert) => insert.table.join('.'))) ??
      this.runPlannedInserts(inserts.map((insert) => this.plannedInsert(insert)))
    );
  }

  /**
   * On a worker rebuilding a job file: the INSERT job about to be submitted, started from the
   * physical plan its submitting thread made (`submitted-plan.ts`), so this thread does not plan.
   */
  private recalledSinkJob(paths: readonly string[]): TableResult | undefined {
    const plan = recallSinkJobPlan(paths, planFunctions(this.catalog.functions));
    return plan === undefined ? undefined : this.startSinkJob(plan.sinks, plan.targets, this.config);
  }

  /** An INSERT statement's sink plan, with the names the job and its result give the table. */
  private plannedInsert(insert: Insert): PlannedInsert {
    const plan = this.insertPlan(insert);
    const id = this.catalog.lookup(insert.table, insert.namePos).identifier;
    return {
      plan,
      path: insert.table.join('.'),
      target: `${id?.catalog ?? DEFAULT_CATALOG}.${id?.database ?? DEFAULT_DATABASE}.${insert.table[insert.table.length - 1]}`,
    };
  }

  /** Runs sink plans as one job; the result has a column per sink, named by its table. */
  private runPlannedInserts(inserts: readonly PlannedInsert[]): TableResult {
    // Planned and translated together, so a table the INSERTs read is read once (scan sharing).
    const planned = planLogicalSet(
      inserts.map((insert) => insert.plan),
      this.registry,
      this.config,
    );
    const sinks = planned.map((p) => p.physical as SinkPlan);
    rememberSinkJobPlan(
      { sinks, targets: inserts.map(({ path, target }) => ({ path, target })) },
      planFunctions(this.catalog.functions),
    );
    return this.startSinkJob(sinks, inserts, this.config);
  }

  /**
   * Starts the job of physical sink plans, translated under `config` (the session's, or a
   * compiled plan's options over the session's job options).
   */
  private startSinkJob(
    sinks: readonly SinkPlan[],
    inserts: readonly PlanTarget[],
    config: TableConfig,
  ): TableResult {
    this.applyConfig();
    const context = { ...this.translateContext(), config };
    translateSinks(sinks, context);
    const name =
      this.config.get<string>('pipeline.name') ?? `insert-into_${inserts.map((s) => s.path).join(',')}`;
    const client = this.env.executeAsync(name);
    this.jobs.add(client);
    const columns = inserts.map((s) => ({ name: s.target, type: Types.BIGINT }));
    const row = Object.fromEntries(columns.map((c) => [c.name, -1]));
    return new TableResult('SUCCESS_WITH_CONTENT', columns, async () => [row], client);
  }

  private async collect(physical: PhysicalNode, limit?: number): Promise<Row[]> {
    this.applyConfig();
    const stream = translateResult(physical, this.translateContext());
    return stream.executeAndCollect(limit);
  }

  private translateContext() {
    return {
      env: this.env,
      registry: this.registry,
      printTarget: this.options.printTarget,
      config: this.config,
    };
  }

  /** Session options that configure the job, applied to the environment before each job. */
  private applyConfig(): void {
    const parallelism = this.config.get<number>('parallelism.default');
    if (parallelism !== undefined) this.env.setParallelism(parallelism);
    const maxParallelism = this.config.get<number>('pipeline.max-parallelism');
    if (maxParallelism !== undefined) this.env.setMaxParallelism(maxParallelism);
    const mode = this.config.get<'streaming' | 'batch'>('execution.runtime-mode');
    if (mode !== undefined) this.env.setRuntimeMode(mode);
    const interval = this.config.get<number>('execution.checkpointing.interval');
    if (interval !== undefined) {
      const ckMode =
        this.config.get<string>('execution.checkpointing.mode') === 'at_least_once'
          ? 'at-least-once'
          : 'exactly-once';
      this.env.enableCheckpointing(interval, ckMode);
    }
    const watermarkInterval = this.config.get<number>('pipeline.auto-watermark-interval');
    if (watermarkInterval !== undefined) this.env.getConfig().setAutoWatermarkInterval(watermarkInterval);
    const checkpointDir = this.config.get<string>('state.checkpoints.dir');
    if (checkpointDir !== undefined) this.env.getCheckpointConfig().setCheckpointStorage(checkpointDir);
    this.env.setSavepointRestore(
      this.config.get<string>('execution.savepoint.path'),
      this.config.get<boolean>('execution.savepoint.ignore-unclaimed-state'),
    );
    const backend = this.config.get<string>('state.backend.type');
    if (backend !== undefined)
      this.env.setStateBackend(backend === 'disk' || backend === 'rocksdb' ? 'disk' : 'heap');
  }
}

/**
 * Built-in function names as SHOW FUNCTIONS lists them: the scalar functions, the forms the
 * typer handles itself, and the aggregates.
 */
const BUILT_IN_FUNCTIONS: readonly string[] = [
  ...new Set([
    ...Object.keys(FUNCTIONS).filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n)),
    'CAST',
    'TRY_CAST',
    'COALESCE',
    'IF',
    'NULLIF',
    'CURRENT_TIMESTAMP',
    'LOCALTIMESTAMP',
    'NOW',
    'PROCTIME',
    ...AGGREGATES,
  ]),
];

/** The INSERT of a CTAS statement's query into the table it creates. */
function ctasInsert(ddl: CreateTable): Insert {
  return {
    kind: 'insert',
    pos: ddl.pos,
    table: ddl.name,
    namePos: ddl.pos,
    overwrite: false,
    columns: [],
    query: ddl.asQuery!,
  };
}

/** DESCRIBE's extras of a metadata column, as Flink writes them: `METADATA [FROM 'key'] [VIRTUAL]`. */
function metadataExtras(metadata: CatalogTable['columns'][number]['metadata']): string {
  if (metadata === undefined) return '';
  const from = metadata.keyWritten ? ` FROM '${metadata.key}'` : '';
  return `METADATA${from}${metadata.virtual ? ' VIRTUAL' : ''}`;
}

function rowsResult(columns: PlanColumn[], rows: Row[]): TableResult {
  return new TableResult('SUCCESS_WITH_CONTENT', columns, async (limit) =>
    limit === undefined ? rows : rows.slice(0, limit),
  );
}
