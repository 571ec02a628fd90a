/**
 * Window joins: two windowing table functions joined on their window bounds become a window
 * join (the WindowJoinRule), which joins each window's rows once when the watermark passes the
 * window's end. Inner, outer, semi and anti joins over out-of-order input, with expected rows
 * computed by hand; late rows dropped, driven by hand with watermarks; joins that do not equate
 * the bounds stay regular joins. Plans are built as logical nodes, as the builder makes them.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, Table, TableEnvironment } from '../../src/index.js';
import type { CatalogTable } from '../../src/sql/catalog/catalog.js';
import { tableFromDdl } from '../../src/sql/catalog/ddl.js';
import { Types } from '../../src/sql/catalog/types.js';
import { ConnectorRegistry } from '../../src/sql/connectors/registry.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { call, field, type Rex } from '../../src/sql/expressions/rex.js';
import { parseStatement } from '../../src/sql/parser/parse.js';
import { tablePlan } from '../../src/sql/planner/builder.js';
import { type JoinType, join } from '../../src/sql/planner/join/join-nodes.js';
import { type LogicalNode, type PlanColumn, project } from '../../src/sql/planner/logical.js';
import { optimize } from '../../src/sql/planner/rules.js';
import type { LogicalWindowTableFunction } from '../../src/sql/planner/window/window-nodes.js';
import {
  WINDOW_JOIN_BUFFER_LIMIT,
  WindowJoinOperator,
} from '../../src/sql/runtime/temporal/window-join-operator.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';

/**
 * A checkpoint of a window join as the task takes one: the rows waiting in memory go into keyed
 * state before the barrier, then keyed state and timers are snapshotted.
 */
function checkpoint(h: TwoInputOperatorTestHarness<Row, Row, Row>) {
  (h.operator as unknown as WindowJoinOperator).prepareSnapshotPreBarrier();
  return snapshotKeyedState(h.keyedBackend!, h.timeServiceManager!);
}

function table(env: StreamExecutionEnvironment, ddl: string, rows: Row[]): CatalogTable {
  const parsed = parseStatement(`${ddl} WITH ('connector' = 'datagen')`);
  if (parsed.kind !== 'createTable') throw new Error('not a CREATE TABLE');
  const t = tableFromDdl(parsed, new ConnectorRegistry());
  return Object.freeze({ ...t, options: {}, dataStream: { stream: env.fromCollection(rows) } });
}

/** `TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)` as the builder plans it. */
function tumble(input: LogicalNode, timeColumn: string): LogicalWindowTableFunction {
  const ts = { ...Types.timestamp(3), nullable: false };
  const columns: PlanColumn[] = [
    ...input.columns,
    { name: 'window_start', type: ts },
    { name: 'window_end', type: ts },
    { name: 'window_time', type: { ...ts, rowtime: true } },
  ];
  return Object.freeze({
    kind: 'windowTableFunction',
    input,
    window: { kind: 'TUMBLE' as const, timeColumn, size: 10_000, offset: 0 },
    columns,
  });
}

/** Renames columns, as the builder does for right-side names the left side uses. */
function renamed(input: LogicalNode, names: Record<string, string>): LogicalNode {
  return project(
    input,
    input.columns.map((c) => ({ name: names[c.name] ?? c.name, rex: field(c.name, c.type) })),
  );
}

const eq = (columns: readonly PlanColumn[], a: string, b: string): Rex => {
  const type = (n: string) => columns.find((c) => c.name === n)!.type;
  return call('=', [field(a, type(a)), field(b, type(b))], Types.BOOLEAN);
};
const and = (...rexes: Rex[]): Rex => rexes.reduce((a, b) => call('AND', [a, b], Types.BOOLEAN));

const LEFT =
  "CREATE TABLE l (lk STRING, lv INT, lts TIMESTAMP(3), WATERMARK FOR lts AS lts - INTERVAL '5' SECOND)";
const RIGHT =
  "CREATE TABLE r (rk STRING, rv INT, rts TIMESTAMP(3), WATERMARK FOR rts AS rts - INTERVAL '5' SECOND)";
