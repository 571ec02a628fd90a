/**
 * Windows over an interval join's output agree with DuckDB on generated data, at parallelism 1
 * and 2: orders and shipments join on their key when the shipment comes within 4 seconds of the
 * order, and TUMBLE, HOP and SESSION windows group the pairs by the order's time or by the
 * shipment's. The two times of a pair often fall in different windows, and each output row is
 * stamped by whichever row completed its pair, so only windowing by the named column agrees.
 * DuckDB computes the windows by integer arithmetic on epoch milliseconds. Input arrives
 * shuffled within a few rows under a watermark an hour behind, so no row is late.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { seededRandom } from './generated-rows.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

/** `n` rows: key k in 0..3, ts about 300 ms apart from `start`; arrival shuffled locally. */
function generate(n: number, seed: number, start: number): Row[] {
  const next = seededRandom(seed);
  const rows: Row[] = Array.from({ length: n }, (_, id) => ({
    id,
    k: Math.floor(next() * 4),
    ts: start + id * 300 + Math.floor(next() * 250),
  }));
  for (let i = 0; i < rows.length; i++) {
    const j = Math.min(rows.length - 1, i + Math.floor(next() * 5));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

const ORDERS = "CREATE TABLE o (id INT, k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)";
const SHIPMENTS =
  "CREATE TABLE s (id INT, k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)";
const JOINED = `CREATE VIEW j AS
  SELECT o.id AS oid, s.id AS sid, o.k, o.ts AS a_ts, s.ts AS b_ts FROM o JOIN s
  ON o.k = s.k AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '4' SECOND`;
const DUCK_JOINED =
  'WITH j AS (SELECT o.id AS oid, s.id AS sid, o.k, o.ms AS a_ms, s.ms AS b_ms FROM o JOIN s ON o.k = s.k AND s.ms BETWEEN o.ms AND o.ms + 4000)';

/**
 * Session windows of gap `gap` per key over `col`, as DuckDB computes them (gaps and islands):
 * a row starts a session unless it comes at most `gap` after the previous one (windows that
 * touch merge). Both window functions order ties the same way.
 */
const duckSessions = (col: string, gap: number) =>
  `${DUCK_JOINED}, marked AS (SELECT k, oid, sid, ${col} AS t, CASE WHEN ${col} - LAG(${col}) OVER (PARTITION BY k ORDER BY ${col}, oid, sid) <= ${gap} THEN 0 ELSE 1 END AS first FROM j),
   numbered AS (SELECT *, SUM(first) OVER (PARTITION BY k ORDER BY t, oid, sid ROWS UNBOUNDED PRECEDING) AS n FROM marked)
   SELECT k, MIN(t) AS ws, MAX(t) + ${gap} AS we, COUNT(*) AS c, SUM(oid) AS s FROM numbered GROUP BY k, n`;

/** Queries over the view j and DuckDB's form of each (timestamps as epoch milliseconds). */
const CASES: Record<string, { sql: string; duckdb: string }> = {
  tumbleByOrderTime: {
    sql: "SELECT k, window_start, window_end, COUNT(*) AS c, SUM(sid) AS s FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(a_ts), INTERVAL '2' SECOND)) GROUP BY k, window_start, window_end",
    duckdb: `${DUCK_JOINED} SELECT k, (a_ms // 2000) * 2000 AS ws, (a_ms // 2000) * 2000 + 2000 AS we, COUNT(*) AS c, SUM(sid) AS s FROM j GROUP BY k, a_ms // 2000`,
  },
  tumbleByShipmentTime: {
    sql: "SELECT k, window_start, window_end, COUNT(*) AS c, SUM(oid) AS s FROM TABLE(TUMBLE(TABLE j, DESCRIPTOR(b_ts), INTERVAL '2' SECOND)) GROUP BY k, window_start, window_end",
    duckdb: `${DUCK_JOINED} SELECT k, (b_ms // 2000) * 2000 AS ws, (b_ms // 2000) * 2000 + 2000 AS we, COUNT(*) AS c, SUM(oid) AS s FROM j GROUP BY k, b_ms // 2000`,
  },
  hopByOrderTime: {
    sql: "SELECT window_start, window_end, COUNT(*) AS c, SUM(sid) AS s FROM TABLE(HOP(TABLE j, DESCRIPTOR(a_ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY window_start, window_end",
    duckdb: `${DUCK_JOINED}, starts AS (SELECT (a_ms // 1000) * 1000 - d * 1000 AS ws, sid FROM j, (VALUES (0), (1), (2)) x(d))
      SELECT ws, ws + 3000 AS we, COUNT(*) AS c, SUM(sid) AS s FROM starts GROUP BY ws`,
  },
  sessionByOrderTime: {
    sql: "SELECT k, window_start, window_end, COUNT(*) AS c, SUM(oid) AS s FROM TABLE(SESSION(TABLE j PARTITION BY k, DESCRIPTOR(a_ts), INTERVAL '1' SECOND)) GROUP BY k, window_start, window_end",
    duckdb: duckSessions('a_ms', 1000),
  },
};

const canonical = (row: Record<string, unknown>) =>
  `[${Object.values(row)
    .map((v) => String(typeof v === 'bigint' ? Number(v) : v))
    .join(', ')}]`;

describe('windows over an interval join agree with DuckDB', async () => {
  const orders = generate(150, 5, 0);
  const shipments = generate(150, 6, 1000);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  for (const [name, rows] of [
    ['o', orders],
    ['s', shipments],
  ] as const)
    await duck.run(
      `CREATE TABLE ${name} AS SELECT * FROM (VALUES ${rows
        .map((r) => `(${r.id}, ${r.k}, ${r.ts}::BIGINT)`)
        .join(', ')}) x(id, k, ms)`,
    );

  for (const [name, q] of Object.entries(CASES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const e = environment(parallelism);
      register(e, ORDERS, orders);
      register(e, SHIPMENTS, shipments);
      await e.tEnv.executeSql(JOINED).await();
      const engine = materialize(await changelog(e.tEnv, q.sql));
      const expected = ((await duck.runAndReadAll(q.duckdb)).getRowObjectsJS() as Row[])
        .map(canonical)
        .sort();
      expect(engine.length).toBeGreaterThan(10);
      expect(engine).toEqual(expected);
    });
  }
});
