/**
 * Lookup joins against a `jdbc` table in a real PostgreSQL (test/support/postgres.ts starts
 * one): inner and LEFT joins with duplicate, missing and NULL keys, a composite key, a constant
 * key condition and a residual one, in probe order (the async operator is ordered), through a
 * view that filters and renames; only the
 * columns the query reads are selected; random tables agree with a join computed here; the
 * EXPLAIN line; a lookup outlasting `table.exec.async-lookup.timeout` fails the job. The lookup source driven by hand with a manual clock: a changed row is seen at
 * once without a cache and only after expiry with one, missing keys cached or not, LRU bound;
 * a killed connection retried and reconnected, or failing in one line when retries run out;
 * a dropped table failing at once. Option errors and Flink's deprecated cache options. Expected
 * rows are computed by hand from the small tables below.
 */
import { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Row, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { readJdbcLookupOptions } from '../../src/sql/connectors/jdbc/jdbc-lookup-options.js';
import { createJdbcLookupSource, isConnectionError } from '../../src/sql/connectors/jdbc/jdbc-lookup.js';
import type { CatalogTable } from '../../src/sql/catalog/catalog.js';
import { Types } from '../../src/sql/catalog/types.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { jdbcOptions, lines } from './jdbc-tables.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
  // id 3 twice, no id 4; region for the constant key.
  pg.psql(
    "CREATE TABLE customers (id INTEGER, name TEXT, region TEXT, secret TEXT); INSERT INTO customers VALUES (1, 'ann', 'EU', 's1'), (2, 'bob', 'US', 's2'), (3, 'cat', 'EU', 's3'), (3, 'cyd', 'US', 's4')",
  );
  pg.psql(
    "CREATE TABLE prices (sku INTEGER, shop TEXT, price DOUBLE PRECISION); INSERT INTO prices VALUES (1, 'a', 1.5), (1, 'b', 2.5), (2, 'a', 3.5)",
  );
});
afterAll(() => pg?.stop());

const withOptions = (table: string, extra = '', user = pg.user) => jdbcOptions(pg, table, extra, user);

function tableEnv(extra = '', user?: string): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(
    `CREATE TABLE customers (id INT, name STRING, region STRING, secret STRING) WITH (${withOptions('customers', extra, user)})`,
  );
  tEnv.executeSql(
    `CREATE TABLE prices (sku INT, shop STRING, price DOUBLE) WITH (${withOptions('prices', extra, user)})`,
  );
  tEnv.executeSql(
    "CREATE VIEW orders AS SELECT oid, cid, shop, PROCTIME() AS pt FROM (VALUES (10, 1, 'a'), (11, 2, 'b'), (12, 3, 'a'), (13, 4, 'a'), (14, CAST(NULL AS INT), 'a')) AS t(oid, cid, shop)",
  );
  return tEnv;
}

const lookup = (kind: string, on: string, select = 'o.oid, c.name') =>
  `SELECT ${select} FROM orders AS o ${kind} customers FOR SYSTEM_TIME AS OF o.pt AS c ON ${on}`;

