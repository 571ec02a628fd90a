/**
 * The options of the `filesystem` connector and its formats, after Flink's: their checks (each
 * bad value is named with what is expected), the checks across options and the schema (format
 * options of the other format, columns the format cannot hold), and reading them into typed
 * settings once per source or sink.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import type { CatalogColumn, CatalogTable } from '../catalog/catalog.js';
import { formatType } from '../catalog/types.js';
import { parseDuration } from '../config.js';
import { PARTITION_COMMIT_OPTIONS, validatePartitionCommit } from './filesystem-commit-options.js';
import { DEFAULT_PARTITION_NAME } from './filesystem-partitions.js';
import { type ConnectorOption, isBoolean, isOneOf, isPositiveInteger } from './factory.js';
import { type CsvRowOptions, csvSupports } from './formats/csv-row-format.js';
import { type JsonRowOptions, jsonSupports } from './formats/json-row-format.js';

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  bytes: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Bytes of a memory size such as `128MB`, `64 kb` or `1024`, as Flink writes them; undefined if malformed. */
export function parseMemorySize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  const factor = m === null ? undefined : MEMORY_UNITS[m[2]!.toLowerCase()];
  return factor === undefined || Number(m![1]) <= 0 ? undefined : Number(m![1]) * factor;
}

const isDuration = (v: string) =>
  (parseDuration(v) ?? 0) > 0 ? undefined : "a duration > 0 such as '10 s', '1 min' or '500 ms'";
const isMemorySize = (v: string) =>
  parseMemorySize(v) === undefined ? "a size > 0 such as '128MB', '64kb' or '1024'" : undefined;
const isSingleCharacter = (v: string) =>
  unescapeCharacter(v).length === 1 ? undefined : "a single character, such as ';' or '\\t'";

/** `\t` and friends in option text, as Flink allows for delimiters. */
function unescapeCharacter(text: string): string {
  const escapes: Record<string, string> = { '\\t': '\t', '\\n': '\n', '\\r': '\r', '\\\\': '\\' };
  return escapes[text] ?? text;
}

/** Every option the connector accepts. */
export const FILESYSTEM_OPTIONS: readonly ConnectorOption[] = [
  { key: 'path', required: true, check: (v) => (v.trim() === '' ? 'a file or directory path' : undefined) },
  { key: 'format', required: true, check: isOneOf('json', 'csv') },
  { key: 'source.monitor-interval', check: isDuration },
  { key: 'sink.rolling-policy.file-size', check: isMemorySize },
  { key: 'sink.rolling-policy.rollover-interval', check: isDuration },
  { key: 'sink.rolling-policy.inactivity-interval', check: isDuration },
  { key: 'sink.rolling-policy.check-interval', check: isDuration },
  { key: 'sink.parallelism', check: isPositiveInteger },
  {
    key: 'partition.default-name',
    check: (v) => (v === '' || v.includes('/') ? 'a non-empty name without /' : undefined),
  },
  { key: 'json.ignore-parse-errors', check: isBoolean },
  { key: 'json.fail-on-missing-field', check: isBoolean },
  { key: 'json.timestamp-format.standard', check: isOneOf('SQL', 'ISO-8601') },
  { key: 'csv.field-delimiter', check: isSingleCharacter },
  { key: 'csv.ignore-parse-errors', check: isBoolean },
  { key: 'csv.allow-comments', check: isBoolean },
  { key: 'csv.null-literal' },
  { key: 'csv.quote-character', check: isSingleCharacter },
  { key: 'csv.disable-quote-character', check: isBoolean },
  { key: 'csv.array-element-delimiter', check: (v) => (v === '' ? 'a non-empty string' : undefined) },
  ...PARTITION_COMMIT_OPTIONS,
];

/** The connector's settings, read from a table's options (which passed validation). */
export interface FilesystemOptions {
  readonly path: string;
  readonly format: 'json' | 'csv';
  readonly monitorIntervalMs: number | undefined;
  readonly fileSize: number;
  readonly rolloverIntervalMs: number;
  readonly inactivityIntervalMs: number;
  readonly checkIntervalMs: number;
  /** Partition commit, when a commit policy is set; see filesystem-sink.ts. */
  readonly partitionCommit:
    | {
        readonly trigger: 'process-time' | 'partition-time';
        readonly delayMs: number;
        readonly successFileName: string;
        readonly timestampPattern: string | undefined;
        readonly timestampFormatter: string | undefined;
      }
    | undefined;
  readonly sinkParallelism: number | undefined;
  readonly defaultPartitionName: string;
  readonly json: JsonRowOptions;
  readonly csv: CsvRowOptions;
}

