/**
 * State layout versions of the group, OVER and window aggregates: a checkpoint of the current
 * layout restores and the operators go on from it (across mini-batch and local-global too, which
 * share the group state), while a checkpoint written without a layout version or with another
 * one fails when the operator opens (or, for window aggregates, when its state is initialized)
 * with one user error line that names the operator and the fix.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../src/sql/aggregates/builtins.js';
import { RowAggregates } from '../../src/sql/aggregates/row-aggregates.js';
import {
  GroupAggregateFunction,
  type GroupAggregateSpec,
} from '../../src/sql/aggregates/group-aggregate-function.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import { GROUP_AGGREGATE_LAYOUT } from '../../src/sql/runtime/aggregate/group-state.js';
import { GlobalGroupAggregateOperator } from '../../src/sql/runtime/aggregate/local-global-aggregate.js';
import { MiniBatchGroupAggregateOperator } from '../../src/sql/runtime/aggregate/mini-batch-group-aggregate.js';
import {
  ProcTimeOverAggregate,
  RowTimeOverAggregate,
} from '../../src/sql/runtime/over/over-aggregate-function.js';
import { LAYOUT_MARKER_STATE, StateLayout, stateGettersOf } from '../../src/sql/runtime/state-layout.js';
import {
  createWindowAggregateOperator,
  WINDOW_AGGREGATE_LAYOUT,
  windowAggregateKeySelector,
} from '../../src/sql/runtime/window/window-aggregate.js';
import type { StreamOperator } from '../../src/runtime/operator.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { createAggregateWindowOperator } from '../../src/runtime/operators/window-operator-builder.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { ErrorCodes, WeirError } from '../../src/types/errors.js';
import type { Collector, RuntimeContext } from '../../src/types/functions.js';
import { KeyedProcessFunction } from '../../src/types/functions.js';
import { ValueStateDescriptor } from '../../src/types/state.js';
import { TumblingEventTimeWindows } from '../../src/windowing/tumbling.js';
import { Types } from '../../src/sql/catalog/types.js';

const call = (fn: string, args: string[], name: string): BoundAggregateCall => ({
  fn,
  args,
  argTypes: args.map(() => Types.INT),
  distinct: false,
  name,
  type: Types.BIGINT,
  definition: BUILTIN_AGGREGATES.get(fn)!,
});
const CALLS = [call('COUNT', [], 'c'), call('SUM', ['x'], 'sx')];
const SPEC: GroupAggregateSpec = {
  groupKeys: ['k'],
  calls: CALLS,
  changelogInput: false,
  insertOnlyOutput: false,
};

/** Writes a value state of the given name per key, as an earlier layout did. */
class OldLayout extends KeyedProcessFunction<unknown, Row, unknown> {
  private state!: { update(v: unknown): void };
  constructor(private readonly name: string) {
    super();
  }
  override open(ctx: RuntimeContext): void {
    this.state = ctx.getState(new ValueStateDescriptor<unknown>(this.name));
  }
  processElement(row: Row, _ctx: unknown, _out: Collector<unknown>): void {
    this.state.update([1, [row.x]]);
  }
}

type Harness = KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>;
type Snapshot = ReturnType<typeof snapshotKeyedState>;

const harness = (operator: StreamOperator<unknown>, key: (r: Row) => unknown = (r) => r.k): Harness =>
  new KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>(operator as never, key);

/** A keyed snapshot of `operator` after `rows` (at their `ts`), its pre-barrier flush done. */
function snapshotAfter(operator: StreamOperator<unknown>, rows: readonly Row[], key?: (r: Row) => unknown) {
  const h = harness(operator, key);
  h.open();
  for (const row of rows) h.processElement(row, (row.ts as number | undefined) ?? 0);
  operator.prepareSnapshotPreBarrier?.(1);
  return snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
}

/** Restores `snapshot` into `operator` and opens it; returns the error it throws, if any. */
function openOn(operator: StreamOperator<unknown>, snapshot: Snapshot, key?: (r: Row) => unknown) {
  const h = harness(operator, key);
  restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
  try {
    h.open();
    return { h, error: undefined };
  } catch (error) {
    return { h, error };
  }
}

function expectLayoutError(error: unknown, operator: string) {
  expect(error).toBeInstanceOf(WeirError);
  const e = error as WeirError;
  expect(e.code).toBe(ErrorCodes.STATE_MISMATCH);
  expect(e.domain).toBe('user');
  expect(e.message).not.toContain('\n');
  expect(e.message).toContain(operator);
  expect(e.message).toContain('without --restore');
  expect(e.message).toContain('written by this version');
}

