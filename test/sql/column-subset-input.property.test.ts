/**
 * A window aggregate reads its input by column name, so a Calc below it that only drops columns
 * is not run (column-subset-input.ts), as in Nexmark q5's per-window maximum over the counts per
 * auction. Over random rows, the cascade must give what a naive computation of the same windows
 * gives, at parallelism 1 and 2, and the Calc must be gone from the job while the EXPLAIN plan
 * still shows it; a Calc that renames or computes a column keeps running.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Transformation } from '../../src/graph/transformation.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

const DDL = "CREATE TABLE t (k INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' HOUR)";

/** Counts and sums per key and 4-second window sliding by 2, then their maximum per window. */
const PER_KEY = `SELECT k, COUNT(*) AS num, SUM(v) AS s, window_start, window_end
  FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '4' SECOND))
  GROUP BY k, window_start, window_end`;
const DROPPING = `SELECT MAX(num) AS maxn, SUM(s) AS ss, COUNT(*) AS keys, window_start, window_end
  FROM (SELECT num, s, window_start, window_end FROM (${PER_KEY}))
  GROUP BY window_start, window_end`;
const COMPUTING = `SELECT MAX(n2) AS maxn, SUM(s) AS ss, COUNT(*) AS keys, window_start, window_end
  FROM (SELECT num * 2 AS n2, s, window_start, window_end FROM (${PER_KEY}))
  GROUP BY window_start, window_end`;

const rowArb = fc.record({
  k: fc.integer({ min: 0, max: 3 }),
  v: fc.integer({ min: -5, max: 5 }),
  ts: fc.integer({ min: 0, max: 12_000 }),
});

/** The expected rows: windows [start, start + 4000) for every start a multiple of 2000. */
function naive(rows: readonly Row[], factor: number): string[] {
  const perKey = new Map<string, { num: number; s: number; start: number }>();
  for (const r of rows) {
    const ts = r.ts as number;
    for (let start = Math.floor(ts / 2000) * 2000; start > ts - 4000; start -= 2000) {
      const id = `${start}/${r.k}`;
      const e = perKey.get(id) ?? { num: 0, s: 0, start };
      e.num++;
      e.s += r.v as number;
      perKey.set(id, e);
    }
  }
  const perWindow = new Map<number, { maxn: number; ss: number; keys: number }>();
  for (const e of perKey.values()) {
    const w = perWindow.get(e.start) ?? { maxn: -Infinity, ss: 0, keys: 0 };
    w.maxn = Math.max(w.maxn, e.num * factor);
    w.ss += e.s;
    w.keys++;
    perWindow.set(e.start, w);
  }
  return [...perWindow]
    .map(([start, w]) => `[${w.maxn}, ${w.ss}, ${w.keys}, ${start}, ${start + 4000}]`)
    .sort();
}

function transformations(sql: string, rows: readonly Row[]): Transformation[] {
  const e = environment(1);
  register(e, DDL, rows);
  const stream = e.tEnv.toChangelogStream(e.tEnv.sqlQuery(sql));
  const seen = new Set<Transformation>();
  const visit = (t: Transformation) => {
    if (seen.has(t)) return;
    seen.add(t);
    for (const input of t.inputs) visit(input);
  };
  visit(stream.transformation);
  return [...seen];
}

describe('a column-dropping Calc below a window aggregate', () => {
  test.each([1, 2])(
    'the cascade gives the naive windows at parallelism %i',
    async (parallelism) => {
      await fc.assert(
        fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 25 }), async (rows) => {
          for (const [sql, factor] of [
            [DROPPING, 1],
            [COMPUTING, 2],
          ] as const) {
            const e = environment(parallelism);
            register(e, DDL, rows);
            expect(materialize(await changelog(e.tEnv, sql))).toEqual(naive(rows, factor));
          }
        }),
        { numRuns: 12 },
      );
    },
    120_000,
  );

  test('is not run, but stays in the plan; a computing Calc runs', () => {
    const rows = [{ k: 1, v: 1, ts: 1000 }];
    const calcs = (sql: string) => transformations(sql, rows).filter((t) => t.name === 'Calc').length;
    // The computing query runs the Calc the dropping one leaves out.
    expect(calcs(COMPUTING) - calcs(DROPPING)).toBe(1);
    const e = environment(1);
    register(e, DDL, rows);
    expect(e.tEnv.sqlQuery(DROPPING).explain()).toContain('Calc(select=[num, s, window_start, window_end]');
  });
});
