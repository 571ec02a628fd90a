/**
 * A regular join reads its right rows under the names their source gives them, not under the
 * join's renames of clashing columns (`right-row-names.ts`):
 * - in SQL, a join whose sides share column names gives the rows the same join gives over the
 *   same data with distinct names (inner, outer, non-equi, and a Top-N fused into the join);
 * - the join function fed rows under their own names emits what it emits when fed the renamed
 *   rows, and one restored from a checkpoint whose stored right rows carry the join's names
 *   (taken before the join read them otherwise) goes on as the run that was never interrupted.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Transformation } from '../../src/graph/transformation.js';
import { StreamExecutionEnvironment } from '../../src/index.js';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { call, field } from '../../src/sql/expressions/rex.js';
import { type JoinSpec, RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import { IntervalJoinFunction } from '../../src/sql/planner/join/interval-join-function.js';
import { pairCondition } from '../../src/sql/planner/join/join-rows.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';

type Pair = { readonly k: number | null; readonly v: number | null };

const value = fc.option(fc.integer({ min: 0, max: 3 }), { freq: 6 });
const rows = fc.array(fc.record({ k: value, v: value }), { maxLength: 12 });

/** Each query twice: over `r (k, v)`, whose names clash with `l (k, v)`, and over `d (dk, dv)`. */
const QUERIES: readonly (readonly [string, string])[] = [
  [
    'SELECT l.k, l.v, r.k AS rk, r.v AS rv FROM l JOIN r ON l.k = r.k',
    'SELECT l.k, l.v, d.dk AS rk, d.dv AS rv FROM l JOIN d ON l.k = d.dk',
  ],
  [
    'SELECT * FROM l LEFT JOIN r ON l.k = r.k AND l.v <= r.v',
    'SELECT * FROM l LEFT JOIN d ON l.k = d.dk AND l.v <= d.dv',
  ],
  ['SELECT * FROM l FULL JOIN r ON l.k = r.k', 'SELECT * FROM l FULL JOIN d ON l.k = d.dk'],
  [
    'SELECT r.v, l.v FROM l, r WHERE l.k = r.k AND r.v < l.v + 2',
    'SELECT d.dv, l.v FROM l, d WHERE l.k = d.dk AND d.dv < l.v + 2',
  ],
  [
    'SELECT k, v, rv FROM (SELECT l.k, l.v, r.v AS rv, ROW_NUMBER() OVER (PARTITION BY l.k ORDER BY r.v DESC) AS rn FROM l JOIN r ON l.k = r.k) WHERE rn <= 1',
    'SELECT k, v, rv FROM (SELECT l.k, l.v, d.dv AS rv, ROW_NUMBER() OVER (PARTITION BY l.k ORDER BY d.dv DESC) AS rn FROM l JOIN d ON l.k = d.dk) WHERE rn <= 1',
  ],
];

async function results(sql: string, left: readonly Pair[], right: readonly Pair[]): Promise<string[]> {
  const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
  const env = tEnv.getExecutionEnvironment();
  tEnv.createTemporaryView('l', env.fromCollection([...left]), { k: 'INT', v: 'INT' });
  tEnv.createTemporaryView('r', env.fromCollection([...right]), { k: 'INT', v: 'INT' });
  tEnv.createTemporaryView('d', env.fromCollection(right.map((p) => ({ dk: p.k, dv: p.v }))), {
    dk: 'INT',
    dv: 'INT',
  });
  const out = await tEnv.executeSql(sql).collect();
  // By position: the two queries name their columns alike but `*` differs in names.
  return out.map((row) => JSON.stringify(Object.values(row as Record<string, unknown>))).sort();
}

