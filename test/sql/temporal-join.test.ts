/**
 * Temporal joins (`JOIN r FOR SYSTEM_TIME AS OF l.ts ON l.k = r.k`): the TemporalJoinRule's
 * checks, event-time joins over out-of-order input on both sides with version changes (expected
 * rows computed by hand), left joins that find no version yet, processing-time joins, and the
 * runtime function driven by hand with watermarks to show late rows and state cleanup.
 * Plans are built as logical nodes, as the builder makes them for FOR SYSTEM_TIME AS OF.
 */
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
import type { LogicalNode } from '../../src/sql/planner/logical.js';
import { EventTimeTemporalJoin } from '../../src/sql/runtime/temporal/temporal-join-function.js';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';

/** A catalog table from DDL, reading `rows` from a DataStream instead of its connector. */
function table(env: StreamExecutionEnvironment, ddl: string, rows: Row[]): CatalogTable {
  const parsed = parseStatement(`${ddl} WITH ('connector' = 'datagen')`);
  if (parsed.kind !== 'createTable') throw new Error('not a CREATE TABLE');
  const t = tableFromDdl(parsed, new ConnectorRegistry());
  return Object.freeze({ ...t, options: {}, dataStream: { stream: env.fromCollection(rows) } });
}

const eq = (plan: Pick<LogicalNode, 'columns'>, a: string, b: string): Rex => {
  const type = (n: string) => plan.columns.find((c) => c.name === n)!.type;
  return call('=', [field(a, type(a)), field(b, type(b))], Types.BOOLEAN);
};

const ORDERS =
  "CREATE TABLE orders (o_id INT, cur STRING, amount INT, o_ts TIMESTAMP(3), WATERMARK FOR o_ts AS o_ts - INTERVAL '10' SECOND)";
const RATES =
  "CREATE TABLE rates (r_cur STRING, rate INT, r_ts TIMESTAMP(3), WATERMARK FOR r_ts AS r_ts - INTERVAL '10' SECOND, PRIMARY KEY (r_cur) NOT ENFORCED)";

// Versions arrive out of order (EUR@3000 after EUR@5000).
const RATE_ROWS: Row[] = [
  { r_cur: 'EUR', rate: 114, r_ts: 1000 },
  { r_cur: 'EUR', rate: 116, r_ts: 5000 },
  { r_cur: 'USD', rate: 100, r_ts: 2000 },
  { r_cur: 'EUR', rate: 119, r_ts: 3000 },
  { r_cur: 'USD', rate: 102, r_ts: 8000 },
];
// Orders arrive out of order too.
const ORDER_ROWS: Row[] = [
  { o_id: 2, cur: 'EUR', amount: 10, o_ts: 4000 },
  { o_id: 1, cur: 'EUR', amount: 10, o_ts: 2000 },
  { o_id: 4, cur: 'EUR', amount: 10, o_ts: 6000 },
  { o_id: 3, cur: 'USD', amount: 10, o_ts: 1500 },
  { o_id: 7, cur: 'USD', amount: 10, o_ts: 2000 },
  { o_id: 6, cur: 'EUR', amount: 10, o_ts: 500 },
  { o_id: 5, cur: 'USD', amount: 10, o_ts: 9000 },
];

function setup(joinType: JoinType = 'inner', options: { rates?: string; condition?: string[] } = {}) {
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  const tEnv = TableEnvironment.create(env);
  const left = tablePlan(table(env, ORDERS, ORDER_ROWS));
  const right = tablePlan(table(env, options.rates ?? RATES, RATE_ROWS));
  const both = { columns: [...left.columns, ...right.columns] };
  const [a, b] = options.condition ?? ['cur', 'r_cur'];
  const plan = join(left, right, joinType, eq(both, a!, b!), { leftTime: 'o_ts' });
  return { tEnv, plan };
}

const summary = (rows: Row[]) => rows.map((r) => `${r.o_id}:${r.cur}@${r.o_ts}->${r.rate ?? 'null'}`).sort();