const perRow = () => new ProcessOperator(new GroupAggregateFunction(SPEC) as never, true);
const miniBatch = () => new MiniBatchGroupAggregateOperator(SPEC, { latencyMs: 1000, size: 1 });
const global = () => new GlobalGroupAggregateOperator(SPEC, { latencyMs: 1000, size: 1 });
const text = (out: unknown[]) =>
  (out as ChangelogRow[]).map((c) => `${c.kind}[${c.row.k}, ${c.row.c}, ${c.row.sx}]`);

const ROWS: Row[] = [
  { k: 1, x: 3 },
  { k: 1, x: 4 },
  { k: 2, x: 5 },
];

describe('group aggregate state layout', () => {
  test('a checkpoint written without a layout version fails on open: per-row, mini-batch and global alike', () => {
    const old = snapshotAfter(new ProcessOperator(new OldLayout('group-aggregate'), true), ROWS);
    for (const operator of [perRow(), miniBatch(), global()]) {
      const { error } = openOn(operator, old);
      expectLayoutError(error, 'group aggregate state "group-aggregate"');
      expect((error as Error).message).toContain('older Weir version');
    }
  });

  test('the current layout restores, and mini-batch may be switched on across the restore', () => {
    const snapshot = snapshotAfter(perRow(), ROWS);
    for (const operator of [perRow(), miniBatch()]) {
      const { h, error } = openOn(operator, snapshot);
      expect(error).toBeUndefined();
      h.processElement({ k: 1, x: 10 }, 0);
      expect(text(h.extractOutputValues())).toEqual(['-U[1, 2, 7]', '+U[1, 3, 17]']);
    }
  });

  test('the global phase of local-global goes on from the per-row state', () => {
    const { h, error } = openOn(global(), snapshotAfter(perRow(), ROWS), (p) => (p.keys as Row).k);
    expect(error).toBeUndefined();
    const aggs = new RowAggregates(CALLS);
    const accs = aggs.createAccumulators();
    aggs.accumulate(accs, { k: 2, x: 1 });
    h.processElement({ keys: { k: 2 }, count: 1, accs } as unknown as Row, 0);
    expect(text(h.extractOutputValues())).toEqual(['-U[2, 1, 5]', '+U[2, 2, 6]']);
  });

  test('the state name carries the version', () => {
    const h = harness(perRow());
    h.open();
    h.processElement({ k: 1, x: 1 }, 0);
    const store = stateGettersOf(h.keyedBackend!);
    const state = store.getState(
      new ValueStateDescriptor<unknown>(GROUP_AGGREGATE_LAYOUT.stateName('group-aggregate')),
    );
    h.keyedBackend!.setCurrentKey(1);
    expect(state.value()).toBeDefined();
  });
});

describe('a layout of another version', () => {
  test('a later layout refuses states of every earlier version, named with or without one', () => {
    const layout = new StateLayout('test operator', 3);
    for (const [name, found] of [
      ['s@2', 'layout 2'],
      ['s', 'older Weir version'],
    ] as const) {
      const old = snapshotAfter(new ProcessOperator(new OldLayout(name), true), ROWS);
      const h = harness(new ProcessOperator(new OldLayout('unused'), true));
      restoreKeyedState(h.keyedBackend!, h.timeServiceManager, old);
      let error: unknown;
      try {
        layout.refuseOthers(stateGettersOf(h.keyedBackend!), ['s']);
      } catch (e) {
        error = e;
      }
      expectLayoutError(error, `test operator state "${name}"`);
      expect((error as Error).message).toContain(found);
    }
  });

  test('property: a layout refuses a restored state exactly when it is of an earlier version', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 6 }), (version, found) => {
        fc.pre(found <= version);
        const name = found === 1 ? 's' : `s@${found}`;
        const old = snapshotAfter(new ProcessOperator(new OldLayout(name), true), ROWS);
        const h = harness(new ProcessOperator(new OldLayout('unused'), true));
        restoreKeyedState(h.keyedBackend!, h.timeServiceManager, old);
        let error: unknown;
        try {
          new StateLayout('p', version).refuseOthers(stateGettersOf(h.keyedBackend!), ['s']);
        } catch (e) {
          error = e;
        }
        if (found === version) expect(error).toBeUndefined();
        else expectLayoutError(error, `p state "${name}"`);
      }),
      { numRuns: 40 },
    );
  });

  test('states of the current version pass', () => {
    const layout = new StateLayout('test operator', 3);
    const current = snapshotAfter(new ProcessOperator(new OldLayout('s@3'), true), ROWS);
    const h = harness(new ProcessOperator(new OldLayout('unused'), true));
    restoreKeyedState(h.keyedBackend!, h.timeServiceManager, current);
    expect(() => layout.refuseOthers(stateGettersOf(h.keyedBackend!), ['s'])).not.toThrow();
  });
});

