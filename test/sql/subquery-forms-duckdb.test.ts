/**
 * Subqueries where the planner decorrelates them beyond the select list and WHERE agree with
 * DuckDB on generated data holding NULL keys and values, at parallelism 1 and 2, over
 * insert-only input and over updating input (l's rows are its groups' sums, retracted and redone
 * as rows arrive; a (k, v) pair of r is a row until its second arrival deletes it): scalar, IN
 * and EXISTS subqueries in JOIN … ON conditions and in GROUP BY keys, scalar subqueries correlated
 * by more than equalities, and row IN (`(a, b) IN (SELECT x, y …)`); and subqueries whose
 * unqualified names the outer query has too, which resolve in the subquery's own FROM first.
 * Updating results are compared as the final table their changes leave.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { createDuckdbTable, duckdbConnection, keyValueRows, numericCanonical } from './duckdb-tables.js';

type R = Record<string, unknown>;

// {l} and {r} stand for the insert-only tables or the updating views. l has keys 0..7, r 0..5.
const QUERIES: Record<string, string | readonly [weir: string, duckdb: string]> = {
  onRightSide:
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l JOIN {r} AS r ON l.k = r.k AND r.v >= (SELECT MAX(x.v) - 12 FROM {r} AS x WHERE x.k = r.k)',
  onLeftSideCount:
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l LEFT JOIN {r} AS r ON l.k = r.k AND r.v > (SELECT COUNT(*) * 3 FROM {r} AS x WHERE x.k = l.k AND x.v > 12)',
  onUncorrelatedLeft:
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l LEFT JOIN {r} AS r ON l.k = r.k AND r.v < (SELECT MAX(x.v) - 8 FROM {r} AS x)',
  // DuckDB plans no subquery in the ON of a FULL JOIN: it reads the value from a derived table.
  onFullRightSide: [
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l FULL JOIN {r} AS r ON l.k = r.k AND r.v < (SELECT MAX(x.v) - 8 FROM {r} AS x WHERE x.k = r.k)',
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l FULL JOIN (SELECT y.k, y.v, (SELECT MAX(x.v) - 8 FROM {r} AS x WHERE x.k = y.k) AS m FROM {r} AS y) AS r ON l.k = r.k AND r.v < r.m',
  ],
  onBothSidesInner:
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l JOIN {r} AS r ON l.k = r.k AND r.v >= (SELECT MAX(x.v) - 15 FROM {r} AS x WHERE x.k = l.k AND MOD(x.v, 2) = MOD(r.v, 2))',
  onExistsRight:
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l RIGHT JOIN {r} AS r ON l.k = r.k AND EXISTS (SELECT 1 FROM {r} AS x WHERE x.k = l.k AND x.v > 25)',
  onInValue:
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l LEFT JOIN {r} AS r ON l.k = r.k AND (MOD(r.v, 5) IN (SELECT MOD(x.v, 5) FROM {l} AS x WHERE x.k = r.k) OR r.v > 25)',
  // GROUP BY keys: the same subquery in the select list or HAVING reads the key.
  groupByCorrelated:
    'SELECT (SELECT MAX(x.v) FROM {r} AS x WHERE x.k = l.k) AS a, COUNT(*) AS b, SUM(l.v) AS c FROM {l} AS l GROUP BY (SELECT MAX(x.v) FROM {r} AS x WHERE x.k = l.k)',
  groupByCountHaving:
    'SELECT (SELECT COUNT(*) FROM {r} AS x WHERE x.k = l.k) * 2 AS a, COUNT(*) AS b, MAX(l.v) AS c FROM {l} AS l GROUP BY (SELECT COUNT(*) FROM {r} AS x WHERE x.k = l.k) HAVING COUNT(*) > 1 OR (SELECT COUNT(*) FROM {r} AS x WHERE x.k = l.k) = 0',
  groupByInValue:
    'SELECT MOD(l.v, 3) AS a, l.v IN (SELECT x.v FROM {r} AS x WHERE x.k = l.k) AS b, COUNT(*) AS c FROM {l} AS l GROUP BY MOD(l.v, 3), l.v IN (SELECT x.v FROM {r} AS x WHERE x.k = l.k)',
  groupByUncorrelated:
    'SELECT l.k AS a, (SELECT MAX(x.v) FROM {r} AS x) - l.k AS b, COUNT(*) AS c FROM {l} AS l GROUP BY l.k, (SELECT MAX(x.v) FROM {r} AS x)',
  // Correlated by more than equalities: planned over the domain of the outer values read.
  nonEquiCount:
    'SELECT l.k AS a, l.v AS b, (SELECT COUNT(*) FROM {r} AS x WHERE x.v < l.v) AS c FROM {l} AS l',
  nonEquiWithEquality:
    'SELECT l.k AS a, l.v AS b, (SELECT MAX(x.v) FROM {r} AS x WHERE x.k = l.k AND x.v > l.v - 10) AS c FROM {l} AS l',
  nonEquiOr:
    'SELECT l.k AS a, l.v AS b, (SELECT SUM(x.v) FROM {r} AS x WHERE x.v < l.v OR l.v IS NULL) AS c FROM {l} AS l',
  inValueNonEqui:
    'SELECT l.k AS a, l.v AS b, l.v IN (SELECT x.v FROM {r} AS x WHERE x.k < l.k) AS c FROM {l} AS l',
  // Row IN: semi and anti joins in WHERE, and values read from counts. DuckDB compares rows
  // holding NULLs as structs, so its side is SQL's definition: a row of the subquery equals the
  // operand when every item does, and is UNKNOWN when no item differs and one is NULL.
  rowIn: [
    'SELECT l.k AS a, l.v AS b, 0 AS c FROM {l} AS l WHERE (l.k, MOD(l.v, 5)) IN (SELECT x.k, MOD(x.v, 5) FROM {r} AS x)',
    'SELECT l.k AS a, l.v AS b, 0 AS c FROM {l} AS l WHERE EXISTS (SELECT 1 FROM {r} AS x WHERE x.k = l.k AND x.v % 5 = l.v % 5)',
  ],
  rowNotIn: [
    'SELECT l.k AS a, l.v AS b, 0 AS c FROM {l} AS l WHERE (l.k, MOD(l.v, 3)) NOT IN (SELECT x.k, MOD(x.v, 3) FROM {r} AS x WHERE x.v > 27)',
    'SELECT l.k AS a, l.v AS b, 0 AS c FROM {l} AS l WHERE NOT EXISTS (SELECT 1 FROM {r} AS x WHERE x.v > 27 AND (x.k = l.k) IS NOT FALSE AND (x.v % 3 = l.v % 3) IS NOT FALSE)',
  ],
  rowInCorrelated: [
    'SELECT l.k AS a, l.v AS b, 0 AS c FROM {l} AS l WHERE (MOD(l.v, 3), MOD(l.v, 2)) IN (SELECT MOD(x.v, 3), MOD(x.v, 2) FROM {r} AS x WHERE x.k = l.k)',
    'SELECT l.k AS a, l.v AS b, 0 AS c FROM {l} AS l WHERE EXISTS (SELECT 1 FROM {r} AS x WHERE x.k = l.k AND x.v % 3 = l.v % 3 AND x.v % 2 = l.v % 2)',
  ],
  rowInValue: [
    'SELECT l.k AS a, (l.k, MOD(l.v, 5)) IN (SELECT x.k, MOD(x.v, 5) FROM {r} AS x) AS b, (l.k, MOD(l.v, 3)) NOT IN (SELECT x.k, MOD(x.v, 3) FROM {r} AS x WHERE x.v > 22) AS c FROM {l} AS l',
    `SELECT l.k AS a,
       CASE WHEN EXISTS (SELECT 1 FROM {r} AS x WHERE x.k = l.k AND x.v % 5 = l.v % 5) THEN TRUE
            WHEN EXISTS (SELECT 1 FROM {r} AS x WHERE (x.k = l.k) IS NOT FALSE AND (x.v % 5 = l.v % 5) IS NOT FALSE) THEN NULL
            ELSE FALSE END AS b,
       NOT CASE WHEN EXISTS (SELECT 1 FROM {r} AS x WHERE x.v > 22 AND x.k = l.k AND x.v % 3 = l.v % 3) THEN TRUE
            WHEN EXISTS (SELECT 1 FROM {r} AS x WHERE x.v > 22 AND (x.k = l.k) IS NOT FALSE AND (x.v % 3 = l.v % 3) IS NOT FALSE) THEN NULL
            ELSE FALSE END AS c
     FROM {l} AS l`,
  ],
  // Inner names first: l and r both have k and v, so unqualified k and v in a subquery over r
  // are r's, and the outer row's are read qualified (or by a name only the outer query has).
  innerNamesExists:
    'SELECT l.k AS a, l.v AS b, 0 AS c FROM {l} AS l WHERE EXISTS (SELECT 1 FROM {r} WHERE k = l.k AND v > 20)',
  innerNamesNotIn:
    'SELECT k AS a, v AS b, 0 AS c FROM {l} AS l WHERE MOD(v, 4) NOT IN (SELECT MOD(v, 4) FROM {r} WHERE k = l.k AND v > 15)',
  innerNamesGroupedIn:
    'SELECT k AS a, v AS b, 0 AS c FROM {l} AS l WHERE MOD(v, 3) IN (SELECT MOD(MAX(v), 3) FROM {r} WHERE k = l.k GROUP BY MOD(v, 2))',
  innerNamesScalar:
    'SELECT k AS a, v AS b, (SELECT MAX(v) - MIN(v) + l.v FROM {r} WHERE k = l.k) AS c FROM {l} AS l',
  innerNamesNonEqui: 'SELECT k AS a, v AS b, (SELECT COUNT(*) FROM {r} WHERE v < l.v) AS c FROM {l} AS l',
  innerNamesValues:
    'SELECT k AS a, EXISTS (SELECT 1 FROM {r} WHERE k = l.k AND v > l.v) AS b, v IN (SELECT v + 1 FROM {r} WHERE k = l.k) AS c FROM {l} AS l',
  innerNamesHaving:
    'SELECT k AS a, COUNT(*) AS b, SUM(v) AS c FROM {l} AS l GROUP BY k HAVING EXISTS (SELECT 1 FROM {r} WHERE k = l.k AND v > 25)',
  innerNamesOn:
    'SELECT l.k AS a, l.v AS b, r.v AS c FROM {l} AS l JOIN {r} AS r ON l.k = r.k AND EXISTS (SELECT 1 FROM {r} WHERE k = l.k AND v > r.v)',
  innerNamesTwoDeep:
    'SELECT k AS a, v AS b, (SELECT COUNT(*) FROM {r} WHERE k = l.k AND EXISTS (SELECT 1 FROM {l} WHERE k = {r}.k AND v > 30)) AS c FROM {l} AS l',
};

/** Rows with NULL keys (from keyValueRows) and NULL values. */
const withNullValues = (rows: { k: number | null; v: number }[]) =>
  rows.map((row) => ({ k: row.k, v: row.v % 9 === 4 ? null : row.v }));

