/**
 * Windowing table functions and window aggregation end to end: each window kind on its own and
 * under a GROUP BY on its bounds (built here as a logical aggregate node, as the GROUP BY
 * builder makes it), out-of-order input within the watermark bound giving exactly the sorted
 * input's result at parallelism 1 and 2, DuckDB computing the same windows with arithmetic on
 * epoch milliseconds, EXPLAIN, and the argument errors.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, test } from 'vitest';
import {
  DataGeneratorSource,
  type DynamicTableFactory,
  type Row,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../src/sql/aggregates/builtins.js';
import { field } from '../../src/sql/expressions/rex.js';
import { aggregate } from '../../src/sql/planner/aggregate/aggregate-nodes.js';
import { project } from '../../src/sql/planner/logical.js';
import { Table } from '../../src/sql/table.js';

const DATA = new Map<string, readonly Row[]>();

/** Serves the rows registered under its `data` option, a few thousand per second. */
const rowsConnector: DynamicTableFactory = {
  identifier: 'rows',
  options: [{ key: 'data', required: true }],
  createSource: ({ env, table }) => {
    const rows = DATA.get(table.options.data!)!;
    return env.fromSource(
      new DataGeneratorSource((i) => rows[i]!, rows.length, 5000),
      WatermarkStrategy.noWatermarks<Row>(),
      'rows',
    );
  },
};

function environment(data: readonly Row[], parallelism = 1): TableEnvironment {
  const name = `d${DATA.size}`;
  DATA.set(name, data);
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  // Watermarks advance while rows flow, so windows close before the input ends.
  env.getConfig().setAutoWatermarkInterval(1);
  const tEnv = TableEnvironment.create(env);
  tEnv.registerConnector(rowsConnector);
  tEnv.executeSql(
    `CREATE TABLE t (k INT, v INT, ts BIGINT, rt AS TO_TIMESTAMP_LTZ(ts, 3), WATERMARK FOR rt AS rt - INTERVAL '5' SECOND) WITH ('connector' = 'rows', 'data' = '${name}')`,
  );
  return tEnv;
}

const call = (fn: string, args: string[], name: string): BoundAggregateCall => {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  const argTypes = args.map(() => ({ root: 'INT' as const, nullable: true }));
  return { fn, args, argTypes, distinct: false, name, type: definition.resultType(argTypes), definition };
};

/** `SELECT k, COUNT(*) AS c, SUM(v) AS s, ws, we FROM TABLE(<tvf>) GROUP BY k, ws, we`. */
function windowAggregateTable(tEnv: TableEnvironment, tvf: string): Table {
  const input = tEnv.sqlQuery(`SELECT k, v, window_start AS ws, window_end AS we FROM TABLE(${tvf})`).plan;
  const plan = aggregate(input, ['k', 'ws', 'we'], [call('COUNT', [], 'c'), call('SUM', ['v'], 's')]);
  return new Table(tEnv as never, plan);
}

const format = (rows: readonly Row[], columns: readonly string[]) =>
  rows.map((r) => columns.map((c) => String(r[c])).join('|')).sort();

/** Rows every 100 ms over 40 s for 4 keys, each up to 3 s out of order (the bound is 5 s). */
function generated(seed: number, n = 400): Row[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    // A quiet stretch every 97 rows, so sessions end.
    const ts = i * 100 + Math.floor(i / 97) * 6000 + Math.floor(next() * 3000);
    rows.push({ k: Math.floor(next() * 4), v: Math.floor(next() * 100), ts });
  }
  return rows;
}
const sorted = (rows: readonly Row[]) => [...rows].sort((a, b) => (a.ts as number) - (b.ts as number));

const TVFS = {
  TUMBLE: "TUMBLE(TABLE t, DESCRIPTOR(rt), INTERVAL '10' SECOND)",
  HOP: "HOP(DATA => TABLE t, TIMECOL => DESCRIPTOR(rt), SLIDE => INTERVAL '4' SECOND, SIZE => INTERVAL '10' SECOND)",
  CUMULATE: "CUMULATE(TABLE t, DESCRIPTOR(rt), INTERVAL '4' SECOND, INTERVAL '12' SECOND)",
  SESSION: "SESSION(TABLE t PARTITION BY k, DESCRIPTOR(rt), INTERVAL '2' SECOND)",
  OFFSET: "TUMBLE(TABLE t, DESCRIPTOR(rt), INTERVAL '10' SECOND, INTERVAL '3' SECOND)",
} as const;