describe('OVER aggregate state layout', () => {
  const spec = { timeColumn: 'ts', unit: 'ROWS' as const, preceding: 1, calls: CALLS };
  const rowTime = () => new ProcessOperator(new RowTimeOverAggregate(spec) as never, true);
  const procTime = () => new ProcessOperator(new ProcTimeOverAggregate(spec) as never, true);

  test('accumulators written without a layout version fail on open, on event and processing time', () => {
    const old = snapshotAfter(new ProcessOperator(new OldLayout('over-accumulators'), true), ROWS);
    expectLayoutError(openOn(rowTime(), old).error, 'OVER aggregate state "over-accumulators"');
    expectLayoutError(openOn(procTime(), old).error, 'OVER aggregate state "over-accumulators"');
  });

  test('the current layout restores: the frame goes on from the restored rows', () => {
    const snapshot = snapshotAfter(procTime(), [
      { k: 1, x: 3 },
      { k: 1, x: 4 },
    ]);
    const { h, error } = openOn(procTime(), snapshot);
    expect(error).toBeUndefined();
    h.processElement({ k: 1, x: 10 }, 0);
    // ROWS 1 PRECEDING: the restored row 4 and the new row 10.
    expect(h.extractOutputValues()).toEqual([{ k: 1, x: 10, c: 2, sx: 14 }]);
  });
});

describe('window aggregate state layout', () => {
  const window = { kind: 'TUMBLE' as const, timeColumn: 'ts', size: 10, offset: 0 };
  const layout = { groupKeys: ['k', 'g'], windowColumns: { start: 'ws', end: 'we' } };
  const key = windowAggregateKeySelector(['k', 'g']) as (r: Row) => unknown;
  const current = () => createWindowAggregateOperator(window, CALLS, layout) as StreamOperator<unknown>;
  const WINDOW_ROWS: Row[] = [
    { k: 1, g: 'a', x: 3, ts: 1 },
    { k: 1, g: 'a', x: 4, ts: 2 },
  ];

  /** Restores `snapshot` with operator state `restored` into a new operator; returns its error. */
  function initializeOn(snapshot: Snapshot, restored: Map<string, readonly unknown[]>) {
    const operator = current();
    const h = harness(operator, key);
    restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
    try {
      operator.initializeState!(restored);
      h.open();
      return { h, error: undefined };
    } catch (error) {
      return { h, error };
    }
  }

  test('a checkpoint with the current marker restores and fires the restored window', () => {
    const operator = current();
    const snapshot = snapshotAfter(operator, WINDOW_ROWS, key);
    const marker = operator.snapshotState!(1) as Record<string, { mode: string; entries: unknown[] }>;
    expect(marker[LAYOUT_MARKER_STATE]).toEqual({
      mode: 'union',
      entries: [WINDOW_AGGREGATE_LAYOUT.version],
    });
    const { h, error } = initializeOn(
      snapshot,
      new Map([[LAYOUT_MARKER_STATE, [WINDOW_AGGREGATE_LAYOUT.version, WINDOW_AGGREGATE_LAYOUT.version]]]),
    );
    expect(error).toBeUndefined();
    h.processElement({ k: 1, g: 'a', x: 10, ts: 3 }, 3);
    h.processWatermark(20);
    expect(h.extractOutputValues()).toEqual([{ k: 1, g: 'a', c: 3, sx: 17, ws: 0, we: 10 }]);
  });

  test('keyed state without the marker (written before layout versions) fails with one line', () => {
    // The operator of the earlier layout: the same window operator, keyed by an array, unmarked.
    const old = createAggregateWindowOperator(
      { assigner: TumblingEventTimeWindows.of(10) },
      {
        createAccumulator: () => [0, null],
        add: (_row: Row, acc: unknown[]) => acc,
        getResult: (acc: unknown[]) => acc,
        merge: (a: unknown[]) => a,
      },
    ) as StreamOperator<unknown>;
    const snapshot = snapshotAfter(old, WINDOW_ROWS, (r) => [r.k, r.g]);
    expectLayoutError(initializeOn(snapshot, new Map()).error, 'window aggregate state');
  });

  test('a marker of another version fails with one line naming it', () => {
    const snapshot = snapshotAfter(current(), WINDOW_ROWS, key);
    const { error } = initializeOn(snapshot, new Map([[LAYOUT_MARKER_STATE, [1]]]));
    expectLayoutError(error, 'window aggregate state');
    expect((error as Error).message).toContain('state layout 1');
  });

  test('a fresh start, or a restore in which the operator held nothing, passes', () => {
    expect(initializeOn([] as unknown as Snapshot, new Map()).error).toBeUndefined();
  });
});
