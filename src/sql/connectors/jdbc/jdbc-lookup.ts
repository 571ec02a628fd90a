/**
 * The lookup side of the `jdbc` connector: a {@link LookupSource} that answers a lookup join's
 * keys on one connection per join subtask, opened (and the table checked) when the subtask opens.
 *
 * - Batches: one query runs at a time; the keys asked for while it runs queue, and when it
 *   returns ONE query asks for all of them (up to {@link LOOKUP_BATCH_KEYS} distinct keys):
 *   `SELECT <key number>, <the columns the query reads> FROM unnest($1::<k1 type>[], …) WITH
 *   ORDINALITY JOIN t ON k1 = … AND …`, then the rows are split by key number. Each key matches
 *   the rows `WHERE k1 = $1 AND …` would (a NULL matches none). The order of one key's rows is
 *   the database's, as it was for a query per key: no ORDER BY, so a plan may return them in
 *   another order than a single-key query would. With the async operator's 100 lookups in
 *   flight, this turns up to 100 round trips into one.
 * - Cache (`lookup.cache` = `PARTIAL`, jdbc-lookup-options.ts): a key's rows are served from
 *   lookup-cache.ts until evicted or expired; a key the table has no rows for is cached as such
 *   unless `lookup.partial-cache.cache-missing-key` is false. Without a cache every lookup
 *   queries, so a change in the table is seen by the next probe.
 * - A LOOKUP hint's retry (retrying-lookup.ts) sits between the cache and the query, as Flink
 *   layers them: a missed key is queried again after the delay, and only the last answer is
 *   cached, so a row the table gains while the retries run is found.
 * - Lookups of one key already queued or on the way share its query, since the answer would be the same.
 * - Retries: a batch whose connection fails (the server restarted, the connection was killed)
 *   drops the connection, connects again and retries, up to `lookup.max-retries` times, the
 *   n-th retry after n-1 seconds. Any other error (a type the server refuses, a missing column)
 *   fails at once, in one line naming the table and server.
 *
 * Computed columns of the table are computed on the rows as a scan computes them. The
 * connection is the only thing held besides the cache: nothing is checkpointed.
 */
import type pg from 'pg';
import { ErrorCodes, userError, WeirError } from '../../../types/errors.js';
import type { CatalogColumn, CatalogTable } from '../../catalog/catalog.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { sessionTimeZone, type TimeZone, withSessionTimeZone } from '../../expressions/time-zone.js';
import type { LookupRetry } from '../../planner/hints/lookup-hint.js';
import type { LookupSource } from '../../runtime/temporal/lookup-join-async-function.js';
import { lookupKeyOf } from '../../runtime/temporal/lookup-table.js';
import { retryingLookup } from '../../runtime/temporal/retrying-lookup.js';
import { checkTable, connect, failure } from './jdbc-connection.js';
import { type JdbcLookupOptions, readJdbcLookupOptions } from './jdbc-lookup-options.js';
import { type JdbcOptions, readJdbcOptions } from './jdbc-options.js';
import {
  quoteIdent,
  quoteTableName,
  type ScanConversion,
  scanConversions,
  scanExpression,
  toParameter,
} from './jdbc-types.js';
import { LookupCache } from './lookup-cache.js';

/** What a jdbc lookup reads. */
export interface JdbcLookupSpec {
  readonly options: JdbcOptions;
  readonly lookup: JdbcLookupOptions;
  /** The Weir table's name, for errors. */
  readonly table: string;
  /** The physical columns to select. */
  readonly columns: readonly CatalogColumn[];
  /** Every physical column of the table, for the existence check. */
  readonly physical: readonly CatalogColumn[];
  /** The computed columns the rows need, after the physical ones. */
  readonly computed: readonly CatalogColumn[];
  /** The physical columns looked up, in key order. */
  readonly keys: readonly string[];
  /** Milliseconds, for the cache's expiry; `Date.now` unless a test moves time by hand. */
  readonly clock?: () => number;
  /** A LOOKUP hint's retry of keys that find no rows, run under the cache. */
  readonly retry?: LookupRetry;
}

/** SQLSTATE classes of a lost connection (08) and of a server going down (57: shutdown, crash). */
const CONNECTION_CLASSES = new Set(['08', '57']);

/**
 * Whether `e` means the connection is gone rather than that the query is wrong: a driver or
 * socket error with no SQLSTATE, a failed connect, or a SQLSTATE of class 08 or 57.
 */