/** The same windows in DuckDB, over table t(k, v, ts). */
const DUCKDB: Record<keyof typeof TVFS, string> = {
  TUMBLE:
    'SELECT k, ts - ts % 10000 AS ws, ts - ts % 10000 + 10000 AS we, COUNT(*) AS c, SUM(v) AS s FROM t GROUP BY ALL',
  HOP: `SELECT k, ws, ws + 10000 AS we, COUNT(*) AS c, SUM(v) AS s FROM (
          SELECT k, v, ts, (ts // 4000) * 4000 - i * 4000 AS ws FROM t, range(0, 3) r(i))
        WHERE ts < ws + 10000 GROUP BY ALL`,
  CUMULATE: `SELECT k, ts - ts % 12000 AS ws, ts - ts % 12000 + j * 4000 AS we, COUNT(*) AS c, SUM(v) AS s
             FROM t, range(1, 4) r(j) WHERE ts < ts - ts % 12000 + j * 4000 GROUP BY ALL`,
  SESSION: `SELECT k, MIN(ts) AS ws, MAX(ts) + 2000 AS we, COUNT(*) AS c, SUM(v) AS s FROM (
              SELECT *, SUM(new) OVER (PARTITION BY k ORDER BY ts ROWS UNBOUNDED PRECEDING) AS session FROM (
                SELECT *, CASE WHEN ts - LAG(ts) OVER (PARTITION BY k ORDER BY ts) < 2000 THEN 0 ELSE 1 END AS new FROM t))
            GROUP BY k, session`,
  OFFSET:
    'SELECT k, ts - (ts - 3000) % 10000 AS ws, ts - (ts - 3000) % 10000 + 10000 AS we, COUNT(*) AS c, SUM(v) AS s FROM t WHERE ts >= 3000 GROUP BY ALL UNION ALL SELECT k, -7000, 3000, COUNT(*), SUM(v) FROM t WHERE ts < 3000 GROUP BY ALL',
};

async function duckdb(rows: readonly Row[], sql: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t (k INTEGER, v INTEGER, ts BIGINT)');
  await connection.run(`INSERT INTO t VALUES ${rows.map((r) => `(${r.k}, ${r.v}, ${r.ts})`).join(', ')}`);
  const result = await connection.runAndReadAll(sql);
  const out = result
    .getRowObjectsJS()
    .map((r) => ['k', 'ws', 'we', 'c', 's'].map((c) => String(Number(r[c]))).join('|'));
  connection.closeSync();
  return out.sort();
}

