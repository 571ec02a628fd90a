/**
 * Window Top-N and window deduplication: ranking partitioned by `window_start, window_end` over
 * a windowing table function or a window aggregate, emitted insert-only when each window
 * closes. Expected rows computed by hand; late rows driven through the function with explicit
 * watermarks.
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { WindowTopNFunction } from '../../src/sql/runtime/over/window-rank-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { changelog, environment, register } from './over-helpers.js';

const DDL = "CREATE TABLE t (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)";
// Window [0, 10 s): a = 5 + 4, b = 7, c = 3. Window [10 s, 20 s): a = 2, b = 1, c = 9.
const ROWS: Row[] = [
  { k: 'a', v: 5, ts: 1000 },
  { k: 'b', v: 7, ts: 2000 },
  { k: 'b', v: 1, ts: 12_000 },
  { k: 'c', v: 3, ts: 3000 },
  { k: 'a', v: 4, ts: 4000 },
  { k: 'c', v: 9, ts: 15_000 },
  { k: 'a', v: 2, ts: 11_000 },
];
const TVF = "TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))";

async function run(sql: string, parallelism = 1): Promise<{ lines: string[]; plan: string }> {
  const e = environment(parallelism);
  register(e, DDL, ROWS);
  return { lines: (await changelog(e.tEnv, sql)).sort(), plan: e.tEnv.sqlQuery(sql).explain() };
}

describe('window Top-N', () => {
  const overAggregate = `SELECT * FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY s DESC) AS rn
    FROM (SELECT window_start, window_end, k, SUM(v) AS s FROM ${TVF} GROUP BY window_start, window_end, k)
  ) WHERE rn <= 2`;

  test('the top 2 keys of each window aggregate, insert-only', async () => {
    const { lines, plan } = await run(overAggregate);
    expect(lines).toEqual(
      [
        '+I[0, 10000, a, 9, 1]',
        '+I[0, 10000, b, 7, 2]',
        '+I[10000, 20000, c, 9, 1]',
        '+I[10000, 20000, a, 2, 2]',
      ].sort(),
    );
    expect(plan).toMatch(
      /WindowRank\(window=\[window_start, window_end\], rankType=\[ROW_NUMBER\], rankRange=\[rankStart=1, rankEnd=2\].*changelogMode=\[I\]\)/,
    );
  });

  test('parallelism 2 gives the same rows', async () => {
    expect((await run(overAggregate, 2)).lines).toEqual((await run(overAggregate, 1)).lines);
  });

  test('the top row of each window of a windowing table function', async () => {
    const { lines } = await run(
      `SELECT window_start, k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v DESC) AS rn FROM ${TVF}) WHERE rn = 1`,
    );
    expect(lines).toEqual(['+I[0, b, 7]', '+I[10000, c, 9]']);
  });

  test('window deduplication keeps the first or last row per key and window', async () => {
    const dedup = (dir: string) =>
      `SELECT window_start, k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts ${dir}) AS rn FROM ${TVF}) WHERE rn <= 1`;
    const first = await run(dedup('ASC'));
    expect(first.lines).toEqual(
      [
        '+I[0, a, 5]',
        '+I[0, b, 7]',
        '+I[0, c, 3]',
        '+I[10000, a, 2]',
        '+I[10000, b, 1]',
        '+I[10000, c, 9]',
      ].sort(),
    );
    expect(first.plan).toContain('WindowDeduplicate(window=[window_start, window_end], keep=[FirstRow]');
    const last = await run(dedup('DESC'));
    expect(last.lines).toEqual(
      [
        '+I[0, a, 4]',
        '+I[0, b, 7]',
        '+I[0, c, 3]',
        '+I[10000, a, 2]',
        '+I[10000, b, 1]',
        '+I[10000, c, 9]',
      ].sort(),
    );
    expect(last.plan).toContain('keep=[LastRow]');
  });

  test('a rank not partitioned by both window bounds stays a regular Top-N', async () => {
    const { plan } = await run(
      `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start ORDER BY v DESC) AS rn FROM ${TVF}) WHERE rn <= 1`,
    );
    expect(plan).toContain('Rank(strategy=[AppendFastStrategy]');
    expect(plan).not.toContain('WindowRank');
  });
});

describe('the window Top-N function with explicit watermarks', () => {
  test("each window's top rows come out when the watermark passes its end; rows of closed windows are dropped", () => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>(
      new ProcessOperator(
        new WindowTopNFunction({
          rankType: 'RANK',
          rankStart: 1,
          rankEnd: 1,
          orderBy: [{ column: 'v', descending: true, nullsFirst: false }],
          rankColumn: 'r',
          windowEnd: 'we',
          keepLastOnTies: false,
        }),
        true,
      ),
      (row) => row.we,
    );
    h.open();
    h.processElement({ v: 3, we: 10_000 }, 1000);
    h.processElement({ v: 8, we: 10_000 }, 2000);
    h.processElement({ v: 8, we: 10_000 }, 3000); // ties with 8: RANK keeps both
    h.processElement({ v: 1, we: 20_000 }, 12_000);
    h.processWatermark(9998);
    expect(h.extractOutputValues()).toEqual([]);
    h.processWatermark(9999);
    expect(h.extractOutputValues()).toEqual([
      { v: 8, we: 10_000, r: 1 },
      { v: 8, we: 10_000, r: 1 },
    ]);
    h.processElement({ v: 100, we: 10_000 }, 5000); // its window has closed: late
    h.processWatermark(30_000);
    expect(h.extractOutputValues().slice(2)).toEqual([{ v: 1, we: 20_000, r: 1 }]);
  });
});
