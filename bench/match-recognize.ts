/**
 * Micro-benchmark of the MATCH_RECOGNIZE operator: Flink's `PATTERN (A+ C) DEFINE A AS
 * SUM(A.price) < 30` with SUM, FIRST and LAST measures, against the event-time temporal sort
 * (which buffers and orders rows by time as the match operator does before matching), both
 * driven in process through the keyed operator harness on the heap backend: 300k rows over 1000
 * partitions by default, out of order by up to 500 ms, a watermark every 100 rows. Prints CPU
 * milliseconds per run, interleaved, and the medians.
 *
 * Then long matches: `PATTERN (A+ C) DEFINE A AS AVG(A.price) < 10 AND A.price < 100, C AS
 * C.price >= 100` over one partition whose matches are [long] rows each, so each A row's
 * condition reads an average over up to [long] rows; prints its rows/s.
 *
 * Usage: npx tsx bench/match-recognize.ts [rows] [runs] [long]
 */
import { ProcessOperator } from '../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../src/runtime/testing/harness.js';
import { BUILTIN_AGGREGATES } from '../src/sql/aggregates/builtins.js';
import { Types, withNullability } from '../src/sql/catalog/types.js';
import type { Row } from '../src/sql/expressions/compiler.js';
import { call, field, literal } from '../src/sql/expressions/rex.js';
import { MatchRecognizeFunction } from '../src/sql/runtime/match/match-recognize-function.js';
import type { MatchSpec, Navigation } from '../src/sql/runtime/match/match-spec.js';
import { RowTimeSortFunction } from '../src/sql/runtime/sort/temporal-sort-function.js';
import type { KeyedProcessFunction } from '../src/types/functions.js';
import { afterMatchExampleSpec } from '../test/support/match-recognize-spec.js';

const ROWS = Number(process.argv[2] ?? 300_000);
const RUNS = Number(process.argv[3] ?? 5);
const KEYS = 1_000;
const LONG = Number(process.argv[4] ?? 5_000);

const SPEC = afterMatchExampleSpec();

const DOUBLE = Types.DOUBLE;
const avgOfA: Navigation = {
  kind: 'aggregate',
  variable: 0,
  call: {
    fn: 'AVG',
    args: ['p'],
    argTypes: [DOUBLE],
    distinct: false,
    name: '$m0',
    type: DOUBLE,
    definition: BUILTIN_AGGREGATES.get('AVG')!,
  },
  args: [field('price', DOUBLE)],
};
const hundred = literal(100, withNullability(DOUBLE, false));
const LONG_SPEC: MatchSpec = {
  ...SPEC,
  defines: [
    {
      rex: call(
        'AND',
        [
          call('<', [field('$m0', DOUBLE), literal(10, withNullability(DOUBLE, false))], Types.BOOLEAN),
          call('<', [field('$m1', DOUBLE), hundred], Types.BOOLEAN),
        ],
        Types.BOOLEAN,
      ),
      navigations: [avgOfA, { kind: 'last', variable: 0, offset: 0, value: field('price', DOUBLE) }],
    },
    {
      rex: call('>=', [field('$m0', DOUBLE), hundred], Types.BOOLEAN),
      navigations: [{ kind: 'last', variable: 1, offset: 0, value: field('price', DOUBLE) }],
    },
  ],
  measures: [SPEC.measures[1]!, SPEC.measures[2]!],
};

/** One partition, in order: runs of `LONG - 1` prices 0..14 (average about 7), each closed by a price of 100. */
function longRows(): Row[] {
  return Array.from({ length: ROWS }, (_, i) => ({
    k: 0,
    ts: 1_000_000 + i,
    price: i % LONG === LONG - 1 ? 100 : (i * 7) % 15,
  }));
}

/** Rows in arrival order, 1 ms apart, out of order by up to 500 ms, prices 0..14. */
function rows(): Row[] {
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return Array.from({ length: ROWS }, (_, i) => ({
    k: Math.floor(rnd() * KEYS),
    ts: 1_000_000 + i - Math.floor(rnd() * 500),
    price: Math.floor(rnd() * 15),
  }));
}

/** CPU milliseconds to push `input` through `fn`, and the rows it emitted. */
function drive(fn: KeyedProcessFunction<unknown, Row, Row>, input: readonly Row[]): [number, number] {
  const h = new KeyedOneInputStreamOperatorTestHarness<Row, Row, unknown>(
    new ProcessOperator(fn, true) as never,
    (r: Row) => r.k,
  );
  h.open();
  let emitted = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < input.length; i++) {
    const row = input[i]!;
    h.processElement(row, row.ts as number);
    if (i % 100 === 99) {
      h.processWatermark(1_000_000 + i - 600);
      emitted += h.extractOutputValues().length;
      h.clearOutput();
    }
  }
  h.processWatermark(Number.MAX_SAFE_INTEGER);
  const cpu = process.cpuUsage(start);
  emitted += h.extractOutputValues().length;
  if (emitted === 0) throw new Error('the operator emitted nothing');
  return [(cpu.user + cpu.system) / 1000, emitted];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const input = rows();
const sort: number[] = [];
const match: number[] = [];
let matches = 0;
for (let run = 0; run < RUNS; run++) {
  sort.push(drive(new RowTimeSortFunction('ts', []), input)[0]);
  const [ms, emitted] = drive(new MatchRecognizeFunction(SPEC), input);
  match.push(ms);
  matches = emitted;
  console.log(
    `run ${run + 1}: temporal sort ${sort.at(-1)!.toFixed(0)} ms, MATCH_RECOGNIZE ${ms.toFixed(0)} ms CPU`,
  );
}
console.log(
  `${matches} matches per run; median CPU ms over ${ROWS} rows: temporal sort ${median(sort).toFixed(0)}, MATCH_RECOGNIZE ${median(match).toFixed(0)} (${((ROWS / median(match)) * 1000).toFixed(0)} rows/s), ratio ${(median(match) / median(sort)).toFixed(2)}`,
);

const long = longRows();
const longMs: number[] = [];
let longMatches = 0;
for (let run = 0; run < RUNS; run++) {
  const [ms, emitted] = drive(new MatchRecognizeFunction(LONG_SPEC), long);
  longMs.push(ms);
  longMatches = emitted;
}
console.log(
  `long matches (${LONG} rows, AVG(A.price) < 10): ${longMatches} matches per run; median CPU ms over ${ROWS} rows ${median(longMs).toFixed(0)} (${((ROWS / median(longMs)) * 1000).toFixed(0)} rows/s)`,
);
