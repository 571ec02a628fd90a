/**
 * A regular join's side cleaned by the watermark, held in memory first (`expiring-buffer.ts`,
 * run by `ExpiringJoinOperator`), against the join that stores every row in state as it arrives
 * (the `expiring` layout alone), over random interleavings of rows on both sides (late and
 * out-of-order ones too), watermarks on both inputs, checkpoint barriers and spills at small
 * row limits (q7's condition; both sides cleaned, or either alone):
 * - it emits the same joined rows in the same order;
 * - after a barrier its state holds exactly the rows the state-only join holds that can still
 *   match, and one timer per key holding rows;
 * - a snapshot taken at a barrier restores, into either operator, to the uninterrupted output;
 * - the buffer itself drops a key exactly when the watermark passes its latest bucket.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { ExpiringBuffer } from '../../src/sql/planner/join/expiring-buffer.js';
import { ExpiringJoinOperator } from '../../src/sql/planner/join/expiring-join-operator.js';
import { type JoinSpec, RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import { JOIN_LAYOUT, type StoredRows } from '../../src/sql/planner/join/join-state-views.js';
import type { StateCleanup } from '../../src/sql/planner/join/watermark-complete.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { type ValueState, ValueStateDescriptor } from '../../src/types/state.js';

type Step =
  | { kind: 'left'; k: number; dt: number; isNull: boolean; v: number }
  | { kind: 'right'; k: number; dt: number; v: number }
  | { kind: 'watermark1'; dt: number }
  | { kind: 'watermark2'; dt: number }
  | { kind: 'barrier' };

const KEYS = [0, 1, 2, 3, 4, 5];
const key = fc.constantFrom(...KEYS);
/** Milliseconds per step of time: times spread over several one-second buckets. */
const U = 300;
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('left' as const),
      k: key,
      dt: fc.integer({ min: -12, max: 12 }),
      isNull: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      v: fc.nat(3),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('right' as const),
      k: key,
      dt: fc.integer({ min: 1, max: 14 }),
      v: fc.nat(3),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('watermark1' as const), dt: fc.integer({ min: 0, max: 8 }) }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('watermark2' as const), dt: fc.integer({ min: 0, max: 8 }) }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'barrier' as const }), weight: 1 },
);

/** k = k0 AND t >= c - 10U AND t <= c: each side is bounded by the other's complete time. */
const remaining = (row: Row) =>
  row.t != null &&
  row.c != null &&
  (row.t as number) >= (row.c as number) - 10 * U &&
  (row.t as number) <= (row.c as number);
const RIGHT_CLEANUP: StateCleanup = { column: 'c', offsetMs: 0, completeColumn: 't' };
const LEFT_CLEANUP: StateCleanup = { column: 't', offsetMs: 10 * U, completeColumn: 'c' };
const leftBound = (row: Row) => (row.t == null ? null : (row.t as number) + 10 * U);
const rightBound = (row: Row) => row.c as number;

type Sides = 'both' | 'left' | 'right';

function spec(sides: Sides): JoinSpec {
  const cleanedLeft = sides !== 'right';
  const cleanedRight = sides !== 'left';
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
    leftLayout: cleanedLeft ? { kind: 'expiring' } : { kind: 'rows' },
    rightLayout: cleanedRight ? { kind: 'expiring' } : { kind: 'rows' },
    ...(cleanedLeft ? { leftCleanup: LEFT_CLEANUP } : {}),
    ...(cleanedRight ? { rightCleanup: RIGHT_CLEANUP } : {}),
  };
}

/** A harness of the buffered join (with a row limit) or, without one, of the state-only join. */
function harness(sides: Sides, limit?: number) {
  const fn = new RegularJoinFunction(spec(sides));
  const operator =
    limit === undefined ? new CoProcessOperator(fn, true) : new ExpiringJoinOperator(fn, limit);
  return new TwoInputOperatorTestHarness<Row, Row, Row>(
    operator,
    (l) => l.k,
    (r) => r.k0,
  );
}

type Harness = ReturnType<typeof harness>;

interface Clock {
  w1: number;
  w2: number;
}

