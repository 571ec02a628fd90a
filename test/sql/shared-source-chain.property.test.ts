/**
 * The shared source chain (one operator for a read chain several consumers read) against one
 * fused chain per consumer, as translation built them before: for random sets of consumers of
 * one reused view, random rows (nulls included), watermark intervals, idle timeouts, and
 * processing time and upstream watermarks interleaved at random, every consumer gets the same
 * rows with the same timestamps, and the same watermarks and idle/active changes in the same
 * order, while the shared part (lower Calc, rowtime, watermark) runs once per row, not once per
 * consumer. A job-level test checks that translation builds one assigner for a reused view and
 * that the job's rows are those of the unshared translation.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import type { Transformation } from '../../src/graph/transformation.js';
import type { OperatorSetup, Output } from '../../src/runtime/operator.js';
import { OneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { ConnectorRegistry } from '../../src/sql/connectors/registry.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { explainPhysical } from '../../src/sql/planner/explain.js';
import { fusedSourceChain, sharedSourceChain } from '../../src/sql/planner/fused-source-chain.js';
import type { PhysicalNode } from '../../src/sql/planner/physical.js';
import { planLogical } from '../../src/sql/planner/planner.js';
import { translateQuery, translateResult } from '../../src/sql/planner/translate.js';
import {
  FusedSourceChain,
  type FusedSourceChainSpec,
  SharedSourceChain,
  type SqlWatermarkAssigner,
} from '../../src/sql/runtime/watermark-assigner.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { MAX_WATERMARK } from '../../src/types/elements.js';
import { OutputTag } from '../../src/types/functions.js';

const DDL = [
  // As Nexmark's datagen table: the rowtime is a computed column, so the chain has a lower Calc.
  `CREATE TABLE src (
     event_type INT,
     b ROW<price BIGINT, ts TIMESTAMP(3)>,
     t0 TIMESTAMP(3),
     \`dateTime\` AS CASE WHEN event_type = 0 THEN t0 ELSE b.ts END,
     WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '1' SECOND
   ) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'json')`,
  // No lower Calc: the assigner reads the scan's rows.
  `CREATE TABLE plain (
     event_type INT,
     b ROW<price BIGINT, ts TIMESTAMP(3)>,
     t0 TIMESTAMP(3),
     WATERMARK FOR t0 AS t0 - INTERVAL '2' SECOND
   ) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'json')`,
  // Not the rowtime less a constant as written: the watermark expression is evaluated per row.
  `CREATE TABLE general (
     event_type INT,
     b ROW<price BIGINT, ts TIMESTAMP(3)>,
     t0 TIMESTAMP(3),
     WATERMARK FOR t0 AS t0 - INTERVAL '2' SECOND + INTERVAL '1' SECOND
   ) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'json')`,
];

/**
 * Consumers of one table's read chain, each a SELECT over `{t}` with the rowtime kept. All read
 * the same columns: reads of different columns are narrowed below the assigner by scan sharing,
 * so they share the scan only (and each has its own chain).
 */
const CONSUMERS = [
  'SELECT b.price AS x, event_type AS y, {ts} AS ts FROM {t} WHERE event_type = 2',
  'SELECT b.price * 2 AS x, event_type AS y, {ts} AS ts FROM {t} WHERE b.price > 3',
  'SELECT CAST(event_type AS BIGINT) AS x, event_type + 1 AS y, {ts} AS ts FROM {t} WHERE b.price IS NOT NULL OR TRUE',
  'SELECT b.price + event_type AS x, event_type AS y, {ts} AS ts FROM {t} WHERE event_type <> 1 OR b.price IS NULL',
];
const TABLES = [
  { t: 'src', ts: '`dateTime`' },
  { t: 'plain', ts: 't0' },
  { t: 'general', ts: 't0' },
];

function physicalPlan(sql: string): PhysicalNode {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  for (const statement of DDL) tEnv.executeSql(statement);
  return planLogical(tEnv.sqlQuery(sql).plan, new ConnectorRegistry()).physical;
}

/** The union's inputs: the consumers of the one reused read chain. */
function consumersOf(sql: string): readonly PhysicalNode[] {
  const plan = physicalPlan(sql);
  if (plan.kind !== 'union') throw new Error(`expected a union, got ${plan.kind}`);
  return plan.inputs;
}