describe('SQL lookup joins', () => {
  test('inner: each order with every customer of its id, in order; a missing or NULL id finds none', async () => {
    expect(await lines(tableEnv(), lookup('JOIN', 'o.cid = c.id'))).toEqual([
      '10:ann',
      '11:bob',
      '12:cat',
      '12:cyd',
    ]);
  });

  test('LEFT: an order that finds no customer is padded with NULL', async () => {
    expect(await lines(tableEnv(), lookup('LEFT JOIN', 'o.cid = c.id'))).toEqual([
      '10:ann',
      '11:bob',
      '12:cat',
      '12:cyd',
      '13:null',
      '14:null',
    ]);
  });

  test('a constant key condition is looked up with the key, a residual condition tested after', async () => {
    const tEnv = tableEnv();
    const sql = lookup('LEFT JOIN', "o.cid = c.id AND c.region = 'EU' AND c.name <> 'ann'");
    expect(await lines(tEnv, sql)).toEqual(['10:null', '11:null', '12:cat', '13:null', '14:null']);
    const plan = tEnv.explainSql(sql);
    expect(plan).toContain(
      "LookupJoin(table=[default_catalog.default_database.customers], joinType=[LeftOuterJoin], async=[true], lookup=[id=cid, region='EU'], where=[<>(name, 'ann')]",
    );
  });

  test('a composite key', async () => {
    const sql =
      'SELECT o.oid, p.price FROM orders AS o JOIN prices FOR SYSTEM_TIME AS OF o.pt AS p ON o.cid = p.sku AND o.shop = p.shop';
    expect(await lines(tableEnv(), sql)).toEqual(['10:1.5']);
    const left = sql.replace(' JOIN prices', ' LEFT JOIN prices');
    expect(await lines(tableEnv(), left)).toEqual(['10:1.5', '11:null', '12:null', '13:null', '14:null']);
  });

  test('a table column named as a probe column is renamed on the right and looked up by its own name', async () => {
    pg.psql('CREATE TABLE named AS SELECT id AS cid, name FROM customers');
    const tEnv = tableEnv();
    tEnv.executeSql(`CREATE TABLE named (cid INT, name STRING) WITH (${withOptions('named')})`);
    const sql =
      'SELECT o.oid, o.cid, n.cid AS ncid, n.name FROM orders AS o LEFT JOIN named FOR SYSTEM_TIME AS OF o.pt AS n ON o.cid = n.cid';
    expect(await lines(tEnv, sql)).toEqual([
      '10:1:1:ann',
      '11:2:2:bob',
      '12:3:3:cat',
      '12:3:3:cyd',
      '13:4:null:null',
      '14:null:null:null',
    ]);
  });

  test('a view over the table: its filter and projection apply to the rows looked up by the column it renames', async () => {
    const tEnv = tableEnv();
    tEnv.executeSql(
      "CREATE VIEW eu AS SELECT id AS cust, UPPER(name) AS uname FROM customers WHERE region = 'EU'",
    );
    const sql =
      'SELECT o.oid, e.uname FROM orders AS o LEFT JOIN eu FOR SYSTEM_TIME AS OF o.pt AS e ON o.cid = e.cust';
    expect(await lines(tEnv, sql)).toEqual(['10:ANN', '11:null', '12:CAT', '13:null', '14:null']);
    expect(tEnv.explainSql(sql)).toContain('async=[true], lookup=[cust=cid]');
  });

  test('only the columns the query reads are selected', async () => {
    // A user who may not read `secret`: a SELECT naming it would fail.
    pg.psql('CREATE ROLE looker LOGIN; GRANT SELECT (id, name, region) ON customers TO looker');
    const tEnv = tableEnv('', 'looker');
    expect(await lines(tEnv, lookup('JOIN', 'o.cid = c.id', 'o.oid, c.region'))).toEqual([
      '10:EU',
      '11:US',
      '12:EU',
      '12:US',
    ]);
    await expect(
      tEnv.executeSql(lookup('JOIN', 'o.cid = c.id', 'o.oid, c.secret')).collect(),
    ).rejects.toThrow('permission denied');
  });

  test('random tables agree with the join computed here, with and without a cache, at parallelism 1 and 2', async () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const dims = Array.from({ length: 60 }, (_, i) => ({ k: next(30), v: `v${i}` }));
    const probes = Array.from({ length: 200 }, (_, i) => ({ id: i, k: next(40) }));
    pg.psql(
      `CREATE TABLE dims (k INTEGER, v TEXT); INSERT INTO dims VALUES ${dims.map((d) => `(${d.k}, '${d.v}')`).join(', ')}`,
    );
    const expected = probes.flatMap((p) => {
      const found = dims.filter((d) => d.k === p.k);
      return found.length === 0 ? [`${p.id}:null`] : found.map((d) => `${p.id}:${d.v}`);
    });
    for (const [parallelism, cache, mode] of [
      [1, '', 'ORDERED'],
      [1, ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '5'", 'ORDERED'],
      [2, ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.expire-after-access' = '1 min'", 'ORDERED'],
      [1, '', 'ALLOW_UNORDERED'],
    ] as const) {
      const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
      tEnv.executeSql(`SET 'table.exec.async-lookup.output-mode' = '${mode}'`);
      tEnv.executeSql(`CREATE TABLE dims (k INT, v STRING) WITH (${withOptions('dims', cache)})`);
      tEnv.executeSql(
        `CREATE VIEW probes AS SELECT id, k, PROCTIME() AS pt FROM (VALUES ${probes.map((p) => `(${p.id}, ${p.k})`).join(', ')}) AS t(id, k)`,
      );
      const got = await lines(
        tEnv,
        'SELECT p.id, d.v FROM probes AS p LEFT JOIN dims FOR SYSTEM_TIME AS OF p.pt AS d ON p.k = d.k',
      );
      // Ordered: the probes' order; a probe's own rows in the order PostgreSQL returns them.
      if (parallelism === 1 && mode === 'ORDERED')
        expect(got.map((l) => Number(l.split(':')[0]))).toEqual(expected.map((l) => Number(l.split(':')[0])));
      expect([...got].sort()).toEqual([...expected].sort());
    }
  });

  test('a lookup that outlasts table.exec.async-lookup.timeout fails the job naming the option', async () => {
    pg.psql('CREATE TABLE locked AS SELECT * FROM customers');
    // A transaction holding the table's lock: the lookup's SELECT waits until it ends.
    const holder = new PgClient({ host: pg.host, port: pg.port, user: pg.user, database: pg.database });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE locked IN ACCESS EXCLUSIVE MODE');
      const tEnv = tableEnv();
      tEnv.executeSql(`CREATE TABLE locked (id INT, name STRING) WITH (${withOptions('locked')})`);
      tEnv.executeSql("SET 'table.exec.async-lookup.timeout' = '300 ms'");
      await expect(
        tEnv
          .executeSql(
            'SELECT o.oid, l.name FROM orders AS o JOIN locked FOR SYSTEM_TIME AS OF o.pt AS l ON o.cid = l.id',
          )
          .collect(),
      ).rejects.toThrow(
        "lookup of key (1) in table 'locked' took longer than 300 ms; raise it with SET 'table.exec.async-lookup.timeout'",
      );
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
  });

  test('table.exec.async-lookup.* are SET keys with checked values', () => {
    const tEnv = tableEnv();
    tEnv.executeSql("SET 'table.exec.async-lookup.buffer-capacity' = '2'");
    tEnv.executeSql("SET 'table.exec.async-lookup.timeout' = '10 s'");
    expect(() => tEnv.executeSql("SET 'table.exec.async-lookup.buffer-capacity' = '0'")).toThrow(
      'table.exec.async-lookup.buffer-capacity',
    );
  });
});

/** The catalog table of `customers` with `options` added, for driving a lookup source by hand. */
function customersTable(options: Record<string, string> = {}): CatalogTable {
  return {
    name: 'customers',
    columns: [
      { name: 'id', type: Types.INT },
      { name: 'name', type: Types.STRING },
      { name: 'region', type: Types.STRING },
      { name: 'secret', type: Types.STRING },
    ],
    options: { connector: 'jdbc', url: pg.url, 'table-name': 'customers', username: pg.user, ...options },
  } as unknown as CatalogTable;
}

const names = (rows: readonly Row[]) => rows.map((r) => r.name);

describe('the lookup source, by hand', () => {
  test('without a cache a changed row is seen by the next lookup', async () => {
    pg.psql(
      "CREATE TABLE changing AS SELECT * FROM customers; UPDATE changing SET name = 'ann' WHERE id = 1",
    );
    const source = createJdbcLookupSource(
      customersTable({ 'table-name': 'changing' }),
      new Set(['id', 'name']),
      ['id'],
    );
    await source.open();
    expect(source.sql).toBe(
      'SELECT "?keys"."?i"::int4, "id"::float8, "name"::text FROM unnest($1::"pg_catalog"."int4"[]) WITH ORDINALITY AS "?keys"("?k0", "?i") JOIN "changing" ON "id" = "?keys"."?k0"',
    );
    expect(names(await source.lookup([1]))).toEqual(['ann']);
    pg.psql("UPDATE changing SET name = 'anna' WHERE id = 1");
    expect(names(await source.lookup([1]))).toEqual(['anna']);
    await source.close();
  });

  test('with a partial cache expiring after write, the old row is served until expiry', async () => {
    pg.psql('CREATE TABLE cached AS SELECT * FROM customers');
    let now = 0;
    const source = createJdbcLookupSource(
      customersTable({
        'table-name': 'cached',
        'lookup.cache': 'PARTIAL',
        'lookup.partial-cache.expire-after-write': '10 s',
      }),
      new Set(['id', 'name']),
      ['id'],
      () => now,
    );
    await source.open();
    expect(names(await source.lookup([1]))).toEqual(['ann']);
    pg.psql("UPDATE cached SET name = 'anna' WHERE id = 1");
    now = 9_999;
    expect(names(await source.lookup([1]))).toEqual(['ann']);
    now = 10_000;
    expect(names(await source.lookup([1]))).toEqual(['anna']);
    await source.close();
  });

  test('missing keys are cached by default, and not with cache-missing-key false', async () => {
    pg.psql('CREATE TABLE missing AS SELECT * FROM customers');
    const options = {
      'table-name': 'missing',
      'lookup.cache': 'partial',
      'lookup.partial-cache.max-rows': '100',
    };
    const cachesMissing = createJdbcLookupSource(customersTable(options), new Set(['id', 'name']), ['id']);
    const asksAgain = createJdbcLookupSource(
      customersTable({ ...options, 'lookup.partial-cache.cache-missing-key': 'false' }),
      new Set(['id', 'name']),
      ['id'],
    );
    await cachesMissing.open();
    await asksAgain.open();
    expect(await cachesMissing.lookup([9])).toEqual([]);
    expect(await asksAgain.lookup([9])).toEqual([]);
    pg.psql("INSERT INTO missing VALUES (9, 'ida', 'EU', 's9')");
    expect(await cachesMissing.lookup([9])).toEqual([]);
    expect(names(await asksAgain.lookup([9]))).toEqual(['ida']);
    await cachesMissing.close();
    await asksAgain.close();
  });

  test('the cache holds at most max-rows keys, the least recently used making way', async () => {
    pg.psql('CREATE TABLE bounded AS SELECT * FROM customers');
    const source = createJdbcLookupSource(
      customersTable({
        'table-name': 'bounded',
        'lookup.cache': 'PARTIAL',
        'lookup.partial-cache.max-rows': '2',
      }),
      new Set(['id', 'name']),
      ['id'],
    );
    await source.open();
    await source.lookup([1]);
    await source.lookup([2]);
    await source.lookup([1]);
    await source.lookup([3]); // evicts 2
    pg.psql("UPDATE bounded SET name = name || '!'");
    expect(names(await source.lookup([1]))).toEqual(['ann']);
    expect(names(await source.lookup([2]))).toEqual(['bob!']);
    await source.close();
  });

  test('a killed connection is reconnected and the lookup retried; with no retries it fails in one line', async () => {
    const kill = () =>
      pg.psql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname = 'postgres'",
      );
    const retrying = createJdbcLookupSource(customersTable(), new Set(['id', 'name']), ['id']);
    await retrying.open();
    expect(names(await retrying.lookup([2]))).toEqual(['bob']);
    expect(kill()).toBe('1\n');
    expect(names(await retrying.lookup([1]))).toEqual(['ann']);
    await retrying.close();

    const once = createJdbcLookupSource(customersTable({ 'lookup.max-retries': '0' }), new Set(['id']), [
      'id',
    ]);
    await once.open();
    kill();
    const error = await once.lookup([1]).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^looking up a key in PostgreSQL table 'customers' at '.*' failed: .+$/);
    expect(error?.message).not.toContain('\n');
    await once.close();
  });

  test('an error other than a lost connection fails at once, naming the table', async () => {
    pg.psql('CREATE TABLE dropped AS SELECT * FROM customers');
    const source = createJdbcLookupSource(customersTable({ 'table-name': 'dropped' }), new Set(['id']), [
      'id',
    ]);
    await source.open();
    pg.psql('DROP TABLE dropped');
    await expect(source.lookup([1])).rejects.toThrow(
      /^looking up a key in PostgreSQL table 'dropped' at '.*' failed: relation "dropped" does not exist$/,
    );
    expect(isConnectionError({ code: '42P01' })).toBe(false);
    expect(isConnectionError({ code: '57P01' })).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    await source.close();
  });

  test('a table missing in PostgreSQL fails when the join opens', async () => {
    const source = createJdbcLookupSource(customersTable({ 'table-name': 'nowhere' }), new Set(['id']), [
      'id',
    ]);
    await expect(source.open()).rejects.toThrow("table 'nowhere' of Weir table 'customers' does not exist");
    await source.close();
  });
});

