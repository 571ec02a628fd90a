/**
 * A regular join's side cleaned by the watermark, held in memory first (`expiring-buffer.ts`,
 * run by `ExpiringJoinOperator`), against the join that stores every row in state as it arrives
 * (the `expiring` layout alone), over random interleavings of rows on both sides (late and
 * out-of-order ones too), watermarks on both inputs, checkpoints and spills at small row limits
 * (q7's condition; both sides cleaned, or either alone), at varying rates of each side's rows, so
 * that a buffer the other side probes rarely stays unindexed and one it probes often indexes its
 * rows on the way (both happen, and are counted):
 * - it emits the same joined rows in the same order, with a composite key too;
 * - a checkpoint (its keyed state and the rows in memory it takes as union operator state)
 *   holds exactly the rows the state-only join holds that can still match, each once, and one
 *   timer per key holding rows in state;
 * - a checkpoint restores to the uninterrupted output, at the same parallelism or another (each
 *   subtask keeps the rows in memory of its own key groups);
 * - the buffer itself, unindexed or indexed, finds a key's rows in arrival order, keeps every
 *   row the watermark has not passed, drops exactly what its form allows, and scans at most a
 *   fixed multiple of the rows it adds.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import type { OperatorStateSnapshot } from '../../src/runtime/snapshot.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import {
  bufferLimit,
  ExpiringBuffer,
  type ExpiringBufferOptions,
  JOIN_BUFFER_LIMIT,
  SCAN_FACTOR,
} from '../../src/sql/planner/join/expiring-buffer.js';
import {
  BUFFERED_ROWS_STATE,
  type BufferedRowsEntry,
  PARTS_PER_ENTRY,
  ROWS_PER_ENTRY,
} from '../../src/sql/planner/join/expiring-buffer-state.js';
import { ExpiringKeyIndex } from '../../src/sql/planner/join/expiring-key-index.js';
import { ExpiringLog } from '../../src/sql/planner/join/expiring-log.js';
import { ExpiringJoinOperator } from '../../src/sql/planner/join/expiring-join-operator.js';
import {
  type ProbeBounds,
  STORED_TIMES_STATE,
  StoredTimes,
} from '../../src/sql/planner/join/expiring-probe-bound.js';
import { type JoinSpec, RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import { JOIN_LAYOUT, RowsView, type StoredRows } from '../../src/sql/planner/join/join-state-views.js';
import type { StateCleanup } from '../../src/sql/planner/join/watermark-complete.js';
import { assignToKeyGroup, operatorIndexForKeyGroup } from '../../src/state/key-groups.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { decode, encode } from '../../src/types/codec.js';
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
/**
 * Steps with `left` and `right` the weights of each side's rows (how often each probes the
 * other) and `barrier` that of barriers (which empty the buffers).
 */
const stepOf = (left: number, right: number, barrier: number): fc.Arbitrary<Step> =>
  fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('left' as const),
        k: key,
        dt: fc.integer({ min: -12, max: 12 }),
        isNull: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
        v: fc.nat(3),
      }),
      weight: left,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('right' as const),
        k: key,
        dt: fc.integer({ min: 1, max: 14 }),
        v: fc.nat(3),
      }),
      weight: right,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('watermark1' as const), dt: fc.integer({ min: 0, max: 8 }) }),
      weight: 1,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('watermark2' as const), dt: fc.integer({ min: 0, max: 8 }) }),
      weight: 1,
    },
    { arbitrary: fc.constant({ kind: 'barrier' as const }), weight: barrier },
  );

/** Runs of steps where either side's rows may be rare or frequent, and barriers too. */
const stepsArb = (maxLength: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 2 }))
    .chain(([left, right, barrier]) => fc.array(stepOf(left, right, barrier), { maxLength }));

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

/** What the planner derives from the condition: t <= c bounds a left probe, c - 10U <= t a right one. */
const PROBE_BOUNDS: ProbeBounds = {
  left: { column: 't', offsetMs: 0, storedColumn: 'c' },
  right: { column: 'c', offsetMs: -10 * U, storedColumn: 't' },
};

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
    probeBounds: PROBE_BOUNDS,
  };
}

/**
 * A harness of the buffered join (with its buffers' options) or, without them, of the state-only
 * join; subtask `subtask` of `parallelism`, `restored` to be restored from a checkpoint. With
 * `composite`, the join key is a pair (a string in canonical form), as a join on two columns keys it.
 */