const UPDATING_VIEWS = [
  'CREATE VIEW lu AS SELECT k, SUM(v) AS v FROM l0 GROUP BY k',
  'CREATE VIEW ru AS SELECT k, v FROM (SELECT k, v, COUNT(*) AS n FROM r0 GROUP BY k, v) AS g WHERE n < 2',
];

describe('subqueries in ON, GROUP BY, non-equality correlation and row IN agree with DuckDB', async () => {
  const left = withNullValues(keyValueRows(7, 60, 8));
  const right = withNullValues(keyValueRows(11, 60, 6));
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 'l0', { k: 'INTEGER', v: 'INTEGER' }, left);
  await createDuckdbTable(duck, 'r0', { k: 'INTEGER', v: 'INTEGER' }, right);
  for (const view of UPDATING_VIEWS) await duck.run(view);
  const columns = ['a', 'b', 'c'];

  for (const [name, templates] of Object.entries(QUERIES))
    for (const updating of [false, true]) {
      const [sql, duckSql] = (typeof templates === 'string' ? [templates, templates] : templates).map((t) =>
        t.replaceAll('{l}', updating ? 'lu' : 'l0').replaceAll('{r}', updating ? 'ru' : 'r0'),
      ) as [string, string];
      test.each([1, 2])(`${name}${updating ? ' over updating input' : ''} at parallelism %i`, async (p) => {
        const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(p));
        const env = tEnv.getExecutionEnvironment();
        tEnv.createTemporaryView('l0', env.fromCollection(left), { k: 'INT', v: 'INT' });
        tEnv.createTemporaryView('r0', env.fromCollection(right), { k: 'INT', v: 'INT' });
        for (const view of UPDATING_VIEWS) await tEnv.executeSql(view);
        const engine = (await tEnv.executeSql(sql).collect()).map((row) => numericCanonical(row, columns));
        const reader = await duck.runAndReadAll(duckSql);
        const expected = (reader.getRowObjectsJS() as R[]).map((row) => numericCanonical(row, columns));
        expect(engine.sort()).toEqual(expected.sort());
        expect(new Set(expected).size).toBeGreaterThan(2);
        if (!name.startsWith('on')) return;
        // The condition's subquery decides: some key-matched pairs pass it and some do not.
        const joined = await duck.runAndReadAll(
          `SELECT count(*) AS n FROM (${sql.replace(/ AND .*$/, '').replace('FULL JOIN', 'JOIN')}) AS j WHERE j.a IS NOT NULL AND j.c IS NOT NULL`,
        );
        const pairs = Number((joined.getRowObjectsJS() as R[])[0]!.n);
        const kept = expected.filter((line) => !line.startsWith('NULL') && !line.endsWith('NULL')).length;
        expect(kept).toBeGreaterThan(0);
        expect(kept).toBeLessThan(pairs);
      });
    }
});
