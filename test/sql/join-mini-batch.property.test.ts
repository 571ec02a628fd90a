/**
 * The mini-batch regular join (`mini-batch-join-operator.ts`) against the row-by-row join, over
 * random interleavings of inserts and retractions on both sides (NULL keys, duplicates, a
 * non-equi condition), watermarks on either input, processing time passing the allow-latency,
 * checkpoint barriers and bundles of 1 to 6 rows, for inner, left, right and full joins of
 * insert-only and updating inputs:
 * - its changelog never retracts a row it has not emitted (and is plain rows when the plan's
 *   mode is insert-only), and it ends with the same rows;
 * - after a barrier its state equals the row-by-row join's (nothing is left in the bundle);
 * - a snapshot taken at a barrier restores to the same final rows: no row lost or doubled.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import { type JoinSpec, RegularJoinFunction } from '../../src/sql/planner/join/join-function.js';
import type { JoinType } from '../../src/sql/planner/join/join-nodes.js';
import { MiniBatchJoinOperator } from '../../src/sql/planner/join/mini-batch-join-operator.js';
import { columnsKey } from '../../src/sql/runtime/compact-keys.js';
import {
  JOIN_LAYOUT,
  RowsView,
  type StoredRecord,
  type StoredRows,
} from '../../src/sql/planner/join/join-state-views.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import {
  type ListState,
  ListStateDescriptor,
  type MapState,
  MapStateDescriptor,
  type ValueState,
  ValueStateDescriptor,
} from '../../src/types/state.js';

type Step =
  | { kind: 'add'; left: boolean; k: number | null; v: number; update: boolean }
  | { kind: 'retract'; left: boolean; pick: number; update: boolean }
  | { kind: 'watermark'; left: boolean; dt: number }
  | { kind: 'time'; dt: number }
  | { kind: 'barrier' };

const LATENCY = 100;

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      left: fc.boolean(),
      k: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 3 }), weight: 9 },
        { arbitrary: fc.constant(null), weight: 1 },
      ),
      v: fc.nat(2),
      update: fc.boolean(),
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('retract' as const),
      left: fc.boolean(),
      pick: fc.nat(),
      update: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('watermark' as const),
      left: fc.boolean(),
      dt: fc.integer({ min: 0, max: 3 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('time' as const), dt: fc.integer({ min: 1, max: 150 }) }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'barrier' as const }), weight: 1 },
);

interface Shape {
  joinType: JoinType;
  leftChangelog: boolean;
  rightChangelog: boolean;
  /** Whether an insert-only, non-outer side keeps a value of rows (the planner's) or a list. */
  rowsLayout: boolean;
  /** Whether the condition has a non-equi part (v <= w). */
  nonEqui: boolean;
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  joinType: fc.constantFrom<JoinType>('inner', 'left', 'right', 'full'),
  leftChangelog: fc.boolean(),
  rightChangelog: fc.boolean(),
  rowsLayout: fc.boolean(),
  nonEqui: fc.boolean(),
});

const LEFT = ['k', 'v'];
const RIGHT = ['k0', 'w'];

function spec(s: Shape): JoinSpec {
  const plainLeft = !s.leftChangelog && (s.joinType === 'inner' || s.joinType === 'right');
  const plainRight = !s.rightChangelog && (s.joinType === 'inner' || s.joinType === 'left');
  return {
    joinType: s.joinType,
    leftColumns: LEFT,
    rightColumns: RIGHT,
    leftHasNullKey: (row) => row.k == null,
    rightHasNullKey: (row) => row.k0 == null,
    ...(s.nonEqui ? { remaining: (row: Row) => (row.v as number) <= (row.w as number) } : {}),
    leftChangelog: s.leftChangelog,
    rightChangelog: s.rightChangelog,
    insertOnlyOutput: s.joinType === 'inner' && !s.leftChangelog && !s.rightChangelog,
    leftLayout:
      plainLeft && s.rowsLayout
        ? { kind: 'rows' }
        : plainLeft
          ? { kind: 'appendOnly' }
          : { kind: 'multiset', columns: LEFT },
    rightLayout:
      plainRight && s.rowsLayout
        ? { kind: 'rows' }
        : plainRight
          ? { kind: 'appendOnly' }
          : { kind: 'multiset', columns: RIGHT },
  };
}

