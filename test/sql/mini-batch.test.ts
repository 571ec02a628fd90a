/**
 * Mini-batch and two-phase group aggregation (`table.exec.mini-batch.*`,
 * `table.optimizer.agg-phase-strategy`): final tables agree with DuckDB and with the per-row
 * aggregate over insert-only and retracting input at parallelism 1 and 2, bundles closed by
 * size and by end of input; the exact changelog of a small case; EXPLAIN's plan nodes; the
 * fallbacks to one phase; configuration errors; and `table.exec.state.ttl` expiring an idle
 * group.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { canonical, createDuckdbTable, duckdbConnection } from './duckdb-tables.js';
import { type ChangelogRow, StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { GroupAggregateFunction } from '../../src/sql/aggregates/group-aggregate-function.js';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../src/sql/aggregates/builtins.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { MiniBatchGroupAggregateOperator } from '../../src/sql/runtime/aggregate/mini-batch-group-aggregate.js';
import { bundleKey } from '../../src/sql/runtime/aggregate/mini-batch.js';
import { canonicalKey } from '../../src/state/key-groups.js';
import { generateKxsRows, kxsChangelog } from './generated-rows.js';

const COLUMNS = { k: 'INT', x: 'INT', s: 'STRING' };

const QUERIES: Record<string, { sql: string; duckdb?: string; columns: string[] }> = {
  perKey: {
    sql: 'SELECT k, COUNT(*) AS c, COUNT(x) AS cx, SUM(x) AS sx, MIN(x) AS lo, MAX(s) AS hi, AVG(x) AS av FROM t GROUP BY k',
    duckdb:
      'SELECT k, COUNT(*) AS c, COUNT(x) AS cx, SUM(x) AS sx, MIN(x) AS lo, MAX(s) AS hi, CAST(TRUNC(AVG(x)) AS INTEGER) AS av FROM t GROUP BY k',
    columns: ['k', 'c', 'cx', 'sx', 'lo', 'hi', 'av'],
  },
  distinctAndFilter: {
    sql: "SELECT k, COUNT(DISTINCT s) AS ds, SUM(DISTINCT x) AS dx, COUNT(*) FILTER (WHERE x > 0) AS pos, MAX(x) FILTER (WHERE s = 'cat') AS mc FROM t GROUP BY k",
    columns: ['k', 'ds', 'dx', 'pos', 'mc'],
  },
  global: {
    sql: 'SELECT COUNT(*) AS c, SUM(x) AS sx, MIN(s) AS lo, COUNT(DISTINCT k) AS dk FROM t',
    columns: ['c', 'sx', 'lo', 'dk'],
  },
  selectDistinct: { sql: 'SELECT DISTINCT k, s FROM t', columns: ['k', 's'] },
  aggregateOfAggregate: {
    sql: 'SELECT cnt, COUNT(*) AS groups, MIN(total) AS lo, MAX(total) AS hi FROM (SELECT k, COUNT(*) AS cnt, SUM(x) AS total FROM t GROUP BY k) GROUP BY cnt',
    columns: ['cnt', 'groups', 'lo', 'hi'],
  },
};

/** Session settings under test: bundles of 7 rows, so a run has many of them. */
const MODES: Record<string, string[]> = {
  'one phase': [
    "SET 'table.exec.mini-batch.enabled' = 'true'",
    "SET 'table.exec.mini-batch.allow-latency' = '1 h'",
    "SET 'table.exec.mini-batch.size' = '7'",
    "SET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE'",
  ],
  'two phase': [
    "SET 'table.exec.mini-batch.enabled' = 'true'",
    "SET 'table.exec.mini-batch.allow-latency' = '1 h'",
    "SET 'table.exec.mini-batch.size' = '7'",
    // AUTO would keep the DISTINCT queries in one phase.
    "SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE'",
  ],
};

