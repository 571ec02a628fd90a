/**
 * A Top-N run in its join's operator and ordered by one side's columns has the join skip the
 * pairs the Top-N would drop unseen, before their joined row is built
 * (`JoinThenRankFunction`'s `orderBySide`, `TopNFunction.admits`). As a property over random
 * interleavings of both sides' rows with ties, NULLs in the order-by columns, Top-1 and Top-3,
 * with and without the rank column and a non-equi condition, the bids as the join's right or
 * left input: the changelog is exactly the one
 * of the same operator that builds every pair, and the skip does happen. A row of the order-by
 * side that the Top-N still refuses after its own pairs is refused for good (the Top-N's bar only
 * rises) and is not stored: the changelog stays the one of the operator that keeps every row,
 * also across a restore at any point, while fewer rows are stored, and a row refused at its pair
 * is not ranked again before it would be stored; a Top-N with state TTL, whose bar may fall,
 * keeps them.
 */
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import { RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import { RowsView } from '../../src/sql/planner/join/join-state-views.js';
import { JoinThenRankFunction } from '../../src/sql/planner/over/rank-over-join.js';
import { TopNFunction } from '../../src/sql/runtime/over/rank-function.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';

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
  /** State TTL of the Top-N (processing time, which the harness never advances). */
  readonly ttl?: boolean;
  /** The bids are the join's left input (the Top-N ordered by the left side's columns). */
  readonly mirrored?: boolean;
  /**
   * Whether the operator knows its join is inner, so rows the Top-N refuses for good before their
   * pairs skip the join (`innerJoin` of `JoinThenRankFunction`).
   */
  readonly inner?: boolean;
}

const shape: fc.Arbitrary<Shape> = fc.record({
  rankEnd: fc.constantFrom(1, 3),
  rankColumn: fc.boolean(),
  condition: fc.boolean(),
  upsert: fc.boolean(),
  mirrored: fc.boolean(),
  inner: fc.boolean(),
});

/**
 * Left rows {k, a}, right rows {k0, price, t}: a q9-like Top-N per key ordered by the right
 * side's price DESC, t ASC; with `condition`, only pairs with a <= t + 2 join.
 */
function operator(s: Shape, skip: boolean) {
  const m = s.mirrored === true;
  const auctions = ['k', 'a'];
  const bids = ['k0', 'price', 't'];
  const condition = (auction: Row, bid: Row) => (auction.a as number) <= (bid.t as number) + 2;
  const join = new RegularJoinFunction({
    joinType: 'inner',
    leftColumns: m ? bids : auctions,
    rightColumns: m ? auctions : bids,
    leftHasNullKey: () => false,
    rightHasNullKey: () => false,
    ...(s.condition ? { remainingPair: m ? (l: Row, r: Row) => condition(r, l) : condition } : {}),
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
    inputColumns: m ? [...bids, ...auctions] : [...auctions, ...bids],
    upsertOutput: s.upsert,
    ...(s.ttl === true ? { ttlMs: 3_600_000 } : {}),
  });
  const fn = new JoinThenRankFunction(
    join,
    undefined,
    rank,
    skip ? (m ? 'left' : 'right') : undefined,
    undefined,
    s.inner === true,
  );
  const h = new TwoInputOperatorTestHarness<Row, Row, ChangelogRow>(
    new CoProcessOperator(fn as never, true),
    (l) => (m ? l.k0 : l.k),
    (r) => (m ? r.k : r.k0),
  );
  // Auctions and bids, whichever input each is.
  const auction = (row: Row) => (m ? h.processElement2(row, 0) : h.processElement1(row, 0));
  const bid = (row: Row) => (m ? h.processElement1(row, 0) : h.processElement2(row, 0));
  return Object.assign(h, { auction, bid });
}

type Harness = ReturnType<typeof operator>;

function feed(h: Harness, steps: readonly Step[], from = 0): void {
  steps.forEach((st, j) => {
    const i = from + j;
    if (st.left) h.auction({ k: st.k, a: st.t });
    else h.bid({ k0: st.k, price: st.v, t: st.t * 10 + (i % 10) });
  });
}

const changes = (h: Harness) => h.extractOutputValues().map((c) => JSON.stringify(c));

function run(s: Shape, steps: readonly Step[], skip: boolean): string[] {
  const h = operator(s, skip);
  h.open();
  feed(h, steps);
  return changes(h);
}

/** The bids (the order-by side's rows) the join stores in a run, counted as they are added. */
function storedBids(s: Shape, steps: readonly Step[], skip: boolean): number {
  const add = vi.spyOn(RowsView.prototype, 'add');
  try {
    run(s, steps, skip);
    return add.mock.calls.filter(([row]) => 'price' in row).length;
  } finally {
    add.mockRestore();
  }
}