/** A harness of the mini-batch join (bundles of `size`) or, without one, of the row-by-row join. */
function harness(s: Shape, size?: number) {
  const fn = new RegularJoinFunction(spec(s));
  const operator =
    size === undefined
      ? new CoProcessOperator(fn, true)
      : new MiniBatchJoinOperator(
          fn,
          { size, latencyMs: LATENCY },
          s.leftChangelog ? columnsKey(LEFT) : undefined,
          s.rightChangelog ? columnsKey(RIGHT) : undefined,
          s.joinType === 'right',
        );
  return new TwoInputOperatorTestHarness<Row, Row, Row>(
    operator,
    (l) => (s.leftChangelog ? (l as unknown as ChangelogRow).row.k : l.k) ?? null,
    (r) => (s.rightChangelog ? (r as unknown as ChangelogRow).row.k0 : r.k0) ?? null,
  );
}

type Harness = ReturnType<typeof harness>;

/** Where a run of steps left the inputs: the rows each side holds, the watermarks and the time. */
interface Cursor {
  left: Row[];
  right: Row[];
  w1: number;
  w2: number;
  time: number;
}

const cursor = (): Cursor => ({ left: [], right: [], w1: 0, w2: 0, time: 0 });

/** Feeds steps: a retraction withdraws a row its side holds (a changelog side only). */
function feed(h: Harness, s: Shape, steps: readonly Step[], c: Cursor): void {
  for (const st of steps) {
    switch (st.kind) {
      case 'add': {
        const changelog = st.left ? s.leftChangelog : s.rightChangelog;
        const row: Row = st.left ? { k: st.k, v: st.v } : { k0: st.k, w: st.v };
        const element = changelog ? ({ kind: st.update ? '+U' : '+I', row } as unknown as Row) : row;
        if (changelog) (st.left ? c.left : c.right).push(row);
        if (st.left) h.processElement1(element, c.time);
        else h.processElement2(element, c.time);
        break;
      }
      case 'retract': {
        const changelog = st.left ? s.leftChangelog : s.rightChangelog;
        const held = st.left ? c.left : c.right;
        if (!changelog || held.length === 0) break;
        const [row] = held.splice(st.pick % held.length, 1);
        const element = { kind: st.update ? '-U' : '-D', row: row! } as unknown as Row;
        if (st.left) h.processElement1(element, c.time);
        else h.processElement2(element, c.time);
        break;
      }
      case 'watermark':
        if (st.left) h.processWatermark1((c.w1 += st.dt));
        else h.processWatermark2((c.w2 += st.dt));
        break;
      case 'time':
        c.time += st.dt;
        h.setProcessingTime(c.time);
        break;
      case 'barrier':
        h.operator.prepareSnapshotPreBarrier?.(1);
    }
  }
}

const text = (row: Row) => JSON.stringify([row.k ?? null, row.v ?? null, row.k0 ?? null, row.w ?? null]);

/**
 * The rows a changelog leaves, sorted; throws when it retracts a row not there (a changelog
 * inconsistent with a retract mode) or, for insert-only output, when it holds an envelope.
 */
function finalRows(output: readonly Row[], insertOnly: boolean): string[] {
  const rows = new Map<string, number>();
  for (const element of output) {
    if (insertOnly) {
      expect((element as { kind?: unknown }).kind).toBeUndefined();
      rows.set(text(element), (rows.get(text(element)) ?? 0) + 1);
      continue;
    }
    const { kind, row } = element as unknown as ChangelogRow;
    expect(kind === '+I' || kind === '-D').toBe(true);
    const key = text(row);
    const n = (rows.get(key) ?? 0) + (kind === '+I' ? 1 : -1);
    if (n < 0) throw new Error(`retracts ${key}, which it never emitted`);
    if (n === 0) rows.delete(key);
    else rows.set(key, n);
  }
  return [...rows].flatMap(([key, n]) => Array.from({ length: n }, () => key)).sort();
}

const insertOnly = (s: Shape) => s.joinType === 'inner' && !s.leftChangelog && !s.rightChangelog;
const sizeArb = fc.integer({ min: 1, max: 6 });
/** Join keys of the test with bundles of hundreds of rows. */
const KEYS = 150;

