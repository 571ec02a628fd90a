/**
 * The syntax tree of Weir's SQL dialect: immutable plain objects (frozen as they are built),
 * each with a `kind` tag and the `pos` (1-based line and column) of its first token, so that
 * every later stage (catalog, planner, typer) can point at the source in its errors.
 */

/** Where a node starts in the statement text; both 1-based. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

interface Node<K extends string> {
  readonly kind: K;
  readonly pos: SourcePos;
}

/** Time units of interval literals, `EXTRACT` and `FLOOR … TO`. */
export type TimeUnit =
  | 'YEAR'
  | 'QUARTER'
  | 'MONTH'
  | 'WEEK'
  | 'DAY'
  | 'HOUR'
  | 'MINUTE'
  | 'SECOND'
  | 'MILLISECOND';

// ---------------------------------------------------------------------------------------------
// Types as written

/** A data type as written: `DECIMAL(10, 2)`, `ROW<a INT>`, `TIMESTAMP(3) WITH LOCAL TIME ZONE`. */
export interface TypeSyntax extends Node<'type'> {
  /** Upper-case name, e.g. `VARCHAR`. */
  readonly name: string;
  /** Numeric parameters: length, precision, scale. */
  readonly params: readonly number[];
  /** Element types (`ARRAY<T>`, `MAP<K, V>`) or named fields (`ROW<a T>`). */
  readonly args: readonly { readonly name?: string; readonly type: TypeSyntax }[];
  readonly nullable: boolean;
  readonly withLocalTimeZone: boolean;
  /** For `INTERVAL DAY TO SECOND` column types. */
  readonly intervalUnit?: TimeUnit;
  /** The unit after TO (`SECOND` of `INTERVAL DAY TO SECOND`); absent for a single-field interval. */
  readonly intervalToUnit?: TimeUnit;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export interface Literal extends Node<'literal'> {
  readonly type: 'number' | 'string' | 'boolean' | 'null' | 'binary';
  /** The number, string (unescaped), boolean or null. Binary literals keep their hex text. */
  readonly value: number | string | boolean | null;
  /** The literal as written: decides whether a number is exact (INT, DECIMAL) or approximate. */
  readonly text: string;
}
/** `INTERVAL '10' SECOND`, `INTERVAL '1:30' HOUR TO MINUTE`. */
export interface IntervalLiteral extends Node<'interval'> {
  readonly negative: boolean;
  readonly text: string;
  readonly unit: TimeUnit;
  readonly toUnit?: TimeUnit;
}
/** `DATE '2024-01-01'`, `TIME '10:00:00'`, `TIMESTAMP '2024-01-01 10:00:00'`. */
export interface TypedLiteral extends Node<'typedLiteral'> {
  readonly type: 'DATE' | 'TIME' | 'TIMESTAMP';
  readonly text: string;
}
/** A column, possibly qualified: `price`, `B.price`, `person.name` (a ROW field). */
export interface ColumnRef extends Node<'column'> {
  readonly path: readonly string[];
}
/** `*` or `t.*` in a select list or `COUNT(*)`. */
export interface Star extends Node<'star'> {
  readonly qualifier: readonly string[];
}
/** A bare keyword argument: the unit of `EXTRACT(HOUR FROM ts)`, the mode of `TRIM(BOTH …)`. */
export interface SymbolArg extends Node<'symbol'> {
  readonly name: string;
}
/** Unary minus or plus, and NOT. */
export interface Unary extends Node<'unary'> {
  readonly op: '-' | '+' | 'NOT';
  readonly operand: Expr;
}
/** Binary operators, with SQL spelling (`<>` for both `<>` and `!=`). */
export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'AND'
  | 'OR';
/** Arithmetic, comparison, concatenation, AND and OR. */
export interface Binary extends Node<'binary'> {
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}
/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN`. */
export interface IsTest extends Node<'is'> {
  readonly test: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN';
  readonly negated: boolean;
  readonly operand: Expr;
}
/** `a IS [NOT] DISTINCT FROM b`. */
export interface IsDistinctFrom extends Node<'isDistinctFrom'> {
  readonly negated: boolean;
  readonly left: Expr;
  readonly right: Expr;
}
/** `x [NOT] BETWEEN low AND high`. */
export interface Between extends Node<'between'> {
  readonly negated: boolean;
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
}
/** `x [NOT] LIKE pattern [ESCAPE c]`, `ILIKE` and `SIMILAR TO`. */
export interface Like extends Node<'like'> {
  readonly negated: boolean;
  readonly similar: boolean;
  /** ILIKE: the pattern matches regardless of case. */
  readonly ignoreCase?: boolean;
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape?: Expr;
}
/** `x [NOT] IN (a, b, …)`. */
export interface InList extends Node<'inList'> {
  readonly negated: boolean;
  readonly operand: Expr;
  readonly list: readonly Expr[];
}
/** `x [NOT] IN (SELECT …)`. */
export interface InQuery extends Node<'inQuery'> {
  readonly negated: boolean;
  readonly operand: Expr;
  readonly query: Query;
}
/** `EXISTS (SELECT …)`. */
export interface Exists extends Node<'exists'> {
  readonly query: Query;
}
/** A scalar subquery `(SELECT …)` in an expression. */
export interface ScalarSubquery extends Node<'subquery'> {
  readonly query: Query;
}
/** `CASE [x] WHEN … THEN … [ELSE …] END`. */
export interface Case extends Node<'case'> {
  readonly operand?: Expr;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise?: Expr;
}
/** `CAST(x AS type)` and `TRY_CAST`. */
export interface Cast extends Node<'cast'> {
  readonly operand: Expr;
  readonly type: TypeSyntax;
  /** `TRY_CAST`: null instead of an error when the value does not convert. */
  readonly safe: boolean;
}
/** A window in `OVER (…)` or a `WINDOW w AS (…)` clause. */
export interface WindowSpec extends Node<'windowSpec'> {
  /** `OVER w` or `(w ORDER BY …)`: the named window this one extends. */
  readonly base?: string;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame?: WindowFrame;
}
/** `ROWS | RANGE BETWEEN start AND end` of an OVER window. */
export interface WindowFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly start: FrameBound;
  readonly end: FrameBound;
}
/** One end of a window frame. */
export type FrameBound =
  | { readonly kind: 'unboundedPreceding' | 'currentRow' | 'unboundedFollowing' }
  | { readonly kind: 'preceding' | 'following'; readonly offset: Expr };
/** A function call; also the special forms `EXTRACT`, `SUBSTRING`, `TRIM`, `POSITION`, `FLOOR … TO`. */
export interface Call extends Node<'call'> {
  /** Upper-case name (`COUNT`, `TO_TIMESTAMP_LTZ`). */
  readonly name: string;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  /** `COUNT(*) FILTER (WHERE …)`. */
  readonly filter?: Expr;
  readonly over?: WindowSpec;
}
/** `(a, b)` in an expression: a row, or a single parenthesised expression when it has one item. */
export interface RowExpr extends Node<'row'> {
  readonly items: readonly Expr[];
}

/** Any expression. */
export type Expr =
  | Literal
  | IntervalLiteral
  | TypedLiteral
  | ColumnRef
  | Star
  | SymbolArg
  | Unary
  | Binary
  | IsTest
  | IsDistinctFrom
  | Between
  | Like
  | InList
  | InQuery
  | Exists
  | ScalarSubquery
  | Case
  | Cast
  | Call
  | RowExpr;

// ---------------------------------------------------------------------------------------------
// Queries

export interface SelectItem extends Node<'selectItem'> {
  readonly expr: Expr;
  readonly alias?: string;
}
/** One key of ORDER BY: expression, direction and null order. */
export interface OrderItem extends Node<'orderItem'> {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst?: boolean;
}
/** `SELECT … FROM … WHERE … GROUP BY … HAVING … WINDOW …`. */
export interface Select extends Node<'select'> {
  /** Query hints, `SELECT /*+ STATE_TTL('t'='1d') *\/ …`; absent without a hint block. */
  readonly hints?: readonly SqlHint[];
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: FromItem;
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  readonly windows: readonly { readonly name: string; readonly spec: WindowSpec }[];
}
/** `UNION`, `INTERSECT`, `EXCEPT`, with or without ALL. */
export interface SetOperation extends Node<'setOp'> {
  readonly op: 'UNION' | 'INTERSECT' | 'EXCEPT';
  readonly all: boolean;
  readonly left: QueryBody;
  readonly right: QueryBody;
}
/** `VALUES (…), (…)`. */
export interface Values extends Node<'values'> {
  readonly rows: readonly (readonly Expr[])[];
}
/** What a query computes before its ORDER BY and LIMIT. */
export type QueryBody = Select | SetOperation | Values | Query;
/** A full query: optional `WITH`, a body, optional `ORDER BY` and `LIMIT`. */
export interface Query extends Node<'query'> {
  readonly with: readonly {
    readonly name: string;
    readonly columns: readonly string[];
    readonly query: Query;
  }[];
  readonly body: QueryBody;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: Expr;
  readonly offset?: Expr;
}

