/**
 * A Top-N run in its join's operator and ordered by one side's columns has the join skip the
 * pairs the Top-N would drop unseen, before their joined row is built
 * (`JoinThenRankFunction`'s `orderBySide`, `TopNFunction.admits`). As a property over random
 * interleavings of both sides' rows with ties, NULLs in the order-by columns, Top-1 and Top-3,
 * with and without the rank column and a non-equi condition: the changelog is exactly the one
 * of the same operator that builds every pair, and the skip does happen.
 */
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import { RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import { JoinThenRankFunction } from '../../src/sql/planner/over/rank-over-join.js';
import { TopNFunction } from '../../src/sql/runtime/over/rank-function.js';

type Step = { readonly left: boolean; readonly k: number; readonly v: number | null; readonly t: number };

const step: fc.Arbitrary<Step> = fc.record({
  left: fc.boolean(),
  k: fc.integer({ min: 0, max: 2 }),
  v: fc.option(fc.integer({ min: 0, max: 4 }), { freq: 6 }),
  t: fc.integer({ min: 0, max: 3 }),
});

interface Shape {
  readonly rankEnd: number;
  readonly rankColumn: boolean;
  readonly condition: boolean;
  readonly upsert: boolean;
}

const shape: fc.Arbitrary<Shape> = fc.record({
  rankEnd: fc.constantFrom(1, 3),
  rankColumn: fc.boolean(),
  condition: fc.boolean(),
  upsert: fc.boolean(),
});

/**
 * Left rows {k, a}, right rows {k0, price, t}: a q9-like Top-N per key ordered by the right
 * side's price DESC, t ASC; with `condition`, only pairs with a <= t + 2 join.
 */
function operator(s: Shape, skip: boolean) {
  const join = new RegularJoinFunction({
    joinType: 'inner',
    leftColumns: ['k', 'a'],
    rightColumns: ['k0', 'price', 't'],
    leftHasNullKey: () => false,
    rightHasNullKey: () => false,
    ...(s.condition ? { remainingPair: (l: Row, r: Row) => (l.a as number) <= (r.t as number) + 2 } : {}),
    leftChangelog: false,
    rightChangelog: false,
    insertOnlyOutput: true,
    leftLayout: { kind: 'rows' },
    rightLayout: { kind: 'rows' },
  });
  const rank = new TopNFunction({
    rankType: 'ROW_NUMBER',
    rankStart: 1,
    rankEnd: s.rankEnd,
    orderBy: [
      { column: 'price', descending: true, nullsFirst: false },
      { column: 't', descending: false, nullsFirst: true },
    ],
    ...(s.rankColumn ? { rankColumn: 'rn' } : {}),
    changelogInput: false,
    inputColumns: ['k', 'a', 'k0', 'price', 't'],
    upsertOutput: s.upsert,
  });
  const fn = new JoinThenRankFunction(join, undefined, rank, skip ? 'right' : undefined);
  return new TwoInputOperatorTestHarness<Row, Row, ChangelogRow>(
    new CoProcessOperator(fn as never, true),
    (l) => l.k,
    (r) => r.k0,
  );
}

function run(s: Shape, steps: readonly Step[], skip: boolean): string[] {
  const h = operator(s, skip);
  h.open();
  steps.forEach((st, i) => {
    if (st.left) h.processElement1({ k: st.k, a: st.t }, 0);
    else h.processElement2({ k0: st.k, price: st.v, t: st.t * 10 + (i % 10) }, 0);
  });
  return h.extractOutputValues().map((c) => JSON.stringify(c));
}

describe('a Top-N in its join operator skips the pairs it would drop', () => {
  test('property: the changelog of the operator that builds every pair', () => {
    fc.assert(
      fc.property(shape, fc.array(step, { maxLength: 80 }), (s, steps) => {
        expect(run(s, steps, true)).toEqual(run(s, steps, false));
      }),
      { numRuns: 300 },
    );
  });

  test('pairs below the Top-1 are not built: the rank is asked and says no', () => {
    const admits = vi.spyOn(TopNFunction.prototype, 'admits');
    const s: Shape = { rankEnd: 1, rankColumn: false, condition: false, upsert: true };
    const steps: Step[] = [
      { left: true, k: 1, v: null, t: 0 },
      { left: false, k: 1, v: 5, t: 0 },
      { left: false, k: 1, v: 3, t: 1 },
      { left: false, k: 1, v: 7, t: 2 },
    ];
    const out = run(s, steps, true);
    expect(admits.mock.results.map((r) => r.value)).toEqual([true, false, true]);
    admits.mockRestore();
    expect(out).toEqual(run(s, steps, false));
    expect(out.map((c) => JSON.parse(c).kind)).toEqual(['+I', '+U']);
  });
});