describe('the mini-batch regular join', () => {
  test('ends with the row-by-row join rows, in a consistent changelog, and its state after a barrier', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), shapeArb, sizeArb, (steps, shape, size) => {
        const plain = harness(shape);
        const batched = harness(shape, size);
        plain.open();
        batched.open();
        feed(plain, shape, steps, cursor());
        feed(batched, shape, steps, cursor());
        batched.operator.prepareSnapshotPreBarrier?.(2);
        const io = insertOnly(shape);
        expect(finalRows(batched.extractOutputValues(), io)).toEqual(
          finalRows(plain.extractOutputValues(), io),
        );
        expect(heldRows(batched, shape)).toEqual(heldRows(plain, shape));
      }),
      { numRuns: 1500 },
    );
  });

  test('a snapshot at a barrier restores to the uninterrupted rows: none lost or doubled', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 60 }),
        fc.nat(60),
        shapeArb,
        sizeArb,
        (steps, at, shape, size) => {
          const whole = harness(shape);
          whole.open();
          feed(whole, shape, steps, cursor());
          const cut = Math.min(at, steps.length);
          const c = cursor();
          const first = harness(shape, size);
          first.open();
          feed(first, shape, steps.slice(0, cut), c);
          first.operator.prepareSnapshotPreBarrier?.(1);
          const snapshot = snapshotKeyedState(first.keyedBackend!, first.timeServiceManager);
          const second = harness(shape, size);
          restoreKeyedState(second.keyedBackend!, second.timeServiceManager, snapshot);
          second.open();
          feed(second, shape, steps.slice(cut), c);
          second.operator.prepareSnapshotPreBarrier?.(2);
          const io = insertOnly(shape);
          expect(finalRows([...first.extractOutputValues(), ...second.extractOutputValues()], io)).toEqual(
            finalRows(whole.extractOutputValues(), io),
          );
        },
      ),
      { numRuns: 800 },
    );
  });

  test('storing a run from a lent array equals storing its rows one by one, and later use of the array changes nothing stored', () => {
    // The state keeps the value it is given, as the heap backend does: an array stored by
    // reference to the operator's reused run array would change under the next run.
    class HeldValue implements ValueState<StoredRows> {
      held: StoredRows | undefined;
      value(): StoredRows | undefined {
        return this.held;
      }
      update(value: StoredRows | undefined): void {
        this.held = value;
      }
      clear(): void {
        this.held = undefined;
      }
    }
    const runArb = fc.record({ rows: fc.array(fc.nat(99), { maxLength: 6 }), slack: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(runArb, { maxLength: 12 }), (runs) => {
        const batched = new HeldValue();
        const single = new HeldValue();
        const lent: Row[] = [];
        let n = 0;
        for (const { rows, slack } of runs) {
          // Slots past the run hold rows of an earlier, longer run, which must not be stored.
          for (let i = 0; i < rows.length + slack; i++)
            lent[i] = { v: i < rows.length ? rows[i]! : -1 - n++ };
          new RowsView(batched).storeAll(lent, rows.length);
          for (const v of rows) new RowsView(single).store({ v });
          for (let i = 0; i < lent.length; i++) lent[i] = { v: -1000 };
          expect(batched.held).toEqual(single.held);
        }
      }),
      { numRuns: 500 },
    );
  });

  test("bundles of hundreds of rows over many keys, one after another, give the row-by-row rows, each stamped with its pair's time", () => {
    // Past the bundle's first room (64 keys, 256 rows), with the arrays of one bundle reused by
    // the next: a row's value is its arrival index and its timestamp, so a pair must carry the
    // timestamp of one of its two rows (the one whose processing made it).
    const inner: Shape = {
      joinType: 'inner',
      leftChangelog: false,
      rightChangelog: false,
      rowsLayout: true,
      nonEqui: false,
    };
    const rowArb = fc.record({
      left: fc.boolean(),
      k: fc.oneof(fc.integer({ min: 0, max: KEYS - 1 }), fc.constant(null)),
    });
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 200, maxLength: 1500 }),
        fc.integer({ min: 100, max: 700 }),
        fc.constantFrom<Shape>(
          inner,
          { ...inner, joinType: 'left', rightChangelog: true },
          { ...inner, rowsLayout: false },
        ),
        (rows, size, shape) => {
          const plain = harness(shape);
          const batched = harness(shape, size);
          plain.open();
          batched.open();
          rows.forEach(({ left, k }, i) => {
            const row: Row = left ? { k, v: i } : { k0: k, w: i };
            const changelog = left ? shape.leftChangelog : shape.rightChangelog;
            const element = changelog ? ({ kind: '+I', row } as unknown as Row) : row;
            for (const h of [plain, batched]) {
              if (left) h.processElement1(element, i);
              else h.processElement2(element, i);
            }
          });
          batched.operator.prepareSnapshotPreBarrier?.(1);
          const io = insertOnly(shape);
          expect(finalRows(batched.extractOutputValues(), io)).toEqual(
            finalRows(plain.extractOutputValues(), io),
          );
          const allKeys = Array.from({ length: KEYS }, (_, k) => k);
          expect(heldRows(batched, shape, allKeys)).toEqual(heldRows(plain, shape, allKeys));
          for (const { value, timestamp } of batched.getRecordOutput()) {
            const row = io ? value : (value as unknown as ChangelogRow).row;
            // A padded row's retraction carries the time of the row that matched it.
            if (row.v != null && row.w != null) expect([row.v, row.w]).toContain(timestamp);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a bundle closes at its size, at the allow-latency and at a barrier, not before', () => {
    const shape: Shape = {
      joinType: 'inner',
      leftChangelog: false,
      rightChangelog: false,
      rowsLayout: true,
      nonEqui: false,
    };
    const h = harness(shape, 3);
    h.open();
    h.processElement2({ k0: 1, w: 0 }, 0);
    h.processElement1({ k: 1, v: 0 }, 0);
    expect(h.extractOutputValues()).toEqual([]);
    h.processElement1({ k: 1, v: 1 }, 0);
    expect(h.extractOutputValues().map(text).sort()).toEqual([
      text({ k: 1, v: 0, k0: 1, w: 0 }),
      text({ k: 1, v: 1, k0: 1, w: 0 }),
    ]);
    h.clearOutput();
    h.processElement1({ k: 1, v: 2 }, 0);
    h.setProcessingTime(LATENCY - 1);
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(LATENCY);
    expect(h.extractOutputValues().map(text)).toEqual([text({ k: 1, v: 2, k0: 1, w: 0 })]);
    h.clearOutput();
    h.processElement1({ k: 1, v: 3 }, 0);
    // A watermark of one input alone leaves the combined watermark where it was.
    h.processWatermark1(10);
    expect(h.extractOutputValues()).toEqual([]);
    h.operator.prepareSnapshotPreBarrier?.(1);
    expect(h.extractOutputValues().map(text)).toEqual([text({ k: 1, v: 3, k0: 1, w: 0 })]);
  });

  test('an insert and its retraction within a bundle cancel: the join sees neither', () => {
    const shape: Shape = {
      joinType: 'left',
      leftChangelog: true,
      rightChangelog: false,
      rowsLayout: true,
      nonEqui: false,
    };
    const h = harness(shape, 10);
    h.open();
    h.processElement1({ kind: '+I', row: { k: 1, v: 0 } } as unknown as Row, 0);
    h.processElement2({ k0: 1, w: 5 }, 0);
    h.processElement1({ kind: '-D', row: { k: 1, v: 0 } } as unknown as Row, 0);
    h.operator.prepareSnapshotPreBarrier?.(1);
    expect(h.extractOutputValues()).toEqual([]);
    expect(heldRows(h, shape)).toEqual(heldRows(stored([{ k0: 1, w: 5 }], shape), shape));
  });
});

