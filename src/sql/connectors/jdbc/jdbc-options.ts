/**
 * The options of the `jdbc` table connector, with Flink's names, and how a table's `WITH (…)`
 * turns into settings: where the server is (`url`, `username`, `password`), which table
 * (`table-name`, optionally `schema.table`), how the sink batches (`sink.buffer-flush.*`,
 * `sink.max-retries`) and commits (`sink.semantic`, `sink.transaction-id-prefix`), and how a scan is cut into parallel ranges
 * (`scan.partition.*`) and fetched (`scan.fetch-size`), and how a lookup join caches and retries
 * (`lookup.*`, jdbc-lookup-options.ts). Only PostgreSQL URLs are accepted.
 */
import { validationError } from '../../errors.js';
import type { SourcePos } from '../../parser/ast.js';
import type { CatalogColumn, CatalogTable } from '../../catalog/catalog.js';
import { parseDuration } from '../../config.js';
import { type ConnectorOption, isOneOf, isPositiveInteger } from '../factory.js';
import { JDBC_LOOKUP_OPTIONS, validateJdbcLookupOptions } from './jdbc-lookup-options.js';
import { pgTypeOf } from './jdbc-types.js';

const isCount = (v: string) => (/^\d+$/.test(v.trim()) ? undefined : 'a whole number >= 0');
const isInteger = (v: string) => (/^-?\d+$/.test(v.trim()) ? undefined : 'a whole number');
const isDuration = (v: string) =>
  parseDuration(v) === undefined ? "a duration such as '1 s', '1 min' or '500 ms'" : undefined;
const isPostgresUrl = (v: string) =>
  /^jdbc:postgresql:\/\/[^/?]+(\/[^?]*)?(\?.*)?$/.test(v)
    ? undefined
    : "a PostgreSQL JDBC url 'jdbc:postgresql://host[:port]/database' (only PostgreSQL is supported)";

/** Every option the connector accepts; see the module comment. */
export const JDBC_OPTIONS: readonly ConnectorOption[] = [
  { key: 'url', required: true, check: isPostgresUrl },
  { key: 'table-name', required: true },
  { key: 'driver' },
  { key: 'username' },
  { key: 'password' },
  { key: 'connection.max-retry-timeout', check: isDuration },
  { key: 'sink.buffer-flush.max-rows', check: isCount },
  { key: 'sink.buffer-flush.interval', check: isDuration },
  { key: 'sink.max-retries', check: isCount },
  { key: 'sink.parallelism', check: isPositiveInteger },
  { key: 'sink.semantic', check: isOneOf('exactly-once', 'at-least-once') },
  { key: 'sink.transaction-id-prefix' },
  { key: 'scan.partition.column' },
  { key: 'scan.partition.num', check: isPositiveInteger },
  { key: 'scan.partition.lower-bound', check: isInteger },
  { key: 'scan.partition.upper-bound', check: isInteger },
  { key: 'scan.fetch-size', check: isCount },
  { key: 'scan.auto-commit', check: isOneOf('true', 'false') },
  ...JDBC_LOOKUP_OPTIONS,
];

/** Where the server is, as node-postgres takes it. */
export interface ConnectionSettings {
  /** The `url` as written, for error messages. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
}

/** The scan's parallel ranges of `column`, each `BETWEEN` two bounds. */
export interface ScanPartitioning {
  readonly column: string;
  readonly num: number;
  readonly lower: number;
  readonly upper: number;
}

/** A table's settings. */
export interface JdbcOptions {
  readonly connection: ConnectionSettings;
  /** `table` or `schema.table`, as written. */
  readonly tableName: string;
  readonly maxRows: number;
  readonly flushIntervalMs: number;
  readonly maxRetries: number;
  readonly sinkParallelism: number | undefined;
  readonly semantic: 'exactly-once' | 'at-least-once';
  /**
   * Names this sink's prepared transactions apart from other jobs' on the same table; by
   * default the job's name and the sink's uid stand for it (see `transactionIdPrefix`).
   */
  readonly transactionIdPrefix: string | undefined;
  readonly partitioning: ScanPartitioning | undefined;
  readonly fetchSize: number;
}

/** Reads the `url` into host, port and database; defaults as the PostgreSQL JDBC driver's. */
export function parseJdbcUrl(url: string, user?: string, password?: string): ConnectionSettings {
  const parsed = new URL(url.slice('jdbc:'.length));
  const params = parsed.searchParams;
  return {
    url,
    host: decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, '')) || 'localhost',
    port: parsed.port === '' ? 5432 : Number(parsed.port),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    user: user ?? params.get('user') ?? undefined,
    password: password ?? params.get('password') ?? undefined,
  };
}