function harness(
  sides: Sides,
  buffer?: ExpiringBufferOptions,
  parallelism = 1,
  subtask = 0,
  restored = false,
  composite = false,
) {
  const fn = new RegularJoinFunction(spec(sides));
  const operator =
    buffer === undefined ? new CoProcessOperator(fn, true) : new ExpiringJoinOperator(fn, buffer);
  return new TwoInputOperatorTestHarness<Row, Row, Row>(
    operator,
    composite ? (l) => [l.k, 'x'] : (l) => l.k,
    composite ? (r) => [r.k0, 'x'] : (r) => r.k0,
    { parallelism, subtaskIndex: subtask, ...(restored ? { restoredCheckpointId: 1 } : {}) },
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
    } else {
      // A checkpoint: the operator's part of it changes nothing.
      h.operator.prepareSnapshotPreBarrier?.(1);
      void h.operator.snapshotState?.(1);
    }
  }
}

/** The subtask of `parallelism` that owns key `k` (of 128 key groups, the harness's). */
const subtaskOf = (k: unknown, parallelism: number) =>
  operatorIndexForKeyGroup(128, parallelism, assignToKeyGroup(k, 128));

/** Feeds steps to the subtasks of `hs`, each row to its key's; watermarks and checkpoints to all. */
function feedAll(hs: readonly Harness[], steps: readonly Step[], w: Clock): void {
  for (const s of steps) {
    if (s.kind === 'left' || s.kind === 'right') feed(hs[subtaskOf(s.k, hs.length)]!, [s], w);
    else {
      const before = { ...w };
      for (const h of hs) {
        const clock = { ...before };
        feed(h, [s], clock);
        Object.assign(w, clock);
      }
    }
  }
}

/** A checkpoint of a buffered subtask: keyed state and timers, and its rows in memory. */
interface Checkpoint {
  readonly keyGroups: Array<[number, Uint8Array]>;
  /** The union state's entries, each encoded and decoded on its own as the runtime does. */
  readonly entries: unknown[];
  /** The subtask's latest stored times (union state too), as decoded. */
  readonly times: unknown[];
}

function checkpoint(h: Harness): Checkpoint {
  const keyGroups = snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
  const own = h.operator.snapshotState?.(1) as OperatorStateSnapshot | undefined;
  const state = own?.[BUFFERED_ROWS_STATE];
  if (state !== undefined) expect(state.mode).toBe('union');
  const times = own?.[STORED_TIMES_STATE];
  if (times !== undefined) expect(times.mode).toBe('union');
  return {
    keyGroups,
    entries: (state?.entries ?? []).map((e) => decode(encode(e))),
    times: (times?.entries ?? []).map((e) => decode(encode(e))),
  };
}

/**
 * Restores checkpoints of every subtask of a run into `h` and opens it: its key groups of their
 * keyed state, and every subtask's rows in memory (union state).
 */
function restore(h: Harness, checkpoints: readonly Checkpoint[], w: Clock): void {
  const { start, end } = h.keyedBackend!.keyGroupRange;
  const groups = checkpoints.flatMap((c) => c.keyGroups).filter(([g]) => g >= start && g <= end);
  restoreKeyedState(h.keyedBackend!, h.timeServiceManager, groups);
  const times = checkpoints.flatMap((c) => c.times);
  h.operator.initializeState?.(
    new Map([
      [BUFFERED_ROWS_STATE, checkpoints.flatMap((c) => c.entries)],
      ...(times.length === 0 ? [] : [[STORED_TIMES_STATE, times] as const]),
    ]),
  );
  h.open();
  if (w.w1 > 0) h.processWatermark1(w.w1);
  if (w.w2 > 0) h.processWatermark2(w.w2);
}

/**
 * The rows of a checkpoint's union state, as {@link liveRows} names them, whose bound is above
 * `watermark` (a full chunk's entry may hold expired rows too, as the chunk does).
 */
