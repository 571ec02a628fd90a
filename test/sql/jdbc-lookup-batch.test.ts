/**
 * The jdbc lookup source's batches, against a real PostgreSQL (test/support/postgres.ts): keys
 * asked for together go in one query, and each key gets exactly the rows a query of its own
 * (`WHERE k1 = $1 AND k2 = $2`) returns — for random tables with a composite key, NULL keys on
 * either side, a key asked for several times in one batch and keys with many rows; a `char`
 * key compares as PostgreSQL compares it; keys of each type (timestamps, dates, bytes, decimals,
 * strings with quotes and commas) find their rows; a connection killed while a batch waits on a lock is
 * reconnected and the batch, and the keys queued behind it, answered. Rows of one key are
 * compared as multisets: their order is the database's (see jdbc-lookup.ts).
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Row } from '../../src/index.js';
import type { CatalogTable } from '../../src/sql/catalog/catalog.js';
import { Types } from '../../src/sql/catalog/types.js';
import { createJdbcLookupSource } from '../../src/sql/connectors/jdbc/jdbc-lookup.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/recording-sink.js';

let server: TestPostgres;
let reference: pg.Client;
beforeAll(async () => {
  server = await startPostgres();
  reference = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.user,
    database: server.database,
  });
  await reference.connect();
});
afterAll(async () => {
  await reference?.end();
  server?.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** A catalog table `(k1 INT, k2 STRING, v INT)` over PostgreSQL table `name`. */
function table(name: string): CatalogTable {
  return {
    name,
    columns: [
      { name: 'k1', type: Types.INT },
      { name: 'k2', type: Types.STRING },
      { name: 'v', type: Types.INT },
    ],
    options: { connector: 'jdbc', url: server.url, 'table-name': name, username: server.user },
  } as unknown as CatalogTable;
}

/** The `v`s a query of its own finds for `key`, sorted. */
async function perKey(name: string, key: readonly unknown[]): Promise<number[]> {
  const result = await reference.query<{ v: number }>(
    `SELECT v::float8 AS v FROM "${name}" WHERE k1 = $1 AND k2 = $2`,
    key as unknown[],
  );
  return result.rows.map((r) => r.v).sort((a, b) => a - b);
}

const vs = (rows: readonly Row[]) => rows.map((r) => r.v as number).sort((a, b) => a - b);

/** Counts the batch queries sent and the keys in each, by watching node-postgres' `query`. */
function countBatches(): number[] {
  const sizes: number[] = [];
  const query = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as { text?: string; values?: unknown[][] };
    if (typeof config === 'object' && config.text?.includes('"?keys"')) sizes.push(config.values![0]!.length);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as never);
  return sizes;
}

const quote = (v: string | null) => (v === null ? 'NULL' : `'${v}'`);