/**
 * One hint of a `/*+ … *\/` block, in Calcite's forms: a bare name, `name(k = 'v', …)` (key-value
 * options, the key a name or a string) or `name(a, 1, 'x')` (plain options). The grammar only
 * reads them; what each name means is the planner's (`planner/hints/`).
 */
export interface SqlHint {
  readonly pos: SourcePos;
  /** Upper-cased, as Flink matches hint names. */
  readonly name: string;
  readonly kvOptions: readonly { readonly key: string; readonly value: string; readonly pos: SourcePos }[];
  readonly listOptions: readonly string[];
}

/** A table, view or CTE by name; `FOR SYSTEM_TIME AS OF` makes it the build side of a temporal join. */
export interface TableRef extends Node<'tableRef'> {
  readonly name: readonly string[];
  /** Table hints after the name, `t /*+ OPTIONS('k'='v') *\/`; absent without a hint block. */
  readonly hints?: readonly SqlHint[];
  readonly alias?: string;
  readonly columnAliases: readonly string[];
  readonly systemTimeAsOf?: Expr;
}
/** `(SELECT …) [AS alias]` in FROM. */
export interface SubqueryRef extends Node<'subqueryRef'> {
  readonly query: Query;
  readonly alias?: string;
  readonly columnAliases: readonly string[];
}
/** An argument of a table-valued function: `TABLE t [PARTITION BY …]`, `DESCRIPTOR(c)`, or a value. */
export type TvfArgValue =
  | {
      readonly kind: 'tableArg';
      readonly pos: SourcePos;
      readonly name: readonly string[];
      readonly partitionBy: readonly string[];
    }
  | { readonly kind: 'descriptor'; readonly pos: SourcePos; readonly columns: readonly string[] }
  | Expr;
