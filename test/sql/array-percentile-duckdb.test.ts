/**
 * ARRAY_AGG and PERCENTILE agree with DuckDB where DuckDB has the same semantics: `array_agg`
 * keeps NULLs and is NULL over no rows (compared sorted, since DuckDB promises no order), and
 * `quantile_cont` is the same continuous percentile (position p * (n - 1), linear
 * interpolation; compared within a few ulps, as the two interpolate with different formulas).
 * Over generated rows with NULLs, at parallelism 1 and 2, on an insert-only input and on a
 * retracting one (per-group sums that update as rows arrive, aggregated again).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { duckdbConnection } from './duckdb-tables.js';
import { environment, register } from './over-helpers.js';

const rows: Row[] = fc
  .sample(
    fc.record({
      g: fc.integer({ min: 0, max: 5 }),
      x: fc.option(fc.integer({ min: -20, max: 20 }), { nil: null, freq: 6 }),
    }),
    { numRuns: 300, seed: 44 },
  )
  .map((r, id) => ({ id, ...r }));

/** Weir's query and DuckDB's; columns g, then the compared values. */
const CASES: Record<string, { sql: string; duckdb: string }> = {
  insertOnly: {
    sql: 'SELECT g, ARRAY_SORT(ARRAY_AGG(x)) AS a, ARRAY_SORT(ARRAY_AGG(DISTINCT x)) AS d, ARRAY_SORT(ARRAY_AGG(x IGNORE NULLS)) AS n, PERCENTILE(x, 0.3) AS p, PERCENTILE(x, ARRAY[0.1, 0.5, 0.9]) AS ps FROM ev GROUP BY g',
    duckdb:
      "SELECT g, list_sort(array_agg(x), 'ASC', 'NULLS FIRST') AS a, list_sort(array_agg(DISTINCT x), 'ASC', 'NULLS FIRST') AS d, list_sort(array_agg(x) FILTER (WHERE x IS NOT NULL), 'ASC', 'NULLS FIRST') AS n, quantile_cont(x, 0.3) AS p, quantile_cont(x, [0.1, 0.5, 0.9]) AS ps FROM ev GROUP BY g",
  },
  retracting: {
    sql: 'SELECT g, ARRAY_SORT(ARRAY_AGG(s)) AS a, ARRAY_SORT(ARRAY_AGG(DISTINCT s)) AS d, ARRAY_SORT(ARRAY_AGG(s IGNORE NULLS)) AS n, PERCENTILE(s, 0.3) AS p, PERCENTILE(s, ARRAY[0.1, 0.5, 0.9]) AS ps FROM (SELECT MOD(id, 9) AS k, g, SUM(x) AS s FROM ev GROUP BY MOD(id, 9), g) GROUP BY g',
    duckdb:
      "SELECT g, list_sort(array_agg(s), 'ASC', 'NULLS FIRST') AS a, list_sort(array_agg(DISTINCT s), 'ASC', 'NULLS FIRST') AS d, list_sort(array_agg(s) FILTER (WHERE s IS NOT NULL), 'ASC', 'NULLS FIRST') AS n, quantile_cont(s, 0.3) AS p, quantile_cont(s, [0.1, 0.5, 0.9]) AS ps FROM (SELECT id % 9 AS k, g, SUM(x)::INTEGER AS s FROM ev GROUP BY id % 9, g) GROUP BY g",
  },
};

const plain = (v: unknown): unknown =>
  typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map(plain) : (v ?? null);

/** Numbers equal within a relative 1e-12; arrays element by element; others exactly. */
function expectClose(got: unknown, want: unknown, where: string): void {
  if (typeof want === 'number' && typeof got === 'number') {
    expect(Math.abs(got - want), where).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
  } else if (Array.isArray(want) && Array.isArray(got)) {
    expect(got.length, where).toBe(want.length);
    for (let i = 0; i < want.length; i++) expectClose(got[i], want[i], where);
  } else expect(got, where).toEqual(want);
}

describe('ARRAY_AGG and PERCENTILE agree with DuckDB', async () => {
  const duck = await duckdbConnection();
  await duck.run(
    `CREATE TABLE ev AS SELECT * FROM (VALUES ${rows
      .map((r) => `(${r.id}, ${r.g}, ${r.x === null ? 'NULL::INTEGER' : r.x})`)
      .join(', ')}) t(id, g, x)`,
  );

  for (const [name, q] of Object.entries(CASES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const e = environment(parallelism);
      register(e, 'CREATE TABLE ev (id INT, g INT, x INT)', rows);
      const got = (await e.tEnv.executeSql(q.sql).collect()).sort(
        (a, b) => (a.g as number) - (b.g as number),
      );
      const want = ((await duck.runAndReadAll(`${q.duckdb} ORDER BY g`)).getRowObjectsJS() as Row[]).map(
        (r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])),
      );
      expect(got.length).toBe(6);
      expect(got.map((r) => r.g)).toEqual(want.map((r) => r.g));
      for (let i = 0; i < want.length; i++)
        for (const column of ['a', 'd', 'n', 'p', 'ps'])
          expectClose(plain(got[i]![column]), want[i]![column], `g=${want[i]!.g} ${column}`);
    });
  }
});
