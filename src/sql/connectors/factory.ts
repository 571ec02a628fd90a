/**
 * The contract between SQL tables and connectors: a factory per `'connector' = '…'` value that
 * declares its options (so `WITH (…)` is validated at CREATE TABLE, naming the bad option and
 * the allowed ones) and turns a table into a DataStream source or a sink. Option keys may hold
 * `#` for a column name, as in datagen's `fields.#.kind`.
 */
import type { DataStream, DataStreamSink } from '../../api/data-stream.js';
import type { StreamExecutionEnvironment } from '../../api/environment.js';
import type { SourcePos } from '../parser/ast.js';
import type { CatalogColumn, CatalogTable } from '../catalog/catalog.js';
import type { SqlType } from '../catalog/types.js';
import type { Row } from '../expressions/compiler.js';
import type { Rex } from '../expressions/rex.js';
import type { ChangelogMode } from '../planner/changelog.js';

/** One option a connector accepts. */
export interface ConnectorOption {
  /** The key; `#` stands for a physical column's name. */
  readonly key: string;
  readonly required?: boolean;
  /** Checks a value; returns what is expected when it is wrong. */
  readonly check?: (value: string) => string | undefined;
}

/** What a factory gets to build a source. */
export interface SourceContext {
  readonly env: StreamExecutionEnvironment;
  readonly table: CatalogTable;
  /**
   * The table's physical columns, in order, with its metadata columns among them (those carry
   * `metadata`): the source fills those from {@link DynamicTableFactory.readableMetadata}.
   */
  readonly columns: readonly CatalogColumn[];
  /**
   * The names of the columns to emit, a subset of `columns` in their order, when the query
   * reads fewer than all (projection push-down); absent means all. Only set for factories
   * that declare {@link DynamicTableFactory.supportsProjectionPushDown}: computed columns and
   * the watermark read from the emitted columns, so a row must hold exactly these fields.
   */
  readonly projection?: readonly string[];
  /**
   * Conditions on physical columns the source must apply itself, all of them (filter push-down):
   * each is one the factory accepted through {@link DynamicTableFactory.acceptsFilter}, and the
   * planner removed it from the plan, so a row that fails one must never be emitted.
   */
  readonly filters?: readonly Rex[];
  /** Where the query names the table, for errors the source finds when it is built. */
  readonly pos?: SourcePos;
}

/** What a factory gets to build a sink. */
export interface SinkContext {
  readonly table: CatalogTable;
  readonly columns: readonly CatalogColumn[];
  /** Where print-like sinks write; standard output when absent. */
  readonly printTarget?: { write(text: string): unknown };
}

/** A connector usable from SQL. */
export interface DynamicTableFactory {
  /** The value of the `connector` option. */
  readonly identifier: string;
  readonly options: readonly ConnectorOption[];
  /**
   * Checks across options and the schema, after each option passed its own check; `tablePos`
   * is where the table is defined, for errors that concern no one option.
   */
  validate?(
    table: CatalogTable,
    columns: readonly CatalogColumn[],
    optionPos: (key: string) => SourcePos | undefined,
    tablePos?: SourcePos,
  ): void;
  /** Reads the table as a stream of rows (plain objects keyed by column name). */
  createSource?(context: SourceContext): DataStream<Row>;
  /** Writes a stream of rows; rows of changelog streams arrive as {@link ChangelogRow}s. */
  createSink?(context: SinkContext): (stream: DataStream<unknown>) => DataStreamSink<unknown>;
  /**
   * The metadata a source offers per row, by key, with the type of its values (Flink's
   * `SupportsReadingMetadata`): what `col TYPE METADATA [FROM 'key']` columns may read. All of
   * it is read-only, so such a column must be VIRTUAL in a table that is written. Absent: the
   * connector has none, and CREATE TABLE refuses METADATA columns.
   */
  readonly readableMetadata?: Readonly<Record<string, SqlType>>;
  /** Whether tables of this connector may be `PARTITIONED BY` columns; others refuse it. */
  readonly supportsPartitioning?: boolean;
  /**
   * Whether the source honours {@link SourceContext.projection}, emitting only the columns a
   * query reads; the planner keeps every column at the scan of other connectors.
   */
  readonly supportsProjectionPushDown?: boolean;
  /**
   * Whether the source can apply this condition (a conjunct of a WHERE over the table's
   * physical columns) before it builds rows; accepted ones arrive in
   * {@link SourceContext.filters}. Absent means no filter push-down.
   */
  acceptsFilter?(condition: Rex, columns: readonly CatalogColumn[]): boolean;
  /**
   * For a ROW column of the source: the fields each of its non-null values holds as own
   * properties, exactly these in this order, none undefined and nothing else, because the
   * source builds every value so. A Calc that rebuilds such a value field by field under the
   * same names may then pass the value itself instead of a copy. Undefined (or absent): no
   * such promise, and every projection copies.
   */
  exactRowFields?(column: string): readonly string[] | undefined;
  /** The changes the sink can take: insert-only sinks reject updating queries at planning time. */
  readonly sinkChangelogMode?: ChangelogMode;
  /**
   * The changes a sink of this table can take, for connectors where it depends on the table
   * (jdbc upserts into a table with a primary key and only appends to one without); it wins
   * over {@link sinkChangelogMode}.
   */
  sinkChangelogModeFor?(table: CatalogTable): ChangelogMode;
}

/** The changes a sink of `table` takes through `factory`; insert-only unless it says otherwise. */
export function sinkModeOf(factory: DynamicTableFactory, table: CatalogTable): ChangelogMode {
  return factory.sinkChangelogModeFor?.(table) ?? factory.sinkChangelogMode ?? 'insert-only';
}

/** Option value checks for factories: each returns what was expected, or undefined when the value is fine. */
export const isPositiveInteger = (v: string) =>
  /^\d+$/.test(v.trim()) && Number(v) >= 1 ? undefined : 'a whole number >= 1';
export const isNonNegativeNumber = (v: string) =>
  /^\d+(\.\d+)?$/.test(v.trim()) ? undefined : 'a number >= 0';
export const isNumber = (v: string) =>
  v.trim() !== '' && Number.isFinite(Number(v)) ? undefined : 'a number';
export const isBoolean = (v: string) => (v === 'true' || v === 'false' ? undefined : "'true' or 'false'");
export const isOneOf =
  (...values: string[]) =>
  (v: string) =>
    values.includes(v) ? undefined : values.map((x) => `'${x}'`).join(' or ');