/** `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))`. */
export interface TvfRef extends Node<'tvf'> {
  readonly name: string;
  readonly args: readonly { readonly name?: string; readonly value: TvfArgValue }[];
  readonly alias?: string;
  readonly columnAliases: readonly string[];
}
/** A join of two FROM items. */
export interface Join extends Node<'join'> {
  /** `comma` is `FROM a, b`: a cross join whose condition sits in `WHERE`. */
  readonly joinType: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'comma';
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on?: Expr;
  readonly using: readonly string[];
}
/**
 * `LATERAL TABLE(f(args)) [AS] alias(col, …)`: a table function called once per row of the
 * FROM items to its left, so it appears as the right side of a join.
 */
export interface LateralTableRef extends Node<'lateral'> {
  readonly call: Call;
  readonly alias?: string;
  readonly columnAliases: readonly string[];
  /**
   * Set for `UNNEST(expr) [WITH ORDINALITY]`, a built-in table function over the elements of
   * an ARRAY or MAP (`call` is then `UNNEST(expr)`).
   */
  readonly unnest?: { readonly ordinality: boolean };
}
/**
 * One variable of a `MATCH_RECOGNIZE` pattern with its quantifier: `B+` is `{ min: 1, max:
 * Infinity }`, `C{2,3}?` is `{ min: 2, max: 3, greedy: false }`.
 */
export interface PatternElement {
  readonly pos: SourcePos;
  readonly variable: string;
  readonly min: number;
  readonly max: number;
  readonly greedy: boolean;
}
/** Where `AFTER MATCH SKIP …` resumes matching; `variable` for `TO FIRST v` / `TO LAST v`. */
export type AfterMatchSkip =
  | { readonly kind: 'pastLastRow' | 'toNextRow' }
  | { readonly kind: 'toFirst' | 'toLast'; readonly variable: string; readonly pos: SourcePos };