function tableEnv(parallelism: number, mode: string, backend = 'heap'): TableEnvironment {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(parallelism));
  for (const statement of MODES[mode]!) tEnv.executeSql(statement);
  tEnv.executeSql(`SET 'state.backend.type' = '${backend}'`);
  return tEnv;
}

async function rows(tEnv: TableEnvironment, sql: string, columns: string[]): Promise<string[]> {
  return (await tEnv.executeSql(sql).collect()).map((row) => canonical(row, columns)).sort();
}

describe('mini-batch GROUP BY agrees with DuckDB', async () => {
  const data = generateKxsRows(400, 7);
  const duck = await duckdbConnection();
  await createDuckdbTable(duck, 't', { k: 'INTEGER', x: 'INTEGER', s: 'VARCHAR' }, data);
  const { changes, live } = kxsChangelog(500, 21);
  const liveDuck = await duckdbConnection();
  await createDuckdbTable(liveDuck, 't', { k: 'INTEGER', x: 'INTEGER', s: 'VARCHAR' }, live);

  for (const mode of Object.keys(MODES))
    test.each([1, 2])(`${mode}, insert-only input, parallelism %i`, async (parallelism) => {
      const tEnv = tableEnv(parallelism, mode);
      tEnv.createTemporaryView('t', tEnv.getExecutionEnvironment().fromCollection(data), COLUMNS);
      for (const [name, q] of Object.entries(QUERIES)) {
        const reader = await duck.runAndReadAll(q.duckdb ?? q.sql);
        const expected = (reader.getRowObjectsJS() as Row[]).map((row) => canonical(row, q.columns)).sort();
        const engine = await rows(tEnv, q.sql, q.columns);
        expect(engine.length, name).toBeGreaterThan(0);
        expect(engine, name).toEqual(expected);
      }
    });

  for (const [mode, parallelism, backend] of [
    ['one phase', 1, 'heap'],
    ['two phase', 2, 'heap'],
    ['two phase', 2, 'disk'],
  ] as const)
    test(`${mode}, retracting input, parallelism ${parallelism}, ${backend} backend`, async () => {
      const tEnv = tableEnv(parallelism, mode, backend);
      const env = tEnv.getExecutionEnvironment();
      tEnv.createTemporaryView('t', tEnv.fromChangelogStream(env.fromCollection(changes), COLUMNS));
      for (const name of ['perKey', 'distinctAndFilter', 'global', 'aggregateOfAggregate']) {
        const q = QUERIES[name]!;
        const reader = await liveDuck.runAndReadAll(q.duckdb ?? q.sql);
        const expected = (reader.getRowObjectsJS() as Row[]).map((row) => canonical(row, q.columns)).sort();
        expect(await rows(tEnv, q.sql, q.columns), name).toEqual(expected);
      }
    });
});

