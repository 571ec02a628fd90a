/**
 * The regular join's `expiring` layout (a side cleaned by the watermark keeps its rows in one
 * value per join key, and the key has one pending cleanup timer while its cleaned sides hold
 * rows), as properties over random interleavings of out-of-order and late rows on both sides and
 * watermarks on both inputs (q7's condition with both sides complete, so both sides are cleaned,
 * or either side alone, as in q7 itself):
 * - it emits exactly what the join that keeps everything emits;
 * - snapshotting its keyed state and timers at any point and going on from a restore gives the
 *   output of the run that was never interrupted;
 * - once the watermark has passed everything it holds no rows and no timers.
 * And checkpoints of the earlier layouts (rows in a list and the timer in `join-cleanup-timer`;
 * `{rows, timer}` per key) fail to open with one line that names the fix.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { type JoinSpec, RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import type { StateCleanup } from '../../src/sql/planner/join/watermark-complete.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { ErrorCodes, WeirError } from '../../src/types/errors.js';
import { KeyedCoProcessFunction, type RuntimeContext } from '../../src/types/functions.js';
import { type ValueState, ValueStateDescriptor } from '../../src/types/state.js';

type Step =
  | { kind: 'left'; k: number; dt: number; isNull: boolean; v: number }
  | { kind: 'right'; k: number; dt: number; v: number }
  | { kind: 'watermark1'; dt: number }
  | { kind: 'watermark2'; dt: number };

const key = fc.integer({ min: 0, max: 2 });
/**
 * Milliseconds per step of time: the join filters a key's rows at most once a second, so times
 * spread over several seconds make cleanups happen mid-run, not only at the end.
 */
const U = 300;
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('left' as const),
    k: key,
    dt: fc.integer({ min: -12, max: 12 }),
    isNull: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    v: fc.nat(3),
  }),
  fc.record({
    kind: fc.constant('right' as const),
    k: key,
    dt: fc.integer({ min: 1, max: 14 }),
    v: fc.nat(3),
  }),
  fc.record({ kind: fc.constant('watermark1' as const), dt: fc.integer({ min: 0, max: 4 }) }),
  fc.record({ kind: fc.constant('watermark2' as const), dt: fc.integer({ min: 0, max: 4 }) }),
);

/**
 * Left rows {k, t, v} whose `t` is complete, right rows {k0, c, w} whose `c` is: k = k0 AND
 * t >= c - 10U AND t <= c (U ms a step). The first conjunct bounds the right rows by `t`, the second the left
 * rows by `c`, so each side leaves state by the other's completeness.
 */
const remaining = (row: Row) =>
  row.t != null &&
  row.c != null &&
  (row.t as number) >= (row.c as number) - 10 * U &&
  (row.t as number) <= (row.c as number);

/** c <= t with t complete: a right row leaves once the watermark reaches c... */
const RIGHT_CLEANUP: StateCleanup = { column: 'c', offsetMs: 0, completeColumn: 't' };
/** ...and c - 10U <= t with c complete: a left row once it reaches t + 10U. */
const LEFT_CLEANUP: StateCleanup = { column: 't', offsetMs: 10 * U, completeColumn: 'c' };

/** Which sides are cleaned. */
type Sides = 'both' | 'left' | 'right';

function spec(cleaned: boolean, ttl = false, sides: Sides = 'both'): JoinSpec {
  // As the planner does: an expiring value for a cleaned side without TTL, else a list.
  const layout = (side: Sides) =>
    cleaned && !ttl && sides !== (side === 'left' ? 'right' : 'left')
      ? ({ kind: 'expiring' } as const)
      : ({ kind: 'appendOnly' } as const);
  return {
    joinType: 'inner',
    leftColumns: ['k', 't', 'v'],
    rightColumns: ['k0', 'c', 'w'],
    leftHasNullKey: () => false,
    rightHasNullKey: () => false,
    remaining,
    leftChangelog: false,
    rightChangelog: false,
    insertOnlyOutput: true,
    leftLayout: layout('left'),
    rightLayout: layout('right'),
    ...(cleaned && sides !== 'right' ? { leftCleanup: LEFT_CLEANUP } : {}),
    ...(cleaned && sides !== 'left' ? { rightCleanup: RIGHT_CLEANUP } : {}),
    ...(ttl ? { stateTtlMs: 1_000_000 } : {}),
  };
}

