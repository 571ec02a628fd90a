/**
 * Deduplication on processing time (ORDER BY a `PROCTIME()` attribute), and the idle state
 * retention (`table.exec.state.ttl`) of deduplication. Arrival order decides on processing
 * time, so on one input partition keep first yields each key's first row to arrive and keep last
 * its last one; assertions depend on that order only, never on the clock.
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import {
  KeepFirstRowFunction,
  KeepLastRowFunction,
  ProcTimeKeepFirstRowFunction,
} from '../../src/sql/runtime/over/deduplicate-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import type { KeyedProcessFunction } from '../../src/types/functions.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

const BID = 'CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, p AS PROCTIME())';
const BIDS: Row[] = [
  { auction: 10, bidder: 1, price: 100 },
  { auction: 10, bidder: 1, price: 300 },
  { auction: 11, bidder: 1, price: 50 },
  { auction: 10, bidder: 1, price: 200 },
  { auction: 10, bidder: 2, price: 120 },
];

const dedup = (order: 'ASC' | 'DESC') => `SELECT auction, bidder, price FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY p ${order}) AS rn FROM bid
) WHERE rn = 1`;

async function run(sql: string): Promise<{ lines: string[]; plan: string }> {
  const e = environment(1);
  register(e, BID, BIDS);
  return { lines: await changelog(e.tEnv, sql), plan: e.tEnv.sqlQuery(sql).explain() };
}

describe('deduplication on processing time', () => {
  test('keep first row: each key’s first row to arrive, insert-only', async () => {
    const { lines, plan } = await run(dedup('ASC'));
    expect(lines).toEqual(['+I[10, 1, 100]', '+I[11, 1, 50]', '+I[10, 2, 120]']);
    expect(plan).toContain(
      'Deduplicate(keep=[FirstRow], key=[bidder, auction], order=[PROCTIME], changelogMode=[I])',
    );
  });

  test('keep last row: every later arrival replaces the kept row', async () => {
    const { lines, plan } = await run(dedup('DESC'));
    expect(lines).toEqual([
      '+I[10, 1, 100]',
      '-U[10, 1, 100]',
      '+U[10, 1, 300]',
      '+I[11, 1, 50]',
      '-U[10, 1, 300]',
      '+U[10, 1, 200]',
      '+I[10, 2, 120]',
    ]);
    expect(materialize(lines)).toEqual(['[10, 1, 200]', '[10, 2, 120]', '[11, 1, 50]']);
    expect(plan).toContain('order=[PROCTIME], changelogMode=[I,UB,UA,D]');
  });

  test('SET table.exec.state.ttl plans and runs (the run is shorter than the retention)', async () => {
    const e = environment(1);
    register(e, BID, BIDS);
    await e.tEnv.executeSql("SET 'table.exec.state.ttl' = '1 h'").await();
    expect(await changelog(e.tEnv, dedup('ASC'))).toEqual([
      '+I[10, 1, 100]',
      '+I[11, 1, 50]',
      '+I[10, 2, 120]',
    ]);
  });
});

describe('composite keys', () => {
  test('tuples whose values contain commas and quotes stay distinct keys', async () => {
    const e = environment(2);
    const rows: Row[] = [
      { a: 'x,y', b: 'z', n: 1 },
      { a: 'x', b: 'y,z', n: 2 },
      { a: 'x","y', b: 'z', n: 3 },
      { a: 'x', b: '","y,z', n: 4 },
      { a: null, b: 'null', n: 5 },
      { a: 'null', b: null, n: 6 },
      { a: 'x,y', b: 'z', n: 7 }, // a duplicate of the first
    ];
    register(e, 'CREATE TABLE t (a STRING, b STRING, n INT, p AS PROCTIME())', rows);
    const lines = await changelog(
      e.tEnv,
      'SELECT n FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY p) AS rn FROM t) WHERE rn = 1',
    );
    expect(lines.sort()).toEqual(['+I[1]', '+I[2]', '+I[3]', '+I[4]', '+I[5]', '+I[6]']);
  });
});

describe('deduplication state expires after table.exec.state.ttl', () => {
  const harness = <O>(fn: KeyedProcessFunction<unknown, Row, O>) => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, O, unknown>(
      new ProcessOperator(fn, true),
      (row) => row.k,
    );
    h.open();
    return h;
  };

  test('processing-time keep first: a key idle for longer than the TTL emits its next row again', () => {
    const h = harness<Row>(new ProcTimeKeepFirstRowFunction(1000));
    h.setProcessingTime(0);
    h.processElement({ k: 'a', v: 1 });
    h.setProcessingTime(500);
    h.processElement({ k: 'a', v: 2 }); // within the TTL: a duplicate
    h.setProcessingTime(1500);
    h.processElement({ k: 'a', v: 3 }); // 1500 ms after the only write: expired
    expect(h.extractOutputValues().map((r) => r.v)).toEqual([1, 3]);
  });

  test('keep last: after expiry the next row is a fresh insert, not an update', () => {
    const h = harness<ChangelogRow>(new KeepLastRowFunction(undefined, 1000));
    h.setProcessingTime(0);
    h.processElement({ k: 'a', v: 1 });
    h.setProcessingTime(900);
    h.processElement({ k: 'a', v: 2 });
    h.setProcessingTime(1800); // 900 ms after the last write: still held
    h.processElement({ k: 'a', v: 3 });
    h.setProcessingTime(3000);
    h.processElement({ k: 'a', v: 4 });
    expect(h.extractOutputValues().map((c) => `${c.kind}${c.row.v}`)).toEqual([
      '+I1',
      '-U1',
      '+U2',
      '-U2',
      '+U3',
      '+I4',
    ]);
  });

  test('without a TTL nothing expires', () => {
    const h = harness<Row>(new KeepFirstRowFunction('ts'));
    h.processElement({ k: 'a', v: 1, ts: 10 });
    h.processWatermark(10);
    h.setProcessingTime(10_000_000);
    h.processElement({ k: 'a', v: 2, ts: 20 });
    h.processWatermark(20);
    expect(h.extractOutputValues().map((r) => r.v)).toEqual([1]);
  });
});