/** `input MATCH_RECOGNIZE (…) [AS alias]`: pattern recognition over `input`'s rows. */
export interface MatchRecognizeRef extends Node<'matchRecognize'> {
  readonly input: FromItem;
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  /** Each measure with its source text (`text`), which EXPLAIN prints. */
  readonly measures: readonly { readonly expr: Expr; readonly alias: string; readonly text: string }[];
  readonly afterMatch: AfterMatchSkip;
  /** Concatenated pattern variables, in order. */
  readonly pattern: readonly PatternElement[];
  /** `WITHIN INTERVAL '…'`: a match spans less than it (last row's time - first's < interval). */
  readonly within?: Expr;
  readonly define: readonly {
    readonly variable: string;
    readonly pos: SourcePos;
    readonly condition: Expr;
    readonly text: string;
  }[];
  readonly alias?: string;
  readonly columnAliases: readonly string[];
}
/** Anything in a FROM clause. */
export type FromItem = TableRef | SubqueryRef | TvfRef | Join | LateralTableRef | MatchRecognizeRef;

// ---------------------------------------------------------------------------------------------
// Statements

export interface ColumnDef extends Node<'physicalColumn'> {
  readonly name: string;
  readonly type: TypeSyntax;
  readonly comment?: string;
  /**
   * `METADATA [FROM 'key'] [VIRTUAL]`: the column holds a value the connector knows about a row
   * (the file it came from) rather than one of its fields; the key defaults to the column's
   * name. A VIRTUAL column is read but never written.
   */
  readonly metadata?: { readonly key?: string; readonly virtual: boolean };
}
/** `name AS expression` in CREATE TABLE. */
export interface ComputedColumnDef extends Node<'computedColumn'> {
  readonly name: string;
  readonly expr: Expr;
  /** The expression as written, for DESCRIBE. */
  readonly text: string;
  readonly comment?: string;
}
/** `WATERMARK FOR column AS expression`. */
export interface WatermarkDef extends Node<'watermark'> {
  readonly column: string;
  readonly expr: Expr;
  /** The expression as written, for DESCRIBE. */
  readonly text: string;
}
/** `[CONSTRAINT name] PRIMARY KEY (columns) NOT ENFORCED`. */
export interface PrimaryKeyDef extends Node<'primaryKey'> {
  readonly name?: string;
  readonly columns: readonly string[];
  readonly enforced: boolean;
}
/** A feature of a LIKE clause's source table that a {@link LikeOption} includes, excludes or overwrites. */
export type LikeFeature =
  | 'ALL'
  | 'CONSTRAINTS'
  | 'GENERATED'
  | 'METADATA'
  | 'OPTIONS'
  | 'PARTITIONS'
  | 'WATERMARKS';
/** `INCLUDING | EXCLUDING | OVERWRITING feature` in `LIKE source (…)`. */
export interface LikeOption {
  readonly strategy: 'INCLUDING' | 'EXCLUDING' | 'OVERWRITING';
  readonly feature: LikeFeature;
  readonly pos: SourcePos;
}
/** `LIKE source [(options)]` of CREATE TABLE: the table's schema and options start from the source's. */
export interface LikeClause extends Node<'like'> {
  readonly source: readonly string[];
  readonly sourcePos: SourcePos;
  readonly options: readonly LikeOption[];
}
/**
 * `CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (…) [COMMENT …] WITH (…) [LIKE source (…)]`, or
 * with `AS query` (CTAS; also `[CREATE OR] REPLACE TABLE name WITH (…) AS query`).
 */