describe('window aggregation over windowing table functions', () => {
  const rows = generated(7);
  for (const kind of Object.keys(TVFS) as (keyof typeof TVFS)[]) {
    test(`${kind}: out-of-order input gives the sorted input's result, DuckDB's, at parallelism 1 and 2`, async () => {
      const run = async (data: readonly Row[], parallelism: number) =>
        format(await windowAggregateTable(environment(data, parallelism), TVFS[kind]).execute().collect(), [
          'k',
          'ws',
          'we',
          'c',
          's',
        ]);
      const inOrder = await run(sorted(rows), 1);
      expect(inOrder.length).toBeGreaterThan(10);
      expect(await run(rows, 1)).toEqual(inOrder);
      expect(await run(rows, 2)).toEqual(inOrder);
      expect(inOrder).toEqual(await duckdb(rows, DUCKDB[kind]));
    }, 30_000);
  }

  for (const kind of ['HOP', 'SESSION'] as const) {
    test(`${kind}: a second GROUP BY on the window bounds is a window aggregate over windowed rows, as DuckDB computes it`, async () => {
      const run = async (data: readonly Row[], parallelism: number) => {
        const tEnv = environment(data, parallelism);
        const inner = windowAggregateTable(tEnv, TVFS[kind]).plan;
        const counts = project(
          inner,
          ['ws', 'we', 'c'].map((name) => ({
            name,
            rex: field(name, inner.columns.find((c) => c.name === name)!.type),
          })),
        );
        const outer = new Table(
          tEnv as never,
          aggregate(
            counts,
            ['ws', 'we'],
            [{ ...call('MAX', ['c'], 'm'), argTypes: [counts.columns[2]!.type] }],
          ),
        );
        expect(outer.explain().split('== Physical Plan ==')[1]).toMatch(
          /WindowAggregate\(window=\[\w+\(win_start=\[ws\], win_end=\[we\], .*select=\[MAX\(c\) AS m, start\('w\$\) AS ws, end\('w\$\) AS we\], changelogMode=\[I\]\)/,
        );
        return format(await outer.execute().collect(), ['ws', 'we', 'm']);
      };
      const inOrder = await run(sorted(rows), 1);
      expect(inOrder.length).toBeGreaterThan(5);
      expect(await run(rows, 2)).toEqual(inOrder);
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      await connection.run('CREATE TABLE t (k INTEGER, v INTEGER, ts BIGINT)');
      await connection.run(`INSERT INTO t VALUES ${rows.map((r) => `(${r.k}, ${r.v}, ${r.ts})`).join(', ')}`);
      const result = await connection.runAndReadAll(
        `SELECT ws, we, MAX(c) AS m FROM (${DUCKDB[kind]}) GROUP BY ws, we`,
      );
      const expected = result
        .getRowObjectsJS()
        .map((r) => ['ws', 'we', 'm'].map((c) => String(Number(r[c]))).join('|'));
      connection.closeSync();
      expect(inOrder).toEqual(expected.sort());
    }, 30_000);
  }

  test('an aggregate function without merge: HOP keeps one accumulator per window, SESSION refuses it', async () => {
    const tEnv = environment(sorted(generated(11, 120)));
    tEnv.createTemporarySystemFunction('plain_sum', {
      createAccumulator: () => ({ s: 0 }),
      accumulate(acc: { s: number }, v: number | null) {
        if (v !== null) acc.s += v;
      },
      getValue: (acc: { s: number }) => acc.s,
      resultType: 'INT',
    });
    const query = (fn: string, tvf: string) =>
      `SELECT k, ${fn}(v) AS s, window_start AS ws, window_end AS we FROM TABLE(${tvf}) GROUP BY k, window_start, window_end`;
    const viaUdf = await tEnv.executeSql(query('plain_sum', TVFS.HOP)).collect();
    expect(viaUdf.length).toBeGreaterThan(10);
    expect(format(viaUdf, ['k', 'ws', 'we', 's'])).toEqual(
      format(await tEnv.executeSql(query('SUM', TVFS.HOP)).collect(), ['k', 'ws', 'we', 's']),
    );
    expect(() => tEnv.explainSql(query('plain_sum', TVFS.SESSION))).toThrow(
      /in a SESSION window aggregate \(sessions merge, and \w+ cannot merge\) is not supported/,
    );
  }, 30_000);

  test('SESSION windows with PARTITION BY must be grouped by the partition key', () => {
    const tEnv = environment([]);
    const input = tEnv.sqlQuery(`SELECT v, window_start, window_end FROM TABLE(${TVFS.SESSION})`).plan;
    const plan = aggregate(input, ['window_start', 'window_end'], [call('COUNT', [], 'c')]);
    expect(() => new Table(tEnv as never, plan).explain()).toThrow(
      "a SESSION window aggregate must group by the window's PARTITION BY column k; add it to GROUP BY",
    );
  });

  test('the rule turns the aggregate into a WindowAggregate, printed as Flink prints it', () => {
    const tEnv = environment([]);
    const explain = windowAggregateTable(tEnv, TVFS.HOP).explain().split('== Physical Plan ==')[1]!;
    expect(explain).toContain(
      "WindowAggregate(groupBy=[k], window=[HOP(time_col=[rt], size=[10 s], slide=[4 s])], select=[k, COUNT(*) AS c, SUM(v) AS s, start('w$) AS ws, end('w$) AS we], changelogMode=[I])",
    );
    expect(explain).not.toContain('GroupAggregate');
    expect(explain).not.toContain('WindowTableFunction');
  });

  test('a key other than the window bounds on window_time, and no other keys, still makes a window aggregate', async () => {
    // A row without a time belongs to no window.
    const tEnv = environment([...sorted(generated(3, 100)), { k: 1, v: 1, ts: null }]);
    const input = tEnv.sqlQuery(
      `SELECT window_start, window_end, window_time, v FROM TABLE(${TVFS.TUMBLE})`,
    ).plan;
    const plan = aggregate(input, ['window_start', 'window_end', 'window_time'], [call('COUNT', [], 'c')]);
    const table = new Table(tEnv as never, plan);
    expect(table.explain()).toContain(
      "select=[COUNT(*) AS c, start('w$) AS window_start, end('w$) AS window_end, rowtime('w$) AS window_time]",
    );
    const result = await table.execute().collect();
    expect(result.reduce((n, r) => n + (r.c as number), 0)).toBe(100);
    for (const r of result) expect(r.window_time).toBe((r.window_end as number) - 1);
  });
});

describe('windowing table functions on their own', () => {
  const rows: Row[] = [
    { k: 1, v: 1, ts: 1000 },
    { k: 2, v: 2, ts: 3000 },
    { k: 1, v: 3, ts: 2500 },
    { k: 1, v: 4, ts: 12_000 },
  ];
  const windows = async (tvf: string) =>
    format(
      await environment(rows)
        .executeSql(`SELECT v, window_start, window_end, window_time FROM TABLE(${tvf})`)
        .collect(),
      ['v', 'window_start', 'window_end', 'window_time'],
    );

  test('TUMBLE gives each row its window; window_time is the end minus 1 ms', async () => {
    expect(await windows("TUMBLE(TABLE t, DESCRIPTOR(rt), INTERVAL '5' SECOND)")).toEqual(
      ['1|0|5000|4999', '2|0|5000|4999', '3|0|5000|4999', '4|10000|15000|14999'].sort(),
    );
  });

  test('HOP gives a row once per window containing it, also when the size is not a multiple of the slide', async () => {
    expect(await windows("HOP(TABLE t, DESCRIPTOR(rt), INTERVAL '2' SECOND, INTERVAL '3' SECOND)")).toEqual(
      [
        '1|0|3000|2999',
        '2|2000|5000|4999',
        '3|0|3000|2999',
        '3|2000|5000|4999',
        '4|10000|13000|12999',
        '4|12000|15000|14999',
      ].sort(),
    );
  });

  test('CUMULATE gives a row every growing window of its period that ends after it', async () => {
    expect(
      await windows("CUMULATE(TABLE t, DESCRIPTOR(rt), INTERVAL '2' SECOND, INTERVAL '6' SECOND)"),
    ).toEqual(
      [
        '1|0|2000|1999',
        '1|0|4000|3999',
        '1|0|6000|5999',
        '2|0|4000|3999',
        '2|0|6000|5999',
        '3|0|4000|3999',
        '3|0|6000|5999',
        '4|12000|14000|13999',
        '4|12000|16000|15999',
        '4|12000|18000|17999',
      ].sort(),
    );
  });

  test('SESSION merges the sessions of each partition key', async () => {
    expect(await windows("SESSION(TABLE t PARTITION BY k, DESCRIPTOR(rt), INTERVAL '2' SECOND)")).toEqual(
      ['1|1000|4500|4499', '3|1000|4500|4499', '2|3000|5000|4999', '4|12000|14000|13999'].sort(),
    );
  });

  test('the time column becomes a plain timestamp, and window_time the rowtime', () => {
    const schema = environment(rows)
      .sqlQuery("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(rt), INTERVAL '5' SECOND)) AS w")
      .getResolvedSchema();
    // As in Flink, the bounds are TIMESTAMP(3) (local times) over a TIMESTAMP_LTZ rowtime.
    expect(schema.slice(3)).toEqual([
      { name: 'rt', type: 'TIMESTAMP_LTZ(3)' },
      { name: 'window_start', type: 'TIMESTAMP(3) NOT NULL' },
      { name: 'window_end', type: 'TIMESTAMP(3) NOT NULL' },
      { name: 'window_time', type: 'TIMESTAMP_LTZ(3) *ROWTIME* NOT NULL' },
    ]);
  });

  test.each([
    [
      "TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' SECOND)",
      'DESCRIPTOR(ts) must name a time attribute column of the input',
    ],
    ["TUMBLE(TABLE t, DESCRIPTOR(nope), INTERVAL '5' SECOND)", 'DESCRIPTOR(nope) names no column of t'],
    ["TUMBLE(TABLE t, DESCRIPTOR(rt), INTERVAL '0' SECOND)", "TUMBLE's SIZE must be a positive interval"],
    ["TUMBLE(TABLE t, DESCRIPTOR(rt), INTERVAL '1' MONTH)", "TUMBLE's SIZE must be a day-time interval"],
    [
      "CUMULATE(TABLE t, DESCRIPTOR(rt), INTERVAL '4' SECOND, INTERVAL '6' SECOND)",
      'must be a whole multiple of its STEP',
    ],
    ['TUMBLE(TABLE t, DESCRIPTOR(rt))', 'TUMBLE is missing its SIZE argument'],
    ["TUMBLE(TABLE t, DESCRIPTOR(rt), GAP => INTERVAL '1' SECOND)", 'TUMBLE has no parameter GAP'],
    [
      "HOP(TABLE t PARTITION BY k, DESCRIPTOR(rt), INTERVAL '1' SECOND, INTERVAL '2' SECOND)",
      'PARTITION BY applies to SESSION',
    ],
    ["TUMBLE(SIZE => INTERVAL '1' SECOND, TABLE t)", 'a positional argument cannot follow a named one'],
  ])('%s is refused: %s', (tvf, message) => {
    expect(() => environment(rows).sqlQuery(`SELECT * FROM TABLE(${tvf})`)).toThrow(
      new RegExp(`^SQL error at line 1, column \\d+: .*${message.replace(/[()'.*]/g, '\\$&')}`),
    );
  });
});
