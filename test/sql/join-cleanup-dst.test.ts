/**
 * State cleanup of the regular join (watermark-complete.ts) in America/Los_Angeles, across the
 * spring-forward (2021-03-14 10:00Z) and fall-back (2021-11-07 09:00Z) transitions: bids by
 * their TIMESTAMP_LTZ time within the 10 s before a local window's end, Nexmark q7's shape.
 * The bid side leaves state by a bound worked out per row from the zone (zoned-cleanup.ts).
 *
 * The operator runs show that no bid leaves before a window that can still come matches it,
 * out-of-order bids and windows included (at fall back the last window a bid meets fires an
 * hour after it, where a constant 10 s bound would have dropped it), and that every bid is gone
 * from state once the watermark has passed it. The SQL runs give the model's rows and those of
 * the join written so that it keeps every row.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { call, field, literal } from '../../src/sql/expressions/rex.js';
import { timeZone, withSessionTimeZone } from '../../src/sql/expressions/time-zone.js';
import { comparedOperands } from '../../src/sql/expressions/typer.js';
import { RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import { stateCleanups } from '../../src/sql/planner/join/watermark-complete.js';
import { endInstant } from '../../src/sql/runtime/window/local-time-windows.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

const ZONE = timeZone('America/Los_Angeles');
const SPRING = Date.UTC(2021, 2, 14, 10); // 02:00 PST becomes 03:00 PDT
const FALL = Date.UTC(2021, 10, 7, 9); // 02:00 PDT becomes 01:00 PST
const S = 1000;
const WINDOW = 10 * S;

/** The bid side's cleanup as the planner finds it for `ts BETWEEN dt - 10 s AND dt` in the zone. */
const CLEANUP = withSessionTimeZone(ZONE, () => {
  const ltz = Types.timestampLtz(3);
  const ts = field('ts', ltz);
  const dt = field('dt', Types.timestamp(3));
  const interval = literal(-WINDOW, { root: 'INTERVAL_DAY_TIME', nullable: false, intervalField: 'SECOND' });
  const [low, ts1] = comparedOperands(call('+', [dt, interval], dt.type), ts);
  const [ts2, high] = comparedOperands(ts, dt);
  const condition = call(
    'AND',
    [call('<=', [low, ts1], Types.BOOLEAN), call('<=', [ts2, high], Types.BOOLEAN)],
    Types.BOOLEAN,
  );
  return stateCleanups(
    condition,
    [{ name: 'ts', type: ltz }],
    [{ name: 'dt', type: Types.timestamp(3) }],
    new Map(),
    new Map([['dt', 'localEnd' as const]]),
  ).left!;
});

/** Bid {k, ts} and window {k0, dt}: the condition as compiled (casts read the wall clock in the zone). */
const remaining = (row: Row) =>
  row.ts != null &&
  (row.ts as number) >= ZONE.fromLocal((row.dt as number) - WINDOW) &&
  (row.ts as number) <= ZONE.fromLocal(row.dt as number);

/** The local end of the 10 s window of local wall clock that holds instant `t`. */
const windowEnd = (t: number) => Math.floor(ZONE.toLocal(t) / WINDOW) * WINDOW + WINDOW;

/** When the window ending at local `dt` fires: its end's instant, less 1 ms. */
const fires = (dt: number) => endInstant(ZONE, dt) - 1;

type Step =
  | { kind: 'bid'; k: number; ds: number }
  | { kind: 'window'; k: number; steps: number }
  | { kind: 'watermark1'; ds: number }
  | { kind: 'watermark2'; ds: number };

function join(cleanup: boolean) {
  const fn = new RegularJoinFunction({
    joinType: 'inner',
    leftColumns: ['k', 'ts'],
    rightColumns: ['k0', 'dt'],
    leftHasNullKey: () => false,
    rightHasNullKey: () => false,
    remaining,
    leftChangelog: false,
    rightChangelog: false,
    insertOnlyOutput: true,
    leftLayout: { kind: 'appendOnly' },
    rightLayout: { kind: 'appendOnly' },
    ...(cleanup ? { leftCleanup: CLEANUP } : {}),
  });
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (l) => l.k,
    (r) => r.k0,
  );
  h.open();
  return h;
}

