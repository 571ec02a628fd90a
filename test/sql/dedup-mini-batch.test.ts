/**
 * Deduplication with `table.exec.mini-batch.enabled`: the key's state is touched once per bundle.
 * On processing time each key's rows of a bundle fold to the row the bundle keeps, so keep last
 * emits at most one change per key and bundle; on event time every replacement is emitted, as
 * Flink does, unless compact-changes is on. Final results equal the per-row functions'. A
 * bundle closes at its size, after allow-latency, on a watermark, and before a checkpoint
 * barrier (nothing buffered is ever left out of a snapshot).
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import {
  MiniBatchDeduplicateOperator,
  type MiniBatchDeduplicateSpec,
} from '../../src/sql/runtime/over/mini-batch-deduplicate.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

const MINI_BATCH = [
  "SET 'table.exec.mini-batch.enabled' = 'true'",
  "SET 'table.exec.mini-batch.allow-latency' = '1 h'",
  "SET 'table.exec.mini-batch.size' = '1000'",
];

const BIDS: Row[] = [
  { auction: 10, bidder: 1, price: 100, dateTime: 1000 },
  { auction: 10, bidder: 1, price: 300, dateTime: 3000 },
  { auction: 11, bidder: 1, price: 50, dateTime: 1500 },
  { auction: 10, bidder: 1, price: 200, dateTime: 2000 },
  { auction: 10, bidder: 2, price: 120, dateTime: 2500 },
];

async function run(ddl: string, order: string): Promise<string[]> {
  const e = environment(1);
  register(e, ddl, BIDS);
  for (const statement of MINI_BATCH) await e.tEnv.executeSql(statement).await();
  return changelog(
    e.tEnv,
    `SELECT auction, bidder, price FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY ${order}) AS rn FROM bid
     ) WHERE rn = 1`,
  );
}

describe('mini-batch deduplication in SQL', () => {
  const PROCTIME =
    'CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime BIGINT, p AS PROCTIME())';

  test('processing-time keep last: one bundle, so each key’s last row once', async () => {
    // The input is shorter than the bundle, which closes when it ends.
    expect(await run(PROCTIME, 'p DESC')).toEqual(['+I[10, 1, 200]', '+I[11, 1, 50]', '+I[10, 2, 120]']);
  });

  test('processing-time keep first: each key’s first row', async () => {
    expect(await run(PROCTIME, 'p ASC')).toEqual(['+I[10, 1, 100]', '+I[11, 1, 50]', '+I[10, 2, 120]']);
  });

  test('event-time keep last: the newest row per key, whatever the bundles', async () => {
    const ddl =
      "CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND)";
    const lines = await run(ddl, 'dateTime DESC');
    expect(materialize(lines)).toEqual(['[10, 1, 300]', '[10, 2, 120]', '[11, 1, 50]']);
  });
});

describe('the mini-batch deduplication operator', () => {
  /** An opened operator keyed by `k`, with a 100 ms allow-latency and bundles of `size` rows. */
  const operator = (spec: MiniBatchDeduplicateSpec, size: number) => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>(
      new MiniBatchDeduplicateOperator(spec, { latencyMs: 100, size }) as never,
      (row) => row.k,
    );
    h.open();
    return h;
  };
  const harness = (keepLast: boolean, timeColumn: string | undefined, size: number, ttlMs?: number) =>
    operator({ keepLast, timeColumn, ttlMs }, size);
  const text = (out: unknown[]) =>
    out.map((c) => {
      const change = c as ChangelogRow;
      return change.kind === undefined ? `${(c as Row).v}` : `${change.kind}${change.row.v}`;
    });

  test('keep last on event time: every replacement of a bundle, ties to the later arrival, older rows dropped', () => {
    // Flink's RowTimeMiniBatchDeduplicateFunction emits what the per-row function would.
    const h = harness(true, 'ts', 3);
    h.processElement({ k: 'a', v: 1, ts: 10 });
    h.processElement({ k: 'a', v: 2, ts: 30 });
    h.processElement({ k: 'a', v: 3, ts: 20 }); // bundle full; v=3 loses to v=2
    expect(text(h.extractOutputValues())).toEqual(['+I1', '-U1', '+U2']);
    h.clearOutput();
    h.processElement({ k: 'a', v: 4, ts: 25 }); // older than the held row
    h.processWatermark(100);
    expect(h.extractOutputValues()).toEqual([]);
    h.processElement({ k: 'a', v: 5, ts: 30 });
    h.processElement({ k: 'a', v: 6, ts: 30 });
    h.setProcessingTime(100); // allow-latency passed
    expect(text(h.extractOutputValues())).toEqual(['-U2', '+U5', '-U5', '+U6']);
  });

  test('keep last on event time with compact-changes: one change per key and bundle', () => {
    const h = operator({ keepLast: true, timeColumn: 'ts', compactChanges: true }, 3);
    h.processElement({ k: 'a', v: 1, ts: 10 });
    h.processElement({ k: 'a', v: 2, ts: 30 });
    h.processElement({ k: 'a', v: 3, ts: 20 });
    expect(text(h.extractOutputValues())).toEqual(['+I2']);
    h.clearOutput();
    h.processElement({ k: 'a', v: 4, ts: 25 });
    h.processElement({ k: 'a', v: 5, ts: 30 });
    h.processElement({ k: 'a', v: 6, ts: 30 });
    expect(text(h.extractOutputValues())).toEqual(['-U2', '+U6']);
  });

  test('keep last on event time, upsert output: each replacement is a bare +U, in arrival order', () => {
    const h = operator({ keepLast: true, timeColumn: 'ts', upsertOutput: true }, 3);
    h.processElement({ k: 'a', v: 1, ts: 10 });
    h.processElement({ k: 'b', v: 2, ts: 5 });
    h.processElement({ k: 'a', v: 3, ts: 10 });
    expect(text(h.extractOutputValues())).toEqual(['+I1', '+I2', '+U3']);
  });

  test('keep first on processing time: a key’s first row once, across bundles', () => {
    const h = harness(false, undefined, 2);
    h.processElement({ k: 'a', v: 1 });
    h.processElement({ k: 'a', v: 2 });
    h.processElement({ k: 'b', v: 3 });
    h.processElement({ k: 'a', v: 4 });
    expect(text(h.extractOutputValues())).toEqual(['1', '3']);
  });

  test('a checkpoint barrier empties the bundle before state is taken', () => {
    const h = harness(true, undefined, 100);
    h.processElement({ k: 'a', v: 1 });
    expect(h.extractOutputValues()).toEqual([]);
    (h as unknown as { operator: MiniBatchDeduplicateOperator }).operator.prepareSnapshotPreBarrier(1);
    expect(text(h.extractOutputValues())).toEqual(['+I1']);
    expect(h.numKeyedStateEntries()).toBe(1);
  });

  test('table.exec.state.ttl: a key idle longer than the TTL is deduplicated afresh', () => {
    const h = harness(false, undefined, 1, 1000);
    h.processElement({ k: 'a', v: 1 });
    h.setProcessingTime(500);
    h.processElement({ k: 'a', v: 2 });
    h.setProcessingTime(2000);
    h.processElement({ k: 'a', v: 3 });
    expect(text(h.extractOutputValues())).toEqual(['1', '3']);
  });

  /**
   * Holds a row at ts 50, then at 800 ms sends a row that loses to it (`losingTs`) and at 1500 ms
   * one that loses to it too (`secondTs`) but wins once the held row has expired: with a 1000 ms
   * TTL that row is dropped only if the losing bundle at 800 ms wrote the key back.
   */
  const afterLosingBundle = (
    keepLast: boolean,
    losingTs: number,
    secondTs: number,
    compactChanges: boolean,
  ) => {
    const h = operator({ keepLast, timeColumn: 'ts', ttlMs: 1000, compactChanges }, 1);
    h.processElement({ k: 'a', v: 1, ts: 50 });
    h.setProcessingTime(800);
    h.processElement({ k: 'a', v: 2, ts: losingTs });
    h.setProcessingTime(1500);
    h.processElement({ k: 'a', v: 3, ts: secondTs });
    return text(h.extractOutputValues());
  };

  test('table.exec.state.ttl, event-time keep last: a bundle of older rows restarts the TTL, except with compact-changes', () => {
    // Flink's RowTimeMiniBatchDeduplicateFunction writes the kept row back after every bundle;
    // its compact-changes function writes only a replacement.
    expect(afterLosingBundle(true, 10, 20, false)).toEqual(['+I1']);
    expect(afterLosingBundle(true, 10, 20, true)).toEqual(['+I1', '+I3']);
  });

  test('table.exec.state.ttl, event-time keep first: likewise, a bundle of later rows restarts the TTL', () => {
    expect(afterLosingBundle(false, 90, 60, false)).toEqual(['+I1']);
    expect(afterLosingBundle(false, 90, 60, true)).toEqual(['+I1', '+I3']);
  });
});
