/**
 * LAG over event-time OVER windows and GROUP BY () / GROUPING SETS with () / ROLLUP and CUBE
 * over parenthesized sets (also in a TUMBLE window aggregate), and FIRST_VALUE/LAST_VALUE over
 * sliding OVER frames, agree with DuckDB on generated rows, at parallelism 1 and 2. Rowtimes
 * are unique (so LAG does not depend on how ties are broken) and arrival is shuffled within a
 * few rows under a watermark an hour behind, so no row is late; grouped queries' changelogs
 * are applied and the final table compared.
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { createDuckdbTable, duckdbConnection } from './duckdb-tables.js';
import { seededRandom } from './generated-rows.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

/** `n` rows: k in 0..3, g in 0..2, h in 0..1, v in 0..19 or NULL; ts unique; arrival shuffled. */
function generate(n: number, seed: number): Row[] {
  const next = seededRandom(seed);
  const rows: Row[] = Array.from({ length: n }, (_, id) => ({
    id,
    k: Math.floor(next() * 4),
    g: Math.floor(next() * 3),
    h: Math.floor(next() * 2),
    v: next() < 0.1 ? null : Math.floor(next() * 20),
    ts: id * 600 + Math.floor(next() * 500),
  }));
  for (let i = 0; i < rows.length; i++) {
    const j = Math.min(rows.length - 1, i + Math.floor(next() * 6));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

const DDL =
  "CREATE TABLE t (id INT, k INT, g INT, h INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)";

const canonical = (row: Record<string, unknown>) =>
  `[${Object.values(row)
    .map((v) => String(typeof v === 'bigint' ? Number(v) : v))
    .join(', ')}]`;

/** Weir's query and DuckDB's form of it (ms is the rowtime in epoch milliseconds). */
const CASES: Record<string, { sql: string; duckdb: string }> = {
  lag: {
    sql: 'SELECT id, v, LAG(v) OVER w AS l1, LAG(v, 3, -1) OVER w AS l3, LAG(v, 0) OVER w AS l0 FROM t WINDOW w AS (PARTITION BY k ORDER BY ts)',
    duckdb:
      'SELECT id, v, LAG(v) OVER w AS l1, LAG(v, 3, -1) OVER w AS l3, LAG(v, 0) OVER w AS l0 FROM t WINDOW w AS (PARTITION BY k ORDER BY ms)',
  },
  lagOfExpressionBesideSum: {
    sql: 'SELECT id, LAG(v * 2 + g, 2) OVER w AS l, SUM(v) OVER w AS s FROM t WINDOW w AS (PARTITION BY k, h ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
    duckdb:
      'SELECT id, LAG(v * 2 + g, 2) OVER (PARTITION BY k, h ORDER BY ms) AS l, SUM(v) OVER (PARTITION BY k, h ORDER BY ms ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s FROM t',
  },
  // FIRST_VALUE and LAST_VALUE skip NULLs in Flink: DuckDB's IGNORE NULLS. Repeated values in a
  // frame check that the copy leaving is the earliest.
  firstLastValueRows: {
    sql: 'SELECT id, FIRST_VALUE(v) OVER w AS f, LAST_VALUE(v) OVER w AS l FROM t WINDOW w AS (PARTITION BY g ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)',
    duckdb:
      'SELECT id, FIRST_VALUE(v IGNORE NULLS) OVER w AS f, LAST_VALUE(v IGNORE NULLS) OVER w AS l FROM t WINDOW w AS (PARTITION BY g ORDER BY ms ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)',
  },
  firstLastValueRange: {
    sql: "SELECT id, FIRST_VALUE(v) OVER w AS f, LAST_VALUE(v) OVER w AS l FROM t WINDOW w AS (PARTITION BY h ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW)",
    duckdb:
      'SELECT id, FIRST_VALUE(v IGNORE NULLS) OVER w AS f, LAST_VALUE(v IGNORE NULLS) OVER w AS l FROM t WINDOW w AS (PARTITION BY h ORDER BY ms RANGE BETWEEN 2000 PRECEDING AND CURRENT ROW)',
  },
  emptyGroupBy: {
    sql: 'SELECT COUNT(*) AS c, COUNT(v) AS cv, SUM(v) AS s, MAX(v) AS m FROM t GROUP BY ()',
    duckdb: 'SELECT COUNT(*) AS c, COUNT(v) AS cv, SUM(v) AS s, MAX(v) AS m FROM t GROUP BY ()',
  },
  groupingSetsWithEmpty: {
    sql: 'SELECT k, g, COUNT(*) AS c, SUM(v) AS s, GROUPING_ID(k, g) AS gid FROM t GROUP BY GROUPING SETS ((k, g), (k), ())',
    duckdb:
      'SELECT k, g, COUNT(*) AS c, SUM(v) AS s, GROUPING(k, g) AS gid FROM t GROUP BY GROUPING SETS ((k, g), (k), ())',
  },
  rollupOfParenthesizedSet: {
    sql: 'SELECT k, g, h, COUNT(*) AS c, MIN(v) AS lo, GROUPING_ID(k, g, h) AS gid FROM t GROUP BY ROLLUP((k, g), h)',
    duckdb:
      'SELECT k, g, h, COUNT(*) AS c, MIN(v) AS lo, GROUPING(k, g, h) AS gid FROM t GROUP BY ROLLUP((k, g), h)',
  },
  cubeOfParenthesizedSetAndEmpty: {
    sql: 'SELECT k, g, h, SUM(v) AS s, GROUPING(h) AS gh FROM t GROUP BY CUBE((k, g), h), ()',
    duckdb: 'SELECT k, g, h, SUM(v) AS s, GROUPING(h) AS gh FROM t GROUP BY CUBE((k, g), h), ()',
  },
  windowRollupOfParenthesizedSet: {
    sql: "SELECT window_start, window_end, g, h, COUNT(*) AS c, SUM(v) AS s, GROUPING_ID(g, h) AS gid FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end, ROLLUP((g, h)), ()",
    duckdb:
      'SELECT (ms // 5000) * 5000 AS ws, (ms // 5000) * 5000 + 5000 AS we, g, h, COUNT(*) AS c, SUM(v) AS s, GROUPING(g, h) AS gid FROM t GROUP BY ms // 5000, ROLLUP((g, h)), ()',
  },
};

describe('LAG and empty grouping sets agree with DuckDB', async () => {
  const rows = generate(300, 23);
  const duck = await duckdbConnection();
  await createDuckdbTable(
    duck,
    't',
    { id: 'INTEGER', k: 'INTEGER', g: 'INTEGER', h: 'INTEGER', v: 'INTEGER', ms: 'INTEGER' },
    rows.map((r) => ({ ...r, ms: r.ts })),
  );

  for (const [name, q] of Object.entries(CASES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const e = environment(parallelism);
      register(e, DDL, rows);
      const engine = materialize(await changelog(e.tEnv, q.sql));
      const expected = ((await duck.runAndReadAll(q.duckdb)).getRowObjectsJS() as Row[])
        .map(canonical)
        .sort();
      expect(engine.length).toBeGreaterThan(0);
      expect(engine).toEqual(expected);
    });
  }
});