function rowsInMemory(c: Checkpoint, watermark: number): string[] {
  const out: string[] = [];
  for (const entry of c.entries as BufferedRowsEntry[]) {
    let count = 0;
    expect(entry.parts.length).toBeLessThanOrEqual(PARTS_PER_ENTRY);
    for (const part of entry.parts) {
      const [keys, rows] = decode<[unknown[], Row[]]>(part.data);
      // A part holds the rows of its range of key groups, one of the entry's eight ranges.
      const groups = keys.map((k) => assignToKeyGroup(k, 128));
      expect([Math.min(...groups), Math.max(...groups)]).toEqual([part.first, part.last]);
      expect(new Set(groups.map((g) => Math.floor((g * PARTS_PER_ENTRY) / 128))).size).toBe(1);
      count += rows.length;
      rows.forEach((row, i) => {
        const at = (entry.left ? leftBound : rightBound)(row);
        if (at !== null && at > watermark)
          out.push(`${entry.left ? 'L' : 'R'}${keys[i]}:${JSON.stringify(row)}`);
      });
    }
    expect(count).toBeLessThanOrEqual(ROWS_PER_ENTRY);
  }
  return out;
}

/** The output rows by join key, each key's in order. */
function byKey(rows: readonly string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const r of rows) {
    const k = JSON.parse(r)[0] as number;
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
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
/**
 * Small row limits (spills) or none to speak of, chunks of a few rows, and scan factors up to the
 * default one (these runs are short: at lower factors their rates decide whether a buffer indexes).
 */
const bufferArb: fc.Arbitrary<ExpiringBufferOptions> = fc.record({
  limit: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(1000)),
  chunkRows: fc.integer({ min: 1, max: 8 }),
  scanFactor: fc.constantFrom(1, 2, SCAN_FACTOR),
});

/**
 * Counts the runs whose buffers indexed their rows and those whose probes scanned unindexed
 * rows only, so that a test can require both: every switch builds the index through its `add`.
 */