/** Runs `steps` from `start`: bids out of order around the bid watermark, windows past theirs. */
function run(start: number, steps: readonly Step[], cleanup: boolean) {
  const h = join(cleanup);
  let w1 = start;
  let w2 = start;
  const windowKeys = new Set<number>();
  for (const s of steps) {
    if (s.kind === 'bid') h.processElement1({ k: s.k, ts: w1 + s.ds * S }, w1 + s.ds * S);
    else if (s.kind === 'window') {
      // A window still to fire: ending at or after the one holding the first instant past the
      // window watermark (which, at fall back, may be a wall clock the hour ahead repeats).
      const dt = windowEnd(w2 + 1) + s.steps * WINDOW;
      expect(fires(dt)).toBeGreaterThan(w2);
      windowKeys.add(s.k);
      h.processElement2({ k0: s.k, dt }, fires(dt));
    } else if (s.kind === 'watermark1') h.processWatermark1((w1 += s.ds * S));
    else h.processWatermark2((w2 += s.ds * S));
  }
  const entriesBefore = h.numKeyedStateEntries();
  // A day past everything: every bid has left (only the windows' lists are kept, one per key).
  h.processWatermark1(start + 2 * 86_400_000);
  h.processWatermark2(start + 2 * 86_400_000);
  const out = h.extractOutputValues().map((r) => `${r.k}|${r.ts}|${r.dt}`);
  return { out: out.sort(), entriesBefore, entries: h.numKeyedStateEntries(), windowKeys: windowKeys.size };
}

const key = fc.integer({ min: 0, max: 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('bid' as const), k: key, ds: fc.integer({ min: -25, max: 25 }) }),
  fc.record({
    kind: fc.constant('window' as const),
    k: key,
    // The next few windows, or those an hour of wall clock ahead.
    steps: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 355, max: 365 })),
  }),
  fc.record({ kind: fc.constant('watermark1' as const), ds: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ kind: fc.constant('watermark2' as const), ds: fc.integer({ min: 0, max: 20 }) }),
);

describe('regular join state cleanup across daylight saving changes (America/Los_Angeles)', () => {
  test('the planner bounds the bid side per row from the zone', () => {
    expect(CLEANUP.column).toBe('ts');
    expect('zoned' in CLEANUP).toBe(true);
  });

  test.each([
    ['spring forward', SPRING],
    ['fall back', FALL],
  ])(
    '%s: out-of-order bids and windows give the rows of the join that keeps every bid, and then no bid stays',
    (_, at) => {
      fc.assert(
        fc.property(fc.integer({ min: -120, max: 60 }), fc.array(step, { maxLength: 80 }), (from, steps) => {
          const start = at + from * S;
          const kept = run(start, steps, false);
          const cleaned = run(start, steps, true);
          expect(cleaned.out).toEqual(kept.out);
          expect(cleaned.entriesBefore).toBeLessThanOrEqual(kept.entriesBefore + 2);
          expect(cleaned.entries).toBe(cleaned.windowKeys);
        }),
        { numRuns: 400 },
      );
    },
  );

  test('fall back: a bid at 01:59:55 PDT meets the window ending at 02:00 PST, an hour later, and leaves after it', () => {
    const ts = FALL - 5 * S;
    const dt = windowEnd(ts);
    // The window [01:59:50, 02:00:00) of the wall clock holds the bid and both passes of the hour.
    expect(dt).toBe(ZONE.toLocal(FALL) + 3_600_000);
    expect(fires(dt)).toBe(FALL + 3_600_000 - 1);
    const h = join(true);
    h.processElement1({ k: 1, ts }, ts);
    const withBid = h.numKeyedStateEntries();
    h.processWatermark1(FALL + 2 * 3_600_000);
    h.processWatermark2(fires(dt) - 1);
    expect(h.numKeyedStateEntries()).toBe(withBid);
    h.processElement2({ k0: 1, dt }, fires(dt));
    expect(h.extractOutputValues()).toEqual([{ k: 1, ts, k0: 1, dt }]);
    // Once every window that can still come ends too late for it, the bid is gone: only the
    // window's list is left.
    h.processWatermark2(fires(dt) + 10 * S);
    expect(h.numKeyedStateEntries()).toBe(1);
  });

  test('fall back: a bid at 01:00:30 PST, in the repeated hour, meets the window ending at 02:00 PST an hour later', () => {
    // Its wall clock read back takes the earlier pass (PDT), so every window ending within the
    // repeated hour lies before it; the first whose cast end reaches it ends at 02:00 PST.
    const ts = FALL + 30 * S;
    const dt = ZONE.toLocal(FALL) + 3_600_000;
    expect(remaining({ ts, dt })).toBe(true);
    expect(remaining({ ts, dt: dt - WINDOW })).toBe(false);
    const h = join(true);
    h.processElement1({ k: 1, ts }, ts);
    h.processWatermark1(FALL + 2 * 3_600_000);
    // Its time plus 10 s and more, but the 02:00 window has not fired.
    h.processWatermark2(FALL + 30 * 60 * S);
    h.processElement2({ k0: 1, dt }, fires(dt));
    expect(h.extractOutputValues()).toEqual([{ k: 1, ts, k0: 1, dt }]);
    // Near a change the bound may exceed the last match by up to the change's length.
    h.processWatermark2(fires(dt) + 3_600_000);
    expect(h.numKeyedStateEntries()).toBe(1);
  });

  test('spring forward: a bid at 01:59:55 PST meets the window ending at the skipped 02:00, and leaves after it', () => {
    const ts = SPRING - 5 * S;
    const dt = windowEnd(ts);
    expect(dt).toBe(ZONE.toLocal(SPRING - 1) + 1);
    const h = join(true);
    h.processElement1({ k: 1, ts }, ts);
    const withBid = h.numKeyedStateEntries();
    h.processWatermark1(SPRING + 3_600_000);
    h.processWatermark2(fires(dt) - 1);
    expect(h.numKeyedStateEntries()).toBe(withBid);
    h.processElement2({ k0: 1, dt }, fires(dt));
    expect(h.extractOutputValues()).toEqual([{ k: 1, ts, k0: 1, dt }]);
    h.processWatermark2(fires(dt) + 10 * S);
    expect(h.numKeyedStateEntries()).toBe(1);
  });
});

