/**
 * State cleanup of the regular join by a watermark-complete column, as a property: over random
 * interleavings of out-of-order and late left rows, right rows that respect completeness (each
 * one's time lies above the right input's watermark when it arrives, as a window aggregate's
 * `window_end` does) and watermarks on both inputs, the join that drops left rows by the
 * watermark emits exactly what the join that keeps everything emits, and once the watermark
 * has passed everything it holds no left rows and no timers.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import type { StateCleanup } from '../../src/sql/planner/join/watermark-complete.js';

type Step =
  | { kind: 'left'; k: number; dt: number; isNull: boolean; v: number }
  | { kind: 'right'; k: number; dt: number }
  | { kind: 'watermark1'; dt: number }
  | { kind: 'watermark2'; dt: number };

const key = fc.integer({ min: 0, max: 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('left' as const),
    k: key,
    // Around the left watermark: late (behind it) as well as early.
    dt: fc.integer({ min: -12, max: 12 }),
    isNull: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    v: fc.nat(9),
  }),
  fc.record({ kind: fc.constant('right' as const), k: key, dt: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('watermark1' as const), dt: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('watermark2' as const), dt: fc.integer({ min: 0, max: 4 }) }),
);

/** Left rows {k, t, v}, right rows {k0, c}: k = k0 AND t >= c - 10 AND t <= c (q7's shape). */
const remaining = (row: Row) =>
  row.t != null &&
  row.c != null &&
  (row.t as number) >= (row.c as number) - 10 &&
  (row.t as number) <= (row.c as number);

const CLEANUP: StateCleanup = { column: 't', offsetMs: 10, completeColumn: 'c' };

function run(steps: readonly Step[], cleanup: boolean, end: boolean) {
  const fn = new RegularJoinFunction({
    joinType: 'inner',
    leftColumns: ['k', 't', 'v'],
    rightColumns: ['k0', 'c'],
    leftHasNullKey: () => false,
    rightHasNullKey: () => false,
    remaining,
    leftChangelog: false,
    rightChangelog: false,
    insertOnlyOutput: true,
    leftLayout: { kind: 'appendOnly' },
    rightLayout: { kind: 'appendOnly' },
    ...(cleanup ? { leftCleanup: CLEANUP } : {}),
  });
  const h = new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (l) => l.k,
    (r) => r.k0,
  );
  h.open();
  // Small steps, so right rows often land right at a left row's bound.
  let w1 = 0;
  let w2 = 0;
  const rightKeys = new Set<unknown>();
  for (const s of steps) {
    if (s.kind === 'left') {
      const t = s.isNull ? null : w1 + s.dt;
      h.processElement1({ k: s.k, t, v: s.v }, t ?? w1);
    } else if (s.kind === 'right') {
      // Complete: above the right input's watermark when it arrives.
      const c = w2 + s.dt;
      rightKeys.add(s.k);
      h.processElement2({ k0: s.k, c }, c);
    } else if (s.kind === 'watermark1') {
      w1 += s.dt;
      h.processWatermark1(w1);
    } else {
      w2 += s.dt;
      h.processWatermark2(w2);
    }
  }
  if (end) {
    h.processWatermark1(1_000_000);
    h.processWatermark2(1_000_000);
  }
  const out = h.extractOutputValues().map((r) => JSON.stringify([r.k, r.t, r.v, r.k0, r.c]));
  return { out: out.sort(), entries: h.numKeyedStateEntries(), rightKeys: rightKeys.size };
}

test('dropping left rows by the watermark changes no output, late rows included', () => {
  fc.assert(
    fc.property(fc.array(step, { maxLength: 80 }), fc.boolean(), (steps, end) => {
      const kept = run(steps, false, end);
      const cleaned = run(steps, true, end);
      expect(cleaned.out).toEqual(kept.out);
      expect(cleaned.entries).toBeLessThanOrEqual(kept.entries + 3);
      // With the watermark past everything, only the right rows' lists are left (one per key).
      if (end) expect(cleaned.entries).toBe(cleaned.rightKeys);
    }),
    { numRuns: 1500 },
  );
});

test('a left row is kept until the watermark reaches its bound, and joins a right row that comes then', () => {
  // Left t=5 may match right rows with c in [5, 15]: a right row at c=15 arriving once both
  // watermarks are at 14 must still find it; at 15 it is gone.
  const steps: Step[] = [
    { kind: 'left', k: 1, dt: 5, isNull: false, v: 1 },
    { kind: 'watermark1', dt: 14 },
    { kind: 'watermark2', dt: 14 },
    { kind: 'right', k: 1, dt: 1 },
  ];
  expect(run(steps, true, false).out).toEqual([JSON.stringify([1, 5, 1, 1, 15])]);
  const later: Step[] = [...steps.slice(0, 3), { kind: 'watermark1', dt: 1 }, { kind: 'watermark2', dt: 1 }];
  // Right watermark 15: the left row left state (only the cleanup of key 1 had state).
  expect(run(later, true, false).entries).toBe(0);
  expect(run(later, false, false).entries).toBe(1);
});