const harness = (s: JoinSpec) =>
  new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(new RegularJoinFunction(s), true),
    (l) => l.k,
    (r) => r.k0,
  );

type Harness = ReturnType<typeof harness>;

/** Feeds steps; the watermarks carry on from `w`, which is updated. Both sides' times stay complete. */
function feed(h: Harness, steps: readonly Step[], w: { w1: number; w2: number }): void {
  for (const s of steps) {
    if (s.kind === 'left') {
      // Left rows keep within the right watermark too, so neither side's bound is broken.
      const t = s.isNull ? null : Math.max(w.w2 + 1, w.w1 + s.dt * U);
      h.processElement1({ k: s.k, t, v: s.v }, t ?? w.w1);
    } else if (s.kind === 'right') {
      const c = Math.max(w.w1 + 1, w.w2 + s.dt * U);
      h.processElement2({ k0: s.k, c, w: s.v }, c);
    } else if (s.kind === 'watermark1') {
      w.w1 += s.dt * U;
      h.processWatermark1(w.w1);
    } else {
      w.w2 += s.dt * U;
      h.processWatermark2(w.w2);
    }
  }
}

const END = 1_000_000;
const sidesArb = fc.constantFrom<Sides>('both', 'left', 'right');
const rowsOf = (h: Harness) =>
  h.extractOutputValues().map((r) => JSON.stringify([r.k, r.t, r.v, r.k0, r.c, r.w]));

function run(steps: readonly Step[], s: JoinSpec, end: boolean) {
  const h = harness(s);
  h.open();
  feed(h, steps, { w1: 0, w2: 0 });
  if (end) {
    h.processWatermark1(END);
    h.processWatermark2(END);
  }
  return { out: rowsOf(h).sort(), entries: h.numKeyedStateEntries(), timers: h.numEventTimeTimers() };
}

/** The run cut at `cut`: the state and timers snapshotted, restored into a new operator, then the rest. */
function runRestored(steps: readonly Step[], cut: number, end: boolean, sides: Sides = 'both') {
  const w = { w1: 0, w2: 0 };
  const first = harness(spec(true, false, sides));
  first.open();
  feed(first, steps.slice(0, cut), w);
  const snapshot = snapshotKeyedState(first.keyedBackend!, first.timeServiceManager);
  const second = harness(spec(true, false, sides));
  restoreKeyedState(second.keyedBackend!, second.timeServiceManager, snapshot);
  second.open();
  // The restored operator learns the watermarks again, as after a restart.
  if (w.w1 > 0) second.processWatermark1(w.w1);
  if (w.w2 > 0) second.processWatermark2(w.w2);
  feed(second, steps.slice(cut), w);
  if (end) {
    second.processWatermark1(END);
    second.processWatermark2(END);
  }
  return {
    out: [...rowsOf(first), ...rowsOf(second)].sort(),
    entries: second.numKeyedStateEntries(),
    timers: second.numEventTimeTimers(),
  };
}