// Out of order within the 5 s bound on both sides, so no row is late.
const LEFT_ROWS: Row[] = [
  { lk: 'a', lv: 1, lts: 1000 },
  { lk: 'b', lv: 2, lts: 12_000 },
  { lk: 'a', lv: 3, lts: 4000 },
  { lk: 'c', lv: 4, lts: 15_000 },
  { lk: 'a', lv: 5, lts: 11_000 },
];
const RIGHT_ROWS: Row[] = [
  { rk: 'a', rv: 10, rts: 2000 },
  { rk: 'b', rv: 12, rts: 13_000 },
  { rk: 'a', rv: 11, rts: 9000 },
  { rk: 'd', rv: 13, rts: 14_000 },
  { rk: 'a', rv: 14, rts: 25_000 },
];

function setup(joinType: JoinType, bounds: 'both' | 'start-only' = 'both') {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  const tEnv = TableEnvironment.create(env);
  const left = tumble(tablePlan(table(env, LEFT, LEFT_ROWS)), 'lts');
  const right = renamed(tumble(tablePlan(table(env, RIGHT, RIGHT_ROWS)), 'rts'), {
    window_start: 'window_start0',
    window_end: 'window_end0',
    window_time: 'window_time0',
  });
  const columns = [...left.columns, ...right.columns];
  const conjuncts = [eq(columns, 'lk', 'rk'), eq(columns, 'window_start', 'window_start0')];
  if (bounds === 'both') conjuncts.push(eq(columns, 'window_end', 'window_end0'));
  return { tEnv, plan: join(left, right, joinType, and(...conjuncts)) };
}

const pairs = (rows: Row[]) =>
  rows.map((r) => `${r.window_start ?? r.window_start0}:${r.lv ?? '-'}/${r.rv ?? '-'}`).sort();

describe('window join', () => {
  test('the rule makes a window join, insert-only', () => {
    const { tEnv, plan } = setup('inner');
    expect(optimize(plan).fired).toContain('WindowJoinRule');
    const text = tEnv.explainTable(plan);
    expect(text).toContain('WindowJoin(joinType=[inner], key=[lk=rk]');
    expect(text).toMatch(/WindowJoin\(.*changelogMode=\[I\]\)/);
  });

  test('without window_end equality it stays a regular join', () => {
    const { plan } = setup('inner', 'start-only');
    expect(optimize(plan).fired).not.toContain('WindowJoinRule');
  });

  const expected: Record<string, string[]> = {
    // [0, 10 s): a1, a3 with a10, a11. [10 s, 20 s): b2 with b12; c4, a5 and d13 find nothing.
    // [20 s, 30 s): a14 alone.
    inner: ['0:1/10', '0:1/11', '0:3/10', '0:3/11', '10000:2/12'],
    left: ['0:1/10', '0:1/11', '0:3/10', '0:3/11', '10000:2/12', '10000:4/-', '10000:5/-'],
    right: ['0:1/10', '0:1/11', '0:3/10', '0:3/11', '10000:2/12', '10000:-/13', '20000:-/14'],
    full: [
      '0:1/10',
      '0:1/11',
      '0:3/10',
      '0:3/11',
      '10000:2/12',
      '10000:4/-',
      '10000:5/-',
      '10000:-/13',
      '20000:-/14',
    ],
    semi: ['0:1/-', '0:3/-', '10000:2/-'],
    anti: ['10000:4/-', '10000:5/-'],
  };
  for (const joinType of ['inner', 'left', 'right', 'full', 'semi', 'anti'] as const)
    test(`${joinType} join, per window, over out-of-order input`, async () => {
      const { tEnv, plan } = setup(joinType);
      const rows = await tEnv.executeTable(plan).collect();
      expect(pairs(rows)).toEqual([...expected[joinType]!].sort());
    });
});

