/**
 * Deduplication: Top-1 by ROW_NUMBER ordered by a rowtime attribute, without the rank column.
 * Keep last row (`ORDER BY ts DESC`, Nexmark q18's shape): retract output as newer rows replace
 * the kept one; keep first row (`ASC`): insert-only once the watermark passes the row, so an
 * earlier row arriving out of order still wins. Late rows and ties are driven through the
 * functions with explicit watermarks.
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import {
  KeepFirstRowFunction,
  KeepLastRowFunction,
} from '../../src/sql/runtime/over/deduplicate-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { changelog, environment, materialize, register } from './over-helpers.js';

const BID =
  "CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, dateTime TIMESTAMP(3), WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND)";
// Bidder 1 on auction 10 bids three times, the last (by time) arriving before the middle one.
const BIDS: Row[] = [
  { auction: 10, bidder: 1, price: 100, dateTime: 1000 },
  { auction: 10, bidder: 1, price: 300, dateTime: 3000 },
  { auction: 11, bidder: 1, price: 50, dateTime: 1500 },
  { auction: 10, bidder: 1, price: 200, dateTime: 2000 },
  { auction: 10, bidder: 2, price: 120, dateTime: 2500 },
];

const Q18 = `SELECT auction, bidder, price, dateTime FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC) AS rank_number FROM bid
) WHERE rank_number <= 1`;
const FIRST = `SELECT auction, bidder, price FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime ASC) AS rn FROM bid
) WHERE rn = 1`;

async function run(sql: string, parallelism = 1): Promise<{ lines: string[]; plan: string }> {
  const e = environment(parallelism);
  register(e, BID, BIDS);
  return { lines: await changelog(e.tEnv, sql), plan: e.tEnv.sqlQuery(sql).explain() };
}

describe('deduplication in SQL', () => {
  test('keep last row (Nexmark q18): a newer row replaces the kept one, an older one is ignored', async () => {
    const { lines, plan } = await run(Q18);
    expect(lines).toEqual([
      '+I[10, 1, 100, 1000]',
      '-U[10, 1, 100, 1000]',
      '+U[10, 1, 300, 3000]',
      '+I[11, 1, 50, 1500]',
      // the bid at 2000 is older than the one kept: no change
      '+I[10, 2, 120, 2500]',
    ]);
    expect(plan).toContain(
      'Deduplicate(keep=[LastRow], key=[bidder, auction], order=[ROWTIME], changelogMode=[I,UB,UA,D])',
    );
  });

  test('keep first row: insert-only, and the earliest row wins even when it arrives later', async () => {
    const rows: Row[] = [
      { auction: 10, bidder: 1, price: 300, dateTime: 3000 },
      { auction: 10, bidder: 1, price: 100, dateTime: 1000 },
      { auction: 10, bidder: 1, price: 200, dateTime: 2000 },
    ];
    const e = environment();
    register(e, BID, rows);
    expect(await changelog(e.tEnv, FIRST)).toEqual(['+I[10, 1, 100]']);
    expect(e.tEnv.sqlQuery(FIRST).explain()).toContain(
      'Deduplicate(keep=[FirstRow], key=[bidder, auction], order=[ROWTIME], changelogMode=[I])',
    );
  });

  test('selecting the rank number keeps it a Top-1 rank, not a deduplication', async () => {
    const { plan } = await run(Q18.replace('dateTime FROM (', 'dateTime, rank_number FROM ('));
    expect(plan).toContain(
      'Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=1]',
    );
    expect(plan).not.toContain('Deduplicate');
  });

  test('parallelism 2 leaves the same final table', async () => {
    expect(materialize((await run(Q18, 2)).lines)).toEqual(materialize((await run(Q18, 1)).lines));
  });

  test('Top-1 by a timestamp that is no time attribute stays a rank, which takes retract input', async () => {
    const e = environment();
    e.tEnv.createTemporaryView(
      'bid',
      e.tEnv.fromChangelogStream(e.env.fromCollection<ChangelogRow>([]), {
        auction: 'BIGINT',
        ts: 'TIMESTAMP(3)',
      }),
    );
    expect(
      e.tEnv
        .sqlQuery(
          'SELECT auction FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY ts DESC) AS rn FROM bid) WHERE rn = 1',
        )
        .explain(),
    ).toContain('RetractStrategy');
  });
});

describe('the deduplication functions with explicit watermarks', () => {
  const harness = <OUT>(fn: KeepFirstRowFunction | KeepLastRowFunction) => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, OUT, unknown>(
      new ProcessOperator(fn as never, true),
      (row) => row.k,
    );
    h.open();
    return h;
  };

  test('keep first: emitted when the watermark reaches it, once; rows below the watermark and later rows are dropped', () => {
    const h = harness<Row>(new KeepFirstRowFunction('ts'));
    h.processElement({ k: 'a', n: 1, ts: 3000 }, 3000);
    h.processElement({ k: 'a', n: 2, ts: 2000 }, 2000); // earlier: replaces the candidate
    h.processWatermark(1500);
    expect(h.extractOutputValues()).toEqual([]);
    h.processElement({ k: 'a', n: 3, ts: 1200 }, 1200); // late: below the watermark
    h.processElement({ k: 'b', n: 4, ts: 1500 }, 1500); // at the watermark: not late, as in Flink
    h.processElement({ k: 'b', n: 5, ts: 1500 }, 1500); // as early as b's candidate: does not replace it
    h.processWatermark(2500);
    // Timers fire in time order: b's at 1500, then a's at 2000.
    expect(h.extractOutputValues()).toEqual([
      { k: 'b', n: 4, ts: 1500 },
      { k: 'a', n: 2, ts: 2000 },
    ]);
    h.processElement({ k: 'a', n: 6, ts: 2600 }, 2600); // a's row is out: nothing more for a
    h.processElement({ k: 'b', n: 7, ts: 2700 }, 2700);
    h.processElement({ k: 'c', n: 8, ts: 2700 }, 2700);
    h.processWatermark(10_000);
    expect(h.extractOutputValues()).toEqual([
      { k: 'b', n: 4, ts: 1500 },
      { k: 'a', n: 2, ts: 2000 },
      { k: 'c', n: 8, ts: 2700 },
    ]);
  });

  test('keep last: on equal times the later arrival wins', () => {
    const h = harness<ChangelogRow>(new KeepLastRowFunction('ts'));
    h.processElement({ k: 'a', n: 1, ts: 1000 }, 1000);
    h.processElement({ k: 'a', n: 2, ts: 1000 }, 1000);
    h.processElement({ k: 'a', n: 3, ts: 500 }, 500);
    expect(h.extractOutputValues()).toEqual([
      { kind: '+I', row: { k: 'a', n: 1, ts: 1000 } },
      { kind: '-U', row: { k: 'a', n: 1, ts: 1000 } },
      { kind: '+U', row: { k: 'a', n: 2, ts: 1000 } },
    ]);
  });
});