describe('mini-batch plans', () => {
  const explain = (mode: string, sql: string, retract = false) => {
    const tEnv = tableEnv(1, mode);
    const env = tEnv.getExecutionEnvironment();
    const stream = env.fromCollection(generateKxsRows(5, 1));
    tEnv.createTemporaryView(
      't',
      retract
        ? tEnv.fromChangelogStream(
            stream.map((row): ChangelogRow => ({ kind: '+I', row: row as unknown as Row })),
            COLUMNS,
          )
        : stream,
      retract ? undefined : COLUMNS,
    );
    return tEnv.explainSql(sql);
  };

  test('two phase: a local aggregate under a global one, above the mini-batch assigner', () => {
    const plan = explain('two phase', 'SELECT k, COUNT(DISTINCT s) AS ds, SUM(x) AS sx FROM t GROUP BY k');
    const physical = plan.slice(plan.indexOf('== Physical Plan =='));
    expect(physical).toContain(
      'GlobalGroupAggregate(groupBy=[k], select=[k, COUNT(DISTINCT s) AS ds, SUM(x) AS sx], changelogMode=[I,UB,UA])',
    );
    expect(physical).toMatch(/\+- LocalGroupAggregate\(groupBy=\[k\], .*changelogMode=\[I\]\)/);
    expect(physical).toMatch(/\+- MiniBatchAssigner\(interval=\[3600000ms\], mode=\[ProcTime\]/);
  });

  test('an aggregate below a projection or a sink is planned with mini-batch too', () => {
    const plan = explain(
      'two phase',
      'SELECT k, c + 1 AS c1 FROM (SELECT k, COUNT(*) AS c FROM t GROUP BY k) WHERE c > 1',
    );
    expect(plan.slice(plan.indexOf('== Physical Plan =='))).toContain('LocalGroupAggregate');
  });

  test('one phase when asked, and over a retracting input', () => {
    for (const plan of [
      explain('one phase', 'SELECT k, COUNT(*) AS c FROM t GROUP BY k'),
      explain('two phase', 'SELECT k, COUNT(*) AS c FROM t GROUP BY k', true),
    ]) {
      const physical = plan.slice(plan.indexOf('== Physical Plan =='));
      expect(physical).toContain('GroupAggregate(groupBy=[k], select=[k, COUNT(*) AS c]');
      expect(physical).not.toContain('LocalGroupAggregate');
      expect(physical).toContain('MiniBatchAssigner');
    }
  });

  test('without mini-batch the plan has neither assigner nor phases', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    tEnv.executeSql("SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE'");
    tEnv.createTemporaryView(
      't',
      tEnv.getExecutionEnvironment().fromCollection(generateKxsRows(5, 1)),
      COLUMNS,
    );
    const plan = tEnv.explainSql('SELECT k, COUNT(*) AS c FROM t GROUP BY k');
    expect(plan).not.toMatch(/MiniBatchAssigner|LocalGroupAggregate/);
  });
});

describe('mini-batch changelog', () => {
  test('one bundle closed by end of input: one change per group', async () => {
    const tEnv = tableEnv(1, 'one phase');
    tEnv.executeSql("SET 'table.exec.mini-batch.size' = '1000'");
    const env = tEnv.getExecutionEnvironment();
    const changes: ChangelogRow[] = [
      { kind: '+I', row: { k: 1, x: 10, s: 'a' } },
      { kind: '+I', row: { k: 2, x: 5, s: 'b' } },
      { kind: '+I', row: { k: 1, x: 7, s: 'c' } },
      { kind: '-D', row: { k: 2, x: 5, s: 'b' } },
      { kind: '+I', row: { k: 3, x: 1, s: 'd' } },
    ];
    tEnv.createTemporaryView('t', tEnv.fromChangelogStream(env.fromCollection(changes), COLUMNS));
    const out = (
      await tEnv.executeSql('SELECT k, COUNT(*) AS c, SUM(x) AS sx FROM t GROUP BY k').collectChanges()
    ).map((c) => `${c.kind}[${c.row.k}, ${c.row.c}, ${c.row.sx}]`);
    // Group 2 appears and leaves within the bundle, so it never shows.
    expect(out).toEqual(['+I[1, 2, 17]', '+I[3, 1, 1]']);
  });
});