/** Feeds steps; watermarks carry on from `w`. Both sides' times stay complete. */
function feed(h: Harness, steps: readonly Step[], w: Clock): void {
  for (const s of steps) {
    if (s.kind === 'left') {
      const t = s.isNull ? null : Math.max(w.w2 + 1, w.w1 + s.dt * U);
      h.processElement1({ k: s.k, t, v: s.v }, t ?? w.w1);
    } else if (s.kind === 'right') {
      const c = Math.max(w.w1 + 1, w.w2 + s.dt * U);
      h.processElement2({ k0: s.k, c, w: s.v }, c);
    } else if (s.kind === 'watermark1') {
      w.w1 += s.dt * U;
      h.processWatermark1(w.w1);
    } else if (s.kind === 'watermark2') {
      w.w2 += s.dt * U;
      h.processWatermark2(w.w2);
    } else h.operator.prepareSnapshotPreBarrier?.(1);
  }
}

const outputOf = (h: Harness) =>
  h.extractOutputValues().map((r) => JSON.stringify([r.k, r.t, r.v, r.k0, r.c, r.w]));

/** The rows in a side's state per key, as strings, with their bound above `watermark`. */
function liveRows(h: Harness, sides: Sides, watermark: number): { rows: string[]; keysHolding: number } {
  const backend = h.keyedBackend!;
  const read = (name: string) =>
    backend.getOrCreateState(
      new ValueStateDescriptor<StoredRows>(JOIN_LAYOUT.stateName(name)),
    ) as unknown as ValueState<StoredRows>;
  const views = [
    {
      state: read(sides === 'right' ? 'join-left-rows' : 'join-left-expiring'),
      bound: leftBound,
      side: 'L',
      cleaned: sides !== 'right',
    },
    {
      state: read(sides === 'left' ? 'join-right-rows' : 'join-right-expiring'),
      bound: rightBound,
      side: 'R',
      cleaned: sides !== 'left',
    },
  ];
  const rows: string[] = [];
  let keysHolding = 0;
  for (const k of KEYS) {
    backend.setCurrentKey(k);
    let holds = false;
    for (const { state, bound, side, cleaned } of views) {
      const stored = state.value();
      if (stored === undefined) continue;
      if (cleaned) holds = true;
      for (const row of Array.isArray(stored) ? stored : [stored]) {
        const at = bound(row);
        if (!cleaned || (at !== null && at > watermark)) rows.push(`${side}${k}:${JSON.stringify(row)}`);
      }
    }
    if (holds) keysHolding++;
  }
  return { rows: rows.sort(), keysHolding };
}

const sidesArb = fc.constantFrom<Sides>('both', 'left', 'right');
const limitArb = fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(1000));

