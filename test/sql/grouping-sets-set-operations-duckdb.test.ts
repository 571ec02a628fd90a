/**
 * INTERSECT / EXCEPT (with and without ALL) and GROUPING SETS / ROLLUP / CUBE agree with
 * DuckDB on generated data with NULLs in keys and values, at parallelism 1 and 2, over insert-only
 * inputs and over updating ones (inner aggregates that retract their earlier rows). Rows are
 * compared as multisets, since both engines may list them in any order.
 */
import { describe, expect, test } from 'vitest';
import { canonical, createDuckdbTable, duckdbConnection } from './duckdb-tables.js';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { seededRandom as random } from './generated-rows.js';

interface Row {
  id: number;
  k: number | null;
  s: string | null;
  x: number | null;
}

/** Small key domains so sides share rows and repeat them; about a tenth of each column NULL. */
function generate(n: number, seed: number): Row[] {
  const next = random(seed);
  const maybe = <T>(value: T) => (next() < 0.1 ? null : value);
  return Array.from({ length: n }, (_, id) => ({
    id,
    k: maybe(Math.floor(next() * 6)),
    s: maybe(['p', 'q', 'r'][Math.floor(next() * 3)]!),
    x: maybe(Math.floor(next() * 21) - 10),
  }));
}

const same = (weir: string, duckdb = weir) => ({ weir, duckdb });
const QUERIES: Record<string, { weir: string; duckdb: string; columns: string[] }> = {
  intersect: { ...same('SELECT k, s FROM l INTERSECT SELECT k, s FROM r'), columns: ['k', 's'] },
  intersectAll: { ...same('SELECT k, s FROM l INTERSECT ALL SELECT k, s FROM r'), columns: ['k', 's'] },
  except: { ...same('SELECT k, s FROM l EXCEPT SELECT k, s FROM r WHERE x > 3'), columns: ['k', 's'] },
  exceptAll: { ...same('SELECT k, s FROM l EXCEPT ALL SELECT k, s FROM r'), columns: ['k', 's'] },
  exceptAllOverUpdates: {
    weir: 'SELECT k, MOD(COUNT(*), 4) AS m FROM l GROUP BY k EXCEPT ALL SELECT k, MOD(COUNT(x), 4) FROM r GROUP BY k',
    duckdb:
      'SELECT k, COUNT(*) % 4 AS m FROM l GROUP BY k EXCEPT ALL SELECT k, COUNT(x) % 4 FROM r GROUP BY k',
    columns: ['k', 'm'],
  },
  intersectAllOverUpdates: {
    weir: 'SELECT s, MOD(SUM(x), 3) AS m FROM l GROUP BY s, k INTERSECT ALL SELECT s, MOD(SUM(x), 3) FROM r GROUP BY s, k',
    duckdb:
      'SELECT s, SUM(x) % 3 AS m FROM l GROUP BY s, k INTERSECT ALL SELECT s, SUM(x) % 3 FROM r GROUP BY s, k',
    columns: ['s', 'm'],
  },
  groupingSets: {
    ...same(
      'SELECT k, s, SUM(x) AS sx, COUNT(*) AS n, COUNT(s) AS ns FROM l GROUP BY GROUPING SETS ((k, s), (k), ())',
    ),
    columns: ['k', 's', 'sx', 'n', 'ns'],
  },
  rollup: {
    weir: 'SELECT k, s, SUM(x) AS sx, MAX(k) AS mk, GROUPING_ID(k, s) AS g FROM l GROUP BY ROLLUP(k, s)',
    duckdb: 'SELECT k, s, SUM(x) AS sx, MAX(k) AS mk, GROUPING(k, s) AS g FROM l GROUP BY ROLLUP(k, s)',
    columns: ['k', 's', 'sx', 'mk', 'g'],
  },
  cube: {
    ...same('SELECT k, s, COUNT(x) AS nx, MIN(x) AS mn, GROUPING(s) AS gs FROM l GROUP BY CUBE(k, s)'),
    columns: ['k', 's', 'nx', 'mn', 'gs'],
  },
  cubeOverUpdates: {
    ...same(
      'SELECT k, m, COUNT(*) AS n, SUM(c) AS sc FROM (SELECT k, s, COUNT(*) AS c, MOD(COUNT(*), 2) AS m FROM l GROUP BY k, s) GROUP BY CUBE(k, m)',
      'SELECT k, m, COUNT(*) AS n, SUM(c) AS sc FROM (SELECT k, s, COUNT(*) AS c, COUNT(*) % 2 AS m FROM l GROUP BY k, s) GROUP BY CUBE(k, m)',
    ),
    columns: ['k', 'm', 'n', 'sc'],
  },
};

describe('set operations and grouping sets agree with DuckDB on generated data', async () => {
  const left = generate(300, 5);
  const right = generate(200, 9);
  const duck = await duckdbConnection();
  const types = { id: 'INTEGER', k: 'INTEGER', s: 'VARCHAR', x: 'INTEGER' } as const;
  await createDuckdbTable(duck, 'l', types, left);
  await createDuckdbTable(duck, 'r', types, right);

  for (const [name, q] of Object.entries(QUERIES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
      const env = tEnv.getExecutionEnvironment();
      const schema = { id: 'INT', k: 'INT', s: 'STRING', x: 'INT' };
      tEnv.createTemporaryView('l', env.fromCollection([...left]), schema);
      tEnv.createTemporaryView('r', env.fromCollection([...right]), schema);
      const ours = (await tEnv.executeSql(q.weir).collect()).map((r) =>
        canonical(r as Record<string, unknown>, q.columns),
      );
      const theirs = (
        (await duck.runAndReadAll(q.duckdb)).getRowObjectsJS() as Record<string, unknown>[]
      ).map((r) => canonical(r, q.columns));
      expect(theirs.length).toBeGreaterThan(0);
      expect(ours.sort()).toEqual(theirs.sort());
    });
  }
});