describe('mini-batch configuration', () => {
  test('mini-batch without allow-latency or size is refused when planned, naming both keys', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    tEnv.createTemporaryView(
      't',
      tEnv.getExecutionEnvironment().fromCollection(generateKxsRows(5, 1)),
      COLUMNS,
    );
    tEnv.executeSql("SET 'table.exec.mini-batch.enabled' = 'true'");
    expect(() => tEnv.explainSql('SELECT k, COUNT(*) AS c FROM t GROUP BY k')).toThrow(
      /'table.exec.mini-batch.allow-latency' > 0 and 'table.exec.mini-batch.size'/,
    );
    tEnv.executeSql("SET 'table.exec.mini-batch.allow-latency' = '0 ms'");
    tEnv.executeSql("SET 'table.exec.mini-batch.size' = '100'");
    expect(() => tEnv.explainSql('SELECT k, COUNT(*) AS c FROM t GROUP BY k')).toThrow(/allow-latency/);
  });

  test('bad values are refused with the accepted form', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    expect(() => tEnv.executeSql("SET 'table.exec.mini-batch.size' = '0'")).toThrow(/whole number >= 1/);
    expect(() => tEnv.executeSql("SET 'table.optimizer.agg-phase-strategy' = 'THREE'")).toThrow(
      /'auto' or 'one_phase' or 'two_phase'/,
    );
    expect(() => tEnv.executeSql("SET 'table.exec.mini-batch.allow-latency' = 'soon'")).toThrow(/duration/);
    tEnv.executeSql("SET 'table.optimizer.distinct-agg.split.enabled' = 'true'");
    tEnv.executeSql("SET 'table.optimizer.distinct-agg.split.bucket-num' = '1024'");
  });
});

const call = (fn: string, args: string[], name: string): BoundAggregateCall => ({
  fn,
  args,
  argTypes: args.map(() => Types.INT),
  distinct: false,
  name,
  type: Types.BIGINT,
  definition: BUILTIN_AGGREGATES.get(fn)!,
});