/**
 * Reads the settings, with Flink's defaults: 128 MB parts, 30 min rollover and inactivity
 * intervals checked every minute; partitions committed by process time with no delay into a
 * `_SUCCESS` file, once a commit policy is set.
 */
export function readFilesystemOptions(options: Readonly<Record<string, string>>): FilesystemOptions {
  const monitor = options['source.monitor-interval'];
  const rollover = options['sink.rolling-policy.rollover-interval'];
  const inactivity = options['sink.rolling-policy.inactivity-interval'];
  const fileSize = options['sink.rolling-policy.file-size'];
  const check = options['sink.rolling-policy.check-interval'];
  const quote = options['csv.quote-character'];
  return {
    // Flink's paths are URIs; local ones may be written file:///dir.
    path: options.path!.startsWith('file://') ? options.path!.slice('file://'.length) : options.path!,
    format: options.format as 'json' | 'csv',
    monitorIntervalMs: monitor === undefined ? undefined : parseDuration(monitor),
    fileSize: fileSize === undefined ? 128 * 1024 * 1024 : parseMemorySize(fileSize)!,
    rolloverIntervalMs: rollover === undefined ? 30 * 60_000 : parseDuration(rollover)!,
    inactivityIntervalMs: inactivity === undefined ? 30 * 60_000 : parseDuration(inactivity)!,
    checkIntervalMs: check === undefined ? 60_000 : parseDuration(check)!,
    partitionCommit:
      options['sink.partition-commit.policy.kind'] === undefined
        ? undefined
        : {
            trigger:
              options['sink.partition-commit.trigger'] === 'partition-time'
                ? 'partition-time'
                : 'process-time',
            delayMs: parseDuration(options['sink.partition-commit.delay'] ?? '0')!,
            successFileName: options['sink.partition-commit.success-file.name'] ?? '_SUCCESS',
            timestampPattern: options['partition.time-extractor.timestamp-pattern'],
            timestampFormatter: options['partition.time-extractor.timestamp-formatter'],
          },
    sinkParallelism:
      options['sink.parallelism'] === undefined ? undefined : Number(options['sink.parallelism']),
    defaultPartitionName: options['partition.default-name'] ?? DEFAULT_PARTITION_NAME,
    json: {
      ignoreParseErrors: options['json.ignore-parse-errors'] === 'true',
      failOnMissingField: options['json.fail-on-missing-field'] === 'true',
      timestampStandard: options['json.timestamp-format.standard'] === 'ISO-8601' ? 'ISO-8601' : 'SQL',
    },
    csv: {
      fieldDelimiter: unescapeCharacter(options['csv.field-delimiter'] ?? ','),
      quote:
        options['csv.disable-quote-character'] === 'true'
          ? null
          : quote === undefined
            ? '"'
            : unescapeCharacter(quote),
      allowComments: options['csv.allow-comments'] === 'true',
      ignoreParseErrors: options['csv.ignore-parse-errors'] === 'true',
      nullLiteral: options['csv.null-literal'],
      arrayElementDelimiter: options['csv.array-element-delimiter'] ?? ';',
    },
  };
}

/**
 * Checks across options and the schema; each problem is one line at the option it concerns, or
 * at the table's definition (`tablePos`) for a partition column's type.
 */