type Op = { t: 'row'; row: Row } | { t: 'time'; advance: number } | { t: 'max' };

const timestamp = fc.oneof(fc.integer({ min: 0, max: 20_000 }), fc.constant(null));
const rawRow: fc.Arbitrary<Row> = fc.record({
  event_type: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constant(null)),
  b: fc.oneof(
    fc.record({ price: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(null)), ts: timestamp }),
    fc.constant(null),
  ),
  t0: timestamp,
});
const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: rawRow.map((row) => ({ t: 'row' as const, row })) },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 1, max: 700 }).map((advance) => ({ t: 'time' as const, advance })),
    },
    { weight: 1, arbitrary: fc.constant({ t: 'max' as const }) },
  ),
  { maxLength: 60 },
);

/**
 * Records what each consumer of the operator receives, as the runtime wires it: the main
 * output's rows to consumer 0, a side output's to the consumer of that tag (chained outputs
 * filter by tag), and every watermark and status change to all of them.
 */
function consumerTraces(tags: readonly (OutputTag<Row> | undefined)[]): {
  readonly output: Output<Row>;
  readonly traces: unknown[][];
} {
  const traces: unknown[][] = tags.map(() => []);
  const indexOf = (tag: OutputTag<unknown> | undefined) => tags.findIndex((t) => t?.id === tag?.id);
  return {
    traces,
    output: {
      collect: (row, ts) => traces[indexOf(undefined)]!.push({ row, ts }),
      collectSide: (tag, row, ts) => traces[indexOf(tag)]!.push({ row, ts }),
      emitWatermark: (w) => {
        for (const t of traces) t.push(`w${w}`);
      },
      emitWatermarkStatus: (idle) => {
        for (const t of traces) t.push(idle ? 'idle' : 'active');
      },
    },
  };
}

/** Runs `operator` over `input`, its output replaced by `output` and its interval set. */
function run(operator: SqlWatermarkAssigner, input: readonly Op[], intervalMs: number, output?: Output<Row>) {
  const setup = operator.setup.bind(operator);
  operator.setup = (s: OperatorSetup<Row>) =>
    setup({ ...s, autoWatermarkInterval: intervalMs, ...(output === undefined ? {} : { output }) });
  const h = new OneInputStreamOperatorTestHarness<Row, Row>(operator);
  let now = 0;
  for (const op of input) {
    if (op.t === 'row') h.processElement(op.row);
    else if (op.t === 'time') h.setProcessingTime((now += op.advance));
    else h.processWatermark(MAX_WATERMARK);
  }
  return h
    .getOutput()
    .map((e) =>
      'value' in e
        ? { row: e.value, ts: e.timestamp }
        : 'watermark' in e
          ? `w${e.watermark}`
          : e.idle
            ? 'idle'
            : 'active',
    );
}

/** `spec` with its shared part counted: calls of prepare, rowtime and watermark. */
function counted(spec: Omit<FusedSourceChainSpec, 'finish'>) {
  const calls = { prepare: 0, rowtime: 0, watermark: 0 };
  const count =
    <A, R>(name: keyof typeof calls, fn: (a: A) => R) =>
    (a: A): R => {
      calls[name]++;
      return fn(a);
    };
  const { prepare, rowtimeOf, watermarkOf, watermarkOfRowtime } = spec;
  return {
    calls,
    spec: {
      ...spec,
      ...(prepare === undefined ? {} : { prepare: count('prepare', prepare) }),
      rowtimeOf: count('rowtime', rowtimeOf),
      watermarkOf: count('watermark', watermarkOf),
      ...(watermarkOfRowtime === undefined
        ? {}
        : { watermarkOfRowtime: count('watermark', watermarkOfRowtime) }),
    },
  };
}