export function isConnectionError(e: unknown): boolean {
  if (e instanceof WeirError) return e.code === 'IO';
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return CONNECTION_CLASSES.has(code.slice(0, 2));
  return true;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The most distinct keys one query asks for; the rest wait for the next query. */
export const LOOKUP_BATCH_KEYS = 1000;

/** The answer for a key the table has no rows for; shared, as callers never change rows. */
const NONE: readonly Row[] = Object.freeze([]);

/** A lookup waiting for its key's batch to answer. */
interface Waiting {
  readonly key: readonly unknown[];
  resolve(rows: readonly Row[]): void;
  reject(e: unknown): void;
}

/** Looks keys up in a PostgreSQL table; see the module comment. */
export class JdbcLookupSource implements LookupSource {
  private client: Promise<pg.Client> | undefined;
  private cache: LookupCache<unknown, readonly Row[]> | undefined;
  /** Every key queued, being queried or being retried, so lookups of one key share one answer. */
  private readonly inFlight = new Map<unknown, Promise<readonly Row[]>>();
  /** Keys not yet sent, distinct, in the order first asked for. */
  private queue: Waiting[] = [];
  /** Whether a batch is being sent or is scheduled to be; at most one runs at a time. */
  private pumping = false;
  /** The batch query, once the connection has told the key columns' PostgreSQL types. */
  private query: string | undefined;
  private readonly parameters: ((value: unknown) => unknown)[];
  private readonly names: string[];
  /** Columns whose scanned value is converted to what Weir holds (bytea, int8 text). */
  private readonly conversions: ScanConversion[];
  private computed: { name: string; fn: (row: Row) => unknown }[] = [];
  /** The session zone at planning, for the computed columns compiled in `open`. */
  private readonly zone: TimeZone = sessionTimeZone();
  private closed = false;
  /** A cache miss's answer: the query, with the hint's retry around it when there is one. */
  private readonly uncached: (key: readonly unknown[]) => Promise<readonly Row[]>;

  constructor(private readonly spec: JdbcLookupSpec) {
    const { columns, keys, physical } = spec;
    const query = (key: readonly unknown[]) => this.enqueue(key);
    this.uncached = spec.retry === undefined ? query : retryingLookup(query, spec.retry, () => this.closed);
    this.parameters = keys.map((k) => toParameter(physical.find((c) => c.name === k)!.type));
    this.names = columns.map((c) => c.name);
    this.conversions = scanConversions(columns);
  }

  /**
   * The query each batch of uncached keys runs (known once `open` has connected), for tests:
   * `$1`… are arrays of the key columns' PostgreSQL types, one element per key.
   */
  get sql(): string | undefined {
    return this.query;
  }

  async open(): Promise<void> {
    this.closed = false;
    const { cache } = this.spec.lookup;
    this.cache = cache === undefined ? undefined : new LookupCache(cache, this.spec.clock ?? Date.now);
    this.computed = withSessionTimeZone(this.zone, () =>
      this.spec.computed.map((c) => ({ name: c.name, fn: compileExpression(c.computed!.rex) })),
    );
    await this.connection();
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await (await client?.catch(() => undefined))?.end().catch(() => {});
  }

  lookup(key: readonly unknown[]): Promise<readonly Row[]> {
    const cacheKey = lookupKeyOf(key);
    const cached = this.cache?.get(cacheKey);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.inFlight.get(cacheKey);
    if (pending !== undefined) return pending;
    const cacheMissing = this.spec.lookup.cache?.cacheMissingKey ?? false;
    const answer = this.uncached(key).then(
      (rows) => {
        this.inFlight.delete(cacheKey);
        if (this.cache !== undefined && (rows.length > 0 || cacheMissing)) this.cache.put(cacheKey, rows);
        return rows;
      },
      (e: unknown) => {
        this.inFlight.delete(cacheKey);
        throw e;
      },
    );
    this.inFlight.set(cacheKey, answer);
    return answer;
  }

  /** Queues `key` for the next batch query; its rows, or none. */
  private enqueue(key: readonly unknown[]): Promise<readonly Row[]> {
    const answer = new Promise<readonly Row[]>((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
    });
    if (!this.pumping) {
      this.pumping = true;
      // After the caller's synchronous run: the async operator hands over a burst of probes at
      // once, and they should make one batch rather than a first query of one key.
      queueMicrotask(() => void this.pump());
    }
    return answer;
  }

  /** Sends the queued keys, a batch at a time, until none are left. */
  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch =
          this.queue.length <= LOOKUP_BATCH_KEYS ? this.queue : this.queue.slice(0, LOOKUP_BATCH_KEYS);
        this.queue = batch === this.queue ? [] : this.queue.slice(LOOKUP_BATCH_KEYS);
        let found: (Row[] | undefined)[];
        try {
          if (this.closed)
            throw userError(
              ErrorCodes.IO,
              `lookup in table '${this.spec.table}' dropped: the join closed (the job is stopping) before its query was sent`,
            );
          found = await this.fetch(batch);
        } catch (e) {
          for (const w of batch) w.reject(e);
          continue;
        }
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(found[i] ?? NONE);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The connection, opened and the table checked on first use or after a failure dropped it. */
  private connection(): Promise<pg.Client> {
    const { options, table, physical } = this.spec;
    this.client ??= (async () => {
      const client = await connect(options.connection);
      try {
        await checkTable(client, options.connection, table, options.tableName, physical);
        this.query ??= await this.batchQuery(client);
      } catch (e) {
        await client.end().catch(() => {});
        throw e;
      }
      return client;
    })();
    return this.client;
  }

  /**
   * The batch query: the keys arrive as one array per key column, typed as that column is in
   * PostgreSQL, so each key compares with the column exactly as `column = $1` would. The type
   * is named `schema.name` (`"pg_catalog"."bpchar"`), a domain by its base type: that form has
   * no length or precision, which a cast would cut values to (`character` alone is char(1),
   * `bit` is bit(1)); `WITH ORDINALITY` numbers the keys
   * and each row comes back with the number of the key it matched, which splits the rows by key
   * without comparing values in JavaScript (a `char` or `citext` column's equality is not
   * JavaScript's).
   */
  private async batchQuery(client: pg.Client): Promise<string> {
    const { columns, keys, options } = this.spec;
    const found = await client.query<{ name: string; schema: string; type: string }>(
      `SELECT a.attname AS name, n.nspname AS schema, t.typname AS type
       FROM pg_attribute a JOIN pg_type d ON d.oid = a.atttypid
       JOIN pg_type t ON t.oid = CASE WHEN d.typtype = 'd' THEN d.typbasetype ELSE d.oid END
       JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
      [quoteTableName(options.tableName)],
    );
    const types = new Map(found.rows.map((r) => [r.name, `${quoteIdent(r.schema)}.${quoteIdent(r.type)}`]));
    const arrays = keys.map((k, i) => `$${i + 1}::${types.get(k)}[]`).join(', ');
    const aliases = keys.map((_, i) => quoteIdent(`?k${i}`)).join(', ');
    const on = keys.map((k, i) => `${quoteIdent(k)} = "?keys".${quoteIdent(`?k${i}`)}`).join(' AND ');
    const select = ['"?keys"."?i"::int4', ...columns.map((c) => scanExpression(c.name, c.type))].join(', ');
    return `SELECT ${select} FROM unnest(${arrays}) WITH ORDINALITY AS "?keys"(${aliases}, "?i") JOIN ${quoteTableName(options.tableName)} ON ${on}`;
  }

  /** Drops `failed` if it is still the connection, so the next use connects again. */
  private drop(failed: Promise<pg.Client>): void {
    if (this.client !== failed) return;
    this.client = undefined;
    failed.then((c) => c.end()).catch(() => {});
  }

  /** The rows of each key of `batch`, by position; undefined where the table has none. */
  private async fetch(batch: readonly Waiting[]): Promise<(Row[] | undefined)[]> {
    const { options, table, lookup } = this.spec;
    const values = this.parameters.map((toValue, k) => batch.map((w) => toValue(w.key[k])));
    for (let attempt = 0; ; attempt++) {
      const client = this.connection();
      try {
        const result = await (await client).query<unknown[]>({
          text: this.query!,
          values,
          rowMode: 'array',
        });
        return this.split(result.rows, batch.length);
      } catch (e) {
        const retry = !this.closed && attempt < lookup.maxRetries && isConnectionError(e);
        if (!retry)
          throw failure(
            e,
            attempt === 0
              ? 'looking up a key in'
              : `looking up a key (retried ${attempt} times, as 'lookup.max-retries' of table '${table}' allows) in`,
            options.tableName,
            options.connection,
          );
        this.drop(client);
        await sleep(attempt * 1000);
      }
    }
  }

  /** Rows `[key number, …columns]` as Weir rows grouped by key, in the order they came. */
  private split(rows: readonly unknown[][], keys: number): (Row[] | undefined)[] {
    const byKey = new Array<Row[] | undefined>(keys);
    const { names, conversions, computed } = this;
    for (const values of rows) {
      const row: Row = {};
      for (let j = 0; j < names.length; j++) row[names[j]!] = values[j + 1];
      for (const c of conversions) row[c.name] = c.convert(row[c.name]);
      for (const c of computed) row[c.name] = c.fn(row);
      const i = (values[0] as number) - 1;
      (byKey[i] ??= []).push(row);
    }
    return byKey;
  }
}

/**
 * The lookup source of jdbc table `table`, selecting the physical columns named in `needed`
 * (those the query reads, as projection push-down narrowed the scan) and computing its computed
 * columns named there; `keys` are the table's columns looked up, in key order. `clock` times
 * the cache (tests move it by hand); `retry` is a LOOKUP hint's, run under the cache.
 */
export function createJdbcLookupSource(
  table: CatalogTable,
  needed: ReadonlySet<string>,
  keys: readonly string[],
  clock?: () => number,
  retry?: LookupRetry,
): JdbcLookupSource {
  const physical = table.columns.filter((c) => c.computed === undefined && c.metadata === undefined);
  return new JdbcLookupSource({
    options: readJdbcOptions(table.options),
    lookup: readJdbcLookupOptions(table.options),
    table: table.name,
    columns: physical.filter((c) => needed.has(c.name)),
    physical,
    computed: table.columns.filter((c) => c.computed !== undefined && needed.has(c.name)),
    keys,
    ...(clock === undefined ? {} : { clock }),
    ...(retry === undefined ? {} : { retry }),
  });
}