export interface CreateTable extends Node<'createTable'> {
  readonly name: readonly string[];
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly columns: readonly (ColumnDef | ComputedColumnDef)[];
  readonly watermark?: WatermarkDef;
  readonly primaryKey?: PrimaryKeyDef;
  readonly comment?: string;
  readonly partitionedBy: readonly string[];
  /** `WITH ('k' = 'v', …)`, keys in the order written. */
  readonly options: readonly { readonly key: string; readonly value: string; readonly pos: SourcePos }[];
  readonly like?: LikeClause;
  /** CTAS: the query whose schema the table takes and whose rows are inserted into it. */
  readonly asQuery?: Query;
  /** `CREATE OR REPLACE TABLE … AS` ('createOrReplace') or `REPLACE TABLE … AS` ('replace'). */
  readonly replace?: 'createOrReplace' | 'replace';
  /** Where the column list would be, for "expected a column list" errors of plain CREATE TABLE. */
  readonly columnListPos?: SourcePos;
}
/** `CREATE [TEMPORARY] VIEW [IF NOT EXISTS] name [(columns)] AS query`. */
export interface CreateView extends Node<'createView'> {
  readonly name: readonly string[];
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly columns: readonly string[];
  /** `COMMENT '…'` before AS. */
  readonly comment?: string;
  readonly query: Query;
  /** The query as written, for SHOW CREATE VIEW. */
  readonly queryText?: string;
}
/** `CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'identifier' [LANGUAGE l]`. */
export interface CreateFunction extends Node<'createFunction'> {
  readonly name: readonly string[];
  readonly temporary: boolean;
  /** `CREATE TEMPORARY SYSTEM FUNCTION`: one that shadows a built-in of its name. */
  readonly system?: boolean;
  readonly ifNotExists: boolean;
  /** A class name (JAVA, SCALA, PYTHON), or `'module#export'` (TYPESCRIPT, JAVASCRIPT). */
  readonly className: string;
  /** The LANGUAGE clause in upper case, as written; undefined when absent (Flink's default: JAVA). */
  readonly language: string | undefined;
}
/** `DROP [TEMPORARY] TABLE | VIEW | FUNCTION [IF EXISTS] name`. */
export interface Drop extends Node<'drop'> {
  readonly object: 'TABLE' | 'VIEW' | 'FUNCTION';
  readonly name: readonly string[];
  /** Where the name starts, for "does not exist" errors. */
  readonly namePos: SourcePos;
  readonly temporary: boolean;
  /** `DROP TEMPORARY SYSTEM FUNCTION`. */
  readonly system?: boolean;
  readonly ifExists: boolean;
}
/**
 * `SHOW TABLES [FROM | IN [catalog.]database] [[NOT] LIKE 'pattern'] | VIEWS | FUNCTIONS |
 * CATALOGS | DATABASES | CURRENT CATALOG | CURRENT DATABASE`.
 */
export interface Show extends Node<'show'> {
  readonly object:
    | 'TABLES'
    | 'VIEWS'
    | 'FUNCTIONS'
    | 'USER FUNCTIONS'
    | 'CATALOGS'
    | 'DATABASES'
    | 'CURRENT CATALOG'
    | 'CURRENT DATABASE';
  /** SHOW TABLES / [USER] FUNCTIONS FROM / IN: the database, as written; SHOW DATABASES: the catalog. */
  readonly from?: readonly string[];
  /** Where the FROM database's name starts, for "does not exist" errors. */
  readonly fromPos?: SourcePos;
  /**
   * SHOW TABLES / CATALOGS / DATABASES / [USER] FUNCTIONS … [NOT] LIKE | ILIKE: a SQL LIKE
   * pattern the names must (not) match; ILIKE (not of TABLES) ignores case.
   */
  readonly like?: { readonly pattern: string; readonly negated: boolean; readonly ignoreCase?: boolean };
}
/** `DESCRIBE | DESC CATALOG [EXTENDED] name`: the catalog's name, type and comment (EXTENDED: and options). */
export interface DescribeCatalog extends Node<'describeCatalog'> {
  readonly name: string;
  readonly namePos: SourcePos;
  readonly extended: boolean;
}
/** What ALTER CATALOG changes: options set or reset, or the comment. */
export type AlterCatalogAction =
  | { readonly kind: 'setOptions'; readonly options: CreateCatalog['options'] }
  | {
      readonly kind: 'resetOptions';
      readonly keys: readonly { readonly key: string; readonly pos: SourcePos }[];
    }
  | { readonly kind: 'comment'; readonly comment: string };
