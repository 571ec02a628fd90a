/**
 * OVER aggregates, Top-N and deduplication agree with DuckDB on generated data, at parallelism 1
 * and 2. Input arrives out of order (shuffled within a few rows) under a watermark far enough
 * behind that no row is late; for updating queries the final table (the changelog applied) is
 * compared with DuckDB's result. Orders are made total where ROWS frames or ROW_NUMBER would
 * otherwise depend on how ties are broken, since the two engines break them differently.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
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

/**
 * `n` rows: key k in 0..4, value v in 0..19 (ties likely), id unique; ts unique in ms, or on a
 * 2 s grid (`coarse`) so RANGE frames see rows with equal times. Arrival is shuffled locally.
 */
function generate(n: number, seed: number, coarse: boolean): Row[] {
  const next = random(seed);
  const rows: Row[] = Array.from({ length: n }, (_, id) => ({
    id,
    k: Math.floor(next() * 5),
    v: Math.floor(next() * 20),
    ts: coarse ? Math.floor(id / 3) * 2000 : id * 700 + Math.floor(next() * 500),
  }));
  for (let i = 0; i < rows.length; i++) {
    const j = Math.min(rows.length - 1, i + Math.floor(next() * 6));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

const DDL =
  "CREATE TABLE t (id INT, k INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)";

const canonical = (row: Record<string, unknown>) =>
  `[${Object.values(row)
    .map((v) => String(typeof v === 'bigint' ? Number(v) : v))
    .join(', ')}]`;

async function duckTable(rows: readonly Row[]) {
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(
    `CREATE TABLE t AS SELECT id, k, v, epoch_ms(ms) AS ts FROM (VALUES ${rows
      .map((r) => `(${r.id}, ${r.k}, ${r.v}, ${r.ts}::BIGINT)`)
      .join(', ')}) x(id, k, v, ms)`,
  );
  return duck;
}

/** Queries and DuckDB's form of each (timestamps read back as epoch milliseconds). */
const CASES: Record<string, { sql: string; duckdb: string; coarse: boolean }> = {
  rowsFrame: {
    sql: 'SELECT id, SUM(v) OVER w AS s, COUNT(*) OVER w AS c, MIN(v) OVER w AS lo, MAX(v) OVER w AS hi FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)',
    duckdb:
      'SELECT id, SUM(v) OVER w AS s, COUNT(*) OVER w AS c, MIN(v) OVER w AS lo, MAX(v) OVER w AS hi FROM t WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)',
    coarse: false,
  },
  rangeFrameWithTies: {
    sql: "SELECT id, SUM(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW) AS s, MAX(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW) AS hi FROM t",
    duckdb:
      "SELECT id, SUM(v) OVER w AS s, MAX(v) OVER w AS hi FROM t WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW)",
    coarse: true,
  },
  unboundedRange: {
    sql: 'SELECT id, SUM(v) OVER (PARTITION BY k ORDER BY ts) AS s, COUNT(*) OVER (PARTITION BY k ORDER BY ts) AS c FROM t',
    duckdb:
      'SELECT id, SUM(v) OVER w AS s, COUNT(*) OVER w AS c FROM t WINDOW w AS (PARTITION BY k ORDER BY ts)',
    coarse: true,
  },
  topNByRowNumber: {
    sql: 'SELECT * FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id ASC) AS rn FROM t) WHERE rn <= 3',
    duckdb:
      'SELECT * FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id ASC) AS rn FROM t) WHERE rn <= 3',
    coarse: false,
  },
  topNByRankWithTies: {
    sql: 'SELECT * FROM (SELECT id, k, v, RANK() OVER (PARTITION BY k ORDER BY v ASC) AS r FROM t) WHERE r BETWEEN 2 AND 4',
    duckdb:
      'SELECT * FROM (SELECT id, k, v, RANK() OVER (PARTITION BY k ORDER BY v ASC) AS r FROM t) WHERE r BETWEEN 2 AND 4',
    coarse: false,
  },
  topNByDenseRankNoNumber: {
    sql: 'SELECT id, k, v FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY k ORDER BY v DESC) AS r FROM t) WHERE r <= 2',
    duckdb:
      'SELECT id, k, v FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY k ORDER BY v DESC) AS r FROM t) WHERE r <= 2',
    coarse: false,
  },
  deduplicateLast: {
    sql: 'SELECT id, k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM t) WHERE rn = 1',
    duckdb:
      'SELECT id, k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn FROM t) WHERE rn = 1',
    coarse: false,
  },
  deduplicateFirst: {
    sql: 'SELECT id, k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k, v % 3 ORDER BY ts ASC) AS rn FROM t) WHERE rn = 1',
    duckdb:
      'SELECT id, k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k, v % 3 ORDER BY ts ASC) AS rn FROM t) WHERE rn = 1',
    coarse: false,
  },
};

describe('agreement with DuckDB on generated data', async () => {
  const fine = generate(300, 5, false);
  const coarse = generate(300, 9, true);
  const duckFine = await duckTable(fine);
  const duckCoarse = await duckTable(coarse);

  for (const [name, q] of Object.entries(CASES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const e = environment(parallelism);
      register(e, DDL, q.coarse ? coarse : fine);
      const engine = materialize(await changelog(e.tEnv, q.sql));
      const reader = await (q.coarse ? duckCoarse : duckFine).runAndReadAll(q.duckdb);
      const expected = (reader.getRowObjectsJS() as Row[]).map(canonical).sort();
      expect(engine.length).toBeGreaterThan(0);
      expect(engine).toEqual(expected);
    });
  }

  test.each([1, 2])(
    'Top-N over a changelog of inserts and deletes, at parallelism %i',
    async (parallelism) => {
      const next = random(21);
      const live: Row[] = [];
      const changes: ChangelogRow[] = [];
      for (const row of generate(400, 17, false)) {
        if (next() < 0.3 && live.length > 0) {
          const [gone] = live.splice(Math.floor(next() * live.length), 1);
          changes.push({ kind: '-D', row: gone! });
        } else {
          changes.push({ kind: '+I', row });
          live.push(row);
        }
      }
      const e = environment(parallelism);
      e.tEnv.createTemporaryView(
        't',
        e.tEnv.fromChangelogStream(e.env.fromCollection(changes), {
          id: 'INT',
          k: 'INT',
          v: 'INT',
          ts: 'BIGINT',
        }),
      );
      const sql =
        'SELECT * FROM (SELECT id, k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC, id ASC) AS rn FROM t) WHERE rn <= 3';
      const engine = materialize(await changelog(e.tEnv, sql));
      const duck = await duckTable(live);
      const expected = ((await duck.runAndReadAll(sql)).getRowObjectsJS() as Row[]).map(canonical).sort();
      expect(engine).toEqual(expected);
    },
  );
});
