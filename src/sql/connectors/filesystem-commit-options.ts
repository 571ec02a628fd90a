/**
 * The partition commit and partition time options of the `filesystem` connector, in Flink's
 * names (see filesystem-sink.ts for what they do): their value checks, each naming what is
 * accepted, and their checks against the table's partition keys. What Weir cannot do is refused
 * by name: the `metastore` and `custom` commit policies, custom extractors (Java classes), and
 * watermark time zones other than UTC.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import type { CatalogTable } from '../catalog/catalog.js';
import { parseDuration } from '../config.js';
import { type ConnectorOption, isOneOf } from './factory.js';
import { compileTimestampFormatter, unknownPatternKeys } from './filesystem-partition-time.js';

const isNonNegativeDuration = (v: string) =>
  parseDuration(v) === undefined ? "a duration >= 0 such as '0 s', '1 min' or '1 h'" : undefined;

/** Flink's commit policies: only the success file is written here. */
const COMMIT_POLICIES = ['success-file', 'metastore', 'custom'];

/** The partition commit and partition time options, in Flink's names. */
export const PARTITION_COMMIT_OPTIONS: readonly ConnectorOption[] = [
  { key: 'sink.partition-commit.trigger', check: isOneOf('process-time', 'partition-time') },
  { key: 'sink.partition-commit.delay', check: isNonNegativeDuration },
  {
    key: 'sink.partition-commit.watermark-time-zone',
    check: (v) =>
      v === 'UTC'
        ? undefined
        : "'UTC' (watermarks and partition times are read in UTC; other time zones are not supported)",
  },
  {
    key: 'sink.partition-commit.policy.kind',
    check: (v) => {
      const kinds = v.split(',').map((k) => k.trim());
      const bad = kinds.find((k) => !COMMIT_POLICIES.includes(k));
      if (bad !== undefined) return "'success-file' (Flink also names 'metastore' and 'custom')";
      if (kinds.includes('metastore'))
        return "'success-file' ('metastore' needs a Hive metastore, which Weir does not have)";
      if (kinds.includes('custom'))
        return "'success-file' ('custom' policies are Java classes, which Weir cannot load)";
      return undefined;
    },
  },
  {
    key: 'sink.partition-commit.policy.class',
    check: () => "no value: custom commit policies are Java classes; use 'success-file'",
  },
  {
    key: 'sink.partition-commit.success-file.name',
    check: (v) =>
      v === '' || v.includes('/') || v === '.' || v === '..'
        ? "a file name without '/', such as '_SUCCESS'"
        : undefined,
  },
  {
    key: 'partition.time-extractor.kind',
    check: (v) =>
      v === 'default'
        ? undefined
        : "'default' ('custom' extractors are Java classes, which Weir cannot load)",
  },
  {
    key: 'partition.time-extractor.class',
    check: () =>
      "no value: custom extractors are Java classes; use 'partition.time-extractor.timestamp-pattern'",
  },
  {
    key: 'partition.time-extractor.timestamp-pattern',
    check: (v) => (v.trim() === '' ? "a pattern such as '$dt $hm:00'" : undefined),
  },
  {
    key: 'partition.time-extractor.timestamp-formatter',
    check: (v) => {
      const compiled = compileTimestampFormatter(v);
      return typeof compiled === 'string'
        ? `a formatter of y, M, d, H, m, s and S such as 'yyyy-MM-dd HH:mm:ss' (this one has ${compiled})`
        : undefined;
    },
  },
];

/** Checks of the partition commit options across each other and the partition keys. */
export function validatePartitionCommit(
  table: CatalogTable,
  partitionKeys: readonly string[],
  optionPos: (key: string) => SourcePos | undefined,
): void {
  const options = table.options;
  const policy = options['sink.partition-commit.policy.kind'];
  if (policy !== undefined && partitionKeys.length === 0)
    throw validationError(
      optionPos('sink.partition-commit.policy.kind'),
      `'sink.partition-commit.policy.kind' commits partitions, but table '${table.name}' has none; add PARTITIONED BY (...) or remove the option`,
    );
  const pattern = options['partition.time-extractor.timestamp-pattern'];
  if (pattern !== undefined) {
    const unknown = unknownPatternKeys(pattern, partitionKeys);
    if (unknown.length > 0)
      throw validationError(
        optionPos('partition.time-extractor.timestamp-pattern'),
        `'partition.time-extractor.timestamp-pattern' names '$${unknown[0]}', which is not a partition key of '${table.name}'; use ${partitionKeys.map((k) => `'$${k}'`).join(', ') || 'a PARTITIONED BY column'}`,
      );
  }
}