describe('shared source chain', () => {
  const consumerSets = fc.record({
    table: fc.constantFrom(...TABLES),
    picks: fc.uniqueArray(fc.integer({ min: 0, max: CONSUMERS.length - 1 }), { minLength: 2, maxLength: 4 }),
  });

  test('each consumer gets the rows and watermarks of its own fused chain; the shared part runs once per row', () => {
    fc.assert(
      fc.property(
        consumerSets,
        ops,
        fc.constantFrom(0, 0, 100, 250),
        fc.constantFrom(0, 0, 300, 1000),
        ({ table, picks }, generated, intervalMs, idleTimeoutMs) => {
          const sql = picks
            .map((i) => CONSUMERS[i]!.replaceAll('{t}', table.t).replaceAll('{ts}', table.ts))
            .join(' UNION ALL ');
          const consumers = consumersOf(sql);
          // The consumers read one chain (sub-plan reuse shares it).
          const assigners = new Set(
            consumers.map((c) => explainPhysical((c as { input: PhysicalNode }).input)),
          );
          expect(assigners.size).toBe(1);
          const chains = consumers.map((c) => sharedSourceChain(c, idleTimeoutMs)!);
          const input = chains[0]!.input;
          // The source emits only the columns the chain's input has (projection push-down).
          const names = input.columns.map((c) => c.name);
          const rows = generated.map((op) =>
            op.t === 'row'
              ? { t: 'row' as const, row: Object.fromEntries(names.map((n) => [n, op.row[n]])) }
              : op,
          );

          const expected = consumers.map((c) => {
            const fused = fusedSourceChain(c, idleTimeoutMs)!;
            expect(explainPhysical(fused.input)).toBe(explainPhysical(input));
            return run(new FusedSourceChain(fused.spec), rows, intervalMs);
          });
          const tags = chains.map((_, i) => (i === 0 ? undefined : new OutputTag<Row>(`consumer-${i}`)));
          const { output, traces } = consumerTraces(tags);
          const { spec, calls } = counted(chains[0]!.spec);
          const outputs = chains.map((c, i) => ({
            ...c.output,
            ...(tags[i] === undefined ? {} : { tag: tags[i] }),
          }));
          run(new SharedSourceChain(spec, outputs), rows, intervalMs, output);
          expect(traces).toEqual(expected);

          // Once per row: every row is prepared once, every prepared row stamped and watermarked once.
          const inputRows = rows.filter((op) => op.t === 'row').length;
          const prepared =
            spec.prepare === undefined
              ? inputRows
              : rows.filter((op) => op.t === 'row' && chains[0]!.spec.prepare!(op.row) !== undefined).length;
          expect(calls.prepare).toBe(spec.prepare === undefined ? 0 : inputRows);
          expect(calls.rowtime).toBe(prepared);
          // A watermark of the rowtime less a constant is the largest rowtime's, not computed per row.
          expect(calls.watermark).toBe(spec.rowtimeLag === undefined ? prepared : 0);
        },
      ),
      { numRuns: 120 },
    );
  });

  test('the assigner itself can be a consumer: it gets the lower Calc rows and the watermarks', () => {
    const [calc] = consumersOf(
      `${CONSUMERS[0]!.replaceAll('{t}', 'src').replaceAll('{ts}', '`dateTime`')} UNION ALL ${CONSUMERS[2]!.replaceAll('{t}', 'src').replaceAll('{ts}', '`dateTime`')}`,
    );
    const assigner = (calc as { input: PhysicalNode }).input;
    const shared = sharedSourceChain(assigner, 0)!;
    const fused = fusedSourceChain(assigner, 0)!;
    fc.assert(
      fc.property(ops, (generated) => {
        const names = shared.input.columns.map((c) => c.name);
        const rows = generated.map((op) =>
          op.t === 'row'
            ? { t: 'row' as const, row: Object.fromEntries(names.map((n) => [n, op.row[n]])) }
            : op,
        );
        const { output, traces } = consumerTraces([undefined]);
        run(new SharedSourceChain(shared.spec, [shared.output]), rows, 0, output);
        expect(traces[0]).toEqual(run(new FusedSourceChain(fused.spec), rows, 0));
      }),
      { numRuns: 60 },
    );
  });
});

