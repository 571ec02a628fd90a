/**
 * The fused source chain (Calc → WatermarkAssigner → Calc as one operator) against the chain it
 * replaces: for random rows (nulls included), random watermark intervals and idle timeouts, and
 * processing time and upstream watermarks interleaved at random, both emit the same rows with
 * the same timestamps, and the same watermarks and idle/active changes in the same order. The
 * chains are planned from SQL, so the compiled expressions are those a job runs; the upper
 * Calc filters rows out, and those rows must still raise the watermark.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import type { OperatorSetup } from '../../src/runtime/operator.js';
import { OneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { OutputElement } from '../../src/runtime/testing/output-collector.js';
import { ConnectorRegistry } from '../../src/sql/connectors/registry.js';
import {
  type CalcFunction,
  compileCalc,
  compileExpression,
  type Row,
} from '../../src/sql/expressions/compiler.js';
import { fusedSourceChain } from '../../src/sql/planner/fused-source-chain.js';
import type { PhysicalNode } from '../../src/sql/planner/physical.js';
import { planLogical } from '../../src/sql/planner/planner.js';
import {
  FusedSourceChain,
  SqlWatermarkAssigner,
  type WatermarkAssignerSpec,
} from '../../src/sql/runtime/watermark-assigner.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { MAX_WATERMARK } from '../../src/types/elements.js';

const DDL = [
  // As Nexmark's datagen table: the rowtime is a computed column.
  `CREATE TABLE src (
     event_type INT,
     b ROW<price BIGINT, ts TIMESTAMP(3)>,
     t0 TIMESTAMP(3),
     \`dateTime\` AS CASE WHEN event_type = 0 THEN t0 ELSE b.ts END,
     WATERMARK FOR \`dateTime\` AS \`dateTime\` - INTERVAL '1' SECOND
   ) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'json')`,
  // The rowtime is a physical column and the watermark reads another column too.
  `CREATE TABLE plain (
     event_type INT,
     b ROW<price BIGINT, ts TIMESTAMP(3)>,
     t0 TIMESTAMP(3),
     WATERMARK FOR t0 AS t0 - INTERVAL '2' SECOND
   ) WITH ('connector' = 'filesystem', 'path' = '/nonexistent', 'format' = 'json')`,
  `CREATE VIEW bids AS SELECT b.price AS price, \`dateTime\` FROM src WHERE event_type = 2`,
];

/** Queries whose plans hold a fusable chain, with or without the lower and upper Calcs. */
const QUERIES = [
  'SELECT price, `dateTime` FROM bids WHERE price > 3',
  'SELECT price * 2 AS p2, `dateTime` AS ts FROM bids',
  'SELECT event_type, b.price AS price FROM src WHERE b.price > 2 OR event_type IS NULL',
  'SELECT * FROM src',
  'SELECT event_type, t0 FROM plain WHERE event_type <> 1',
  'SELECT b.price + event_type AS s, t0 FROM plain',
];

function physicalPlan(sql: string): PhysicalNode {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  for (const statement of DDL) tEnv.executeSql(statement);
  return planLogical(tEnv.sqlQuery(sql).plan, new ConnectorRegistry()).physical;
}

/** The topmost node that tops a fusable chain. */
function chainTop(node: PhysicalNode): PhysicalNode | undefined {
  if (fusedSourceChain(node, 0) !== undefined) return node;
  const input = (node as { input?: PhysicalNode }).input;
  return input === undefined ? undefined : chainTop(input);
}

/** The unfused chain as `translate.ts` builds it: lower Calc, assigner spec, upper Calc. */
function unfusedChain(top: PhysicalNode, idleTimeoutMs: number) {
  let upper: CalcFunction | undefined;
  let node = top;
  if (node.kind === 'calc') {
    upper = compileCalc(node.projections, node.condition);
    node = node.input;
  }
  if (node.kind !== 'watermarkAssigner') throw new Error(`not a chain: ${node.kind}`);
  const expression = compileExpression(node.rex);
  const rowtime = node.rowtime;
  const spec: WatermarkAssignerSpec = {
    rowtimeOf: (row) => row[rowtime] as number,
    watermarkOf: (row) => expression(row),
    idleTimeoutMs,
  };
  const lower =
    node.input.kind === 'calc' ? compileCalc(node.input.projections, node.input.condition) : undefined;
  return { lower, spec, upper };
}