/** The settings of a validated table. */
export function readJdbcOptions(options: Readonly<Record<string, string>>): JdbcOptions {
  const column = options['scan.partition.column'];
  return {
    connection: parseJdbcUrl(options.url!, options.username, options.password),
    tableName: options['table-name']!,
    // Flink's defaults: 100 rows, one second, three retries.
    maxRows: Number(options['sink.buffer-flush.max-rows'] ?? 100),
    flushIntervalMs: parseDuration(options['sink.buffer-flush.interval'] ?? '1s')!,
    maxRetries: Number(options['sink.max-retries'] ?? 3),
    sinkParallelism:
      options['sink.parallelism'] === undefined ? undefined : Number(options['sink.parallelism']),
    semantic: (options['sink.semantic'] as JdbcOptions['semantic'] | undefined) ?? 'exactly-once',
    transactionIdPrefix: options['sink.transaction-id-prefix'],
    partitioning:
      column === undefined
        ? undefined
        : {
            column,
            num: Number(options['scan.partition.num']),
            lower: Number(options['scan.partition.lower-bound']),
            upper: Number(options['scan.partition.upper-bound']),
          },
    fetchSize: Number(options['scan.fetch-size'] ?? 0) || 1000,
  };
}

const PARTITION_KEYS = [
  'scan.partition.column',
  'scan.partition.num',
  'scan.partition.lower-bound',
  'scan.partition.upper-bound',
];

/**
 * Checks across options and the schema: the lookup options agree, partitioning is all or
 * nothing, every column has a PostgreSQL type.
 */
export function validateJdbcTable(
  table: CatalogTable,
  columns: readonly CatalogColumn[],
  optionPos: (key: string) => SourcePos | undefined,
  tablePos?: SourcePos,
): void {
  validateJdbcLookupOptions(table, optionPos, tablePos);
  const given = PARTITION_KEYS.filter((k) => table.options[k] !== undefined);
  if (given.length > 0 && given.length < PARTITION_KEYS.length)
    throw validationError(
      optionPos(given[0]!) ?? tablePos,
      `table '${table.name}' sets ${given.map((k) => `'${k}'`).join(', ')} but not ${PARTITION_KEYS.filter(
        (k) => !given.includes(k),
      )
        .map((k) => `'${k}'`)
        .join(', ')}; a partitioned scan needs all four`,
    );
  const column = table.options['scan.partition.column'];
  if (column !== undefined) {
    const type = columns.find((c) => c.name === column)?.type.root;
    if (type === undefined || !['TINYINT', 'SMALLINT', 'INT', 'BIGINT'].includes(type))
      throw validationError(
        optionPos('scan.partition.column'),
        `'scan.partition.column' of table '${table.name}' must name an integer column (TINYINT, SMALLINT, INT or BIGINT), not '${column}'${type === undefined ? '' : ` of type ${type}`}`,
      );
    if (
      Number(table.options['scan.partition.lower-bound']) >
      Number(table.options['scan.partition.upper-bound'])
    )
      throw validationError(
        optionPos('scan.partition.lower-bound'),
        `'scan.partition.lower-bound' of table '${table.name}' is above its 'scan.partition.upper-bound'`,
      );
  }
  for (const c of columns) {
    if (c.metadata !== undefined)
      throw validationError(
        tablePos,
        `the jdbc connector has no metadata; column '${c.name}' cannot read any`,
      );
    if (pgTypeOf(c.type) === undefined)
      throw validationError(
        tablePos,
        `column '${c.name}' of table '${table.name}' has type ${c.type.root}, which the jdbc connector cannot map to PostgreSQL; use a scalar type (numbers, strings, bytes, BOOLEAN, DATE, TIME, TIMESTAMP)`,
      );
  }
}
