/**
 * The event-time temporal join agrees with DuckDB's ASOF LEFT JOIN (each order takes its key's
 * latest version at or before its time) at parallelism 1 and 2. The versions are one CSV file,
 * each key's in time order, behind a keep-last deduplication view, so they are the same on
 * every run; the orders are two files (two splits, for the two source subtasks at parallelism 2),
 * each a little out of order within the watermark's delay, with every key's orders in both. So
 * the join sees a key's rows from two upstream subtasks and must wait for the watermark of all
 * its channels before it joins them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDirs } from '../support/temp-dirs.js';
import { createDuckdbTable, duckdbConnection } from './duckdb-tables.js';
import { environment } from './over-helpers.js';

const tempDir = tempDirs('weir-temporal-asof-');

/** A seeded generator of integers below `n`, so a failure reproduces. */
function seeded(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.floor((s / 2147483648) * n);
  };
}

const next = seeded(104);
/** Keys k0..k3 have versions; k4 never has one (a left join pads it). */
const KEYS = 5;

/**
 * Versions at increasing, distinct times; rate is the version's index. Times are whole half
 * seconds on both sides, so some orders fall exactly on a version's start, where it is valid.
 */
const versions: { cur: string; rate: number; ts: number }[] = [];
for (let i = 0, ts = 0; i < 40; i++) {
  ts += 500 * (1 + next(4));
  versions.push({ cur: `k${next(KEYS - 1)}`, rate: i, ts });
}

/** Orders over the same span, each up to 2 s earlier than its place (the watermark waits 3 s). */
const orders: { id: number; cur: string; ts: number }[] = [];
for (let id = 0, ts = 0; id < 150; id++) {
  ts += 500;
  orders.push({ id, cur: `k${next(KEYS)}`, ts: Math.max(0, ts - 500 * next(5)) });
}

/** A TIMESTAMP(3) as CSV text, in UTC as Weir parses it. */
const timestamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

function writeFiles(): { rates: string; orders: string } {
  const dir = tempDir();
  const rates = join(dir, 'rates');
  const ordersDir = join(dir, 'orders');
  for (const d of [rates, ordersDir]) mkdirSync(d);
  writeFileSync(
    join(rates, 'rates.csv'),
    versions.map((v) => `${v.cur},${v.rate},${timestamp(v.ts)}\n`).join(''),
  );
  for (const part of [0, 1]) {
    const rows = orders.filter((o) => o.id % 2 === part);
    writeFileSync(
      join(ordersDir, `part-${part}.csv`),
      rows.map((o) => `${o.id},${o.cur},${timestamp(o.ts)}\n`).join(''),
    );
  }
  return { rates, orders: ordersDir };
}

describe('the event-time temporal join agrees with a DuckDB ASOF join', async () => {
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 'rates', { cur: 'VARCHAR', rate: 'INTEGER', ts: 'INTEGER' }, versions);
  await createDuckdbTable(duck, 'orders', { id: 'INTEGER', cur: 'VARCHAR', ts: 'INTEGER' }, orders);
  const want = (
    await duck.runAndReadAll(
      'SELECT o.id, r.rate FROM orders o ASOF LEFT JOIN rates r ON o.cur = r.cur AND o.ts >= r.ts',
    )
  )
    .getRowObjectsJS()
    .map((r) => `${r.id} | ${r.rate ?? 'NULL'}`)
    .sort();

  for (const p of [1, 2]) {
    test(`at parallelism ${p}`, async () => {
      const files = writeFiles();
      const { tEnv } = environment(p);
      tEnv.executeSql(
        `CREATE TABLE rates_raw (cur STRING, rate INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '3' SECOND) WITH ('connector' = 'filesystem', 'path' = '${files.rates}', 'format' = 'csv')`,
      );
      tEnv.executeSql(
        'CREATE VIEW rates AS SELECT cur, rate, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY cur ORDER BY ts DESC) AS rn FROM rates_raw) WHERE rn = 1',
      );
      tEnv.executeSql(
        `CREATE TABLE orders (id INT, cur STRING, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '3' SECOND) WITH ('connector' = 'filesystem', 'path' = '${files.orders}', 'format' = 'csv')`,
      );
      const rows = await tEnv
        .executeSql(
          'SELECT o.id, r.rate FROM orders AS o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur',
        )
        .collect();
      const got = rows.map((r) => `${r.id} | ${r.rate ?? 'NULL'}`).sort();
      // Both kinds of answer occur: orders that find a version and orders that find none.
      expect(want.filter((r) => r.endsWith('NULL')).length).toBeGreaterThan(10);
      expect(want.filter((r) => !r.endsWith('NULL')).length).toBeGreaterThan(80);
      expect(got).toEqual(want);
    });
  }
});