/** The operator with the job's interval set, as the runtime gives it (the harness gives 0). */
function withInterval<T extends SqlWatermarkAssigner>(operator: T, intervalMs: number): T {
  const setup = operator.setup.bind(operator);
  operator.setup = (s: OperatorSetup<Row>) => setup({ ...s, autoWatermarkInterval: intervalMs });
  return operator;
}

type Op = { t: 'row'; row: Row } | { t: 'time'; advance: number } | { t: 'max' };

// A few values often, so that rows of one rowtime come in runs, whose watermark the fused
// chain computes once per run.
const timestamp = fc.oneof(
  fc.integer({ min: 0, max: 20_000 }),
  fc.constantFrom(4000, 4000, 4000, 9000),
  fc.constant(null),
);
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

/** Output as comparable values: rows with their timestamp, watermarks, idle/active. */
function trace(elements: readonly OutputElement<Row>[]): unknown[] {
  return elements.map((e) =>
    'value' in e
      ? { row: e.value, ts: e.timestamp }
      : 'watermark' in e
        ? `w${e.watermark}`
        : e.idle
          ? 'idle'
          : 'active',
  );
}

function run(
  operator: SqlWatermarkAssigner,
  input: readonly Op[],
  toAssigner: (row: Row) => Row | undefined,
) {
  const h = new OneInputStreamOperatorTestHarness<Row, Row>(operator);
  let now = 0;
  for (const op of input) {
    if (op.t === 'row') {
      const row = toAssigner(op.row);
      if (row !== undefined) h.processElement(row);
    } else if (op.t === 'time') h.setProcessingTime((now += op.advance));
    else h.processWatermark(MAX_WATERMARK);
  }
  return h.getOutput();
}

describe('fused source chain', () => {
  test.each(QUERIES)('%s: the plan holds a fusable chain', (sql) => {
    expect(chainTop(physicalPlan(sql))).toBeDefined();
  });

  test.each(QUERIES)('%s: same rows, timestamps, watermarks and idleness as the unfused chain', (sql) => {
    const top = chainTop(physicalPlan(sql))!;
    // The source emits only the columns the chain's input has (projection push-down).
    const names = fusedSourceChain(top, 0)!.input.columns.map((c) => c.name);
    const scanned = (row: Row): Row => Object.fromEntries(names.map((n) => [n, row[n]]));
    fc.assert(
      fc.property(
        ops,
        fc.constantFrom(0, 0, 100, 250),
        fc.constantFrom(0, 0, 300, 1000),
        (generated, intervalMs, idleTimeoutMs) => {
          const input = generated.map((op) =>
            op.t === 'row' ? { t: 'row' as const, row: scanned(op.row) } : op,
          );
          const { lower, spec, upper } = unfusedChain(top, idleTimeoutMs);
          const unfused = run(withInterval(new SqlWatermarkAssigner(spec), intervalMs), input, (row) =>
            lower === undefined ? row : lower(row),
          );
          // The upper Calc drops rows and forwards watermarks and idleness unchanged.
          const expected = trace(unfused).flatMap((e) => {
            if (typeof e === 'string' || upper === undefined) return [e];
            const { row, ts } = e as { row: Row; ts: number };
            const out = upper(row);
            return out === undefined ? [] : [{ row: out, ts }];
          });
          const fusedSpec = fusedSourceChain(top, idleTimeoutMs)!.spec;
          const fused = run(withInterval(new FusedSourceChain(fusedSpec), intervalMs), input, (row) => row);
          expect(trace(fused)).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a chain over user functions or CURRENT_WATERMARK stays unfused', () => {
    const sql = 'SELECT price, CURRENT_WATERMARK(`dateTime`) AS wm FROM bids';
    const plan = physicalPlan(sql);
    // The Calc reading CURRENT_WATERMARK needs its own operator's watermark.
    expect(plan.kind === 'calc' ? fusedSourceChain(plan, 0) : 'no calc').toBeUndefined();
  });
});