describe('WindowJoinOperator driven by hand', () => {
  const harness = (joinType: 'inner' | 'full') => {
    const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
      new WindowJoinOperator({
        joinType,
        leftWindowEnd: 'we',
        rightWindowEnd: 'we2',
        leftKeys: ['k'],
        rightKeys: ['k2'],
        leftColumns: ['k', 'v', 'ws', 'we'],
        rightColumns: ['k2', 'v2', 'ws2', 'we2'],
      }),
      (l) => l.k,
      (r) => r.k2,
    );
    h.open();
    return h;
  };
  const l = (k: string | null, v: number, ws: number) => ({ k, v, ws, we: ws + 10 });
  const r = (k2: string | null, v2: number, ws2: number) => ({ k2, v2, ws2, we2: ws2 + 10 });

  test('a window is joined once, when both watermarks pass its end; later rows for it are dropped', () => {
    const h = harness('inner');
    h.processElement1(l('a', 1, 0), 5);
    h.processElement2(r('a', 2, 0), 3);
    h.processWatermark1(8);
    h.processWatermark2(8);
    expect(h.extractOutputValues()).toEqual([]);
    h.processWatermark1(20);
    expect(h.extractOutputValues()).toEqual([]); // the right input is still at 8
    h.processWatermark2(20);
    expect(h.extractOutputValues().map((x) => `${x.v}/${x.v2}`)).toEqual(['1/2']);
    expect(h.numKeyedStateEntries()).toBe(0);
    // Late: window [0, 10) has closed.
    h.processElement1(l('a', 3, 0), 7);
    h.processElement2(r('a', 4, 0), 8);
    h.processWatermark1(40);
    h.processWatermark2(40);
    expect(h.extractOutputValues()).toHaveLength(1);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  test('rows kept in memory and under their window end join as the plain join of each window, whatever the order, lateness, restores and buffer limit', () => {
    // Each op: a left or right row (key, window start) or a watermark step on both inputs.
    const op = fc.oneof(
      fc.tuple(fc.constantFrom('L', 'R'), fc.constantFrom('a', 'b', null), fc.constantFrom(0, 10, 20)),
      fc.tuple(fc.constant('W'), fc.constant(''), fc.integer({ min: 0, max: 12 })),
    );
    const joinTypes = fc.constantFrom<JoinType | 'semi' | 'anti'>(
      'inner',
      'left',
      'right',
      'full',
      'semi',
      'anti',
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 40 }),
        joinTypes,
        fc.array(fc.nat(), { maxLength: 2 }),
        // Small limits move rows into keyed state between checkpoints, so windows are joined
        // from state, from memory, and from both.
        fc.constantFrom(0, 1, 3, WINDOW_JOIN_BUFFER_LIMIT),
        (ops, joinType, restores, bufferLimit) => {
          const spec = {
            joinType,
            leftWindowEnd: 'we',
            rightWindowEnd: 'we2',
            leftKeys: ['k'],
            rightKeys: ['k2'],
            leftColumns: ['k', 'v', 'ws', 'we'],
            rightColumns: ['k2', 'v2', 'ws2', 'we2'],
          };
          const open = (snapshot?: ReturnType<typeof snapshotKeyedState>) => {
            const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
              new WindowJoinOperator(spec, bufferLimit),
              (x) => x.k,
              (x) => x.k2,
            );
            if (snapshot !== undefined) restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
            h.open();
            return h;
          };
          let h = open();
          const out: Row[] = [];
          const at = new Set(restores.map((r) => r % (ops.length + 1)));
          let watermark = Number.NEGATIVE_INFINITY;
          const kept: { side: string; k: string | null; ws: number; v: number }[] = [];
          ops.forEach(([kind, k, n], v) => {
            if (at.has(v)) {
              out.push(...h.extractOutputValues());
              h = open(checkpoint(h));
              // A restored operator has seen no watermark yet; both inputs give it back.
              if (watermark > Number.NEGATIVE_INFINITY) {
                h.processWatermark1(watermark);
                h.processWatermark2(watermark);
              }
            }
            if (kind === 'W') {
              watermark = Math.max(watermark, 0) + n;
              h.processWatermark1(watermark);
              h.processWatermark2(watermark);
              return;
            }
            if (n + 9 > watermark) kept.push({ side: kind, k, ws: n, v });
            if (kind === 'L') h.processElement1(l(k, v, n), n);
            else h.processElement2(r(k, v, n), n);
          });
          // Once a checkpoint's barrier has moved the rows waiting in memory into keyed state:
          // one timer per key and window still open, none twice.
          const openWindows = new Set(kept.filter((x) => x.ws + 9 > watermark).map((x) => `${x.k}|${x.ws}`));
          (h.operator as unknown as WindowJoinOperator).prepareSnapshotPreBarrier();
          expect(h.numEventTimeTimers()).toBe(openWindows.size);
          h.processWatermark1(100);
          h.processWatermark2(100);
          out.push(...h.extractOutputValues());
          const text = (x: Row) =>
            joinType === 'semi' || joinType === 'anti' ? `${x.v}/-` : `${x.v ?? '-'}/${x.v2 ?? '-'}`;
          expect(out.map(text).sort()).toEqual(plainWindowJoin(kept, joinType).sort());
          expect(h.numKeyedStateEntries()).toBe(0);
          expect(h.numEventTimeTimers()).toBe(0);
        },
      ),
    );
  });

  test('null keys match nothing, and a full join emits them padded', () => {
    const h = harness('full');
    h.processElement1(l(null, 1, 0), 1);
    h.processElement2(r(null, 2, 0), 1);
    h.processWatermark1(10);
    h.processWatermark2(10);
    expect(h.extractOutputValues().map((x) => `${x.v}/${x.v2}`)).toEqual(['1/null', 'null/2']);
  });
});

