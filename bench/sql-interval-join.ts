/**
 * Micro-benchmark of the SQL inner interval join: the DataStream interval join operator (which
 * drops late rows) against the SQL interval join function (Flink SQL's late-row rule), both
 * driven in process through the operator harness on the heap backend, 300k rows by default.
 * Prints CPU milliseconds per run, interleaved, and the medians.
 *
 * Usage: npx tsx bench/sql-interval-join.ts [rows] [runs]
 */
import { IntervalJoinOperator } from '../src/runtime/operators/interval-join-operator.js';
import { CoProcessOperator } from '../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../src/runtime/testing/harness.js';
import type { Row } from '../src/sql/expressions/compiler.js';
import { IntervalJoinFunction } from '../src/sql/planner/join/interval-join-function.js';
import type { ProcessJoinFunction } from '../src/types/functions.js';

const ROWS = Number(process.argv[2] ?? 300_000);
const RUNS = Number(process.argv[3] ?? 5);
const KEYS = 2_000;
const LOWER = -2_000;
const UPPER = 2_000;

/** Rows in arrival order: alternating sides, 1 ms apart, out of order by up to 500 ms. */
function rows(): { left: boolean; row: Row; t: number }[] {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return Array.from({ length: ROWS }, (_, i) => {
    const t = 1_000_000 + i - Math.floor(rnd() * 500);
    const k = Math.floor(rnd() * KEYS);
    const left = i % 2 === 0;
    return { left, t, row: left ? { k, lt: t, a: i } : { k0: k, rt: t, b: i } };
  });
}

/** Rows each run emitted: equal for both joins, as the input has no late rows. */
const emittedBy: number[] = [];

function drive(h: TwoInputOperatorTestHarness<Row, Row, Row>, input: ReturnType<typeof rows>): number {
  h.open();
  let emitted = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < input.length; i++) {
    const e = input[i]!;
    if (e.left) h.processElement1(e.row, e.t);
    else h.processElement2(e.row, e.t);
    if (i % 100 === 99) {
      const w = 1_000_000 + i - 600;
      h.processWatermark1(w);
      h.processWatermark2(w);
      emitted += h.extractOutputValues().length;
      h.clearOutput();
    }
  }
  const cpu = process.cpuUsage(start);
  emitted += h.extractOutputValues().length;
  if (emitted === 0) throw new Error('the join emitted nothing');
  emittedBy.push(emitted);
  return (cpu.user + cpu.system) / 1000;
}

function dataStream(input: ReturnType<typeof rows>): number {
  const fn: ProcessJoinFunction<Row, Row, Row> = {
    processElement: (l, r, _ctx, out) => out.collect({ ...l, ...r }),
  } as ProcessJoinFunction<Row, Row, Row>;
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new IntervalJoinOperator<Row, Row, Row>(fn, LOWER, UPPER),
    (r) => r.k,
    (r) => r.k0,
  );
  return drive(h, input);
}

function sqlFunction(input: ReturnType<typeof rows>): number {
  const fn = new IntervalJoinFunction({
    joinType: 'inner',
    leftColumns: ['k', 'lt', 'a'],
    rightColumns: ['k0', 'rt', 'b'],
    leftTime: 'lt',
    rightTime: 'rt',
    lower: LOWER,
    upper: UPPER,
    leftHasNullKey: (r) => r.k == null,
    rightHasNullKey: (r) => r.k0 == null,
  });
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (r) => r.k,
    (r) => r.k0,
  );
  return drive(h, input);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const input = rows();
const ds: number[] = [];
const sql: number[] = [];
for (let run = 0; run < RUNS; run++) {
  ds.push(dataStream(input));
  sql.push(sqlFunction(input));
  console.log(
    `run ${run + 1}: DataStream intervalJoin ${ds.at(-1)!.toFixed(0)} ms, SQL function ${sql.at(-1)!.toFixed(0)} ms CPU`,
  );
}
if (new Set(emittedBy).size !== 1) throw new Error(`the joins emitted different row counts: ${emittedBy}`);
console.log(
  `${emittedBy[0]} joined rows per run; median CPU ms over ${ROWS} rows: DataStream ${median(ds).toFixed(0)}, SQL function ${median(sql).toFixed(0)}, ratio SQL/DataStream ${(median(sql) / median(ds)).toFixed(2)}`,
);