/** The bids (the order-by side's rows) that reach the join function in a run. */
function bidsJoined(s: Shape, steps: readonly Step[]): number {
  const first = vi.spyOn(RegularJoinFunction.prototype, 'processElement1');
  const second = vi.spyOn(RegularJoinFunction.prototype, 'processElement2');
  try {
    run(s, steps, true);
    return [...first.mock.calls, ...second.mock.calls].filter(([row]) => 'price' in row).length;
  } finally {
    first.mockRestore();
    second.mockRestore();
  }
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
    // Each bid is asked for its pair, then once more before it is stored: the best bid ties
    // with itself by then, so no bid here is stored. A bid refused at its pair is refused for
    // good, so it is not ranked a second time (the 3 is asked once).
    expect(admits.mock.results.map((r) => r.value)).toEqual([true, false, false, true, false]);
    admits.mockRestore();
    expect(out).toEqual(run(s, steps, false));
    expect(out.map((c) => JSON.parse(c).kind)).toEqual(['+I', '+U']);
  });

  test('property: rows refused for good are not stored, and a restore at any point changes nothing', () => {
    fc.assert(
      fc.property(shape, fc.array(step, { maxLength: 80 }), fc.nat(80), (s, steps, at) => {
        const whole = run(s, steps, false);
        const cut = Math.min(at, steps.length);
        const first = operator(s, true);
        first.open();
        feed(first, steps.slice(0, cut));
        const before = changes(first);
        const snapshot = snapshotKeyedState(first.keyedBackend!, first.timeServiceManager);
        const second = operator(s, true);
        restoreKeyedState(second.keyedBackend!, second.timeServiceManager, snapshot);
        second.open();
        feed(second, steps.slice(cut), cut);
        expect([...before, ...changes(second)]).toEqual(whole);
        expect(storedBids(s, steps, true)).toBeLessThanOrEqual(storedBids(s, steps, false));
      }),
      { numRuns: 200 },
    );
  });

  test('bids that can no longer win are not stored, and a later auction row of their key gets the same changelog', () => {
    const s: Shape = { rankEnd: 1, rankColumn: false, condition: true, upsert: false };
    const steps: Step[] = [
      // Before any left row: nothing to beat yet, so stored.
      { left: false, k: 1, v: 4, t: 0 },
      { left: true, k: 1, v: null, t: 0 },
      // The new best (stored neither: it ties with itself once ranked), then one below it.
      { left: false, k: 1, v: 5, t: 0 },
      { left: false, k: 1, v: 3, t: 1 },
      // A second left row of the key, which the first bid (t = 0) is too early for.
      { left: true, k: 1, v: null, t: 3 },
      { left: false, k: 1, v: 7, t: 2 },
    ];
    const out = run(s, steps, true);
    expect(out).toEqual(run(s, steps, false));
    expect(out.map((c) => JSON.parse(c).kind)).toEqual(['+I', '-D', '+I', '-D', '+I']);
    expect(storedBids(s, steps, true)).toBe(1);
    expect(storedBids(s, steps, false)).toBe(4);
  });

  test('a Top-N with state TTL, whose bar may fall, has every row stored', () => {
    const s: Shape = { rankEnd: 1, rankColumn: false, condition: false, upsert: true, ttl: true };
    const steps: Step[] = [
      { left: true, k: 1, v: null, t: 0 },
      { left: false, k: 1, v: 5, t: 0 },
      { left: false, k: 1, v: 3, t: 1 },
    ];
    expect(run(s, steps, true)).toEqual(run(s, steps, false));
    expect(storedBids(s, steps, true)).toBe(2);
  });

  test('property: an inner join gets no row the Top-N refuses for good before its pairs, and nothing changes', () => {
    fc.assert(
      fc.property(shape, fc.array(step, { maxLength: 80 }), (s, steps) => {
        const inner = { ...s, inner: true };
        const outer = { ...s, inner: false };
        expect(run(inner, steps, true)).toEqual(run(outer, steps, true));
        expect(storedBids(inner, steps, true)).toBe(storedBids(outer, steps, true));
        expect(bidsJoined(inner, steps)).toBeLessThanOrEqual(bidsJoined(outer, steps));
      }),
      { numRuns: 300 },
    );
  });

  test('a bid below the best never reaches an inner join; with state TTL every bid does', () => {
    const steps: Step[] = [
      { left: true, k: 1, v: null, t: 0 },
      { left: false, k: 1, v: 5, t: 0 },
      { left: false, k: 1, v: 3, t: 1 },
      { left: false, k: 1, v: 4, t: 2 },
      { left: false, k: 1, v: 7, t: 3 },
    ];
    const s: Shape = { rankEnd: 1, rankColumn: false, condition: false, upsert: true, inner: true };
    // The 3 and the 4 are below the 5 when they arrive.
    expect(bidsJoined(s, steps)).toBe(2);
    expect(bidsJoined({ ...s, inner: false }, steps)).toBe(4);
    expect(bidsJoined({ ...s, ttl: true }, steps)).toBe(4);
    expect(run(s, steps, true).map((c) => JSON.parse(c).kind)).toEqual(['+I', '+U']);
  });
});