describe('window join from SQL', () => {
  function sqlSetup() {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(env);
    tEnv.createTemporaryView('l', new Table(tEnv, tablePlan(table(env, LEFT, LEFT_ROWS))));
    tEnv.createTemporaryView('r', new Table(tEnv, tablePlan(table(env, RIGHT, RIGHT_ROWS))));
    return tEnv;
  }
  const windowed = (t: string, ts: string) =>
    `(SELECT * FROM TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(${ts}), INTERVAL '10' SECOND)))`;

  test('a FULL JOIN on the window bounds is a window join with the hand-computed rows', async () => {
    const tEnv = sqlSetup();
    const sql = `SELECT L.lv, R.rv, COALESCE(L.window_start, R.window_start) AS window_start
      FROM ${windowed('l', 'lts')} L FULL JOIN ${windowed('r', 'rts')} R
      ON L.lk = R.rk AND L.window_start = R.window_start AND L.window_end = R.window_end`;
    expect(tEnv.explainSql(sql)).toContain('WindowJoin(joinType=[full]');
    const rows = await tEnv.executeSql(sql).collect();
    expect(pairs(rows)).toEqual(
      [
        '0:1/10',
        '0:1/11',
        '0:3/10',
        '0:3/11',
        '10000:2/12',
        '10000:4/-',
        '10000:5/-',
        '10000:-/13',
        '20000:-/14',
      ].sort(),
    );
  });

  test('EXISTS and NOT EXISTS on the window bounds are semi and anti window joins', async () => {
    const tEnv = sqlSetup();
    const sql = (not: string) => `SELECT lv, window_start FROM ${windowed('l', 'lts')} L
      WHERE ${not} EXISTS (SELECT * FROM ${windowed('r', 'rts')} R
        WHERE L.lk = R.rk AND L.window_start = R.window_start AND L.window_end = R.window_end)`;
    expect(tEnv.explainSql(sql(''))).toContain('WindowJoin(joinType=[semi]');
    expect(pairs(await tEnv.executeSql(sql('')).collect())).toEqual(['0:1/-', '0:3/-', '10000:2/-']);
    expect(pairs(await tEnv.executeSql(sql('NOT')).collect())).toEqual(['10000:4/-', '10000:5/-']);
  });
});

/**
 * The join of each (key, window start)'s kept rows by nested loops, as `left/right` values with
 * `-` for padding: what the window join operator must emit whatever its state layout.
 */
function plainWindowJoin(
  kept: readonly { side: string; k: string | null; ws: number; v: number }[],
  joinType: JoinType | 'semi' | 'anti',
): string[] {
  const lefts = kept.filter((x) => x.side === 'L');
  const rights = kept.filter((x) => x.side === 'R');
  const partners = (x: (typeof kept)[number], others: typeof kept) =>
    x.k === null ? [] : others.filter((y) => y.k === x.k && y.ws === x.ws);
  const out: string[] = [];
  for (const x of lefts) {
    const found = partners(x, rights);
    if (joinType === 'semi' || joinType === 'anti') {
      if (found.length > 0 === (joinType === 'semi')) out.push(`${x.v}/-`);
      continue;
    }
    for (const y of found) out.push(`${x.v}/${y.v}`);
    if (found.length === 0 && (joinType === 'left' || joinType === 'full')) out.push(`${x.v}/-`);
  }
  if (joinType === 'right' || joinType === 'full')
    for (const y of rights) if (partners(y, lefts).length === 0) out.push(`-/${y.v}`);
  return out;
}