describe('the regular join keeps a cleaned side in one value per key', () => {
  test('it emits what the join that keeps everything emits, and ends with nothing stored', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), fc.boolean(), sidesArb, (steps, end, sides) => {
        const kept = run(steps, spec(false), end);
        const cleaned = run(steps, spec(true, false, sides), end);
        const listed = run(steps, spec(true, true, sides), end);
        expect(cleaned.out).toEqual(kept.out);
        expect(listed.out).toEqual(kept.out);
        // A key has one pending timer at most (a cleaned side holds rows for every key timed),
        // registered without a lookup: as many as the list layout keeps, which looks its timer up.
        expect(cleaned.timers).toBeLessThanOrEqual(cleaned.entries);
        expect(cleaned.timers).toBe(listed.timers);
        // One value per key and side, where keeping everything needs at least one list.
        expect(cleaned.entries).toBeLessThanOrEqual(kept.entries);
        if (end && sides === 'both') {
          expect(cleaned.entries).toBe(0);
          expect(cleaned.timers).toBe(0);
        }
        if (end) expect(cleaned.timers).toBe(0);
      }),
      { numRuns: 800 },
    );
  });

  test('a snapshot at any point restores to the same output', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.nat(60),
        fc.boolean(),
        sidesArb,
        (steps, at, end, sides) => {
          const cut = Math.min(at, steps.length);
          const whole = run(steps, spec(true, false, sides), end);
          const restored = runRestored(steps, cut, end, sides);
          expect(restored.out).toEqual(whole.out);
          expect(restored.entries).toBe(whole.entries);
          expect(restored.timers).toBe(whole.timers);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('a cleanup keeps the rows of a key whose bound it has not reached, and they join later rows', () => {
    // Left t=300 sets the key's timer for 300 + 10U = 3300; left t=2000 must survive it and
    // join a right row at c=3600 (t >= c - 10U), then leave once the watermark reaches 5000.
    const h = harness(spec(true));
    h.open();
    h.processElement1({ k: 1, t: 300, v: 0 }, 300);
    h.processElement1({ k: 1, t: 2000, v: 1 }, 2000);
    h.processWatermark1(3300);
    h.processWatermark2(3300);
    expect(h.numKeyedStateEntries()).toBe(1);
    h.processElement2({ k0: 1, c: 3600, w: 0 }, 3600);
    expect(rowsOf(h)).toEqual([JSON.stringify([1, 2000, 1, 1, 3600, 0])]);
    h.processWatermark1(5000);
    h.processWatermark2(5000);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  test('a checkpoint of the list-and-timer layout fails to open with one line naming the fix', () => {
    // The layout-1 shape: a cleaned side as a list, its pending timer in `join-cleanup-timer`.
    const old = harness(spec(true, true));
    old.open();
    old.processElement1({ k: 1, t: 5, v: 0 }, 5);
    const snapshot = snapshotKeyedState(old.keyedBackend!, old.timeServiceManager);
    const current = harness(spec(true));
    restoreKeyedState(current.keyedBackend!, current.timeServiceManager, snapshot);
    let error: unknown;
    try {
      current.open();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe(ErrorCodes.STATE_MISMATCH);
    const message = (error as WeirError).message;
    expect(message).toContain('regular join');
    expect(message).toContain('without --restore');
    expect(message).not.toContain('\n');
  });

  test('a checkpoint of the {rows, timer} layout fails to open with one line naming the fix', () => {
    // The layout-2 shape: a cleaned side's rows and pending timer in one value, `…@2`.
    const old = new TwoInputOperatorTestHarness<Row, Row, Row>(
      new CoProcessOperator(new LayoutTwoWriter(), true),
      (l) => l.k,
      (r) => r.k0,
    );
    old.open();
    old.processElement1({ k: 1, t: 5, v: 0 }, 5);
    const snapshot = snapshotKeyedState(old.keyedBackend!, old.timeServiceManager);
    const current = harness(spec(true, false, 'left'));
    restoreKeyedState(current.keyedBackend!, current.timeServiceManager, snapshot);
    let error: unknown;
    try {
      current.open();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe(ErrorCodes.STATE_MISMATCH);
    expect((error as WeirError).message).toContain('layout 2');
    expect((error as WeirError).message).not.toContain('\n');
  });
});

/** Writes a left row as layout 2 of the regular join did: `{rows, timer}` under `join-left-expiring@2`. */
class LayoutTwoWriter extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private state!: ValueState<{ rows: Row[]; timer: number }>;

  override open(ctx: RuntimeContext): void {
    this.state = ctx.getState(
      new ValueStateDescriptor<{ rows: Row[]; timer: number }>('join-left-expiring@2'),
    );
  }

  processElement1(row: Row): void {
    this.state.update({ rows: [row], timer: 3005 });
  }

  processElement2(): void {}
}