function modeCounter() {
  const indexed = vi.spyOn(ExpiringKeyIndex.prototype, 'add');
  const scanned = vi.spyOn(ExpiringLog.prototype, 'rowsOf');
  const runs = { switched: 0, unindexed: 0 };
  return {
    runs,
    /** Called at the start of each run: counts the run before it. */
    next(): void {
      if (indexed.mock.calls.length > 0) runs.switched++;
      else if (scanned.mock.calls.length > 0) runs.unindexed++;
      indexed.mockClear();
      scanned.mockClear();
    },
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a cleaned join side held in memory before state', () => {
  test('emits what the state-only join emits, and a checkpoint holds its live rows, each once', () => {
    const modes = modeCounter();
    const probes = vi.spyOn(StoredTimes.prototype, 'mayMatch');
    fc.assert(
      fc.property(stepsArb(80), sidesArb, bufferArb, (steps, sides, options) => {
        modes.next();
        const plain = harness(sides);
        const buffered = harness(sides, options);
        plain.open();
        buffered.open();
        const w1 = { w1: 0, w2: 0 };
        const w2 = { w1: 0, w2: 0 };
        feed(plain, steps, w1);
        feed(buffered, steps, w2);
        expect(outputOf(buffered)).toEqual(outputOf(plain));
        const watermark = Math.min(w1.w1, w1.w2);
        const inState = buffered.numKeyedStateEntries();
        const timers = buffered.numEventTimeTimers();
        const taken = checkpoint(buffered);
        const kept = liveRows(buffered, sides, watermark);
        expect([...kept.rows, ...rowsInMemory(taken, watermark)].sort()).toEqual(
          liveRows(plain, sides, watermark).rows,
        );
        // One pending cleanup timer per key whose cleaned sides hold rows in state; the rows in
        // memory have none, and taking them moved nothing.
        expect(timers).toBe(kept.keysHolding);
        expect(buffered.numEventTimeTimers()).toBe(timers);
        expect(buffered.numKeyedStateEntries()).toBe(inState);
      }),
      { numRuns: 600 },
    );
    modes.next();
    // Both forms, and the switch between them, are exercised.
    expect(modes.runs.switched).toBeGreaterThan(30);
    expect(modes.runs.unindexed).toBeGreaterThan(30);
    // Probes skipped by time and probes made are both common.
    const skipped = probes.mock.results.filter((r) => r.value === false).length;
    expect(skipped).toBeGreaterThan(300);
    expect(probes.mock.results.length - skipped).toBeGreaterThan(300);
  });

  test('with a composite key, it emits what the state-only join emits', () => {
    const found = vi.spyOn(ExpiringBuffer.prototype, 'rowsOf');
    fc.assert(
      fc.property(stepsArb(80), sidesArb, bufferArb, (steps, sides, options) => {
        const plain = harness(sides, undefined, 1, 0, false, true);
        const buffered = harness(sides, options, 1, 0, false, true);
        plain.open();
        buffered.open();
        feed(plain, steps, { w1: 0, w2: 0 });
        feed(buffered, steps, { w1: 0, w2: 0 });
        expect(outputOf(buffered)).toEqual(outputOf(plain));
      }),
      { numRuns: 300 },
    );
    // Probes find rows in memory by their key, not only store them there.
    expect(found.mock.results.filter((r) => r.value !== undefined).length).toBeGreaterThan(10);
    found.mockRestore();
  });

  test('a checkpoint restores to the uninterrupted output', () => {
    const modes = modeCounter();
    fc.assert(
      fc.property(
        stepsArb(60),
        fc.nat(60),
        sidesArb,
        bufferArb,
        bufferArb,
        (steps, at, sides, options, after) => {
          modes.next();
          const whole = harness(sides);
          whole.open();
          feed(whole, steps, { w1: 0, w2: 0 });
          const cut = Math.min(at, steps.length);
          const w = { w1: 0, w2: 0 };
          const first = harness(sides, options);
          first.open();
          feed(first, steps.slice(0, cut), w);
          const taken = checkpoint(first);
          // Restored with other buffer options too: a smaller limit moves restored rows to state.
          const second = harness(sides, after, 1, 0, true);
          restore(second, [taken], w);
          feed(second, steps.slice(cut), w);
          expect([...outputOf(first), ...outputOf(second)]).toEqual(outputOf(whole));
        },
      ),
      { numRuns: 400 },
    );
    modes.next();
    expect(modes.runs.switched).toBeGreaterThan(20);
    expect(modes.runs.unindexed).toBeGreaterThan(20);
  });

  test('a checkpoint restores at another parallelism, each key to its uninterrupted output', () => {
    const parallelism = fc.integer({ min: 1, max: 3 });
    fc.assert(
      fc.property(
        stepsArb(60),
        fc.nat(60),
        sidesArb,
        bufferArb,
        parallelism,
        parallelism,
        (steps, at, sides, options, before, after) => {
          const whole = harness(sides);
          whole.open();
          feed(whole, steps, { w1: 0, w2: 0 });
          const cut = Math.min(at, steps.length);
          const w = { w1: 0, w2: 0 };
          const first = Array.from({ length: before }, (_, i) => harness(sides, options, before, i));
          for (const h of first) h.open();
          feedAll(first, steps.slice(0, cut), w);
          const taken = first.map(checkpoint);
          const second = Array.from({ length: after }, (_, i) => harness(sides, options, after, i, true));
          for (const h of second) restore(h, taken, w);
          feedAll(second, steps.slice(cut), w);
          const rows = [...first, ...second].flatMap(outputOf);
          expect(byKey(rows)).toEqual(byKey(outputOf(whole)));
        },
      ),
      { numRuns: 400 },
    );
  });

  test('a restored row of a key this subtask does not own is dropped, and a side the job does not buffer is refused', () => {
    const h = harness('left', { limit: 1000 });
    h.open();
    h.processElement1({ k: 1, t: 100, v: 0 }, 100);
    h.processElement1({ k: 5, t: 200, v: 1 }, 200);
    const taken = checkpoint(h);
    expect(rowsInMemory(taken, 0).sort()).toEqual(['L1:{"k":1,"t":100,"v":0}', 'L5:{"k":5,"t":200,"v":1}']);
    // Key 5 is subtask 1's of 2, key 1 subtask 0's.
    expect([subtaskOf(1, 2), subtaskOf(5, 2)]).toEqual([0, 1]);
    const owner = harness('left', { limit: 1000 }, 2, 0);
    restore(owner, [taken], { w1: 0, w2: 0 });
    owner.processElement2({ k0: 1, c: 300, w: 0 }, 300);
    expect(outputOf(owner)).toEqual([JSON.stringify([1, 100, 0, 1, 300, 0])]);
    expect(rowsInMemory(checkpoint(owner), 0)).toEqual(['L1:{"k":1,"t":100,"v":0}']);
    // A join that cleans only its right side keeps no left rows in memory.
    const other = harness('right', { limit: 1000 });
    expect(() => restore(other, [taken], { w1: 0, w2: 0 })).toThrow(
      /rows in memory of the left side of a regular join that this job does not clean by the watermark/,
    );
    const corrupt = harness('left', { limit: 1000 });
    expect(() =>
      restore(corrupt, [{ keyGroups: [], entries: [{ left: true, keys: [1] }], times: [] }], {
        w1: 0,
        w2: 0,
      }),
    ).toThrow(/join-buffered-rows state of a regular join is not rows with their keys/);
  });

  test('a probe no stored row can meet by time reads no state, and a restore without latest times skips none', () => {
    const stored = vi.spyOn(RowsView.prototype, 'stored');
    const h = harness('left', { limit: 1000 });
    h.open();
    h.processElement2({ k0: 1, c: 5000, w: 0 }, 5000);
    // t <= c: a left row after 5000 can meet no right row stored so far...
    h.processElement1({ k: 1, t: 5001, v: 0 }, 5001);
    expect(stored).not.toHaveBeenCalled();
    // ...one at 5000 can (and t >= c - 10U holds).
    h.processElement1({ k: 1, t: 5000, v: 1 }, 5000);
    expect(stored).toHaveBeenCalledTimes(1);
    expect(outputOf(h)).toEqual([JSON.stringify([1, 5000, 1, 1, 5000, 0])]);
    const taken = checkpoint(h);
    expect(taken.times).toEqual([{ left: 5001, right: 5000 }]);
    // A checkpoint of an earlier version has no latest times: every probe reads state.
    const earlier = harness('left', { limit: 1000 }, 1, 0, true);
    restore(earlier, [{ ...taken, times: [] }], { w1: 0, w2: 0 });
    earlier.processElement1({ k: 1, t: 4000, v: 2 }, 4000);
    expect(outputOf(earlier)).toEqual([JSON.stringify([1, 4000, 2, 1, 5000, 0])]);
    // Restored with them, the probe is skipped above the latest right time only.
    stored.mockClear();
    const later = harness('left', { limit: 1000 }, 1, 0, true);
    restore(later, [taken], { w1: 0, w2: 0 });
    later.processElement1({ k: 1, t: 6000, v: 3 }, 6000);
    expect(stored).not.toHaveBeenCalled();
    later.processElement1({ k: 1, t: 4000, v: 2 }, 4000);
    expect(outputOf(later)).toEqual([JSON.stringify([1, 4000, 2, 1, 5000, 0])]);
    const corrupt = harness('left', { limit: 1000 }, 1, 0, true);
    expect(() => restore(corrupt, [{ ...taken, times: [{ left: 'x' }] }], { w1: 0, w2: 0 })).toThrow(
      /join-stored-times state of a regular join is not a pair of times/,
    );
  });

  test('a key whose earlier bucket the watermark passes keeps its later rows in memory', () => {
    // Bounds 3100 (bucket 4000) and 5500 (bucket 6000): at 4500 the second row still joins.
    const h = harness('left', { limit: 1000 });
    h.open();
    h.processElement1({ k: 1, t: 100, v: 0 }, 100);
    h.processElement1({ k: 1, t: 2500, v: 1 }, 2500);
    h.processWatermark1(4500);
    h.processWatermark2(4500);
    h.processElement2({ k0: 1, c: 4600, w: 0 }, 4600);
    expect(outputOf(h)).toEqual([JSON.stringify([1, 2500, 1, 1, 4600, 0])]);
    expect(h.numKeyedStateEntries()).toBe(1);
  });

  test('on the heap backend rows stay in memory however many; elsewhere a subtask holds its share of the limit', () => {
    expect(bufferLimit(JOIN_BUFFER_LIMIT, 1)).toBe(JOIN_BUFFER_LIMIT);
    expect(bufferLimit(JOIN_BUFFER_LIMIT, 4)).toBe(JOIN_BUFFER_LIMIT / 4);
    // The harness runs the heap backend, with the default limit: past the other backends' share.
    const h = harness('left', {}, 4, 0);
    h.open();
    const rows = bufferLimit(JOIN_BUFFER_LIMIT, 4) + 10;
    for (let i = 0; i < rows; i++) h.processElement1({ k: (i % 3) * 2, t: 100, v: i }, 100);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    const taken = checkpoint(h);
    expect(rowsInMemory(taken, 0)).toHaveLength(rows);
    // A limit still moves them into state, each key with its timer.
    const limited = harness('left', { limit: 5 }, 4, 0);
    limited.open();
    for (let i = 0; i < 6; i++) limited.processElement1({ k: (i % 3) * 2, t: 100, v: i }, 100);
    expect(limited.numKeyedStateEntries()).toBe(3);
    expect(limited.numEventTimeTimers()).toBe(3);
    expect(checkpoint(limited).entries).toEqual([]);
  });

  test('a restore decodes only the entries of its own key groups, and restores entries of mixed keys', () => {
    const h = harness('left', { limit: 1000 });
    h.open();
    h.processElement1({ k: 1, t: 100, v: 0 }, 100);
    h.processElement1({ k: 5, t: 200, v: 1 }, 200);
    const taken = checkpoint(h);
    // Key 1 is subtask 0's of 2, key 5 subtask 1's.
    expect([subtaskOf(1, 2), subtaskOf(5, 2)]).toEqual([0, 1]);
    const groupOf5 = assignToKeyGroup(5, 128);
    const garbage = {
      left: true,
      parts: [{ first: groupOf5, last: groupOf5, data: new Uint8Array([0xc1, 0xc1]) }],
    };
    // Subtask 0 never decodes key 5's group: its bytes may be anything.
    const owner = harness('left', { limit: 1000 }, 2, 0, true);
    restore(owner, [{ ...taken, entries: [...taken.entries, garbage] }], { w1: 0, w2: 0 });
    expect(rowsInMemory(checkpoint(owner), 0)).toEqual(['L1:{"k":1,"t":100,"v":0}']);
    const other = harness('left', { limit: 1000 }, 2, 1, true);
    expect(() => restore(other, [{ ...taken, entries: [garbage] }], { w1: 0, w2: 0 })).toThrow(
      /join-buffered-rows state of a regular join is not rows with their keys/,
    );
    // An earlier checkpoint's entry mixes the keys of both subtasks: each keeps its own.
    const earlier = {
      left: true,
      keys: [1, 5],
      rows: [
        { k: 1, t: 100, v: 0 },
        { k: 5, t: 200, v: 1 },
      ],
    };
    const kept = [0, 1].map((subtask) => {
      const s = harness('left', { limit: 1000 }, 2, subtask, true);
      restore(s, [{ ...taken, entries: [decode(encode(earlier))] }], { w1: 0, w2: 0 });
      return rowsInMemory(checkpoint(s), 0);
    });
    expect(kept).toEqual([['L1:{"k":1,"t":100,"v":0}'], ['L5:{"k":5,"t":200,"v":1}']]);
  });

  test('a full chunk is encoded once, at the first checkpoint that finds it', () => {
    const h = harness('left', { limit: 1000, chunkRows: 4, scanFactor: 1000 });
    h.open();
    for (let i = 0; i < 10; i++) h.processElement1({ k: i % 3, t: 100 + i, v: i }, 100 + i);
    const take = () => {
      const taken = h.operator.snapshotState!(1) as OperatorStateSnapshot;
      return taken[BUFFERED_ROWS_STATE]!.entries as BufferedRowsEntry[];
    };
    const first = take();
    const second = take();
    // Two full chunks of four rows, then the last two rows, encoded again each time.
    const rowsOf = (e: BufferedRowsEntry) =>
      e.parts.reduce((n, part) => n + decode<[unknown[], Row[]]>(part.data)[1].length, 0);
    expect(first.map(rowsOf)).toEqual([4, 4, 2]);
    expect(second[0]!.parts).toBe(first[0]!.parts);
    expect(second[1]!.parts).toBe(first[1]!.parts);
    expect(second[2]!.parts).not.toBe(first[2]!.parts);
    // A chunk the watermark drops goes with its bytes; new rows fill new chunks.
    h.processWatermark1(100 + 10 * U + 4);
    h.processWatermark2(100 + 10 * U + 4);
    for (let i = 10; i < 14; i++) h.processElement1({ k: i % 3, t: 100 * U + i, v: i }, 100 * U + i);
    const third = take();
    expect(third[0]!.parts).toBe(first[1]!.parts);
    expect(third).toHaveLength(3);
    expect(rowsInMemory(checkpoint(h), 100 + 10 * U + 4)).toHaveLength(9);
  });

  test('rows the watermark expires in memory leave without state or timers', () => {
    const h = harness('left', { limit: 1000 });
    h.open();
    for (let i = 0; i < 50; i++) h.processElement1({ k: i % 3, t: 100 + i, v: i }, 100 + i);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    // Every bound is at most 149 + 10U = 3149: the bucket ending at 4000 holds them all.
    h.processWatermark1(4000);
    h.processWatermark2(4000);
    expect(checkpoint(h).entries).toEqual([]);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });
});

