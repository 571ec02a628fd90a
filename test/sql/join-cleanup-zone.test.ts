/**
 * State cleanup of the regular join (watermark-complete.ts) in a session zone other than UTC:
 * Nexmark q7's shape over late and out-of-order bids in GMT-08:00, where window_end holds the
 * wall clock eight hours behind the instants the watermark counts. Two forms of the bound: the
 * bid's TIMESTAMP_LTZ against window_end (which the typer casts to TIMESTAMP_LTZ, subtracting
 * the offset), and the bid's wall clock (a TIMESTAMP) against window_end as it is held. A bound
 * off by the offset the wrong way drops bids at arrival that later windows match (the second
 * form did so before the lag of local windows was counted); these runs give the model's rows and
 * those of the join that keeps every row, and EXPLAIN shows the bound in the bid's own numbers.
 */
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

const ROWS = 3000;
const OFFSET_MS = -8 * 3_600_000;

async function tableEnv(parallelism: number): Promise<TableEnvironment> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  // Watermarks every millisecond while the source emits 2000 rows a second, so they advance
  // during the run and the join drops rows before the input ends.
  env.getConfig().setAutoWatermarkInterval(1);
  const tEnv = TableEnvironment.create(env);
  await tEnv.executeSql("SET 'table.local-time-zone' = 'GMT-08:00'").await();
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
          wall AS CAST(TO_TIMESTAMP_LTZ(${ts}, 3) AS TIMESTAMP(3)),
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

/** The rows `id|price|dt` the queries must give, dt as held: the window end's wall clock. */
function model(): string[] {
  const price = (id: number) => (id * 31) % 7;
  const max = new Map<number, number>(); // window end (instant) → highest tick price
  for (let id = 1; id <= ROWS; id++) {
    const end = (Math.floor((id * 100) / 10_000) + 1) * 10_000;
    max.set(end, Math.max(max.get(end) ?? -1, price(id)));
  }
  const out: string[] = [];
  for (let id = 1; id <= ROWS; id++) {
    const ts = ((id * 7919) % 97) * 250 + id * 100;
    for (const [end, m] of max)
      if (price(id) === m && ts >= end - 10_000 && ts <= end) out.push(`${id}|${m}|${end + OFFSET_MS}`);
  }
  return out.sort();
}

const MAX_PER_WINDOW = `(
  SELECT MAX(price) AS maxprice, window_end AS dt
  FROM TABLE(TUMBLE(TABLE tick, DESCRIPTOR(ts), INTERVAL '10' SECOND))
  GROUP BY window_start, window_end
) W`;

const query = (column: string) => `SELECT B.id, B.price, W.dt FROM bid B JOIN ${MAX_PER_WINDOW}
  ON B.price = W.maxprice WHERE B.${column} BETWEEN W.dt - INTERVAL '10' SECOND AND W.dt`;

const KEPT = `SELECT B.id, B.price, W.dt FROM bid B JOIN ${MAX_PER_WINDOW}
  ON B.price = W.maxprice
  WHERE NOT (B.ts < W.dt - INTERVAL '10' SECOND) AND NOT (B.ts > W.dt)`;

const sorted = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => `${r.id}|${r.price}|${Number(r.dt)}`).sort();

describe('regular join state cleanup in GMT-08:00', () => {
  test('EXPLAIN bounds each form in the bid column’s own numbers', async () => {
    const tEnv = await tableEnv(1);
    // ts is an instant: 10 s after it, as in UTC. wall is 8 h behind the instants.
    expect(tEnv.explainSql(query('ts'))).toContain(
      'leftStateCleanup=[watermark >= ts + 10000ms, dt watermark-complete]',
    );
    expect(tEnv.explainSql(query('wall'))).toContain(
      'leftStateCleanup=[watermark >= wall + 28810000ms, dt watermark-complete]',
    );
    expect(tEnv.explainSql(KEPT)).not.toContain('StateCleanup');
  });

  test.each([
    ['ts', 1],
    ['wall', 1],
    ['wall', 2],
  ])(
    'late and out-of-order bids by %s: the rows of the model and of the join that keeps them (p=%i)',
    async (column, p) => {
      const cleaned = sorted(await (await tableEnv(p)).executeSql(query(column)).collect());
      const kept = sorted(await (await tableEnv(p)).executeSql(KEPT).collect());
      expect(cleaned.length).toBeGreaterThan(50);
      expect(cleaned).toEqual(model());
      expect(kept).toEqual(cleaned);
    },
  );
});
