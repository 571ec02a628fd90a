/**
 * The LOOKUP hint's delayed retry on a `jdbc` lookup join against a real PostgreSQL
 * (test/support/postgres.ts): a key whose lookup finds no rows is looked up again after the
 * fixed delay, up to max-attempts more times. The table is a view whose one row only shows from
 * its third query on (a sequence counts the queries), so the row a retry finds, and the number
 * of queries each join made, follow from the hint alone, without timing. With a partial cache
 * the retries run under it, as in Flink, so a cached miss never hides the row a retry would find.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { jdbcOptions, lines } from './jdbc-tables.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
  pg.psql(
    "CREATE SEQUENCE late_queries; CREATE TABLE late_rows (id INTEGER, name TEXT); INSERT INTO late_rows VALUES (4, 'dan'); CREATE VIEW late AS SELECT id, name FROM late_rows WHERE nextval('late_queries') > 2",
  );
});
afterAll(() => pg?.stop());
beforeEach(() => {
  pg.psql("SELECT setval('late_queries', 1, false)");
});

/** How many times the table was queried since the test began. */
const queries = () => {
  const [value, called] = pg.psql('SELECT last_value, is_called FROM late_queries').trim().split('|');
  return called === 't' ? Number(value) : 0;
};

/** `late` as a jdbc table with `options` added to its WITH, and probe rows `orders(oid, cid)`. */
function tableEnv(options = '', orders = '(20, 4)'): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  tEnv.executeSql(`CREATE TABLE late (id INT, name STRING) WITH (${jdbcOptions(pg, 'late', options)})`);
  tEnv.executeSql(
    `CREATE VIEW orders AS SELECT oid, cid, PROCTIME() AS pt FROM (VALUES ${orders}) AS t(oid, cid)`,
  );
  return tEnv;
}

/** A partial cache that also caches keys the table has no rows for. */
const CACHE_MISSING =
  ", 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '100', 'lookup.partial-cache.cache-missing-key' = 'true'";

const join = (hint: string, kind = 'LEFT JOIN') =>
  `SELECT ${hint} o.oid, c.name FROM orders AS o ${kind} late FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id`;

const retry = (attempts: number) =>
  `/*+ LOOKUP('table' = 'late', 'retry-predicate' = 'lookup_miss', 'retry-strategy' = 'fixed_delay', 'fixed-delay' = '10ms', 'max-attempts' = '${attempts}') */`;

describe('LOOKUP hint retry (lookup_miss, fixed_delay)', () => {
  test('without the hint a missed key is looked up once and padded with NULL', async () => {
    expect(await lines(tableEnv(), join(''))).toEqual(['20:null']);
    expect(queries()).toBe(1);
  });

  test('a missed key is looked up again until its row shows, and no more', async () => {
    expect(await lines(tableEnv(), join(retry(5)))).toEqual(['20:dan']);
    expect(queries()).toBe(3);
  });

  test('max-attempts bounds the retries: one retry is two lookups, still missing', async () => {
    expect(await lines(tableEnv(), join(retry(1)))).toEqual(['20:null']);
    expect(queries()).toBe(2);
  });

  test('an inner join drops the row when the retries run out', async () => {
    expect(await lines(tableEnv(), join(retry(1), 'JOIN'))).toEqual([]);
    expect(queries()).toBe(2);
  });

  test('with a partial cache caching missing keys, the retries query the table under the cache, as Flink layers them', async () => {
    // Were the cache in front of the retry, the first miss would be cached and every retry
    // answered from it: 'dan' never found, one query. The second probe of key 4 shares the
    // answer (or finds it cached), so it adds no query.
    expect(await lines(tableEnv(CACHE_MISSING, '(20, 4), (21, 4)'), join(retry(5)))).toEqual([
      '20:dan',
      '21:dan',
    ]);
    expect(queries()).toBe(3);
  });

  test('with such a cache, max-attempts still bounds the queries the retries make', async () => {
    expect(await lines(tableEnv(CACHE_MISSING), join(retry(1)))).toEqual(['20:null']);
    expect(queries()).toBe(2);
  });

  test('EXPLAIN shows the hint on the lookup join', () => {
    const plan = tableEnv().explainSql(
      join(
        "/*+ LOOKUP('table' = 'late', 'output-mode' = 'allow_unordered', 'capacity' = '7', 'timeout' = '30s', 'retry-predicate' = 'lookup_miss', 'retry-strategy' = 'fixed_delay', 'fixed-delay' = '10s', 'max-attempts' = '3') */",
      ),
    );
    expect(plan).toContain(
      'LookupJoin(table=[default_catalog.default_database.late], joinType=[LeftOuterJoin], async=[true], asyncOptions=[output-mode=ALLOW_UNORDERED, capacity=7, timeout=30000ms], retry=[lookup_miss, FIXED_DELAY, 10000ms, 3], lookup=[id=cid]',
    );
  });

  test('bad LOOKUP hints are one-line errors at the option', () => {
    const tEnv = tableEnv();
    const error = (hint: string) => {
      try {
        tEnv.explainSql(join(hint));
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    };
    expect(error("/*+ LOOKUP('async' = 'true') */")).toBe(
      "SQL error at line 1, column 12: LOOKUP hint needs 'table', the lookup table's name: LOOKUP('table' = 'Customers')",
    );
    expect(error("/*+ LOOKUP('table' = 'nope') */")).toBe(
      "SQL error at line 1, column 12: LOOKUP hint names 'nope', which is no table or view of this query's FROM (orders, late)",
    );
    // The table's name, not its alias, as in Flink.
    expect(error("/*+ LOOKUP('table' = 'c') */")).toBe(
      "SQL error at line 1, column 12: LOOKUP hint names 'c', which is no table or view of this query's FROM (orders, late)",
    );
    expect(error("/*+ LOOKUP('table' = 'late', 'retry' = 'yes') */")).toBe(
      "SQL error at line 1, column 37: unknown LOOKUP hint option 'retry'; the options are table, async, output-mode, capacity, timeout, retry-predicate, retry-strategy, fixed-delay, max-attempts",
    );
    expect(error("/*+ LOOKUP('table' = 'late', 'retry-predicate' = 'lookup_miss') */")).toBe(
      "SQL error at line 1, column 37: LOOKUP hint retry needs all of 'retry-predicate', 'retry-strategy', 'fixed-delay', 'max-attempts'; missing 'retry-strategy', 'fixed-delay', 'max-attempts'",
    );
    expect(error("/*+ LOOKUP('table' = 'late', 'capacity' = '0') */")).toBe(
      "SQL error at line 1, column 37: invalid LOOKUP hint value '0' for 'capacity'; expected a whole number >= 1",
    );
  });
});