describe('the mini-batch operator', () => {
  const spec = (stateTtlMs?: number) => ({
    groupKeys: ['k'],
    calls: [call('COUNT', [], 'c'), call('SUM', ['x'], 'sx')],
    changelogInput: false,
    insertOnlyOutput: false,
    ...(stateTtlMs === undefined ? {} : { stateTtlMs }),
  });
  const harness = (size: number, latencyMs: number, stateTtlMs?: number) => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, ChangelogRow, unknown>(
      new MiniBatchGroupAggregateOperator(spec(stateTtlMs), { latencyMs, size }) as never,
      (row) => row.k,
    );
    h.open();
    return h;
  };
  const text = (out: ChangelogRow[]) => out.map((c) => `${c.kind}[${c.row.k}, ${c.row.c}, ${c.row.sx}]`);

  test('a bundle closes when allow-latency has passed, on a watermark and at the size bound', () => {
    const h = harness(3, 100);
    h.processElement({ k: 1, x: 1 });
    h.processElement({ k: 1, x: 2 });
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(100);
    expect(text(h.extractOutputValues())).toEqual(['+I[1, 2, 3]']);
    h.clearOutput();
    h.processElement({ k: 1, x: 4 });
    h.processWatermark(5);
    expect(text(h.extractOutputValues())).toEqual(['-U[1, 2, 3]', '+U[1, 3, 7]']);
    h.clearOutput();
    h.processElement({ k: 2, x: 1 });
    h.processElement({ k: 1, x: 1 });
    expect(h.extractOutputValues()).toEqual([]);
    h.processElement({ k: 2, x: 1 });
    expect(text(h.extractOutputValues())).toEqual(['+I[2, 2, 2]', '-U[1, 3, 7]', '+U[1, 4, 8]']);
  });

  test('a checkpoint barrier empties the bundle before state is taken', () => {
    const h = harness(100, 10_000);
    h.processElement({ k: 1, x: 1 });
    (h as unknown as { operator: MiniBatchGroupAggregateOperator }).operator.prepareSnapshotPreBarrier(1);
    expect(text(h.extractOutputValues())).toEqual(['+I[1, 1, 1]']);
    expect(h.numKeyedStateEntries()).toBe(1);
  });

  test('table.exec.state.ttl: a group idle longer than the TTL starts afresh', () => {
    const h = harness(1, 10, 1000);
    h.processElement({ k: 1, x: 5 });
    h.setProcessingTime(999);
    h.processElement({ k: 1, x: 1 }); // written at 999: lives until 1999
    h.setProcessingTime(2000);
    h.processElement({ k: 1, x: 2 });
    expect(text(h.extractOutputValues())).toEqual([
      '+I[1, 1, 5]',
      '-U[1, 1, 5]',
      '+U[1, 2, 6]',
      '+I[1, 1, 2]',
    ]);
  });

  test('table.exec.state.ttl without mini-batch: the per-row aggregate expires idle groups too', () => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, ChangelogRow, unknown>(
      new ProcessOperator(new GroupAggregateFunction(spec(1000)) as never, true),
      (row) => row.k,
    );
    h.open();
    h.processElement({ k: 1, x: 5 });
    h.setProcessingTime(1000);
    h.processElement({ k: 1, x: 2 });
    expect(text(h.extractOutputValues())).toEqual(['+I[1, 1, 5]', '+I[1, 1, 2]']);
  });

  test('an update that changes no value is skipped, unless table.exec.state.ttl is set (as Flink)', () => {
    // SUM alone: a row of 0 leaves the result as it was.
    const sumOnly = (stateTtlMs?: number) => ({ ...spec(stateTtlMs), calls: [call('SUM', ['x'], 'sx')] });
    const runs = (stateTtlMs?: number) => {
      const perRow = new KeyedOneInputStreamOperatorTestHarness<Row, ChangelogRow, unknown>(
        new ProcessOperator(new GroupAggregateFunction(sumOnly(stateTtlMs)) as never, true),
        (row) => row.k,
      );
      const miniBatch = new KeyedOneInputStreamOperatorTestHarness<Row, ChangelogRow, unknown>(
        new MiniBatchGroupAggregateOperator(sumOnly(stateTtlMs), { latencyMs: 100, size: 1 }) as never,
        (row) => row.k,
      );
      return [perRow, miniBatch].map((h) => {
        h.open();
        h.processElement({ k: 1, x: 5 });
        h.processElement({ k: 1, x: 0 });
        return h.extractOutputValues().map((c) => `${c.kind}[${c.row.k}, ${c.row.sx}]`);
      });
    };
    expect(runs()).toEqual([['+I[1, 5]'], ['+I[1, 5]']]);
    const kept = ['+I[1, 5]', '-U[1, 5]', '+U[1, 5]'];
    expect(runs(60_000)).toEqual([kept, kept]);
  });

  test('property: any bundle size gives the per-row final result of every group', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.integer({ min: 0, max: 4 }), x: fc.integer({ min: -5, max: 5 }) }), {
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 20 }),
        (input, size) => {
          const h = harness(size, 1_000_000);
          for (const row of input) h.processElement(row);
          void h.endInput();
          const final = new Map<unknown, Row>();
          for (const c of h.extractOutputValues()) {
            if (c.kind === '-U' || c.kind === '-D') {
              expect(final.get(c.row.k)).toEqual(c.row);
              final.delete(c.row.k);
            } else {
              expect(final.has(c.row.k)).toBe(false);
              final.set(c.row.k, c.row);
            }
          }
          const expected = new Map<unknown, Row>();
          for (const row of input) {
            const old = expected.get(row.k);
            expected.set(row.k, {
              k: row.k,
              c: Number(old?.c ?? 0) + 1,
              sx: Number(old?.sx ?? 0) + Number(row.x),
            });
          }
          expect(
            new Map([...final].map(([k, r]) => [k, { k: r.k, c: Number(r.c), sx: Number(r.sx) }])),
          ).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('bundle keys', () => {
  test('property: two group keys share a bundle entry exactly when their canonical keys are equal', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.constantFrom('s1:a', 'n1;', 'z', 't', ''),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(0, -0, 1.5, Number.NaN),
      fc.boolean(),
      fc.constant(null),
      fc.bigInt({ min: -2n, max: 2n }),
    );
    const key = fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 }));
    fc.assert(
      fc.property(key, key, (a, b) => {
        const same = Object.is(canonicalKey(a), canonicalKey(b)) || canonicalKey(a) === canonicalKey(b);
        const bundled = new Map([[bundleKey(a), 1]]).has(bundleKey(b));
        expect(bundled).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });
});
