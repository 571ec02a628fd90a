/**
 * Cascading window aggregation agrees with DuckDB on generated data, at parallelism 1 and 2: a
 * 3-second TUMBLE aggregate per key, then TUMBLE or HOP windows over its `window_time`. DuckDB
 * computes the same windows by integer arithmetic on epoch milliseconds (a row of the first
 * level lives at its window's last millisecond; 3-second windows straddle the second level's
 * bounds, so windowing by the first level's rows' own times would disagree). Input arrives shuffled within a few rows under
 * a watermark an hour behind, so no row is late and the result does not depend on arrival order.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` rows: key k in 0..2, value v in 0..19, ts about 370 ms apart; arrival shuffled locally. */
function generate(n: number, seed: number): Row[] {
  const next = random(seed);
  const rows: Row[] = Array.from({ length: n }, (_, id) => ({
    id,
    k: Math.floor(next() * 3),
    v: Math.floor(next() * 20),
    ts: id * 370 + Math.floor(next() * 300),
  }));
  for (let i = 0; i < rows.length; i++) {
    const j = Math.min(rows.length - 1, i + Math.floor(next() * 6));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

const DDL =
  "CREATE TABLE t (id INT, k INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)";

const FIRST_LEVEL = `CREATE VIEW w1 AS
  SELECT k, window_time AS rt, SUM(v) AS s, MAX(v) AS m
  FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '3' SECOND))
  GROUP BY k, window_start, window_end, window_time`;

const DUCK_FIRST_LEVEL =
  'WITH w1 AS (SELECT k, (ms // 3000) * 3000 + 2999 AS rt, SUM(v) AS s, MAX(v) AS m FROM t GROUP BY k, ms // 3000)';

/** Queries over the view w1 and DuckDB's form of each (timestamps as epoch milliseconds). */
const CASES: Record<string, { sql: string; duckdb: string }> = {
  tumbleOverTumble: {
    sql: "SELECT k, window_start, window_end, SUM(s) AS s, COUNT(*) AS n, MAX(m) AS m FROM TABLE(TUMBLE(TABLE w1, DESCRIPTOR(rt), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end",
    duckdb: `${DUCK_FIRST_LEVEL} SELECT k, (rt // 10000) * 10000 AS ws, (rt // 10000) * 10000 + 10000 AS we, SUM(s) AS s, COUNT(*) AS n, MAX(m) AS m FROM w1 GROUP BY k, rt // 10000`,
  },
  hopOverTumble: {
    sql: "SELECT window_start, window_end, SUM(s) AS s, COUNT(*) AS n FROM TABLE(HOP(TABLE w1, DESCRIPTOR(rt), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
    duckdb: `${DUCK_FIRST_LEVEL}, starts AS (SELECT (rt // 5000) * 5000 AS ws, s FROM w1 UNION ALL SELECT (rt // 5000) * 5000 - 5000 AS ws, s FROM w1) SELECT ws, ws + 10000 AS we, SUM(s) AS s, COUNT(*) AS n FROM starts GROUP BY ws`,
  },
};

const canonical = (row: Record<string, unknown>) =>
  `[${Object.values(row)
    .map((v) => String(typeof v === 'bigint' ? Number(v) : v))
    .join(', ')}]`;

describe('cascading window aggregation agrees with DuckDB', async () => {
  const rows = generate(400, 11);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(
    `CREATE TABLE t AS SELECT * FROM (VALUES ${rows
      .map((r) => `(${r.id}, ${r.k}, ${r.v}, ${r.ts}::BIGINT)`)
      .join(', ')}) x(id, k, v, ms)`,
  );

  for (const [name, q] of Object.entries(CASES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const e = environment(parallelism);
      register(e, DDL, rows);
      await e.tEnv.executeSql(FIRST_LEVEL).await();
      const engine = materialize(await changelog(e.tEnv, q.sql));
      const expected = ((await duck.runAndReadAll(q.duckdb)).getRowObjectsJS() as Row[])
        .map(canonical)
        .sort();
      expect(engine.length).toBeGreaterThan(10);
      expect(engine).toEqual(expected);
    });
  }
});
