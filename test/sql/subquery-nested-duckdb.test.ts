/**
 * Subqueries nested in the WHERE or HAVING of an IN, NOT IN, EXISTS, NOT EXISTS or scalar
 * subquery agree with DuckDB on generated data holding NULL keys and values, at parallelism 1
 * and 2, over insert-only input and over updating input (a (k, v) pair of a table is a row until
 * its second arrival deletes it): the nested subquery uncorrelated, correlated with the subquery
 * around it, and correlated with the outermost query (planned over a domain of its values), and
 * IN and scalar subqueries correlated by their select list alone. Updating results are compared
 * as the final table their changes leave.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { createDuckdbTable, duckdbConnection, keyValueRows, numericCanonical } from './duckdb-tables.js';

type R = Record<string, unknown>;

// {l}, {m} and {r} stand for the insert-only tables or the updating views: l is the outermost
// query's, m the subquery's, r the nested subquery's. Every query filters l's rows: some of
// them, never all or none.
const QUERIES: Record<string, string> = {
  existsInUncorrelated:
    'SELECT l.k, l.v FROM {l} AS l WHERE EXISTS (SELECT 1 FROM {m} AS m WHERE m.k = l.k AND m.v IN (SELECT r.v FROM {r} AS r WHERE r.k < 2))',
  existsNotInUncorrelated:
    'SELECT l.k, l.v FROM {l} AS l WHERE EXISTS (SELECT 1 FROM {m} AS m WHERE m.k = l.k AND m.v NOT IN (SELECT r.v + 1 FROM {r} AS r WHERE r.k < 3 AND r.v < 20))',
  inExistsMiddle:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.v IN (SELECT m.v FROM {m} AS m WHERE EXISTS (SELECT 1 FROM {r} AS r WHERE r.k = m.k AND r.v > m.v))',
  notInNotExistsMiddle:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.v NOT IN (SELECT m.v FROM {m} AS m WHERE m.k = l.k AND NOT EXISTS (SELECT 1 FROM {r} AS r WHERE r.k = m.k AND r.v = m.v))',
  notInNotInMiddle:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.k NOT IN (SELECT m.k FROM {m} AS m WHERE m.v > 3 AND m.k NOT IN (SELECT r.k FROM {r} AS r WHERE r.v = m.v))',
  existsScalarMiddle:
    'SELECT l.k, l.v FROM {l} AS l WHERE EXISTS (SELECT 1 FROM {m} AS m WHERE m.k = l.k AND m.v > (SELECT AVG(r.v) FROM {r} AS r WHERE r.k = m.k) + 8)',
  notExistsScalarMiddle:
    'SELECT l.k, l.v FROM {l} AS l WHERE NOT EXISTS (SELECT 1 FROM {m} AS m WHERE m.k = l.k AND m.v > (SELECT AVG(r.v) FROM {r} AS r WHERE r.k = m.k) + 5)',
  inGroupedExistsMiddle:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.k IN (SELECT m.k FROM {m} AS m WHERE m.k = l.k AND EXISTS (SELECT 1 FROM {r} AS r WHERE r.k = m.k AND r.v = m.v) GROUP BY m.k HAVING COUNT(*) > 1)',
  existsInOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE EXISTS (SELECT 1 FROM {m} AS m WHERE m.k = l.k AND m.v IN (SELECT r.v FROM {r} AS r WHERE r.k = MOD(l.v, 6)))',
  notExistsExistsOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE NOT EXISTS (SELECT 1 FROM {m} AS m WHERE m.k = l.k AND EXISTS (SELECT 1 FROM {r} AS r WHERE r.k = m.k AND r.v < l.v))',
  inExistsOuterOnly:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.k IN (SELECT m.k FROM {m} AS m WHERE m.v > 10 AND EXISTS (SELECT 1 FROM {r} AS r WHERE r.k = m.k AND r.v BETWEEN l.v AND l.v + 2))',
  notInNotInOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.k NOT IN (SELECT m.k FROM {m} AS m WHERE m.v > l.v AND m.v NOT IN (SELECT r.v FROM {r} AS r WHERE r.k = l.k))',
  scalarExistsOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.v > (SELECT COUNT(*) FROM {m} AS m WHERE m.k = l.k AND EXISTS (SELECT 1 FROM {r} AS r WHERE r.v = m.v AND r.k <> l.k))',
  existsOrNestedOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE EXISTS (SELECT 1 FROM {m} AS m WHERE m.k = l.k AND (m.v IN (SELECT r.v FROM {r} AS r WHERE r.k = l.k) OR m.v > 25))',
  notInOrNestedMiddle:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.v NOT IN (SELECT m.v FROM {m} AS m WHERE m.k = l.k AND (m.v NOT IN (SELECT r.v FROM {r} AS r WHERE r.k = m.k) OR m.v < 5))',
  valueExistsNestedOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.v < 20 AND COALESCE(EXISTS (SELECT 1 FROM {m} AS m WHERE m.k = l.k AND m.v IN (SELECT r.v FROM {r} AS r WHERE r.v > l.v)), FALSE) = FALSE',
  valueNotInNestedOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE (l.v NOT IN (SELECT m.v FROM {m} AS m WHERE m.k = l.k AND EXISTS (SELECT 1 FROM {r} AS r WHERE r.k = m.k AND r.v < l.v))) IS NULL OR l.k = 1',
  scalarInNestedOuterGrouped:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.v < (SELECT SUM(m.v) FROM {m} AS m WHERE m.k = l.k AND m.v NOT IN (SELECT r.v FROM {r} AS r WHERE r.k = l.k AND r.v IS NOT NULL) GROUP BY m.k)',
  threeLevelsOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.k IN (SELECT m.k FROM {m} AS m WHERE EXISTS (SELECT 1 FROM {r} AS r WHERE r.k = m.k AND EXISTS (SELECT 1 FROM {m} AS d WHERE d.k = l.k AND d.v = r.v)))',
  inHavingNestedOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.k IN (SELECT m.k FROM {m} AS m GROUP BY m.k HAVING COUNT(*) > (SELECT COUNT(*) FROM {r} AS r WHERE r.k = m.k AND r.v < l.v))',
  notExistsHavingOuter:
    'SELECT l.k, l.v FROM {l} AS l WHERE NOT EXISTS (SELECT m.k FROM {m} AS m GROUP BY m.k HAVING COUNT(*) > l.v / 3)',
  // Correlated by their select list alone, with no outer column in WHERE.
  inSelectListOnly:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.v IN (SELECT m.v + l.k - 3 FROM {m} AS m WHERE m.k > 2)',
  scalarSelectListOnly:
    'SELECT l.k, l.v FROM {l} AS l WHERE l.v < (SELECT MIN(m.v) + l.k * 3 FROM {m} AS m WHERE m.k = 2)',
};

const UPDATING_VIEWS = ['l', 'm', 'r'].map(
  (t) =>
    `CREATE VIEW ${t}u AS SELECT k, v FROM (SELECT k, v, COUNT(*) AS n FROM ${t}0 GROUP BY k, v) AS g WHERE n < 2`,
);

/** Rows with NULL keys (from keyValueRows) and NULL values. */
const withNullValues = (rows: { k: number | null; v: number }[]) =>
  rows.map((row) => ({ k: row.k, v: row.v % 11 === 7 ? null : row.v }));