/** A row-by-row join's harness holding `rights`. */
function stored(rights: readonly Row[], shape: Shape): Harness {
  const h = harness(shape);
  h.open();
  for (const r of rights) h.processElement2(r, 0);
  return h;
}

/**
 * What each side holds per key, as sorted text: its rows with their counts, and their match
 * counts where the join reads them (an outer side's; the other side's are never read).
 */
function heldRows(h: Harness, shape: Shape, keys: readonly number[] = [0, 1, 2, 3]): string[] {
  const backend = h.keyedBackend!;
  const spec0 = spec(shape);
  const out: string[] = [];
  for (const [side, layout, outer] of [
    ['left', spec0.leftLayout!, shape.joinType === 'left' || shape.joinType === 'full'],
    ['right', spec0.rightLayout!, shape.joinType === 'right' || shape.joinType === 'full'],
  ] as const) {
    const name = `join-${side}-${layout.kind}`;
    for (const k of keys) {
      backend.setCurrentKey(k);
      if (layout.kind === 'multiset') {
        const map = backend.getOrCreateState(
          new MapStateDescriptor<string, StoredRecord>(name),
        ) as unknown as MapState<string, StoredRecord>;
        for (const [, [row, count, matches]] of map.entries())
          out.push(`${side}${k}:${text(row)}x${count}${outer ? `m${matches}` : ''}`);
      } else if (layout.kind === 'appendOnly') {
        const list = backend.getOrCreateState(
          new ListStateDescriptor<Row>(name),
        ) as unknown as ListState<Row>;
        for (const row of list.get()) out.push(`${side}${k}:${text(row)}`);
      } else {
        const value = backend.getOrCreateState(
          new ValueStateDescriptor<StoredRows>(JOIN_LAYOUT.stateName(name)),
        ) as unknown as ValueState<StoredRows>;
        const rows = value.value();
        if (rows !== undefined)
          for (const row of Array.isArray(rows) ? rows : [rows]) out.push(`${side}${k}:${text(row)}`);
      }
    }
  }
  return out.sort();
}