describe('the expiring buffer', () => {
  const BUCKET = 1000;
  const bucketOf = (at: number) => Math.ceil(at / BUCKET) * BUCKET;
  type Op =
    | { kind: 'add'; k: number; at: number }
    | { kind: 'sweep'; dw: number }
    | { kind: 'probe'; k: number }
    | { kind: 'drain' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('add' as const),
        k: fc.nat(4),
        at: fc.integer({ min: -3000, max: 9000 }),
      }),
      weight: 6,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('sweep' as const), dw: fc.integer({ min: 0, max: 1500 }) }),
      weight: 2,
    },
    { arbitrary: fc.record({ kind: fc.constant('probe' as const), k: fc.nat(4) }), weight: 2 },
    { arbitrary: fc.constant({ kind: 'drain' as const }), weight: 1 },
  );
  const list = (stored: StoredRows | undefined): Row[] =>
    stored === undefined ? [] : Array.isArray(stored) ? [...stored] : [stored];
  /** What a drain hands over: each call's key and rows. */
  const drained = (buffer: ExpiringBuffer) => {
    const out: [unknown, Row[]][] = [];
    buffer.drain((k, _canonical, rows) => {
      out.push([k, list(rows)]);
    });
    return out;
  };
  /** Whether `part` is `whole` with some rows left out, in the same order. */
  const isSubsequence = (part: readonly Row[], whole: readonly Row[]) => {
    let i = 0;
    for (const row of whole) if (i < part.length && part[i] === row) i++;
    return i === part.length;
  };

  test("finds a key's rows in arrival order, keeps every row not expired, scans at most its factor per row added", () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 150 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0, 1, SCAN_FACTOR, Number.POSITIVE_INFINITY),
        (ops, chunkRows, scanFactor) => {
          // Every row a probe of the unindexed buffer scans, counted at the scan.
          let scanned = 0;
          let addedTotal = 0;
          const scan = ExpiringLog.prototype.rowsOf;
          const spy = vi.spyOn(ExpiringLog.prototype, 'rowsOf').mockImplementation(function (
            this: ExpiringLog,
            canonical,
          ) {
            scanned += this.size;
            return scan.call(this, canonical);
          });
          const buffer = new ExpiringBuffer({ limit: Number.POSITIVE_INFINITY, chunkRows, scanFactor });
          /** The rows added since the last drain, in arrival order. */
          let added: { k: number; row: Row; at: number }[] = [];
          let watermark = -4000;
          let n = 0;
          const check = (k: number, found: readonly Row[]) => {
            const all = added.filter((a) => a.k === k);
            expect(
              isSubsequence(
                found,
                all.map((a) => a.row),
              ),
            ).toBe(true);
            for (const a of all) if (a.at > watermark) expect(found).toContain(a.row);
          };
          for (const o of ops) {
            if (o.kind === 'add') {
              const row = { n: n++ };
              buffer.add(o.k, o.k, row, o.at);
              added.push({ k: o.k, row, at: o.at });
              addedTotal++;
            } else if (o.kind === 'sweep') {
              watermark += o.dw;
              buffer.sweep(watermark);
            } else if (o.kind === 'probe') check(o.k, list(buffer.rowsOf(o.k)));
            else {
              const size = buffer.size;
              const taken = drained(buffer);
              expect(taken.reduce((sum, [, rows]) => sum + rows.length, 0)).toBe(size);
              // Each key's rows, over all its hand-overs, in arrival order.
              const byKey = new Map<number, Row[]>();
              for (const [k, rows] of taken)
                byKey.set(k as number, [...(byKey.get(k as number) ?? []), ...rows]);
              for (const [k, rows] of byKey) check(k, rows);
              // The keys first come in the order their first rows arrived.
              const firsts = [...byKey.values()].map((rows) => added.findIndex((a) => a.row === rows[0]));
              expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
              expect(buffer.size).toBe(0);
              added = [];
            }
            const live = added.filter((a) => a.at > watermark).length;
            expect(buffer.size).toBeGreaterThanOrEqual(live);
            expect(buffer.size).toBeLessThanOrEqual(added.length);
          }
          if (scanFactor !== Number.POSITIVE_INFINITY)
            expect(scanned).toBeLessThanOrEqual(scanFactor * addedTotal);
          spy.mockRestore();
        },
      ),
      { numRuns: 500 },
    );
  });

  test('unindexed, in chunks of one row, it drops a row exactly when the watermark passes its bound', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const buffer = new ExpiringBuffer({
          limit: Number.POSITIVE_INFINITY,
          chunkRows: 1,
          scanFactor: Number.POSITIVE_INFINITY,
        });
        let model: { k: number; row: Row; at: number }[] = [];
        let watermark = -4000;
        let n = 0;
        for (const o of ops) {
          if (o.kind === 'add') {
            const row = { n: n++ };
            buffer.add(o.k, o.k, row, o.at);
            model.push({ k: o.k, row, at: o.at });
          } else if (o.kind === 'sweep') {
            watermark += o.dw;
            buffer.sweep(watermark);
            model = model.filter((m) => m.at > watermark);
          } else if (o.kind === 'drain') {
            // Row by row, in arrival order.
            expect(drained(buffer)).toEqual(model.map((m) => [m.k, [m.row]]));
            model = [];
          }
          for (let k = 0; k <= 4; k++)
            expect(list(buffer.rowsOf(k))).toEqual(model.filter((m) => m.k === k).map((m) => m.row));
          expect(buffer.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('indexed, it keeps a key until the watermark passes the bucket of its latest bound, its rows in order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        // A scan factor of 0 indexes the rows at the first probe that finds any (after each op here).
        const buffer = new ExpiringBuffer({ limit: Number.POSITIVE_INFINITY, chunkRows: 1, scanFactor: 0 });
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
          } else if (o.kind === 'sweep') {
            watermark += o.dw;
            buffer.sweep(watermark);
            for (const [k, entry] of model) if (entry.bucket <= watermark) model.delete(k);
          } else if (o.kind === 'drain') {
            // Each key's rows at once, the keys in the order they first arrived.
            expect(drained(buffer)).toEqual([...model].map(([k, e]) => [k, e.rows]));
            model.clear();
          }
          let size = 0;
          for (let k = 0; k <= 4; k++) {
            const rows = list(buffer.rowsOf(k));
            expect(rows).toEqual(model.get(k)?.rows ?? []);
            size += rows.length;
          }
          expect(buffer.size).toBe(size);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('reports when more rows than its limit wait, unindexed or indexed', () => {
    for (const scanFactor of [Number.POSITIVE_INFINITY, 0]) {
      const buffer = new ExpiringBuffer({ limit: 2, scanFactor });
      expect(buffer.add(1, 1, { a: 1 }, 10)).toBe(false);
      buffer.rowsOf(1);
      expect(buffer.add(2, 2, { a: 2 }, 10)).toBe(false);
      expect(buffer.add(1, 1, { a: 3 }, 10)).toBe(true);
    }
  });

  test('composite and NaN keys: a probe finds the rows of the equal key, and a drain hands each key over as given', () => {
    const buffer = new ExpiringBuffer({ scanFactor: Number.POSITIVE_INFINITY });
    const a = { price: 1, day: 'x' };
    buffer.add('#a', a, { n: 0 }, 10);
    buffer.add(Number.NaN, Number.NaN, { n: 1 }, 10);
    buffer.add('#b', [2], { n: 2 }, 10);
    buffer.add(Number.NaN, Number.NaN, { n: 3 }, 10);
    expect(list(buffer.rowsOf(Number.NaN))).toEqual([{ n: 1 }, { n: 3 }]);
    expect(list(buffer.rowsOf('#a'))).toEqual([{ n: 0 }]);
    const taken = drained(buffer);
    expect(taken.map(([k]) => k)).toEqual([a, Number.NaN, [2], Number.NaN]);
    expect(taken[0]![0]).toBe(a);
  });
});