const ROWS = 3000;

async function tableEnv(base: number, parallelism: number): Promise<TableEnvironment> {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  // Watermarks every millisecond while the source emits 2000 rows a second, so they advance
  // during the run and the join drops bids before the input ends.
  env.getConfig().setAutoWatermarkInterval(1);
  const tEnv = TableEnvironment.create(env);
  await tEnv.executeSql("SET 'table.local-time-zone' = 'America/Los_Angeles'").await();
  // 300 s of bids around the change, their times jumping back and forth by up to 24 s around a
  // rising trend, with a 2 s watermark delay: many bids are late. Ticks are in order.
  for (const [name, ts] of [
    ['bid', `${base} + MOD(id * 7919, 97) * 250 + id * 100`],
    ['tick', `${base} + id * 100`],
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

/** The rows `id|price|dt` the query by `column` must give, dt the local window end. */
function model(base: number, column: 'ts' | 'wall'): string[] {
  const price = (id: number) => (id * 31) % 7;
  const max = new Map<number, number>(); // local window end → highest tick price
  for (let id = 1; id <= ROWS; id++) {
    const end = windowEnd(base + id * 100);
    max.set(end, Math.max(max.get(end) ?? -1, price(id)));
  }
  const out: string[] = [];
  for (let id = 1; id <= ROWS; id++) {
    const ts = base + ((id * 7919) % 97) * 250 + id * 100;
    for (const [end, m] of max) {
      const within =
        column === 'ts'
          ? ts >= ZONE.fromLocal(end - WINDOW) && ts <= ZONE.fromLocal(end)
          : ZONE.toLocal(ts) >= end - WINDOW && ZONE.toLocal(ts) <= end;
      if (price(id) === m && within) out.push(`${id}|${m}|${end}`);
    }
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

/** The same join written so that the planner derives no cleanup. */
const kept = (column: string) => `SELECT B.id, B.price, W.dt FROM bid B JOIN ${MAX_PER_WINDOW}
  ON B.price = W.maxprice
  WHERE NOT (B.${column} < W.dt - INTERVAL '10' SECOND) AND NOT (B.${column} > W.dt)`;

const sorted = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => `${r.id}|${r.price}|${Number(r.dt)}`).sort();

describe('regular join state cleanup across daylight saving changes in SQL (America/Los_Angeles)', () => {
  test('EXPLAIN shows the zoned bound of each form, and none for the join that keeps its rows', async () => {
    const tEnv = await tableEnv(SPRING, 1);
    expect(tEnv.explainSql(query('ts'))).toContain(
      'leftStateCleanup=[watermark >= fire(local(ts) + 10000ms) in America/Los_Angeles, dt watermark-complete]',
    );
    expect(tEnv.explainSql(query('wall'))).toContain(
      'leftStateCleanup=[watermark >= fire(wall + 10000ms) in America/Los_Angeles, dt watermark-complete]',
    );
    expect(tEnv.explainSql(kept('ts'))).not.toContain('StateCleanup');
  });

  test('a compiled plan holds the zoned bound as data', async () => {
    const tEnv = await tableEnv(SPRING, 1);
    await tEnv
      .executeSql(
        "CREATE TABLE out_rows (id INT, price INT, dt TIMESTAMP(3)) WITH ('connector' = 'blackhole')",
      )
      .await();
    const json = tEnv.compilePlanSql(`INSERT INTO out_rows ${query('ts')}`).asJsonString();
    expect(json).toMatch(/"zoneId": *"America\/Los_Angeles"/);
  });

  test.each([
    ['spring forward', 'ts', 1, SPRING],
    ['spring forward', 'wall', 2, SPRING],
    ['fall back', 'ts', 2, FALL],
    ['fall back', 'wall', 1, FALL],
  ] as const)(
    '%s, bids by %s (p=%i): the model’s rows and those of the join that keeps every bid',
    async (_, column, p, at) => {
      const base = at - 150 * S;
      const cleaned = sorted(await (await tableEnv(base, p)).executeSql(query(column)).collect());
      const all = sorted(await (await tableEnv(base, p)).executeSql(kept(column)).collect());
      expect(cleaned.length).toBeGreaterThan(50);
      expect(cleaned).toEqual(model(base, column));
      expect(all).toEqual(cleaned);
    },
  );
});
