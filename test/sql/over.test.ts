/**
 * OVER aggregates on event time: ROWS and RANGE frames, bounded and unbounded, over
 * out-of-order input (expected values computed by hand), rows with equal timestamps sharing a
 * RANGE result, the WINDOW clause, late rows driven through the function with explicit
 * watermarks, and the same answers at parallelism 2.
 */
import { describe, expect, test } from 'vitest';
import { lookupAggregate } from '../../src/sql/aggregates/builtins.js';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { RowTimeOverAggregate } from '../../src/sql/runtime/over/over-aggregate-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { changelog, environment, register } from './over-helpers.js';

const DDL = "CREATE TABLE t (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)";
// Out of order: a@2000 (two rows, a tie) arrives after a@4000.
const ROWS: Row[] = [
  { k: 'a', v: 1, ts: 1000 },
  { k: 'a', v: 4, ts: 4000 },
  { k: 'a', v: 2, ts: 2000 },
  { k: 'b', v: 10, ts: 1500 },
  { k: 'a', v: 3, ts: 2000 },
  { k: 'a', v: 5, ts: 7000 },
];

/** The sorted changes of `SELECT k, v, <select> FROM t <tail>`. */
async function run(select: string, parallelism = 1, tail = ''): Promise<string[]> {
  const e = environment(parallelism);
  register(e, DDL, ROWS);
  return (await changelog(e.tEnv, `SELECT k, v, ${select} FROM t ${tail}`)).sort();
}

/** `+I[k, v, x]` lines for a's rows in time order (v = 1..5) and b's one row. */
const expected = (a: readonly unknown[], b: unknown) =>
  [...a.map((x, i) => `+I[a, ${i + 1}, ${x}]`), `+I[b, 10, ${b}]`].sort();

describe('OVER aggregates', () => {
  test('ROWS BETWEEN 1 PRECEDING: the row and the one before it in time order', async () => {
    expect(
      await run('SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s'),
    ).toEqual(expected([1, 3, 5, 7, 9], 10));
  });

  test('RANGE BETWEEN an interval PRECEDING: rows with equal time share one result', async () => {
    // Frames [t - 2 s, t]: {1}, {1, 2, 3} for both rows at 2000, {2, 3, 4}, {5}.
    expect(
      await run(
        "SUM(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW) AS s",
      ),
    ).toEqual(expected([1, 6, 6, 9, 5], 10));
    expect(
      await run(
        "COUNT(*) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW) AS c",
      ),
    ).toEqual(expected([1, 3, 3, 3, 1], 1));
  });

  test('UNBOUNDED PRECEDING: running totals, per row for ROWS and per time for RANGE', async () => {
    expect(
      await run(
        'SUM(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS s',
      ),
    ).toEqual(expected([1, 3, 6, 10, 15], 10));
    // The default frame with ORDER BY is RANGE UNBOUNDED PRECEDING.
    expect(await run('SUM(v) OVER (PARTITION BY k ORDER BY ts) AS s')).toEqual(
      expected([1, 6, 6, 10, 15], 10),
    );
  });

  test('MIN and MAX over sliding ROWS frames retract the rows that leave', async () => {
    expect(
      await run('MIN(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS m'),
    ).toEqual(expected([1, 1, 1, 2, 3], 10));
    expect(
      await run('MAX(v) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS m'),
    ).toEqual(expected([1, 2, 3, 4, 5], 10));
  });

  test('several aggregates share a WINDOW clause, and expressions use their results', async () => {
    const lines = await run(
      'COUNT(*) OVER w AS c, SUM(v) OVER w * 10 AS s10',
      1,
      'WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)',
    );
    expect(lines).toEqual(
      [
        '+I[a, 1, 1, 10]',
        '+I[a, 2, 2, 30]',
        '+I[a, 3, 2, 50]',
        '+I[a, 4, 2, 70]',
        '+I[a, 5, 2, 90]',
        '+I[b, 10, 1, 100]',
      ].sort(),
    );
  });

  test('without PARTITION BY all rows form one partition', async () => {
    // Time order: 1@1000, 10@1500, 2@2000, 3@2000, 4@4000, 5@7000.
    const lines = await run('SUM(v) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s');
    expect(lines).toEqual(
      ['+I[a, 1, 1]', '+I[b, 10, 11]', '+I[a, 2, 12]', '+I[a, 3, 5]', '+I[a, 4, 7]', '+I[a, 5, 9]'].sort(),
    );
  });

  test('parallelism 2 gives the same rows', async () => {
    const select =
      "SUM(v) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW) AS s";
    expect(await run(select, 2)).toEqual(await run(select, 1));
  });
});

describe('the OVER aggregate function with explicit watermarks', () => {
  const sum: BoundAggregateCall = (() => {
    const definition = lookupAggregate('SUM', undefined)!;
    return {
      fn: 'SUM',
      args: ['v'],
      argTypes: [Types.INT],
      distinct: false,
      name: 's',
      type: definition.resultType([Types.INT]),
      definition,
    };
  })();
  const harness = (unit: 'ROWS' | 'RANGE', preceding?: number) => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>(
      new ProcessOperator(
        new RowTimeOverAggregate({ timeColumn: 'ts', unit, preceding, calls: [sum] }),
        true,
      ),
      (row) => row.k,
    );
    h.open();
    return h;
  };

  test('rows wait for the watermark, then come out in time order; late rows are dropped', () => {
    const h = harness('ROWS');
    h.processElement({ k: 'a', v: 3, ts: 3000 }, 3000);
    h.processElement({ k: 'a', v: 1, ts: 1000 }, 1000);
    expect(h.extractOutputValues()).toEqual([]);
    h.processWatermark(2000);
    expect(h.extractOutputValues()).toEqual([{ k: 'a', v: 1, ts: 1000, s: 1 }]);
    h.processElement({ k: 'a', v: 100, ts: 1500 }, 1500); // below the watermark: late
    h.processElement({ k: 'a', v: 2, ts: 2000 }, 2000); // at the watermark: late as well
    h.processWatermark(5000);
    expect(h.extractOutputValues()).toEqual([
      { k: 'a', v: 1, ts: 1000, s: 1 },
      { k: 'a', v: 3, ts: 3000, s: 4 },
    ]);
  });

  test('a bounded RANGE frame retracts rows once they fall out of it', () => {
    const h = harness('RANGE', 1000);
    for (const [v, ts] of [
      [1, 1000],
      [2, 1500],
      [4, 2500],
      [8, 2600],
    ] as const)
      h.processElement({ k: 'a', v, ts }, ts);
    h.processWatermark(10_000);
    // [0, 1000] = 1; [500, 1500] = 3; [1500, 2500] = 6; [1600, 2600] = 12 (1500 left).
    expect(h.extractOutputValues().map((r) => r.s)).toEqual([1, 3, 6, 12]);
  });
});
