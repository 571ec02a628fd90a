/**
 * The lookup options of the `jdbc` connector, with Flink's names and defaults, for a table
 * looked up by a lookup join (`JOIN t FOR SYSTEM_TIME AS OF l.proctime`):
 *
 * - `lookup.cache`: `NONE` (the default: every probe queries the database) or `PARTIAL` (keys
 *   looked up are cached, see lookup-cache.ts), with `lookup.partial-cache.max-rows`,
 *   `lookup.partial-cache.expire-after-write`, `lookup.partial-cache.expire-after-access` (at
 *   least one, or the cache would only grow) and `lookup.partial-cache.cache-missing-key`
 *   (default true: a key with no rows is cached as having none);
 * - `lookup.max-retries` (default 3): retries of a lookup that lost its connection;
 * - the deprecated `lookup.cache.max-rows` and `lookup.cache.ttl`, which Flink still reads: set
 *   together (both above zero) and without `lookup.cache` = `PARTIAL`, they make a partial
 *   cache of that many keys expiring that long after write, caching missing keys unless
 *   `lookup.cache.caching-missing-key` is false.
 *
 * As in Flink, the enum values are read without regard to case.
 */
import { validationError } from '../../errors.js';
import type { SourcePos } from '../../parser/ast.js';
import type { CatalogTable } from '../../catalog/catalog.js';
import { parseDuration } from '../../config.js';
import type { ConnectorOption } from '../factory.js';
import type { LookupCacheOptions } from './lookup-cache.js';

const isCount = (v: string) => (/^\d+$/.test(v.trim()) ? undefined : 'a whole number >= 0');
const isDuration = (v: string) =>
  parseDuration(v) === undefined ? "a duration such as '10 s', '1 min' or '500 ms'" : undefined;
const isBoolean = (v: string) => (/^(true|false)$/i.test(v.trim()) ? undefined : "'true' or 'false'");
const isCacheType = (v: string) => (/^(none|partial)$/i.test(v.trim()) ? undefined : "'NONE' or 'PARTIAL'");

const PARTIAL_BOUNDS = [
  'lookup.partial-cache.max-rows',
  'lookup.partial-cache.expire-after-write',
  'lookup.partial-cache.expire-after-access',
];
const LEGACY_CACHE = ['lookup.cache.max-rows', 'lookup.cache.ttl'];

/** The lookup options, for the connector's list of accepted options. */
export const JDBC_LOOKUP_OPTIONS: readonly ConnectorOption[] = [
  { key: 'lookup.cache', check: isCacheType },
  { key: 'lookup.partial-cache.max-rows', check: isCount },
  { key: 'lookup.partial-cache.expire-after-write', check: isDuration },
  { key: 'lookup.partial-cache.expire-after-access', check: isDuration },
  { key: 'lookup.partial-cache.cache-missing-key', check: isBoolean },
  { key: 'lookup.max-retries', check: isCount },
  { key: 'lookup.cache.max-rows', check: isCount },
  { key: 'lookup.cache.ttl', check: isDuration },
  { key: 'lookup.cache.caching-missing-key', check: isBoolean },
];

/** A partial cache's settings. */
export interface PartialCacheOptions extends LookupCacheOptions {
  /** Whether a key the table has no rows for is cached as such. */
  readonly cacheMissingKey: boolean;
}

/** How a jdbc table is looked up. */
export interface JdbcLookupOptions {
  /** Undefined for no cache (`NONE`). */
  readonly cache: PartialCacheOptions | undefined;
  readonly maxRetries: number;
}

const isPartial = (options: Readonly<Record<string, string>>) =>
  options['lookup.cache']?.trim().toUpperCase() === 'PARTIAL';
const flag = (value: string | undefined) => value === undefined || value.trim().toLowerCase() === 'true';

/** Checks across the lookup options: a partial cache has a bound, the deprecated pair is set together. */
export function validateJdbcLookupOptions(
  table: CatalogTable,
  optionPos: (key: string) => SourcePos | undefined,
  tablePos?: SourcePos,
): void {
  const { options } = table;
  if (isPartial(options) && PARTIAL_BOUNDS.every((k) => options[k] === undefined))
    throw validationError(
      optionPos('lookup.cache') ?? tablePos,
      `'lookup.cache' = 'PARTIAL' on table '${table.name}' sets no bound, so its cache would only grow; set ${PARTIAL_BOUNDS.map((k) => `'${k}'`).join(', ')} or more of them`,
    );
  const legacy = LEGACY_CACHE.filter((k) => options[k] !== undefined);
  if (legacy.length === 1)
    throw validationError(
      optionPos(legacy[0]!) ?? tablePos,
      `table '${table.name}' sets '${legacy[0]}' but not '${LEGACY_CACHE.find((k) => k !== legacy[0])}'; the deprecated lookup cache needs both, or use 'lookup.cache' = 'PARTIAL' with 'lookup.partial-cache.*'`,
    );
}

/** The lookup settings of a validated table; see the module comment for how the options map. */
export function readJdbcLookupOptions(options: Readonly<Record<string, string>>): JdbcLookupOptions {
  const maxRetries = Number(options['lookup.max-retries'] ?? 3);
  const duration = (key: string) => (options[key] === undefined ? undefined : parseDuration(options[key]));
  if (isPartial(options)) {
    const maxRows = options['lookup.partial-cache.max-rows'];
    const expireAfterWriteMs = duration('lookup.partial-cache.expire-after-write');
    const expireAfterAccessMs = duration('lookup.partial-cache.expire-after-access');
    return {
      maxRetries,
      cache: {
        ...(maxRows === undefined ? {} : { maxRows: Number(maxRows) }),
        ...(expireAfterWriteMs === undefined ? {} : { expireAfterWriteMs }),
        ...(expireAfterAccessMs === undefined ? {} : { expireAfterAccessMs }),
        cacheMissingKey: flag(options['lookup.partial-cache.cache-missing-key']),
      },
    };
  }
  const legacyRows = Number(options['lookup.cache.max-rows'] ?? 0);
  const legacyTtl = duration('lookup.cache.ttl') ?? 0;
  if (legacyRows > 0 && legacyTtl > 0)
    return {
      maxRetries,
      cache: {
        maxRows: legacyRows,
        expireAfterWriteMs: legacyTtl,
        cacheMissingKey: flag(options['lookup.cache.caching-missing-key']),
      },
    };
  return { maxRetries, cache: undefined };
}
