/**
 * The interval join function driven by hand (elements and watermarks through the operator
 * harness): padding when the watermark passes a row's bound, late rows, and state cleanup; and
 * outer interval joins in SQL agreeing with DuckDB on generated out-of-order rows at
 * parallelism 1 and 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { IntervalJoinFunction } from '../../src/sql/planner/join/interval-join-function.js';
import type { JoinType } from '../../src/sql/planner/join/join-nodes.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

/** Left rows {k, lt}, right rows {k0, rt}; rt − lt in [−1000, 2000]. */
function harness(joinType: JoinType) {
  const fn = new IntervalJoinFunction({
    joinType,
    leftColumns: ['k', 'lt'],
    rightColumns: ['k0', 'rt'],
    leftTime: 'lt',
    rightTime: 'rt',
    lower: -1000,
    upper: 2000,
    leftHasNullKey: (r) => r.k == null,
    rightHasNullKey: (r) => r.k0 == null,
  });
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (r) => r.k ?? null,
    (r) => r.k0 ?? null,
  );
  h.open();
  const watermark = (t: number) => {
    h.processWatermark1(t);
    h.processWatermark2(t);
  };
  const take = () => {
    const rows = h.extractOutputValues().map((r) => `${r.k}|${r.lt}|${r.k0}|${r.rt}`);
    h.clearOutput();
    return rows;
  };
  return { h, watermark, take };
}

describe('IntervalJoinFunction', () => {
  test('LEFT: a match is emitted at once, an unmatched row padded when the watermark passes lt + upper', () => {
    const { h, watermark, take } = harness('left');
    h.processElement1({ k: 1, lt: 10_000 }, 10_000);
    h.processElement1({ k: 2, lt: 10_000 }, 10_000);
    h.processElement2({ k0: 1, rt: 11_500 }, 11_500);
    expect(take()).toEqual(['1|10000|1|11500']);
    // At lt + upper a right row may still match (it would not be late), so the row waits.
    watermark(12_000);
    expect(take()).toEqual([]);
    watermark(12_001);
    expect(take()).toEqual(['2|10000|null|null']);
    // Both rows are gone from state once no row can match them: the right one past rt − lower.
    watermark(12_501);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  test('a late row still joins what is buffered, and is padded at once when it finds nothing', () => {
    const { h, watermark, take } = harness('full');
    h.processElement2({ k0: 1, rt: 5_000 }, 5_000);
    watermark(5_500);
    // Late left rows: lt + upper ≤ watermark.
    h.processElement1({ k: 1, lt: 3_500 }, 3_500);
    expect(take()).toEqual(['1|3500|1|5000']);
    h.processElement1({ k: 1, lt: 1_000 }, 1_000);
    expect(take()).toEqual(['1|1000|null|null']);
    // The right row matched, so it is not padded when it expires.
    watermark(10_000);
    expect(take()).toEqual([]);
  });

  test('RIGHT and FULL pad unmatched right rows when the watermark passes rt − lower; NULL keys never match', () => {
    const { h, watermark, take } = harness('full');
    h.processElement1({ k: null, lt: 1_000 }, 1_000);
    expect(take()).toEqual(['null|1000|null|null']);
    h.processElement2({ k0: null, rt: 1_000 }, 1_000);
    expect(take()).toEqual(['null|null|null|1000']);
    h.processElement2({ k0: 7, rt: 4_000 }, 4_000);
    h.processElement1({ k: 7, lt: 1_000 }, 1_000); // rt − lt = 3000 > upper: no match
    watermark(3_001);
    expect(take()).toEqual(['7|1000|null|null']);
    watermark(5_001);
    expect(take()).toEqual(['null|null|7|4000']);
  });
});

describe('outer interval joins in SQL agree with DuckDB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-outer-interval-'));
  const base = 1_700_000_000_000;
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  // Out of order by up to 5 s; the watermark lags by a minute, so no row is late.
  const gen = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: i,
      k: next() < 0.1 ? null : Math.floor(next() * 4),
      ms: base + i * 1000 + Math.floor(next() * 5000),
    }));
  const a = gen(40);
  const b = gen(40);
  const file = (name: string, rows: object[]) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n'));
    return path;
  };
  const aPath = file('a', a);
  const bPath = file('b', b);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  for (const [name, rows] of [
    ['a', a],
    ['b', b],
  ] as const)
    await duck.run(
      `CREATE TABLE ${name} AS SELECT * FROM (VALUES ${rows.map((r) => `(${r.id}, ${r.k ?? 'NULL::INTEGER'}, ${r.ms})`).join(', ')}) t(id, k, ms)`,
    );
  const cases: Record<string, string> = {
    inner: 'JOIN',
    left: 'LEFT JOIN',
    right: 'RIGHT JOIN',
    full: 'FULL JOIN',
  };
  for (const [name, keyword] of Object.entries(cases)) {
    test.each([1, 2])(`${name} at parallelism %i`, async (parallelism) => {
      const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
      for (const [t, path] of [
        ['a', aPath],
        ['b', bPath],
      ])
        tEnv.executeSql(
          `CREATE TABLE ${t} (id INT, k INT, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
        );
      const on = (lo: string, hi: string) =>
        `SELECT a.id AS x, b.id AS y FROM a ${keyword} b ON a.k = b.k AND b.${lo} AND b.${hi}`;
      const sql = on("ts >= a.ts - INTERVAL '2' SECOND", "ts < a.ts + INTERVAL '3' SECOND");
      expect(tEnv.explainSql(sql)).toMatch(/IntervalJoin\(joinType=\[\w+\].*changelogMode=\[I\]\)/);
      const engine = (await tEnv.executeSql(sql).collect()).map((r) => `${r.x}|${r.y}`).sort();
      const reader = await duck.runAndReadAll(on('ms >= a.ms - 2000', 'ms < a.ms + 3000'));
      const expected = (reader.getRowObjectsJS() as Record<string, unknown>[])
        .map((r) => `${r.x ?? null}|${r.y ?? null}`)
        .sort();
      expect(engine).toEqual(expected);
      expect(engine.length).toBeGreaterThan(10);
    });
  }

  test('a comma join with the time bounds in WHERE is an interval join too', async () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    for (const [t, path] of [
      ['a', aPath],
      ['b', bPath],
    ])
      tEnv.executeSql(
        `CREATE TABLE ${t} (id INT, k INT, ms BIGINT, ts AS TO_TIMESTAMP_LTZ(ms, 3), WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`,
      );
    const sql =
      "SELECT a.id AS x, b.id AS y FROM a, b WHERE a.k = b.k AND a.ts BETWEEN b.ts - INTERVAL '1' SECOND AND b.ts";
    expect(tEnv.explainSql(sql)).toContain(
      'IntervalJoin(joinType=[InnerJoin], windowBounds=[isRowTime=true, leftLowerBound=-1000, leftUpperBound=0',
    );
    const engine = (await tEnv.executeSql(sql).collect()).map((r) => `${r.x}|${r.y}`).sort();
    const reader = await duck.runAndReadAll(
      'SELECT a.id AS x, b.id AS y FROM a, b WHERE a.k = b.k AND a.ms BETWEEN b.ms - 1000 AND b.ms',
    );
    expect(engine).toEqual(
      (reader.getRowObjectsJS() as Record<string, unknown>[]).map((r) => `${r.x}|${r.y}`).sort(),
    );
  });
});