export function validateFilesystemTable(
  table: CatalogTable,
  columns: readonly CatalogColumn[],
  optionPos: (key: string) => SourcePos | undefined,
  tablePos?: SourcePos,
): void {
  const options = table.options;
  const format = options.format as 'json' | 'csv';
  for (const key of Object.keys(options)) {
    const prefix = key.split('.')[0];
    if ((prefix === 'json' || prefix === 'csv') && prefix !== format)
      throw validationError(
        optionPos(key),
        `option '${key}' applies to 'format' = '${prefix}', but table '${table.name}' has 'format' = '${format}'; remove it`,
      );
  }
  if (options['json.ignore-parse-errors'] === 'true' && options['json.fail-on-missing-field'] === 'true')
    throw validationError(
      optionPos('json.fail-on-missing-field'),
      "'json.fail-on-missing-field' and 'json.ignore-parse-errors' cannot both be 'true'; set one of them to 'false'",
    );
  if (format === 'csv') {
    const csv = readFilesystemOptions(options).csv;
    if (options['csv.quote-character'] !== undefined && options['csv.disable-quote-character'] === 'true')
      throw validationError(
        optionPos('csv.quote-character'),
        "'csv.quote-character' has no effect with 'csv.disable-quote-character' = 'true'; remove one of them",
      );
    if (csv.quote !== null && csv.quote === csv.fieldDelimiter)
      throw validationError(
        optionPos('csv.quote-character') ?? optionPos('csv.field-delimiter'),
        `the csv quote character and field delimiter are both '${csv.quote}'; choose different characters`,
      );
  }
  const partitionKeys = table.partitionKeys ?? [];
  if (partitionKeys.length > 0 && options['source.monitor-interval'] !== undefined)
    throw validationError(
      optionPos('source.monitor-interval'),
      `'source.monitor-interval' on a PARTITIONED BY table is not supported: partition directories created later would not be read; read '${table.name}' bounded`,
    );
  validatePartitionCommit(table, partitionKeys, optionPos);
  for (const key of partitionKeys) {
    const type = columns.find((c) => c.name === key)!.type;
    if (type.root === 'ARRAY' || type.root === 'MAP' || type.root === 'ROW' || !csvSupports(type))
      throw validationError(
        tablePos,
        `partition column '${key}' of '${table.name}' is ${formatType(type)}; partition by a column of a scalar type such as STRING, INT or DATE`,
      );
  }
  const supports = format === 'json' ? jsonSupports : (type: CatalogColumn['type']) => csvSupports(type);
  for (const column of columns)
    if (!supports(column.type))
      throw validationError(
        optionPos('format'),
        `the ${format} format cannot hold column '${column.name}' of type ${formatType(column.type)}; ${format === 'csv' ? "use 'format' = 'json' for maps and nested collections" : 'json holds every type but INTERVAL, RAW and maps with collection keys'}`,
      );
}

/** Legacy `format.<x>` keys of the csv and json formats and the current suffix they stand for. */
const LEGACY_FORMAT_KEYS = new Set([
  'field-delimiter',
  'ignore-parse-errors',
  'allow-comments',
  'null-literal',
  'quote-character',
  'disable-quote-character',
  'array-element-delimiter',
  'fail-on-missing-field',
  'timestamp-format.standard',
]);

/**
 * Flink's legacy descriptor keys for the filesystem connector (`'connector.type' =
 * 'filesystem'`, `'connector.path'`, `'format.type'`, `'format.<csv or json option>'`), which
 * Nexmark's q13 still uses, mapped once at table creation onto the current keys; the result
 * maps each current key to the legacy key it came from, for error positions. Undefined when
 * `options` has no legacy key. Mixing both styles, or a legacy key this connector has no
 * current equivalent of, is a one-line error naming the key.
 */
export function fromLegacyFilesystemOptions(
  options: Readonly<Record<string, string>>,
  optionPos: (key: string) => SourcePos | undefined,
): { options: Record<string, string>; legacyKeys: Map<string, string> } | undefined {
  const legacy = Object.keys(options).filter((k) => k.startsWith('connector.') || k.startsWith('format.'));
  if (legacy.length === 0) return undefined;
  const type = options['connector.type'];
  if (type !== 'filesystem')
    throw validationError(
      optionPos(legacy[0]!),
      type === undefined
        ? `legacy option '${legacy[0]}' needs 'connector.type' = 'filesystem'; or write current keys ('connector', 'path', 'format', …)`
        : `legacy 'connector.type' = '${type}' is not supported; write 'connector' = '${type}' with the connector's current option keys`,
    );
  const current = Object.keys(options).find((k) => !legacy.includes(k));
  if (current !== undefined)
    throw validationError(
      optionPos(current),
      `option '${current}' mixes current keys with legacy ones ('${legacy[0]}'); write all options in one style, e.g. 'connector' = 'filesystem', 'path', 'format'`,
    );
  const format = options['format.type'];
  const out: Record<string, string> = { connector: 'filesystem' };
  const legacyKeys = new Map<string, string>([['connector', 'connector.type']]);
  for (const key of legacy) {
    const rest = key.slice(key.indexOf('.') + 1);
    let target: string | undefined;
    if (key === 'connector.type') continue;
    else if (key === 'connector.property-version' || key === 'format.property-version') continue;
    else if (key === 'format.derive-schema' && options[key] === 'true') continue;
    else if (key === 'connector.path') target = 'path';
    else if (key === 'format.type') target = 'format';
    else if (key.startsWith('format.') && LEGACY_FORMAT_KEYS.has(rest) && format !== undefined)
      target = `${format}.${rest}`;
    if (target === undefined)
      throw validationError(
        optionPos(key),
        `legacy option '${key}' has no equivalent in the filesystem connector; remove it, or write the table with current keys ('path', 'format', '<format>.…')`,
      );
    out[target] = options[key]!;
    legacyKeys.set(target, key);
  }
  return { options: out, legacyKeys };
}