describe('a join whose sides share column names', () => {
  test('property: the same rows as the join over distinct names', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...QUERIES), rows, rows, async ([clashing, distinct], left, right) => {
        expect(await results(clashing, left, right)).toEqual(await results(distinct, left, right));
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('the right Calc that only renames', () => {
  test('is not run, and EXPLAIN still shows it', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
    const env = tEnv.getExecutionEnvironment();
    tEnv.createTemporaryView('l', env.fromCollection([{ k: 1, v: 1 }]), { k: 'INT', v: 'INT' });
    tEnv.createTemporaryView('r', env.fromCollection([{ k: 1, v: 2 }]), { k: 'INT', v: 'INT' });
    const sql = 'SELECT * FROM l JOIN r ON l.k = r.k';
    const names: string[] = [];
    const seen = new Set<Transformation>();
    const visit = (t: Transformation) => {
      if (seen.has(t)) return;
      seen.add(t);
      names.push(t.name);
      for (const input of t.inputs) visit(input);
    };
    visit(tEnv.toChangelogStream(tEnv.sqlQuery(sql)).transformation);
    expect(names.filter((n) => n.startsWith('Source')).length).toBe(2);
    expect(names.some((n) => n.includes('Calc'))).toBe(false);
    expect(tEnv.explainSql(sql)).toContain('Calc(select=[k AS k0, v AS v0]');
  });
});

type Step = { readonly left: boolean; readonly k: number; readonly v: number };
const step: fc.Arbitrary<Step> = fc.record({
  left: fc.boolean(),
  k: fc.integer({ min: 0, max: 3 }),
  v: fc.integer({ min: 0, max: 4 }),
});

type Shape = 'inner' | 'inner-condition' | 'left-join';
const INT = Types.INT;
const leftColumns = [
  { name: 'k', type: INT },
  { name: 'a', type: INT },
];
const rightColumns = [
  { name: 'k0', type: INT },
  { name: 'b', type: INT },
];
/** The right rows' own names of the join's `k0` and `b`. */
const ROW_NAMES: ReadonlyMap<string, string> = new Map([
  ['k0', 'k'],
  ['b', 'c'],
]);

/** Left rows {k, a}; right rows {k0, b} as the join names them, or {k, c} with `renamed`. */
function spec(shape: Shape, renamed: boolean): JoinSpec {
  const outer = shape === 'left-join';
  const names = renamed ? ROW_NAMES : new Map<string, string>();
  const condition = call('<=', [field('a', INT), field('b', INT)], Types.BOOLEAN);
  return {
    joinType: outer ? 'left' : 'inner',
    leftColumns: ['k', 'a'],
    rightColumns: ['k0', 'b'],
    ...(renamed ? { rightRowNames: ROW_NAMES } : {}),
    leftHasNullKey: () => false,
    rightHasNullKey: () => false,
    ...(shape === 'inner-condition'
      ? { remainingPair: pairCondition(condition, leftColumns, rightColumns, names) }
      : {}),
    leftChangelog: false,
    rightChangelog: false,
    insertOnlyOutput: !outer,
    leftLayout: outer ? { kind: 'multiset', columns: ['k', 'a'] } : { kind: 'rows' },
    rightLayout: { kind: 'rows' },
  };
}

const harness = (renamed: boolean, shape: Shape) =>
  new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(new RegularJoinFunction(spec(shape, renamed)), true),
    (l) => l.k,
    (r) => (renamed ? r.k : r.k0),
  );

type Harness = ReturnType<typeof harness>;

function feed(h: Harness, steps: readonly Step[], renamed: boolean): void {
  for (const s of steps) {
    if (s.left) h.processElement1({ k: s.k, a: s.v }, 0);
    else h.processElement2(renamed ? { k: s.k, c: s.v } : { k0: s.k, b: s.v }, 0);
  }
}

const output = (h: Harness) => h.extractOutputValues().map((e) => JSON.stringify(e));

function run(steps: readonly Step[], shape: Shape, renamed: boolean): string[] {
  const h = harness(renamed, shape);
  h.open();
  feed(h, steps, renamed);
  return output(h);
}

const shapes = fc.constantFrom<Shape>('inner', 'inner-condition', 'left-join');

describe('the join reading right rows under their own names', () => {
  test('property: emits what it emits from the renamed rows, in the same order', () => {
    fc.assert(
      fc.property(shapes, fc.array(step, { maxLength: 50 }), (shape, steps) => {
        expect(run(steps, shape, true)).toEqual(run(steps, shape, false));
      }),
      { numRuns: 200 },
    );
  });

  test('property: restored from right rows stored under the join names, goes on as the uninterrupted run', () => {
    fc.assert(
      fc.property(shapes, fc.array(step, { maxLength: 50 }), fc.nat(50), (shape, steps, at) => {
        const cut = Math.min(at, steps.length);
        const whole = run(steps, shape, false);
        const first = harness(false, shape);
        first.open();
        feed(first, steps.slice(0, cut), false);
        const before = output(first);
        const snapshot = snapshotKeyedState(first.keyedBackend!, first.timeServiceManager);
        const second = harness(true, shape);
        restoreKeyedState(second.keyedBackend!, second.timeServiceManager, snapshot);
        second.open();
        feed(second, steps.slice(cut), true);
        expect([...before, ...output(second)]).toEqual(whole);
      }),
      { numRuns: 150 },
    );
  });
});

type TimedStep = { readonly left: boolean; readonly k: number; readonly t: number };
const timedStep: fc.Arbitrary<TimedStep> = fc.record({
  left: fc.boolean(),
  k: fc.integer({ min: 0, max: 2 }),
  t: fc.integer({ min: 0, max: 20 }),
});

/** Left rows {k, a (time)}; right rows {k0, t0} as the join names them, or {k, t} when renamed. */
function intervalHarness(renamed: boolean, joinType: 'inner' | 'full') {
  const fn = new IntervalJoinFunction({
    joinType,
    leftColumns: ['k', 'a'],
    rightColumns: ['k0', 't0'],
    ...(renamed
      ? {
          rightRowNames: new Map([
            ['k0', 'k'],
            ['t0', 't'],
          ]),
        }
      : {}),
    leftTime: 'a',
    rightTime: 't0',
    lower: -3,
    upper: 2,
    leftHasNullKey: () => false,
    rightHasNullKey: () => false,
  });
  return new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (l) => l.k,
    (r) => (renamed ? r.k : r.k0),
  );
}