describe('translation of a reused read chain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shared-chain-'));
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const second = String(Math.floor(i / 3) % 60).padStart(2, '0');
    const minute = String(Math.floor(i / 180)).padStart(2, '0');
    lines.push(
      JSON.stringify({
        kind: i % 4,
        price: (i * 37) % 23,
        ts: `2024-01-01 00:${minute}:${second}.${String(i % 1000).padStart(3, '0')}`,
      }),
    );
  }
  writeFileSync(join(dir, 'rows.json'), `${lines.join('\n')}\n`);
  const sql = `SELECT B.price, B.ts FROM bids B JOIN (
      SELECT MAX(price) AS maxprice, window_end AS wend
      FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      GROUP BY window_start, window_end) W
    ON B.price = W.maxprice
    WHERE B.ts BETWEEN W.wend - INTERVAL '10' SECOND AND W.wend`;

  function translated(share: boolean) {
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    const tEnv = TableEnvironment.create(env);
    tEnv.executeSql(`CREATE TABLE t (kind INT, price BIGINT, ts TIMESTAMP(3),
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`);
    tEnv.executeSql('CREATE VIEW bids AS SELECT price, ts FROM t WHERE kind <> 1');
    const registry = new ConnectorRegistry();
    const physical = planLogical(tEnv.sqlQuery(sql).plan, registry).physical;
    // translateQuery alone counts no consumers: one fused chain per consumer, as before.
    const ctx = { env, registry };
    return share ? translateResult(physical, ctx) : translateQuery(physical, ctx);
  }

  function assigners(stream: { transformation: Transformation }): number {
    const seen = new Set<Transformation>();
    const visit = (t: Transformation): void => {
      if (seen.has(t)) return;
      seen.add(t);
      t.inputs.forEach(visit);
    };
    visit(stream.transformation);
    return [...seen].filter((t) => t.name === 'WatermarkAssigner').length;
  }

  test('one assigner operator serves both reads of the view, and the job gives the same rows', async () => {
    const shared = translated(true);
    const separate = translated(false);
    expect(assigners(shared)).toBe(1);
    expect(assigners(separate)).toBe(2);
    const sort = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();
    const [a, b] = await Promise.all([shared.executeAndCollect(), separate.executeAndCollect()]);
    expect(a.length).toBeGreaterThan(0);
    expect(sort(a)).toEqual(sort(b));
  });
});

describe('a statement set reading one view in two INSERTs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shared-chain-set-'));
  writeFileSync(
    join(dir, 'rows.json'),
    `${Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({
        kind: i % 3,
        price: (i * 11) % 7,
        ts: `2024-01-01 00:00:${String(i).padStart(2, '0')}.000`,
      }),
    ).join('\n')}\n`,
  );

  /** The printed rows of the INSERTs, run as one statement set or one job each. */
  async function printed(together: boolean): Promise<string[]> {
    const lines: string[] = [];
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1), {
      printTarget: { write: (text: string) => lines.push(...text.split('\n').filter((l) => l !== '')) },
    });
    tEnv.executeSql(`CREATE TABLE t (kind INT, price BIGINT, ts TIMESTAMP(3),
        WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
      WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`);
    tEnv.executeSql('CREATE VIEW v AS SELECT price, ts FROM t WHERE kind <> 1');
    tEnv.executeSql(
      "CREATE TABLE big (price BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'print', 'print-identifier' = 'big')",
    );
    tEnv.executeSql(
      "CREATE TABLE wins (m BIGINT, wend TIMESTAMP(3)) WITH ('connector' = 'print', 'print-identifier' = 'wins')",
    );
    const inserts = [
      'INSERT INTO big SELECT price, ts FROM v WHERE price > 2',
      `INSERT INTO wins SELECT MAX(price), window_end FROM TABLE(TUMBLE(TABLE v, DESCRIPTOR(ts), INTERVAL '10' SECOND))
         GROUP BY window_start, window_end`,
    ];
    if (together) {
      const set = tEnv.createStatementSet();
      for (const sql of inserts) set.addInsertSql(sql);
      await set.execute().await();
    } else for (const sql of inserts) await tEnv.executeSql(sql).await();
    return lines.sort();
  }

  test('the INSERTs sharing one read chain print the rows of their separate jobs', async () => {
    const [together, apart] = await Promise.all([printed(true), printed(false)]);
    expect(together.some((l) => l.startsWith('wins'))).toBe(true);
    expect(together.some((l) => l.startsWith('big'))).toBe(true);
    expect(together).toEqual(apart);
  });
});