describe('event-time temporal join', () => {
  test('each order joins the rate valid at its time, whatever the arrival order', async () => {
    const { tEnv, plan } = setup('inner');
    const rows = await tEnv.executeTable(plan).collect();
    // Hand-computed: the latest version at or before each order's time.
    expect(summary(rows)).toEqual(
      ['1:EUR@2000->114', '2:EUR@4000->119', '4:EUR@6000->116', '5:USD@9000->102', '7:USD@2000->100'].sort(),
    );
  });

  test('a left join pads orders that come before any version with nulls', async () => {
    const { tEnv, plan } = setup('left');
    const rows = await tEnv.executeTable(plan).collect();
    expect(summary(rows)).toEqual(
      [
        '1:EUR@2000->114',
        '2:EUR@4000->119',
        '3:USD@1500->null',
        '4:EUR@6000->116',
        '5:USD@9000->102',
        '6:EUR@500->null',
        '7:USD@2000->100',
      ].sort(),
    );
    const padded = rows.find((r) => r.o_id === 3)!;
    expect(padded).toMatchObject({ r_cur: null, rate: null, r_ts: null });
  });

  test('EXPLAIN shows the rule and the physical temporal join, insert-only', () => {
    const { tEnv, plan } = setup('inner');
    const text = tEnv.explainTable(plan);
    expect(text).toContain('TemporalJoin(joinType=[inner], key=[cur=r_cur]');
    expect(text).toContain('changelogMode=[I]');
  });
});

describe('temporal join checks', () => {
  test('a right side without a primary key is refused, naming the fix', () => {
    const { tEnv, plan } = setup('inner', {
      rates:
        "CREATE TABLE rates (r_cur STRING, rate INT, r_ts TIMESTAMP(3), WATERMARK FOR r_ts AS r_ts - INTERVAL '10' SECOND)",
    });
    expect(() => tEnv.explainTable(plan)).toThrow(/'rates' has no primary key; declare PRIMARY KEY/);
  });

  test('a condition without equality on the key is refused', () => {
    const { tEnv, plan } = setup('inner', { condition: ['amount', 'rate'] });
    expect(() => tEnv.explainTable(plan)).toThrow(/must equate the primary key of 'rates' \(r_cur\)/);
  });

  test('AS OF a column that is not a time attribute is refused', () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(env);
    const left = tablePlan(table(env, ORDERS, ORDER_ROWS));
    const right = tablePlan(table(env, RATES, RATE_ROWS));
    const both = { columns: [...left.columns, ...right.columns] };
    const plan = join(left, right, 'inner', eq(both, 'cur', 'r_cur'), { leftTime: 'amount' });
    expect(() => tEnv.explainTable(plan)).toThrow(/'amount' is not one; use its rowtime column/);
  });

  test('the errors are one line', () => {
    const { tEnv, plan } = setup('inner', { condition: ['amount', 'rate'] });
    try {
      tEnv.explainTable(plan);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('\n');
    }
  });
});

describe('processing-time temporal join', () => {
  test('left rows join the latest version seen so far', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(env);
    const base = tablePlan(table(env, ORDERS, ORDER_ROWS));
    const procType = { ...Types.timestampLtz(3), nullable: false, proctime: true };
    // A PROCTIME() column, as `proc AS PROCTIME()` adds it.
    const left: LogicalNode = Object.freeze({
      ...base,
      columns: [...base.columns, { name: 'proc', type: procType }],
    });
    const right = tablePlan(table(env, RATES, RATE_ROWS));
    const both = { columns: [...left.columns, ...right.columns] };
    const plan = join(left, right, 'left', eq(both, 'cur', 'r_cur'), { leftTime: 'proc' });
    expect(tEnv.explainTable(plan)).toContain('proctime=[proc]');
  });
});

