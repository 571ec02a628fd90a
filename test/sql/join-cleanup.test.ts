/**
 * State cleanup of the regular join end to end: Nexmark q7's shape (each bid joined with the
 * highest price of the 10 s tumbling windows ending within 10 s after it) over bids far out of
 * order, many of them behind the watermark, gives the rows a model computes and the same rows
 * as the join written so that the planner derives no cleanup (the bounds as NOT of the opposite
 * comparison). EXPLAIN shows the cleanup on the first and not on the second. The windows are
 * over an in-order table, so which rows they see does not depend on when watermarks come.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

async function tableEnv(parallelism: number, disk = false): Promise<TableEnvironment> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  // On disk, with checkpoints every 20 ms: the bids waiting in memory move into state at each
  // barrier, where the join reads them back, and the rest expire in memory or in state.
  if (disk) env.setStateBackend('disk').enableCheckpointing(20);
  // Watermarks every millisecond while the source emits 2000 rows a second, so they advance
  // during the run and the join drops rows before the input ends.
  env.getConfig().setAutoWatermarkInterval(1);
  const tEnv = TableEnvironment.create(env);
  // Bid times jump back and forth by up to 24 s around a rising trend, with a 2 s watermark
  // delay: many bids are late for the join. Ticks are in order, with the same prices.
  for (const [name, ts] of [
    ['bid', 'MOD(id * 7919, 97) * 250 + id * 100'],
    ['tick', 'id * 100'],
  ])
    await tEnv
      .executeSql(
        `CREATE TABLE ${name} (
          id INT,
          price AS MOD(id * 31, 7),
          ts AS TO_TIMESTAMP_LTZ(${ts}, 3),
          WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
        ) WITH (
          'connector' = 'datagen',
          'rows-per-second' = '2000',
          'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}'
        )`,
      )
      .await();
  return tEnv;
}

const ROWS = 3000;

/** The rows `id|price|dt` the query must give, from the definitions above. */
function model(): string[] {
  const price = (id: number) => (id * 31) % 7;
  const max = new Map<number, number>(); // window end → highest tick price
  for (let id = 1; id <= ROWS; id++) {
    const end = (Math.floor((id * 100) / 10_000) + 1) * 10_000;
    max.set(end, Math.max(max.get(end) ?? -1, price(id)));
  }
  const out: string[] = [];
  for (let id = 1; id <= ROWS; id++) {
    const ts = ((id * 7919) % 97) * 250 + id * 100;
    for (const [dt, m] of max)
      if (price(id) === m && ts >= dt - 10_000 && ts <= dt) out.push(`${id}|${m}|${dt}`);
  }
  return out.sort();
}

const MAX_PER_WINDOW = `(
  SELECT MAX(price) AS maxprice, window_end AS dt
  FROM TABLE(TUMBLE(TABLE tick, DESCRIPTOR(ts), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end
) W`;

const CLEANED = `SELECT B.id, B.price, W.dt FROM bid B JOIN ${MAX_PER_WINDOW}
  ON B.price = W.maxprice WHERE B.ts BETWEEN W.dt - INTERVAL '10' SECOND AND W.dt`;

const KEPT = `SELECT B.id, B.price, W.dt FROM bid B JOIN ${MAX_PER_WINDOW}
  ON B.price = W.maxprice
  WHERE NOT (B.ts < W.dt - INTERVAL '10' SECOND) AND NOT (B.ts > W.dt)`;

const sorted = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => `${r.id}|${r.price}|${Number(r.dt)}`).sort();

describe('regular join state cleanup by a watermark-complete column', () => {
  test('EXPLAIN shows the cleanup only where the condition bounds the bid by window_end', async () => {
    const tEnv = await tableEnv(1);
    expect(tEnv.explainSql(CLEANED)).toContain(
      'leftStateCleanup=[watermark >= ts + 10000ms, dt watermark-complete]',
    );
    expect(tEnv.explainSql(KEPT)).not.toContain('StateCleanup');
  });

  test.each([
    [1, false],
    [2, false],
    [1, true],
  ])(
    'late and out-of-order bids: the rows of the model and of the join that keeps them (p=%i, on disk: %s)',
    async (p, disk) => {
      const cleaned = sorted(await (await tableEnv(p, disk)).executeSql(CLEANED).collect());
      const kept = sorted(await (await tableEnv(p)).executeSql(KEPT).collect());
      expect(cleaned.length).toBeGreaterThan(50);
      expect(cleaned).toEqual(model());
      expect(kept).toEqual(cleaned);
    },
  );
});
