/**
 * The lookup side of the `jdbc` connector: a {@link LookupSource} that answers a lookup join's
 * key with `SELECT <the columns the query reads> FROM t WHERE k1 = $1 AND k2 = $2 …`, on one
 * connection per join subtask, opened (and the table checked) when the subtask opens.
 *
 * - Cache (`lookup.cache` = `PARTIAL`, jdbc-lookup-options.ts): a key's rows are served from
 *   lookup-cache.ts until evicted or expired; a key the table has no rows for is cached as such
 *   unless `lookup.partial-cache.cache-missing-key` is false. Without a cache every lookup
 *   queries, so a change in the table is seen by the next probe.
 * - Lookups of one key already on the way share its query, since the answer would be the same.
 * - Retries: a lookup whose connection fails (the server restarted, the connection was killed)
 *   drops the connection, connects again and retries, up to `lookup.max-retries` times, the
 *   n-th retry after n-1 seconds. Any other error (a type the server refuses, a missing column)
 *   fails at once, in one line naming the table and server.
 *
 * Computed columns of the table are computed on the rows as a scan computes them. The
 * connection is the only thing held besides the cache: nothing is checkpointed.
 */
import type pg from 'pg';
import { WeirError } from '../../../types/errors.js';
import type { CatalogColumn, CatalogTable } from '../../catalog/catalog.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { sessionTimeZone, type TimeZone, withSessionTimeZone } from '../../expressions/time-zone.js';
import type { LookupSource } from '../../runtime/temporal/lookup-join-async-function.js';
import { lookupKeyOf } from '../../runtime/temporal/lookup-table.js';
import { checkTable, connect, failure } from './jdbc-connection.js';
import { type JdbcLookupOptions, readJdbcLookupOptions } from './jdbc-lookup-options.js';
import { type JdbcOptions, readJdbcOptions } from './jdbc-options.js';
import { fromBytea, quoteIdent, quoteTableName, scanExpression, toParameter } from './jdbc-types.js';
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

/** Looks keys up in a PostgreSQL table; see the module comment. */
export class JdbcLookupSource implements LookupSource {
  private client: Promise<pg.Client> | undefined;
  private cache: LookupCache<unknown, readonly Row[]> | undefined;
  private readonly inFlight = new Map<unknown, Promise<readonly Row[]>>();
  private readonly query: string;
  private readonly parameters: ((value: unknown) => unknown)[];
  private readonly binary: string[];
  private computed: { name: string; fn: (row: Row) => unknown }[] = [];
  /** The session zone at planning, for the computed columns compiled in `open`. */
  private readonly zone: TimeZone = sessionTimeZone();
  private closed = false;
  /** Settles when the last query started has; see `serially`. */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly spec: JdbcLookupSpec) {
    const { columns, keys, options, physical } = spec;
    const select =
      columns.length === 0
        ? '1 AS "?present"'
        : columns.map((c) => `${scanExpression(c.name, c.type)} AS ${quoteIdent(c.name)}`).join(', ');
    const where = keys.map((k, i) => `${quoteIdent(k)} = $${i + 1}`).join(' AND ');
    this.query = `SELECT ${select} FROM ${quoteTableName(options.tableName)} WHERE ${where}`;
    this.parameters = keys.map((k) => toParameter(physical.find((c) => c.name === k)!.type));
    this.binary = columns
      .filter((c) => c.type.root === 'BINARY' || c.type.root === 'VARBINARY')
      .map((c) => c.name);
  }

  /** The query each uncached lookup runs, for tests and EXPLAIN-like checks. */
  get sql(): string {
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
    const fetched = this.fetch(key).then(
      (rows) => {
        this.inFlight.delete(cacheKey);
        if (this.cache !== undefined && (rows.length > 0 || this.spec.lookup.cache!.cacheMissingKey))
          this.cache.put(cacheKey, rows);
        return rows;
      },
      (e) => {
        this.inFlight.delete(cacheKey);
        throw e;
      },
    );
    this.inFlight.set(cacheKey, fetched);
    return fetched;
  }

  /** The connection, opened and the table checked on first use or after a failure dropped it. */
  private connection(): Promise<pg.Client> {
    const { options, table, physical } = this.spec;
    this.client ??= (async () => {
      const client = await connect(options.connection);
      try {
        await checkTable(client, options.connection, table, options.tableName, physical);
      } catch (e) {
        await client.end().catch(() => {});
        throw e;
      }
      return client;
    })();
    return this.client;
  }

  /** Drops `failed` if it is still the connection, so the next use connects again. */
  private drop(failed: Promise<pg.Client>): void {
    if (this.client !== failed) return;
    this.client = undefined;
    failed.then((c) => c.end()).catch(() => {});
  }

  private async fetch(key: readonly unknown[]): Promise<Row[]> {
    const { options, table, lookup } = this.spec;
    const values = key.map((v, i) => this.parameters[i]!(v));
    for (let attempt = 0; ; attempt++) {
      const client = this.connection();
      try {
        const result = await this.serially(async () => (await client).query<Row>(this.query, values));
        return this.rowsOf(result.rows);
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

  /**
   * Runs `query` after the queries started before it have settled: one connection runs one
   * query at a time, and node-postgres is to stop queueing them itself.
   */
  private serially<T>(query: () => Promise<T>): Promise<T> {
    const result = this.tail.then(query);
    this.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  private rowsOf(rows: Row[]): Row[] {
    if (this.spec.columns.length === 0) return rows.map(() => ({}));
    if (this.binary.length === 0 && this.computed.length === 0) return rows;
    for (const row of rows) {
      for (const name of this.binary) row[name] = fromBytea(row[name]);
      for (const c of this.computed) row[c.name] = c.fn(row);
    }
    return rows;
  }
}

/**
 * The lookup source of jdbc table `table`, selecting the physical columns named in `needed`
 * (those the query reads, as projection push-down narrowed the scan) and computing its computed
 * columns named there; `keys` are the table's columns looked up, in key order.
 */
export function createJdbcLookupSource(
  table: CatalogTable,
  needed: ReadonlySet<string>,
  keys: readonly string[],
  clock?: () => number,
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
  });
}