describe('EventTimeTemporalJoin driven by hand', () => {
  const spec = {
    joinType: 'left' as const,
    leftTime: 't',
    rightTime: 'rt',
    rightColumns: ['k2', 'v', 'rt'],
    rightIsChangelog: true,
  };
  const harness = () => {
    const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
      new CoProcessOperator(new EventTimeTemporalJoin(spec), true),
      (l) => l.k,
      (r) => (r as { row: Row }).row.k2,
    );
    h.open();
    return h;
  };
  const watermark = (h: ReturnType<typeof harness>, w: number) => {
    h.processWatermark1(w);
    h.processWatermark2(w);
  };

  test('rows wait for the watermark of both inputs, then join the version at their time', () => {
    const h = harness();
    h.processElement2({ kind: '+I', row: { k2: 'a', v: 1, rt: 1000 } } as never, 1000);
    h.processElement1({ k: 'a', t: 1500 }, 1500);
    h.processWatermark1(2000);
    expect(h.extractOutputValues()).toEqual([]); // the right side's watermark is still behind
    h.processWatermark2(2000);
    expect(h.extractOutputValues()).toEqual([{ k: 'a', t: 1500, k2: 'a', v: 1, rt: 1000 }]);
  });

  test('updates and deletes change the version; old versions are dropped as the watermark passes', () => {
    const h = harness();
    h.processElement2({ kind: '+I', row: { k2: 'a', v: 1, rt: 1000 } } as never, 1000);
    h.processElement2({ kind: '-U', row: { k2: 'a', v: 1, rt: 1000 } } as never, 3000);
    h.processElement2({ kind: '+U', row: { k2: 'a', v: 2, rt: 3000 } } as never, 3000);
    h.processElement2({ kind: '-D', row: { k2: 'a', v: 2, rt: 5000 } } as never, 5000);
    h.processElement1({ k: 'a', t: 5500 }, 5500);
    h.processElement1({ k: 'a', t: 3500 }, 3500);
    h.processElement1({ k: 'a', t: 1200 }, 1200);
    h.processElement1({ k: 'a', t: 900 }, 900);
    watermark(h, 4000);
    expect(h.extractOutputValues().map((r) => `${r.t}:${r.v}`)).toEqual(['900:null', '1200:1', '3500:2']);
    h.clearOutput();
    watermark(h, 6000);
    expect(h.extractOutputValues().map((r) => `${r.t}:${r.v}`)).toEqual(['5500:null']);
    // Everything before the watermark is gone: the left buffer is empty and the delete was the
    // last version, so no state is left for the key.
    expect(h.numKeyedStateEntries()).toBe(0);
  });
});

describe('temporal join from SQL', () => {
  function sqlSetup() {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(env);
    tEnv.createTemporaryView('orders', new Table(tEnv, tablePlan(table(env, ORDERS, ORDER_ROWS))));
    tEnv.createTemporaryView('rates', new Table(tEnv, tablePlan(table(env, RATES, RATE_ROWS))));
    return tEnv;
  }

  test('JOIN … FOR SYSTEM_TIME AS OF gives the hand-computed rows', async () => {
    const tEnv = sqlSetup();
    const rows = await tEnv
      .executeSql(
        'SELECT o_id, cur, o_ts, rate FROM orders AS o LEFT JOIN rates FOR SYSTEM_TIME AS OF o.o_ts AS r ON o.cur = r.r_cur',
      )
      .collect();
    expect(summary(rows)).toEqual(
      [
        '1:EUR@2000->114',
        '2:EUR@4000->119',
        '3:USD@1500->null',
        '4:EUR@6000->116',
        '5:USD@9000->102',
        '6:EUR@500->null',
        '7:USD@2000->100',
      ].sort(),
    );
  });

  test('a condition without the key is refused at its position', () => {
    const tEnv = sqlSetup();
    expect(() =>
      tEnv.explainSql(
        'SELECT * FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.o_ts AS r ON o.amount = r.rate',
      ),
    ).toThrow(/must equate the primary key of 'rates' \(r_cur\)/);
  });
});

describe('temporal join against a versioned view', () => {
  test('a deduplicating view (last row per key) is a versioned table', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(env);
    const noKey =
      "CREATE TABLE rates_log (r_cur STRING, rate INT, r_ts TIMESTAMP(3), WATERMARK FOR r_ts AS r_ts - INTERVAL '10' SECOND)";
    tEnv.createTemporaryView('orders', new Table(tEnv, tablePlan(table(env, ORDERS, ORDER_ROWS))));
    tEnv.createTemporaryView('rates_log', new Table(tEnv, tablePlan(table(env, noKey, RATE_ROWS))));
    tEnv.executeSql(`CREATE TEMPORARY VIEW rates AS SELECT r_cur, rate, r_ts FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY r_cur ORDER BY r_ts DESC) AS rn FROM rates_log) WHERE rn = 1`);
    const sql =
      'SELECT o_id, cur, o_ts, rate FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.o_ts AS r ON o.cur = r.r_cur';
    expect(tEnv.explainSql(sql)).toContain('TemporalJoin(joinType=[inner], key=[cur=r_cur]');
    const rows = await tEnv.executeSql(sql).collect();
    // Unlike the table, the view never has EUR@3000: it arrives after EUR@5000, so keeping the
    // last row by r_ts drops it, and order 2 (at 4000) sees the version from 1000.
    expect(summary(rows)).toEqual(
      ['1:EUR@2000->114', '2:EUR@4000->114', '4:EUR@6000->116', '5:USD@9000->102', '7:USD@2000->100'].sort(),
    );
  });
});