describe('a cleaned join side held in memory before state', () => {
  test('emits what the state-only join emits and, after a barrier, holds the same live rows', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), sidesArb, limitArb, (steps, sides, limit) => {
        const plain = harness(sides);
        const buffered = harness(sides, limit);
        plain.open();
        buffered.open();
        const w1 = { w1: 0, w2: 0 };
        const w2 = { w1: 0, w2: 0 };
        feed(plain, steps, w1);
        feed(buffered, steps, w2);
        expect(outputOf(buffered)).toEqual(outputOf(plain));
        buffered.operator.prepareSnapshotPreBarrier?.(2);
        const watermark = Math.min(w1.w1, w1.w2);
        const kept = liveRows(buffered, sides, watermark);
        expect(kept.rows).toEqual(liveRows(plain, sides, watermark).rows);
        // One pending cleanup timer per key whose cleaned sides hold rows in state.
        expect(buffered.numEventTimeTimers()).toBe(kept.keysHolding);
      }),
      { numRuns: 600 },
    );
  });

  test('a snapshot at a barrier restores, into either operator, to the uninterrupted output', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.nat(60),
        sidesArb,
        limitArb,
        fc.boolean(),
        (steps, at, sides, limit, intoBuffered) => {
          const whole = harness(sides);
          whole.open();
          feed(whole, steps, { w1: 0, w2: 0 });
          const cut = Math.min(at, steps.length);
          const w = { w1: 0, w2: 0 };
          const first = harness(sides, limit);
          first.open();
          feed(first, steps.slice(0, cut), w);
          first.operator.prepareSnapshotPreBarrier?.(1);
          const snapshot = snapshotKeyedState(first.keyedBackend!, first.timeServiceManager);
          const second = harness(sides, intoBuffered ? limit : undefined);
          restoreKeyedState(second.keyedBackend!, second.timeServiceManager, snapshot);
          second.open();
          if (w.w1 > 0) second.processWatermark1(w.w1);
          if (w.w2 > 0) second.processWatermark2(w.w2);
          feed(second, steps.slice(cut), w);
          expect([...outputOf(first), ...outputOf(second)]).toEqual(outputOf(whole));
        },
      ),
      { numRuns: 400 },
    );
  });

  test('a key whose earlier bucket the watermark passes keeps its later rows in memory', () => {
    // Bounds 3100 (bucket 4000) and 5500 (bucket 6000): at 4500 the second row still joins.
    const h = harness('left', 1000);
    h.open();
    h.processElement1({ k: 1, t: 100, v: 0 }, 100);
    h.processElement1({ k: 1, t: 2500, v: 1 }, 2500);
    h.processWatermark1(4500);
    h.processWatermark2(4500);
    h.processElement2({ k0: 1, c: 4600, w: 0 }, 4600);
    expect(outputOf(h)).toEqual([JSON.stringify([1, 2500, 1, 1, 4600, 0])]);
    expect(h.numKeyedStateEntries()).toBe(1);
  });

  test('rows the watermark expires in memory leave without state or timers', () => {
    const h = harness('left', 1000);
    h.open();
    for (let i = 0; i < 50; i++) h.processElement1({ k: i % 3, t: 100 + i, v: i }, 100 + i);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    // Every bound is at most 149 + 10U = 3149: the bucket ending at 4000 holds them all.
    h.processWatermark1(4000);
    h.processWatermark2(4000);
    h.operator.prepareSnapshotPreBarrier?.(1);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });
});

describe('the expiring buffer', () => {
  const BUCKET = 1000;
  const bucketOf = (at: number) => Math.ceil(at / BUCKET) * BUCKET;
  type Op = { kind: 'add'; k: number; at: number } | { kind: 'sweep'; dw: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        k: fc.nat(4),
        at: fc.integer({ min: -3000, max: 9000 }),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('sweep' as const), dw: fc.integer({ min: 0, max: 1500 }) }),
      weight: 1,
    },
  );

  test('keeps a key until the watermark passes the bucket of its latest bound, its rows in order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const buffer = new ExpiringBuffer(Number.POSITIVE_INFINITY);
        const model = new Map<number, { rows: Row[]; bucket: number }>();
        let watermark = -4000;
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'add') {
            const row = { n: n++ };
            buffer.add(o.k, o.k, row, o.at);
            const entry = model.get(o.k);
            if (entry === undefined) model.set(o.k, { rows: [row], bucket: bucketOf(o.at) });
            else {
              entry.rows.push(row);
              entry.bucket = Math.max(entry.bucket, bucketOf(o.at));
            }
          } else {
            watermark += o.dw;
            buffer.sweep(watermark);
            for (const [k, entry] of model) if (entry.bucket <= watermark) model.delete(k);
          }
          let size = 0;
          for (let k = 0; k <= 4; k++) {
            const stored = buffer.rowsOf(k);
            const rows = stored === undefined ? [] : Array.isArray(stored) ? stored : [stored];
            expect(rows).toEqual(model.get(k)?.rows ?? []);
            size += rows.length;
          }
          expect(buffer.size).toBe(size);
        }
        const taken = buffer.take();
        expect(taken.map((e) => e.key).sort()).toEqual([...model.keys()].sort());
        expect(buffer.size).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  test('reports when more rows than its limit wait', () => {
    const buffer = new ExpiringBuffer(2);
    expect(buffer.add(1, 1, { a: 1 }, 10)).toBe(false);
    expect(buffer.add(2, 2, { a: 2 }, 10)).toBe(false);
    expect(buffer.add(1, 1, { a: 3 }, 10)).toBe(true);
  });
});