describe('options', () => {
  test('one-line errors that name the fix', () => {
    const create = (extra: string) => () => tableEnv(extra);
    expect(create(", 'lookup.cache' = 'PARTIAL'")).toThrow(
      "'lookup.cache' = 'PARTIAL' on table 'customers' sets no bound, so its cache would only grow; set 'lookup.partial-cache.max-rows', 'lookup.partial-cache.expire-after-write', 'lookup.partial-cache.expire-after-access' or more of them",
    );
    expect(create(", 'lookup.cache' = 'FULL'")).toThrow(
      "invalid value 'FULL' for option 'lookup.cache'; expected 'NONE' or 'PARTIAL'",
    );
    expect(create(", 'lookup.max-retries' = '-1'")).toThrow(
      "invalid value '-1' for option 'lookup.max-retries'; expected a whole number >= 0",
    );
    expect(create(", 'lookup.cache.max-rows' = '10'")).toThrow(
      "table 'customers' sets 'lookup.cache.max-rows' but not 'lookup.cache.ttl'; the deprecated lookup cache needs both, or use 'lookup.cache' = 'PARTIAL' with 'lookup.partial-cache.*'",
    );
    expect(create(", 'lookup.partial-cache.expire-after-write' = 'soon'")).toThrow(
      "option 'lookup.partial-cache.expire-after-write'",
    );
  });

  test("Flink's defaults and its mapping of the deprecated options", () => {
    expect(readJdbcLookupOptions({})).toEqual({ maxRetries: 3, cache: undefined });
    expect(readJdbcLookupOptions({ 'lookup.cache.max-rows': '10', 'lookup.cache.ttl': '1 min' })).toEqual({
      maxRetries: 3,
      cache: { maxRows: 10, expireAfterWriteMs: 60_000, cacheMissingKey: true },
    });
    expect(
      readJdbcLookupOptions({
        'lookup.cache.max-rows': '10',
        'lookup.cache.ttl': '1 min',
        'lookup.cache.caching-missing-key': 'false',
        'lookup.max-retries': '0',
      }),
    ).toEqual({ maxRetries: 0, cache: { maxRows: 10, expireAfterWriteMs: 60_000, cacheMissingKey: false } });
    // Either at zero: no cache, as in Flink.
    expect(readJdbcLookupOptions({ 'lookup.cache.max-rows': '0', 'lookup.cache.ttl': '1 min' }).cache).toBe(
      undefined,
    );
    // PARTIAL wins over the deprecated pair.
    expect(
      readJdbcLookupOptions({
        'lookup.cache.max-rows': '10',
        'lookup.cache.ttl': '1 min',
        'lookup.cache': 'PARTIAL',
        'lookup.partial-cache.expire-after-access': '5 s',
      }).cache,
    ).toEqual({ expireAfterAccessMs: 5_000, cacheMissingKey: true });
  });

  test('a key that is not a column of the PostgreSQL table is refused in one line', () => {
    const tEnv = tableEnv();
    tEnv.executeSql(
      `CREATE TABLE computed (id INT, name STRING, up AS UPPER(name)) WITH (${withOptions('customers')})`,
    );
    // A constant on it is tested on the joined rows instead.
    expect(
      tEnv.explainSql(
        "SELECT o.oid FROM orders AS o JOIN computed FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id AND c.up = 'ANN'",
      ),
    ).toContain("lookup=[id=cid], where=[=(up, 'ANN')]");
    expect(() =>
      tEnv.explainSql(
        'SELECT o.oid FROM orders AS o JOIN computed FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id AND o.shop = c.up',
      ),
    ).toThrow(
      "lookup join on jdbc table 'computed' looks up by 'up', which is not a column of the PostgreSQL table",
    );
  });
});
