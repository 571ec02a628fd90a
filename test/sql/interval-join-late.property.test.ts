/**
 * The SQL interval join over out-of-order rows and watermarks, late rows included, against a
 * brute-force join of all rows restricted by the rule of Flink's SQL interval join: a pair joins
 * when, as the later of its two rows arrives, the earlier one was buffered (the watermark was
 * below its bound when it came) and is still kept (the watermark has not passed its bound). The
 * bound is lt + upper for a left row and rt − lower for a right row. An outer side's row that
 * joined nothing comes out once, padded with NULLs.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { IntervalJoinFunction } from '../../src/sql/planner/join/interval-join-function.js';
import type { JoinType } from '../../src/sql/planner/join/join-nodes.js';

/** Times lie on a 250 ms grid from this base, so rows often meet bounds exactly. */
const BASE = 100_000;

type Step =
  | { readonly kind: 'row'; readonly left: boolean; readonly k: number | null; readonly t: number }
  | { readonly kind: 'watermark'; readonly advance: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('row' as const),
      left: fc.boolean(),
      k: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 1 }) },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
      t: fc.integer({ min: 0, max: 30 }).map((i) => BASE + i * 250),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('watermark' as const),
      advance: fc.integer({ min: 0, max: 8 }).map((i) => i * 250),
    }),
  },
);

interface Arrived {
  readonly id: number;
  readonly left: boolean;
  readonly k: number | null;
  readonly t: number;
  /** The watermark when the row arrived. */
  readonly w: number;
}

/** What the join must emit, by brute force over every pair. */
function expected(
  rows: readonly Arrived[],
  joinType: JoinType,
  lower: number,
  upper: number,
  remaining: boolean,
): string[] {
  const lefts = rows.filter((r) => r.left);
  const rights = rows.filter((r) => !r.left);
  const out: string[] = [];
  const matched = new Set<number>();
  for (const l of lefts)
    for (const r of rights) {
      if (l.k === null || l.k !== r.k) continue;
      if (r.t - l.t < lower || r.t - l.t > upper) continue;
      if (remaining && (l.id + r.id) % 3 === 0) continue;
      const [first, later] = l.id < r.id ? [l, r] : [r, l];
      const bound = first.left ? first.t + upper : first.t - lower;
      if (!(first.w < bound && later.w <= bound)) continue;
      out.push(`${l.id}|${r.id}`);
      matched.add(l.id).add(r.id);
    }
  const leftOuter = joinType === 'left' || joinType === 'full';
  const rightOuter = joinType === 'right' || joinType === 'full';
  if (leftOuter) for (const l of lefts) if (!matched.has(l.id)) out.push(`${l.id}|null`);
  if (rightOuter) for (const r of rights) if (!matched.has(r.id)) out.push(`null|${r.id}`);
  return out.sort();
}

/** Runs the steps through the join function and returns its output, then the rows as they arrived. */
function run(
  steps: readonly Step[],
  joinType: JoinType,
  lower: number,
  upper: number,
  remaining: boolean,
): { actual: string[]; rows: Arrived[]; stateLeft: number } {
  const fn = new IntervalJoinFunction({
    joinType,
    leftColumns: ['k', 'lt', 'lid'],
    rightColumns: ['k0', 'rt', 'rid'],
    leftTime: 'lt',
    rightTime: 'rt',
    lower,
    upper,
    leftHasNullKey: (r) => r.k == null,
    rightHasNullKey: (r) => r.k0 == null,
    remaining: remaining ? (r) => ((r.lid as number) + (r.rid as number)) % 3 !== 0 : undefined,
  });
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (r) => r.k ?? null,
    (r) => r.k0 ?? null,
  );
  h.open();
  let w = Number.NEGATIVE_INFINITY;
  const rows: Arrived[] = [];
  for (const step of steps) {
    if (step.kind === 'watermark') {
      // The first watermark starts a little below the earliest times, so rows come late or not.
      w = w === Number.NEGATIVE_INFINITY ? BASE - 1000 + step.advance : w + step.advance;
      h.processWatermark1(w);
      h.processWatermark2(w);
      continue;
    }
    const id = rows.length + 1;
    rows.push({ id, left: step.left, k: step.k, t: step.t, w });
    if (step.left) h.processElement1({ k: step.k, lt: step.t, lid: id }, step.t);
    else h.processElement2({ k0: step.k, rt: step.t, rid: id }, step.t);
  }
  h.processWatermark1(Number.MAX_SAFE_INTEGER);
  h.processWatermark2(Number.MAX_SAFE_INTEGER);
  const actual = h
    .extractOutputValues()
    .map((r) => `${r.lid ?? null}|${r.rid ?? null}`)
    .sort();
  return { actual, rows, stateLeft: h.numKeyedStateEntries() };
}

describe('SQL interval join with late rows follows Flink SQL’s rule', () => {
  const boundsArb = fc
    .tuple(fc.integer({ min: -12, max: 4 }), fc.integer({ min: 0, max: 16 }))
    .map(([lo, width]) => ({ lower: lo * 250, upper: (lo + width) * 250 }));

  for (const joinType of ['inner', 'left', 'right', 'full'] as const) {
    test(`${joinType}: equals the brute-force join restricted to the pairs the rule emits`, () => {
      fc.assert(
        fc.property(
          fc.array(stepArb, { maxLength: 60 }),
          boundsArb,
          fc.boolean(),
          (steps, { lower, upper }, remaining) => {
            const { actual, rows, stateLeft } = run(steps, joinType, lower, upper, remaining);
            expect(actual).toEqual(expected(rows, joinType, lower, upper, remaining));
            // The final watermark expires every buffered row.
            expect(stateLeft).toBe(0);
          },
        ),
        { numRuns: 500 },
      );
    });
  }

  test('a late row joins what is still buffered; on time, it would have been buffered too', () => {
    // Right row at BASE + 2000 is kept until the watermark passes BASE + 3000 (lower = -1000).
    const steps: Step[] = [
      { kind: 'row', left: false, k: 1, t: BASE + 2000 },
      { kind: 'watermark', advance: 4000 }, // watermark BASE + 3000
      { kind: 'row', left: true, k: 1, t: BASE + 1000 }, // late by 2 s: joins, is not buffered
      { kind: 'row', left: false, k: 1, t: BASE + 1500 }, // late: the left row is not there
    ];
    const { actual } = run(steps, 'full', -1000, 2000, false);
    expect(actual).toEqual(['2|1', 'null|3']);
  });

  test('a buffered row is still kept when the watermark equals its bound', () => {
    // The left row's bound is lt + upper = BASE + 1500; at that watermark a right row at
    // BASE + 1500 is not late and must still find it.
    const steps: Step[] = [
      { kind: 'row', left: true, k: 1, t: BASE },
      { kind: 'watermark', advance: 2500 }, // watermark BASE + 1500
      { kind: 'row', left: false, k: 1, t: BASE + 1500 },
    ];
    expect(run(steps, 'inner', 500, 1500, false).actual).toEqual(['1|2']);
  });
});