/** `ALTER CATALOG name SET ('k' = 'v', …) | RESET ('k', …) | COMMENT '…'`. */
export interface AlterCatalog extends Node<'alterCatalog'> {
  readonly name: string;
  readonly namePos: SourcePos;
  readonly action: AlterCatalogAction;
}
/** `ALTER DATABASE [catalog.]name SET ('k' = 'v', …)`: options added or overwritten. */
export interface AlterDatabase extends Node<'alterDatabase'> {
  readonly name: readonly string[];
  readonly namePos: SourcePos;
  readonly options: CreateDatabase['options'];
}
/** `CREATE CATALOG [IF NOT EXISTS] name [COMMENT '…'] WITH ('type' = '…', …)`. */
export interface CreateCatalog extends Node<'createCatalog'> {
  readonly name: string;
  readonly ifNotExists: boolean;
  readonly comment?: string;
  readonly options: readonly { readonly key: string; readonly value: string; readonly pos: SourcePos }[];
}
/** `DROP CATALOG [IF EXISTS] name`. */
export interface DropCatalog extends Node<'dropCatalog'> {
  readonly name: string;
  readonly namePos: SourcePos;
  readonly ifExists: boolean;
}
/** `CREATE DATABASE [IF NOT EXISTS] [catalog.]name [COMMENT '…'] [WITH (…)]`. */
export interface CreateDatabase extends Node<'createDatabase'> {
  readonly name: readonly string[];
  readonly namePos: SourcePos;
  readonly ifNotExists: boolean;
  readonly comment?: string;
  readonly options: readonly { readonly key: string; readonly value: string; readonly pos: SourcePos }[];
}
/** `DROP DATABASE [IF EXISTS] [catalog.]name [RESTRICT | CASCADE]` (RESTRICT when neither is written). */
export interface DropDatabase extends Node<'dropDatabase'> {
  readonly name: readonly string[];
  readonly namePos: SourcePos;
  readonly ifExists: boolean;
  readonly cascade: boolean;
}
/** `SHOW CREATE TABLE | VIEW | CATALOG name`: the DDL that recreates the object. */
export interface ShowCreate extends Node<'showCreate'> {
  readonly object: 'TABLE' | 'VIEW' | 'CATALOG';
  readonly name: readonly string[];
  readonly namePos: SourcePos;
}
/** `SHOW COLUMNS FROM | IN name [[NOT] LIKE 'pattern']`. */
export interface ShowColumns extends Node<'showColumns'> {
  readonly name: readonly string[];
  readonly namePos: SourcePos;
  readonly like?: { readonly pattern: string; readonly not: boolean };
}
/** A column of ALTER TABLE ADD / MODIFY, with where it goes. */
export interface AlterColumn {
  readonly column: ColumnDef | ComputedColumnDef;
  /** `FIRST`, or `AFTER column`; absent: last (ADD) or where it was (MODIFY). */
  readonly position?: { readonly first: true } | { readonly after: string };
}
/** What an ALTER TABLE statement changes. */
export type AlterTableAction =
  | { readonly kind: 'renameTable'; readonly to: readonly string[] }
  | { readonly kind: 'setOptions'; readonly options: CreateTable['options'] }
  | {
      readonly kind: 'resetOptions';
      readonly keys: readonly { readonly key: string; readonly pos: SourcePos }[];
    }
  | {
      readonly kind: 'addSchema' | 'modifySchema';
      readonly columns: readonly AlterColumn[];
      readonly watermark?: WatermarkDef;
      readonly primaryKey?: PrimaryKeyDef;
    }
  | {
      readonly kind: 'dropColumns';
      readonly columns: readonly { readonly name: string; readonly pos: SourcePos }[];
    }
  | { readonly kind: 'dropWatermark' }
  | { readonly kind: 'dropPrimaryKey'; readonly constraint?: string }
  | { readonly kind: 'renameColumn'; readonly from: string; readonly to: string };
/** `ALTER TABLE [IF EXISTS] name action`. */
export interface AlterTable extends Node<'alterTable'> {
  readonly name: readonly string[];
  readonly namePos: SourcePos;
  readonly ifExists: boolean;
  /** Where the action starts, for errors about it. */
  readonly actionPos: SourcePos;
  readonly action: AlterTableAction;
}
/** `ALTER VIEW name RENAME TO new` or `ALTER VIEW name AS query`. */
export interface AlterView extends Node<'alterView'> {
  readonly name: readonly string[];
  readonly namePos: SourcePos;
  readonly rename?: readonly string[];
  readonly query?: Query;
  readonly queryText?: string;
}
/** `DESCRIBE name` or `DESC name`. */
export interface Describe extends Node<'describe'> {
  readonly name: readonly string[];
  /** Where the name starts, for "not found" errors. */
  readonly namePos: SourcePos;
}
/**
 * A job statement of the SQL client over the jobs this session started: `SHOW JOBS`,
 * `DESCRIBE JOB 'id'`, or `STOP JOB 'id' [WITH SAVEPOINT] [WITH DRAIN]`.
 */
