/**
 * OVER aggregates on processing time (ORDER BY a `PROCTIME()` attribute): rows are aggregated in
 * arrival order and emitted at once. Through SQL only what arrival order fixes is asserted
 * (running counts and sums of ROWS frames on one input partition); RANGE frames and the state
 * TTL are driven through the function with a manual clock.
 */
import { describe, expect, test } from 'vitest';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { lookupAggregate } from '../../src/sql/aggregates/builtins.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { ProcTimeOverAggregate } from '../../src/sql/runtime/over/over-aggregate-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { changelog, environment, register } from './over-helpers.js';

const DDL = 'CREATE TABLE t (k STRING, v INT, p AS PROCTIME())';
const ROWS: Row[] = [
  { k: 'a', v: 1 },
  { k: 'a', v: 4 },
  { k: 'b', v: 10 },
  { k: 'a', v: 2 },
  { k: 'b', v: 20 },
  { k: 'a', v: 3 },
];

async function run(select: string, tail = ''): Promise<{ lines: string[]; plan: string }> {
  const e = environment(1);
  register(e, DDL, ROWS);
  const sql = `SELECT k, v, ${select} FROM t ${tail}`;
  return { lines: await changelog(e.tEnv, sql), plan: e.tEnv.sqlQuery(sql).explain() };
}

describe('OVER aggregates on processing time, in SQL', () => {
  test('ROWS UNBOUNDED PRECEDING: running totals in arrival order', async () => {
    const { lines, plan } = await run(
      'COUNT(*) OVER w AS c, SUM(v) OVER w AS s',
      'WINDOW w AS (PARTITION BY k ORDER BY p ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)',
    );
    expect(lines).toEqual([
      '+I[a, 1, 1, 1]',
      '+I[a, 4, 2, 5]',
      '+I[b, 10, 1, 10]',
      '+I[a, 2, 3, 7]',
      '+I[b, 20, 2, 30]',
      '+I[a, 3, 4, 10]',
    ]);
    expect(plan).toContain('OverAggregate(partitionBy=[k], orderBy=[p ASC]');
  });

  test('ROWS BETWEEN 1 PRECEDING: the row and the one that arrived before it', async () => {
    const { lines } = await run(
      'SUM(v) OVER (PARTITION BY k ORDER BY p ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s',
    );
    expect(lines).toEqual([
      '+I[a, 1, 1]',
      '+I[a, 4, 5]',
      '+I[b, 10, 10]',
      '+I[a, 2, 6]',
      '+I[b, 20, 30]',
      '+I[a, 3, 5]',
    ]);
  });

  test('RANGE UNBOUNDED PRECEDING counts every row so far; a long RANGE interval too', async () => {
    const unbounded = await run('COUNT(*) OVER (PARTITION BY k ORDER BY p) AS c');
    expect(unbounded.lines.map((l) => l.split(', ').pop())).toEqual(['1]', '2]', '1]', '3]', '2]', '4]']);
    // The whole run is far shorter than a day, so the frame holds every earlier row.
    const day = await run(
      "COUNT(*) OVER (PARTITION BY k ORDER BY p RANGE BETWEEN INTERVAL '1' DAY PRECEDING AND CURRENT ROW) AS c",
    );
    expect(day.lines).toEqual(unbounded.lines);
  });
});

describe('the processing-time OVER function', () => {
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
  const harness = (unit: 'ROWS' | 'RANGE', preceding?: number, ttlMs?: number) => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>(
      new ProcessOperator(
        new ProcTimeOverAggregate({ timeColumn: 'p', unit, preceding, calls: [sum], ttlMs }),
        true,
      ),
      (row) => row.k,
    );
    h.open();
    return h;
  };

  test('RANGE BETWEEN 1000 ms PRECEDING: rows that arrived more than a second before leave', () => {
    const h = harness('RANGE', 1000);
    const at = (time: number, v: number) => {
      h.setProcessingTime(time);
      h.processElement({ k: 'a', v });
    };
    at(0, 1);
    at(0, 2); // same millisecond: sees the row before it
    at(1000, 4); // 1000 ms after the first two: they are still in
    at(1001, 8); // now they have left
    at(5000, 16);
    expect(h.extractOutputValues().map((r) => r.s)).toEqual([1, 3, 7, 12, 16]);
  });

  test('state expires after the TTL: an idle partition starts its totals again', () => {
    const h = harness('ROWS', undefined, 1000);
    h.setProcessingTime(0);
    h.processElement({ k: 'a', v: 1 });
    h.setProcessingTime(800);
    h.processElement({ k: 'a', v: 2 });
    h.setProcessingTime(2000);
    h.processElement({ k: 'a', v: 4 });
    expect(h.extractOutputValues().map((r) => r.s)).toEqual([1, 3, 4]);
  });
});
