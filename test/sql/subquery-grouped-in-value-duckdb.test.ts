/**
 * IN and EXISTS used as values over correlated subqueries that group (GROUP BY, HAVING),
 * decorrelated by grouping on their correlation columns (EXISTS without HAVING by dropping
 * its GROUP BY; other correlations over a domain of the outer values), agree with DuckDB on
 * generated data holding NULL keys and values, at parallelism 1 and 2, over insert-only input
 * and over updating input (a (k, v) pair of either side is a row until its second arrival
 * deletes it, so groups appear, change and vanish). Updating results are compared as the final
 * table their changes leave.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { createDuckdbTable, duckdbConnection, keyValueRows, numericCanonical } from './duckdb-tables.js';

type R = Record<string, unknown>;

// {l} and {r} stand for the insert-only tables or the updating views. l has keys 0..7, r 0..5.
const QUERIES: Record<string, string> = {
  inGrouped:
    'SELECT l.k AS a, l.v AS b, l.v IN (SELECT MAX(x.v) FROM {r} AS x WHERE x.k = l.k GROUP BY MOD(x.v, 3)) AS c FROM {l} AS l',
  notInGroupedHaving:
    'SELECT l.k AS a, l.v AS b, l.v NOT IN (SELECT MIN(x.v) + 1 FROM {r} AS x WHERE x.k = l.k GROUP BY MOD(x.v, 2) HAVING COUNT(*) > 1) AS c FROM {l} AS l',
  existsGroupedHaving:
    'SELECT l.k AS a, l.v AS b, EXISTS (SELECT x.k FROM {r} AS x WHERE x.k = l.k AND x.v > 10 GROUP BY x.k, MOD(x.v, 4) HAVING COUNT(*) > 1) AS c FROM {l} AS l',
  // The inner side of the correlation is an expression, which joins GROUP BY as one.
  inGroupedExpressionCorrelation:
    'SELECT l.k AS a, l.v AS b, l.k IN (SELECT x.k FROM {r} AS x WHERE MOD(x.v, 3) = MOD(l.v, 3) GROUP BY x.k HAVING COUNT(*) > 2) AS c FROM {l} AS l',
  // EXISTS over groups without HAVING: its GROUP BY is dropped, whatever the correlation.
  existsGroupedComparison:
    'SELECT l.k AS a, l.v AS b, EXISTS (SELECT COUNT(*) FROM {r} AS x WHERE x.v < l.v - 12 GROUP BY x.k) AS c FROM {l} AS l',
  existsNotGroupedByOuter:
    'SELECT l.k AS a, l.v AS b, NOT EXISTS (SELECT x.k FROM {r} AS x WHERE x.v > l.v + 15 AND x.k <> l.k GROUP BY x.k, l.k) AS c FROM {l} AS l',
  // Correlated by a comparison, or reading outer columns in HAVING or the select list: grouped
  // over the domain of the outer values.
  inGroupedComparison:
    'SELECT l.k AS a, l.v AS b, MOD(l.v, 10) IN (SELECT MAX(CASE WHEN x.v > 8 THEN x.v END) - 15 FROM {r} AS x WHERE x.v < l.v GROUP BY x.k) AS c FROM {l} AS l',
  existsGroupedOuterHaving:
    'SELECT l.k AS a, l.v AS b, EXISTS (SELECT x.k FROM {r} AS x WHERE x.k = l.k GROUP BY x.k, MOD(x.v, 2) HAVING COUNT(*) > l.v / 10) AS c FROM {l} AS l',
  inGroupedOuterItem:
    'SELECT l.k AS a, l.v AS b, l.v IN (SELECT MIN(x.v) + l.k FROM {r} AS x WHERE x.k <> l.k AND x.v > 10 GROUP BY x.k) AS c FROM {l} AS l',
  // Two correlations, in CASE, with a grouped subquery the operand's NULL meets.
  caseTwoCorrelations:
    'SELECT l.k AS a, l.v AS b, CASE WHEN l.v IN (SELECT MAX(x.v) FROM {r} AS x WHERE x.k = l.k AND MOD(x.v, 2) = MOD(l.v, 2) GROUP BY MOD(x.v, 5)) THEN 1 WHEN NOT EXISTS (SELECT 1 FROM {r} AS x WHERE x.k = l.k GROUP BY MOD(x.v, 3) HAVING COUNT(*) > 2) THEN 2 ELSE 3 END AS c FROM {l} AS l',
};

/** Rows with NULL keys (from keyValueRows) and NULL values. */
const withNullValues = (rows: { k: number | null; v: number }[]) =>
  rows.map((row) => ({ k: row.k, v: row.v % 9 === 4 ? null : row.v }));

const UPDATING_VIEWS = [
  'CREATE VIEW lu AS SELECT k, v FROM (SELECT k, v, COUNT(*) AS n FROM l0 GROUP BY k, v) AS g WHERE n < 2',
  'CREATE VIEW ru AS SELECT k, v FROM (SELECT k, v, COUNT(*) AS n FROM r0 GROUP BY k, v) AS g WHERE n < 2',
];

describe('correlated grouped IN and EXISTS values agree with DuckDB', async () => {
  const left = withNullValues(keyValueRows(13, 60, 8));
  const right = withNullValues(keyValueRows(17, 60, 6));
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 'l0', { k: 'INTEGER', v: 'INTEGER' }, left);
  await createDuckdbTable(duck, 'r0', { k: 'INTEGER', v: 'INTEGER' }, right);
  for (const view of UPDATING_VIEWS) await duck.run(view);
  const columns = ['a', 'b', 'c'];

  for (const [name, template] of Object.entries(QUERIES))
    for (const updating of [false, true]) {
      const sql = template
        .replaceAll('{l}', updating ? 'lu' : 'l0')
        .replaceAll('{r}', updating ? 'ru' : 'r0');
      test.each([1, 2])(`${name}${updating ? ' over updating input' : ''} at parallelism %i`, async (p) => {
        const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(p));
        const env = tEnv.getExecutionEnvironment();
        tEnv.createTemporaryView('l0', env.fromCollection(left), { k: 'INT', v: 'INT' });
        tEnv.createTemporaryView('r0', env.fromCollection(right), { k: 'INT', v: 'INT' });
        for (const view of UPDATING_VIEWS) await tEnv.executeSql(view);
        const engine = (await tEnv.executeSql(sql).collect()).map((row) => numericCanonical(row, columns));
        const reader = await duck.runAndReadAll(sql);
        const expected = (reader.getRowObjectsJS() as R[]).map((row) => numericCanonical(row, columns));
        expect(engine.sort()).toEqual(expected.sort());
        // The value varies: every outcome the query can give appears (TRUE, FALSE and NULL for
        // IN; for the CASE, its three branches).
        const outcomes = new Set(expected.map((line) => line.split('|')[2]));
        expect(outcomes.size).toBeGreaterThan(name.startsWith('exists') ? 1 : 2);
      });
    }
});