export type JobStatement =
  | Node<'showJobs'>
  | (Node<'describeJob'> & JobTarget)
  | (Node<'stopJob'> & JobTarget & { readonly withSavepoint: boolean; readonly withDrain: boolean });
/** The job a job statement names, and where its id is written, for "no such job" errors. */
export interface JobTarget {
  readonly jobId: string;
  readonly jobIdPos: SourcePos;
}
/** `SET 'k' = 'v'`, or `SET` alone to list the session's options. */
export interface SetOption extends Node<'set'> {
  readonly key?: string;
  readonly value?: string;
}
/** `RESET 'key'`, or `RESET` alone to forget all options. */
export interface ResetOption extends Node<'reset'> {
  readonly key?: string;
}
/** `USE [CATALOG] name`. */
export interface Use extends Node<'use'> {
  readonly catalog: boolean;
  readonly name: readonly string[];
}
/** `INSERT INTO table [(columns)] query`. */
export interface Insert extends Node<'insert'> {
  readonly table: readonly string[];
  /** Where the table name starts, for "does not exist" errors. */
  readonly namePos: SourcePos;
  readonly overwrite: boolean;
  /** Table hints on the target, `INSERT INTO t /*+ OPTIONS('k'='v') *\/ …`. */
  readonly tableHints?: readonly SqlHint[];
  /** `PARTITION (dt = '2024-01-01', …)`: partition columns with static values. */
  readonly partition?: readonly StaticPartitionValue[];
  readonly columns: readonly string[];
  readonly query: Query;
}
/** A partition column's value in INSERT's `PARTITION (…)`, as its text (a literal's). */
export interface StaticPartitionValue {
  readonly column: string;
  readonly pos: SourcePos;
  readonly value: string;
}
/** `EXECUTE STATEMENT SET BEGIN insert; … END`: inserts that run as one job. */
export interface StatementSet extends Node<'statementSet'> {
  readonly inserts: readonly Insert[];
  /**
   * The CTAS statements of the set, created before the inserts are planned; each one's INSERT
   * is among `inserts`.
   */
  readonly creates?: readonly CreateTable[];
}
/** `EXPLAIN [PLAN FOR] query | insert | statement set`. */
export interface Explain extends Node<'explain'> {
  readonly statement: Query | Insert | StatementSet;
}
/**
 * A statement over a compiled plan file (`compiled-plan.ts`): `COMPILE [AND EXECUTE] PLAN 'file'
 * [IF NOT EXISTS] FOR insert | statement set`, `EXECUTE PLAN 'file'`, or `EXPLAIN PLAN 'file'`.
 */
export type PlanStatement =
  | (Node<'compilePlan'> &
      PlanFile & {
        readonly ifNotExists: boolean;
        /** COMPILE AND EXECUTE PLAN: run the plan (the existing one under IF NOT EXISTS) too. */
        readonly execute: boolean;
        readonly statement: Insert | StatementSet;
      })
  | (Node<'executePlan'> & PlanFile)
  | (Node<'explainPlanFile'> & PlanFile);
/** The plan file a plan statement names, and where its path is written, for errors about the file. */
export interface PlanFile {
  readonly file: string;
  readonly filePos: SourcePos;
}
/** A query run as a statement. */
export interface QueryStatement extends Node<'queryStatement'> {
  readonly query: Query;
}

/** Any statement. */
export type Statement =
  | CreateTable
  | CreateView
  | CreateFunction
  | Drop
  | CreateCatalog
  | DropCatalog
  | CreateDatabase
  | DropDatabase
  | Show
  | ShowCreate
  | ShowColumns
  | AlterTable
  | AlterView
  | AlterCatalog
  | AlterDatabase
  | Describe
  | DescribeCatalog
  | SetOption
  | ResetOption
  | Use
  | Insert
  | StatementSet
  | Explain
  | JobStatement
  | PlanStatement
  | QueryStatement;

/** Freezes a node and the arrays it holds; the only way nodes are made. */
export function node<T extends { kind: string }>(value: T): T {
  for (const v of Object.values(value)) if (Array.isArray(v)) Object.freeze(v);
  return Object.freeze(value);
}