describe('subqueries nested in IN, EXISTS and scalar subqueries agree with DuckDB', async () => {
  const tables = {
    l0: withNullValues(keyValueRows(7, 40, 6)),
    m0: withNullValues(keyValueRows(29, 50, 5)),
    r0: withNullValues(keyValueRows(41, 50, 5)),
  };
  const duck = await duckdbConnection();
  for (const [name, rows] of Object.entries(tables))
    await createDuckdbTable(duck, name, { k: 'INTEGER', v: 'INTEGER' }, rows);
  for (const view of UPDATING_VIEWS) await duck.run(view);
  const columns = ['k', 'v'];

  for (const [name, template] of Object.entries(QUERIES))
    for (const updating of [false, true]) {
      const table = (t: string) => `${t}${updating ? 'u' : '0'}`;
      const sql = template
        .replaceAll('{l}', table('l'))
        .replaceAll('{m}', table('m'))
        .replaceAll('{r}', table('r'));
      test.each([1, 2])(`${name}${updating ? ' over updating input' : ''} at parallelism %i`, async (p) => {
        const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(p));
        const env = tEnv.getExecutionEnvironment();
        for (const [t, rows] of Object.entries(tables))
          tEnv.createTemporaryView(t, env.fromCollection(rows), { k: 'INT', v: 'INT' });
        for (const view of UPDATING_VIEWS) await tEnv.executeSql(view);
        const engine = (await tEnv.executeSql(sql).collect()).map((row) => numericCanonical(row, columns));
        const reader = await duck.runAndReadAll(sql);
        const expected = (reader.getRowObjectsJS() as R[]).map((row) => numericCanonical(row, columns));
        expect(engine.sort()).toEqual(expected.sort());
        const all = await duck.runAndReadAll(`SELECT count(*) AS n FROM ${table('l')}`);
        const count = Number((all.getRowObjectsJS() as R[])[0]!.n);
        expect(expected.length).toBeGreaterThan(0);
        expect(expected.length).toBeLessThan(count);
      });
    }
});
