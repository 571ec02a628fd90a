/**
 * GROUPING SETS, ROLLUP and CUBE in window aggregation agree with DuckDB on generated rows, at
 * parallelism 1 and 2: TUMBLE, HOP and CUMULATE windows each grouped by several sets of two
 * keys, with GROUPING_ID. DuckDB computes each window by integer arithmetic on epoch
 * milliseconds and groups it with the same sets; Weir's output must be insert-only (each
 * window's rows emitted once, when it closes). Arrival is shuffled within a few rows under a
 * watermark an hour behind, so no row is late.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { seededRandom } from './generated-rows.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

/** `n` rows: g in 0..2, h in 0..1, x in 0..9, ts about 250 ms apart; arrival shuffled locally. */
function generate(n: number, seed: number): Row[] {
  const next = seededRandom(seed);
  const rows: Row[] = Array.from({ length: n }, (_, id) => ({
    id,
    g: Math.floor(next() * 3),
    h: Math.floor(next() * 2),
    x: Math.floor(next() * 10),
    ts: id * 250 + Math.floor(next() * 200),
  }));
  for (let i = 0; i < rows.length; i++) {
    const j = Math.min(rows.length - 1, i + Math.floor(next() * 5));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

const EVENTS =
  "CREATE TABLE ev (id INT, g INT, h INT, x INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)";

/** HOP of 3 s every 1 s and CUMULATE by 1 s up to 3 s, as window starts/ends per row. */
const DUCK_HOP =
  'WITH w AS (SELECT (ms // 1000) * 1000 - d * 1000 AS ws, (ms // 1000) * 1000 - d * 1000 + 3000 AS we, g, h, x FROM ev, (VALUES (0), (1), (2)) s(d))';
const DUCK_CUMULATE =
  'WITH w AS (SELECT (ms // 3000) * 3000 AS ws, (ms // 1000) * 1000 + 1000 + d * 1000 AS we, g, h, x FROM ev, (VALUES (0), (1), (2)) s(d) WHERE (ms // 1000) * 1000 + 1000 + d * 1000 <= (ms // 3000) * 3000 + 3000)';

const CASES: Record<string, { sql: string; duckdb: string }> = {
  tumbleRollup: {
    sql: "SELECT window_start, window_end, g, h, COUNT(*) AS c, SUM(x) AS s, GROUPING_ID(g, h) AS gid FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '2' SECOND)) GROUP BY window_start, window_end, ROLLUP(g, h)",
    duckdb:
      'SELECT (ms // 2000) * 2000 AS ws, (ms // 2000) * 2000 + 2000 AS we, g, h, COUNT(*) AS c, SUM(x) AS s, GROUPING(g, h) AS gid FROM ev GROUP BY ms // 2000, ROLLUP(g, h)',
  },
  hopCube: {
    sql: "SELECT window_start, window_end, g, h, COUNT(*) AS c, MAX(x) AS m FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY CUBE(g, h), window_start, window_end",
    duckdb: `${DUCK_HOP} SELECT ws, we, g, h, COUNT(*) AS c, MAX(x) AS m FROM w GROUP BY CUBE(g, h), ws, we`,
  },
  cumulateSets: {
    sql: "SELECT window_start, window_end, g, h, SUM(x) AS s, GROUPING(h) AS gh FROM TABLE(CUMULATE(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND)) GROUP BY window_start, window_end, GROUPING SETS ((g, h), (h), ())",
    duckdb: `${DUCK_CUMULATE} SELECT ws, we, g, h, SUM(x) AS s, GROUPING(h) AS gh FROM w GROUP BY ws, we, GROUPING SETS ((g, h), (h), ())`,
  },
};

const canonical = (row: Record<string, unknown>) =>
  `[${Object.values(row)
    .map((v) => String(typeof v === 'bigint' ? Number(v) : v))
    .join(', ')}]`;

describe('window grouping sets agree with DuckDB', async () => {
  const rows = generate(120, 11);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(
    `CREATE TABLE ev AS SELECT * FROM (VALUES ${rows
      .map((r) => `(${r.id}, ${r.g}, ${r.h}, ${r.x}, ${r.ts}::BIGINT)`)
      .join(', ')}) t(id, g, h, x, ms)`,
  );

  for (const [name, q] of Object.entries(CASES)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const e = environment(parallelism);
      register(e, EVENTS, rows);
      const changes = await changelog(e.tEnv, q.sql);
      expect(changes.every((c) => c.startsWith('+I['))).toBe(true);
      const expected = ((await duck.runAndReadAll(q.duckdb)).getRowObjectsJS() as Row[])
        .map(canonical)
        .sort();
      expect(expected.length).toBeGreaterThan(20);
      expect(materialize(changes)).toEqual(expected);
    });
  }
});