function feedTimed(
  h: ReturnType<typeof intervalHarness>,
  steps: readonly TimedStep[],
  renamed: boolean,
): void {
  for (const s of steps) {
    if (s.left) h.processElement1({ k: s.k, a: s.t }, s.t);
    else h.processElement2(renamed ? { k: s.k, t: s.t } : { k0: s.k, t0: s.t }, s.t);
  }
}

describe('the interval join reading right rows under their own names', () => {
  test('property: restored from right rows buffered under the join names, goes on as the uninterrupted run', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'inner' | 'full'>('inner', 'full'),
        fc.array(timedStep, { maxLength: 40 }),
        fc.nat(40),
        (joinType, steps, at) => {
          const cut = Math.min(at, steps.length);
          const whole = intervalHarness(false, joinType);
          whole.open();
          feedTimed(whole, steps, false);
          whole.processWatermark1(100);
          whole.processWatermark2(100);
          const first = intervalHarness(false, joinType);
          first.open();
          feedTimed(first, steps.slice(0, cut), false);
          const snapshot = snapshotKeyedState(first.keyedBackend!, first.timeServiceManager);
          const second = intervalHarness(true, joinType);
          restoreKeyedState(second.keyedBackend!, second.timeServiceManager, snapshot);
          second.open();
          feedTimed(second, steps.slice(cut), true);
          second.processWatermark1(100);
          second.processWatermark2(100);
          const rows = (h: ReturnType<typeof intervalHarness>) =>
            h.extractOutputValues().map((e) => JSON.stringify(e));
          expect([...rows(first), ...rows(second)].sort()).toEqual(rows(whole).sort());
        },
      ),
      { numRuns: 150 },
    );
  });
});
