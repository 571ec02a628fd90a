/**
 * VAR_POP, VAR_SAMP, STDDEV_POP and STDDEV_SAMP over DOUBLE agree with DuckDB's on generated
 * data (NULLs and one-row groups included), at parallelism 1 and 2, grouped, global, over an
 * updating input (the inner aggregate retracts its earlier counts) and with FILTER. DuckDB uses
 * a running mean, Weir Flink's sums, so values are compared within a relative tolerance.
 */
import { describe, expect, test } from 'vitest';
import { createDuckdbTable, duckdbConnection } from './duckdb-tables.js';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { seededRandom as random } from './generated-rows.js';

interface Row {
  id: number;
  k: number | null;
  x: number | null;
}

/** Keys 0..9, skewed, and key 10 with one row (sample statistics NULL); x in -500..500. */
function generate(n: number, seed: number): Row[] {
  const next = random(seed);
  const rows = Array.from({ length: n }, (_, id) => ({
    id,
    k: next() < 0.05 ? null : Math.floor(next() ** 2 * 10),
    x: next() < 0.15 ? null : Math.floor(next() * 1001) - 500,
  }));
  rows.push({ id: n, k: 10, x: 7 });
  return rows;
}

const STATS = (arg: string, filter = '') =>
  ['VAR_POP', 'VAR_SAMP', 'STDDEV_POP', 'STDDEV_SAMP']
    .map((f, i) => `${f}(${arg})${filter} AS s${i}`)
    .join(', ');

const QUERIES: Record<string, { weir: string; duckdb: string; keys: string[] }> = {
  grouped: {
    weir: `SELECT k, ${STATS('CAST(x AS DOUBLE)')} FROM t GROUP BY k`,
    duckdb: `SELECT k, ${STATS('CAST(x AS DOUBLE)')} FROM t GROUP BY k`,
    keys: ['k'],
  },
  global: {
    weir: `SELECT ${STATS('CAST(x AS DOUBLE)')} FROM t`,
    duckdb: `SELECT ${STATS('CAST(x AS DOUBLE)')} FROM t`,
    keys: [],
  },
  filtered: {
    weir: `SELECT k, ${STATS('CAST(x AS DOUBLE)', ' FILTER (WHERE x > 0)')} FROM t GROUP BY k`,
    duckdb: `SELECT k, ${STATS('CAST(x AS DOUBLE)', ' FILTER (WHERE x > 0)')} FROM t GROUP BY k`,
    keys: ['k'],
  },
  overUpdates: {
    weir: `SELECT MOD(k, 3) AS g, ${STATS('CAST(c AS DOUBLE)')} FROM (SELECT k, SUM(x) AS c FROM t WHERE k IS NOT NULL GROUP BY k) GROUP BY MOD(k, 3)`,
    duckdb: `SELECT k % 3 AS g, ${STATS('CAST(c AS DOUBLE)')} FROM (SELECT k, SUM(x) AS c FROM t WHERE k IS NOT NULL GROUP BY k) GROUP BY k % 3`,
    keys: ['g'],
  },
};

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const keyOf = (row: Record<string, unknown>, keys: readonly string[]) =>
  JSON.stringify(keys.map((k) => num(row[k])));

describe('statistical aggregates agree with DuckDB on generated data', async () => {
  const data = generate(400, 11);
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 't', { id: 'INTEGER', k: 'INTEGER', x: 'INTEGER' }, data);

  for (const [name, q] of Object.entries(QUERIES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
      tEnv.createTemporaryView('t', tEnv.getExecutionEnvironment().fromCollection([...data]), {
        id: 'INT',
        k: 'INT',
        x: 'INT',
      });
      const ours = new Map(
        (await tEnv.executeSql(q.weir).collect()).map((r) => [
          keyOf(r as Record<string, unknown>, q.keys),
          r,
        ]),
      );
      const theirs = (await duck.runAndReadAll(q.duckdb)).getRowObjectsJS() as Record<string, unknown>[];
      expect(ours.size).toBe(theirs.length);
      let nulls = 0;
      for (const expected of theirs) {
        const row = ours.get(keyOf(expected, q.keys)) as Record<string, unknown> | undefined;
        expect(row, keyOf(expected, q.keys)).toBeDefined();
        for (let i = 0; i < 4; i++) {
          const want = num(expected[`s${i}`]);
          const got = num(row![`s${i}`]);
          if (want === null) {
            nulls++;
            expect(got).toBeNull();
          } else expect(Math.abs(got! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
        }
      }
      // The data has a one-row group, so the sample statistics' NULL is exercised.
      if (name === 'grouped') expect(nulls).toBeGreaterThan(0);
    });
  }
});