describe('batched jdbc lookups', () => {
  test('random tables: keys asked for together go in one query and each gets its own query rows', async () => {
    let n = 0;
    const k1 = fc.option(fc.integer({ min: 0, max: 5 }), { freq: 6 });
    const k2 = fc.option(fc.constantFrom('a', 'b', 'c', "o'k"), { freq: 6 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(k1, k2, fc.integer({ min: 1, max: 40 })), { maxLength: 25 }),
        fc.array(fc.tuple(k1, k2), { minLength: 1, maxLength: 40 }),
        async (groups, keys) => {
          const name = `r${n++}`;
          // Each group is `count` rows of one key, so some keys have many rows.
          let v = 0;
          const rows = groups.flatMap(([a, b, count]) =>
            Array.from(
              { length: count },
              () => `(${a ?? 'NULL'}, ${quote(b?.replaceAll("'", "''") ?? null)}, ${v++})`,
            ),
          );
          server.psql(
            `CREATE TABLE ${name} (k1 INTEGER, k2 TEXT, v INTEGER)${rows.length === 0 ? '' : `; INSERT INTO ${name} VALUES ${rows.join(', ')}`}`,
          );
          const source = createJdbcLookupSource(table(name), new Set(['k1', 'k2', 'v']), ['k1', 'k2']);
          await source.open();
          const batches = countBatches();
          try {
            const got = await Promise.all(keys.map((key) => source.lookup(key)));
            const distinct = new Set(
              keys.map((key) => JSON.stringify(key.some((x) => x === null) ? null : key)),
            );
            // One query, of the distinct keys (every key with a NULL is one key, finding nothing).
            expect(batches).toEqual([distinct.size]);
            for (let i = 0; i < keys.length; i++) {
              expect(vs(got[i]!)).toEqual(await perKey(name, keys[i]!));
              for (const row of got[i]!) expect([row.k1, row.k2]).toEqual(keys[i]);
            }
          } finally {
            await source.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  test('keys asked for while a query runs wait and go together in the next one', async () => {
    server.psql(
      "CREATE TABLE waves (k1 INTEGER, k2 TEXT, v INTEGER); INSERT INTO waves SELECT g % 50, 'x', g FROM generate_series(0, 999) AS g",
    );
    const source = createJdbcLookupSource(table('waves'), new Set(['v']), ['k1', 'k2']);
    await source.open();
    const batches = countBatches();
    const first = source.lookup([1, 'x']);
    await Promise.resolve(); // the first query is on its way
    const later = Array.from({ length: 60 }, (_, i) => source.lookup([i % 30, 'x']));
    const all = await Promise.all([first, ...later]);
    // Key (1, 'x') is on its way already: its later lookups share that query.
    expect(batches).toEqual([1, 29]);
    expect(all[2]).toBe(all[0]);
    for (let i = 0; i < 60; i++) expect(vs(all[i + 1]!)).toEqual(await perKey('waves', [i % 30, 'x']));
    expect(all[1]).toBe(all[31]); // one key asked twice shares its answer
    expect(vs(all[0]!)).toHaveLength(20);
    await source.close();
  });

  test('a char key compares as PostgreSQL compares it, padding and all', async () => {
    server.psql(
      "CREATE TABLE padded (k1 INTEGER, k2 CHAR(3), v INTEGER); INSERT INTO padded VALUES (1, 'a', 1), (1, 'ab', 2), (1, 'a', 3)",
    );
    const source = createJdbcLookupSource(table('padded'), new Set(['v']), ['k1', 'k2']);
    await source.open();
    const keys = [
      [1, 'a'],
      [1, 'a  '],
      [1, 'ab'],
      [1, 'abc'],
    ];
    const got = await Promise.all(keys.map((key) => source.lookup(key)));
    for (let i = 0; i < keys.length; i++) expect(vs(got[i]!)).toEqual(await perKey('padded', keys[i]!));
    expect(vs(got[1]!)).toEqual([1, 3]);
    await source.close();
  });

  test('keys of each type travel in their arrays as a query of their own sends them', async () => {
    server.psql(
      "CREATE TABLE typed (ts TIMESTAMP(3), d DATE, b BYTEA, f BOOLEAN, n NUMERIC(6, 2), big BIGINT, s VARCHAR(4), v INTEGER); INSERT INTO typed VALUES ('2024-01-02 03:04:05.678', '2024-01-02', '\\x00ff', true, 12.5, 9007199254740991, 'a\"b', 1), ('1969-12-31 23:59:59.999', '1970-01-01', '\\x', false, -0.25, -1, 'x,y}', 2)",
    );
    const columns = {
      ts: Types.timestamp(3),
      d: Types.DATE,
      b: { root: 'VARBINARY', nullable: true },
      f: Types.BOOLEAN,
      n: Types.decimal(6, 2),
      big: Types.BIGINT,
      s: Types.STRING,
      v: Types.INT,
    };
    const typed = {
      name: 'typed',
      columns: Object.entries(columns).map(([name, type]) => ({ name, type })),
      options: { connector: 'jdbc', url: server.url, 'table-name': 'typed', username: server.user },
    } as unknown as CatalogTable;
    const cases: [string, unknown[], number[][]][] = [
      ['ts', [Date.UTC(2024, 0, 2, 3, 4, 5, 678), -1, 0], [[1], [2], []]],
      ['d', [19_724, 0, 1], [[1], [2], []]],
      ['b', [new Uint8Array([0, 255]), new Uint8Array(0), new Uint8Array([0])], [[1], [2], []]],
      ['f', [true, false], [[1], [2]]],
      ['n', [12.5, -0.25, 12.51], [[1], [2], []]],
      ['big', [9_007_199_254_740_991, -1, 0], [[1], [2], []]],
      ['s', ['a"b', 'x,y}', 'a', 'toolong'], [[1], [2], [], []]],
    ];
    for (const [key, values, expected] of cases) {
      const source = createJdbcLookupSource(typed, new Set(['v']), [key]);
      await source.open();
      const batches = countBatches();
      const got = await Promise.all(values.map((value) => source.lookup([value])));
      expect({ key, found: got.map(vs) }).toEqual({ key, found: expected });
      expect(batches).toEqual([values.length]);
      vi.restoreAllMocks();
      await source.close();
    }
  });

  test('a connection killed while a batch waits is reconnected; the batch and the keys queued behind it are answered', async () => {
    server.psql(
      "CREATE TABLE killed (k1 INTEGER, k2 TEXT, v INTEGER); INSERT INTO killed SELECT g % 10, 'x', g FROM generate_series(0, 99) AS g",
    );
    const source = createJdbcLookupSource(table('killed'), new Set(['v']), ['k1', 'k2']);
    await source.open();
    const holder = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.user,
      database: server.database,
    });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE killed IN ACCESS EXCLUSIVE MODE');
      const first = Array.from({ length: 5 }, (_, i) => source.lookup([i, 'x']));
      const waiting =
        "SELECT pid FROM pg_stat_activity WHERE query LIKE '%\"?keys\"%' AND wait_event_type = 'Lock'";
      await waitFor(() => server.psql(waiting) !== '', "the batch's query to wait for the table lock");
      const queued = Array.from({ length: 8 }, (_, i) => source.lookup([i + 2, 'x']));
      expect(server.psql(`SELECT count(pg_terminate_backend(pid)) FROM (${waiting}) AS w`)).toBe('1\n');
      await holder.query('ROLLBACK');
      const got = await Promise.all([...first, ...queued]);
      for (let i = 0; i < 5; i++) expect(vs(got[i]!)).toEqual(await perKey('killed', [i, 'x']));
      for (let i = 0; i < 8; i++) expect(vs(got[5 + i]!)).toEqual(await perKey('killed', [i + 2, 'x']));
      expect(vs(got[0]!)).toHaveLength(10);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
      await source.close();
    }
  });
});
