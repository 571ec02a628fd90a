/**
 * State layout versions in both directions: a checkpoint written by a newer Weir (a later layout
 * of the same family) fails on open with one user error line naming the Weir that can read it,
 * instead of being ignored while the job starts empty; layout 1 keeps the unversioned names; and
 * the window Top-N state carries its layout (2: compact partition keys) like the other families.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../src/sql/aggregates/builtins.js';
import {
  GroupAggregateFunction,
  type GroupAggregateSpec,
} from '../../src/sql/aggregates/group-aggregate-function.js';
import { Types } from '../../src/sql/catalog/types.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { GROUP_AGGREGATE_LAYOUT } from '../../src/sql/runtime/aggregate/group-state.js';
import {
  MATCH_RECOGNIZE_LAYOUT,
  MatchRecognizeFunction,
} from '../../src/sql/runtime/match/match-recognize-function.js';
import { KeptRows } from '../../src/sql/runtime/over/deduplicate-function.js';
import { UpdateFastTopNFunction } from '../../src/sql/runtime/over/update-fast-rank.js';
import { WINDOW_TOP_N_LAYOUT, WindowTopNFunction } from '../../src/sql/runtime/over/window-rank-function.js';
import {
  LATER_LAYOUTS_PROBED,
  LAYOUT_MARKER_STATE,
  StateLayout,
  stateGettersOf,
} from '../../src/sql/runtime/state-layout.js';
import { createWindowAggregateOperator } from '../../src/sql/runtime/window/window-aggregate.js';
import type { StreamOperator } from '../../src/runtime/operator.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { ErrorCodes, WeirError } from '../../src/types/errors.js';
import type { Collector, RuntimeContext } from '../../src/types/functions.js';
import { KeyedProcessFunction } from '../../src/types/functions.js';
import { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from '../../src/types/state.js';

const count: BoundAggregateCall = {
  fn: 'COUNT',
  args: [],
  argTypes: [],
  distinct: false,
  name: 'c',
  type: Types.BIGINT,
  definition: BUILTIN_AGGREGATES.get('COUNT')!,
};

type Harness = KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>;
type Snapshot = ReturnType<typeof snapshotKeyedState>;
type Kind = 'value' | 'list' | 'map';

/** Writes one state of the given name and kind per key, as another layout would. */
class Writer extends KeyedProcessFunction<unknown, Row, unknown> {
  private write!: (row: Row) => void;
  constructor(
    private readonly name: string,
    private readonly kind: Kind = 'value',
  ) {
    super();
  }
  override open(ctx: RuntimeContext): void {
    if (this.kind === 'value') {
      const s = ctx.getState(new ValueStateDescriptor<unknown>(this.name));
      this.write = (row) => s.update([row.x]);
    } else if (this.kind === 'list') {
      const s = ctx.getListState(new ListStateDescriptor<unknown>(this.name));
      this.write = (row) => s.add(row.x);
    } else {
      const s = ctx.getMapState(new MapStateDescriptor<unknown, unknown>(this.name));
      this.write = (row) => s.put(row.x, row);
    }
  }
  processElement(row: Row, _ctx: unknown, _out: Collector<unknown>): void {
    this.write(row);
  }
}

const harness = (operator: StreamOperator<unknown>, key: (r: Row) => unknown = (r) => r.k): Harness =>
  new KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>(operator as never, key);

const ROWS: Row[] = [
  { k: 1, x: 3 },
  { k: 1, x: 4 },
  { k: 2, x: 5 },
];

/** A keyed snapshot of `operator` after `rows` (at their `ts`). */
function snapshotAfter(operator: StreamOperator<unknown>, rows: readonly Row[], key?: (r: Row) => unknown) {
  const h = harness(operator, key);
  h.open();
  for (const row of rows) h.processElement(row, (row.ts as number | undefined) ?? 0);
  return snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
}

const written = (name: string, kind: Kind = 'value') =>
  snapshotAfter(new ProcessOperator(new Writer(name, kind), true), ROWS);

/** Restores `snapshot` into `operator` and opens it; returns the harness and the error thrown. */
function openOn(operator: StreamOperator<unknown>, snapshot: Snapshot, key?: (r: Row) => unknown) {
  const h = harness(operator, key);
  restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
  try {
    h.open();
    return { h, error: undefined as unknown };
  } catch (error) {
    return { h, error };
  }
}

/** The error `layout.refuseOthers(…, names)` throws on `snapshot`, if any. */
function refusal(layout: StateLayout, snapshot: Snapshot, names: readonly string[] = ['s']): unknown {
  const h = harness(new ProcessOperator(new Writer('unused'), true));
  restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
  try {
    layout.refuseOthers(stateGettersOf(h.keyedBackend!), names);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** One user error line of code STATE_MISMATCH that names `what`. */
function expectOneLine(error: unknown, what: string): string {
  expect(error).toBeInstanceOf(WeirError);
  const e = error as WeirError;
  expect(e.code).toBe(ErrorCodes.STATE_MISMATCH);
  expect(e.domain).toBe('user');
  expect(e.message).not.toContain('\n');
  expect(e.message).toContain(what);
  return e.message;
}

/** The error of a checkpoint written by a newer Weir with layout `found`, read by `reads`. */
function expectNewer(error: unknown, what: string, found: number, reads: number): void {
  const message = expectOneLine(error, what);
  expect(message).toContain(`written by a newer Weir version with state layout ${found}`);
  expect(message).toContain(`this version reads layout ${reads} only`);
  expect(message).toContain(`restore it with a Weir version that reads layout ${found}`);
  expect(message).toContain('start the job without --restore');
}

describe('a checkpoint written by a newer Weir', () => {
  test('a later layout of the state fails, whatever kind of state the newer layout keeps', () => {
    for (const kind of ['value', 'list', 'map'] as const) {
      const error = refusal(new StateLayout('test operator', 2), written('s@3', kind));
      expectNewer(error, 'test operator state "s@3"', 3, 2);
    }
  });

  test('the group aggregate refuses group-aggregate@3 on open', () => {
    const spec: GroupAggregateSpec = {
      groupKeys: ['k'],
      calls: [count],
      changelogInput: false,
      insertOnlyOutput: false,
    };
    const later = `group-aggregate@${GROUP_AGGREGATE_LAYOUT.version + 1}`;
    const { error } = openOn(
      new ProcessOperator(new GroupAggregateFunction(spec) as never, true),
      written(later),
    );
    expectNewer(
      error,
      `group aggregate state "${later}"`,
      GROUP_AGGREGATE_LAYOUT.version + 1,
      GROUP_AGGREGATE_LAYOUT.version,
    );
  });

  test('MATCH_RECOGNIZE refuses a later layout of its matcher state on open', () => {
    const later = `match-state@${MATCH_RECOGNIZE_LAYOUT.version + 1}`;
    const { error } = openOn(
      new ProcessOperator(
        new MatchRecognizeFunction({
          timeColumn: 'ts',
          proctime: false,
          otherOrder: [],
          partitionKeys: [],
          variables: ['A'],
          steps: [{ variable: 0, min: 1, max: 1, greedy: true }],
          skip: { kind: 'pastLastRow' },
          defines: [undefined],
          measures: [],
        }),
        true,
      ),
      written(later),
    );
    expectNewer(
      error,
      `MATCH_RECOGNIZE state "${later}"`,
      MATCH_RECOGNIZE_LAYOUT.version + 1,
      MATCH_RECOGNIZE_LAYOUT.version,
    );
  });

  test('property: a layout refuses exactly the other layouts it probes, older and newer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 + LATER_LAYOUTS_PROBED + 2 }),
        (version, found) => {
          const name = found === 1 ? 's' : `s@${found}`;
          const error = refusal(new StateLayout('p', version), written(name));
          if (found === version || found > version + LATER_LAYOUTS_PROBED) expect(error).toBeUndefined();
          else if (found > version) expectNewer(error, `p state "${name}"`, found, version);
          else expect(expectOneLine(error, `p state "${name}"`)).toContain('written by this version');
        },
      ),
      { numRuns: 60 },
    );
  });

  test('the probes leave nothing in the checkpoint: a newer layout may keep its state under the probed name', () => {
    const layout = new StateLayout('p', 2);
    const h = harness(new ProcessOperator(new Writer('s@2'), true));
    h.open();
    layout.refuseOthers(stateGettersOf(h.keyedBackend!), ['s']);
    for (const row of ROWS) h.processElement(row, 0);
    const snapshot = snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
    // The newer Weir registers s@3 as a value state: no kind was recorded for it.
    const later = harness(new ProcessOperator(new Writer('s@3'), true));
    restoreKeyedState(later.keyedBackend!, later.timeServiceManager, snapshot);
    expect(() => later.open()).not.toThrow();
    // …and layout 3 refuses the layout 2 state the checkpoint does hold.
    expect(expectOneLine(refusal(new StateLayout('p', 3), snapshot), 'p state "s@2"')).toContain(
      'state layout 2',
    );
  });

  test('a window aggregate marker of a later version names the newer Weir', () => {
    const window = { kind: 'TUMBLE' as const, timeColumn: 'ts', size: 10, offset: 0 };
    const layout = { groupKeys: ['k'], windowColumns: { start: 'ws', end: 'we' } };
    const operator = createWindowAggregateOperator(window, [count], layout) as StreamOperator<unknown>;
    let error: unknown;
    try {
      operator.initializeState!(new Map([[LAYOUT_MARKER_STATE, [7]]]));
    } catch (e) {
      error = e;
    }
    expectNewer(error, 'window aggregate state', 7, 3);
  });
});

describe('layout 1', () => {
  test('keeps the names without a version and refuses the later ones', () => {
    const layout = new StateLayout('first', 1);
    expect(layout.stateName('s')).toBe('s');
    expect(refusal(layout, written('s'))).toBeUndefined();
    expectNewer(refusal(layout, written('s@2')), 'first state "s@2"', 2, 1);
  });

  test('versions start at 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new StateLayout('x', bad)).toThrow(RangeError);
  });
});

describe('window Top-N state layout', () => {
  const spec = {
    rankType: 'ROW_NUMBER' as const,
    rankStart: 1,
    rankEnd: 2,
    orderBy: [{ column: 'x', descending: true, nullsFirst: false }],
    rankColumn: 'rn',
    windowEnd: 'we',
    keepLastOnTies: false,
  };
  const topN = () => new ProcessOperator(new WindowTopNFunction(spec) as never, true);
  const WINDOW_ROWS: Row[] = [
    { k: 1, x: 3, we: 10, ts: 1 },
    { k: 1, x: 9, we: 10, ts: 2 },
    { k: 1, x: 5, we: 10, ts: 3 },
  ];

  test('the state name carries layout 2', () => {
    expect(WINDOW_TOP_N_LAYOUT.version).toBe(2);
    const h = harness(topN());
    h.open();
    h.processElement(WINDOW_ROWS[0]!, 1);
    const state = stateGettersOf(h.keyedBackend!).getState(
      new ValueStateDescriptor<Row[]>(WINDOW_TOP_N_LAYOUT.stateName('window-top-n-rows')),
    );
    h.keyedBackend!.setCurrentKey(1);
    expect(state.value()).toEqual([WINDOW_ROWS[0]]);
  });

  test('rows written without a layout version (JSON-quoted keys) fail on open', () => {
    const { error } = openOn(topN(), written('window-top-n-rows'));
    const message = expectOneLine(error, 'window Top-N state "window-top-n-rows"');
    expect(message).toContain('older Weir version without state layout versions');
    expect(message).toContain('start the job without --restore');
  });

  test('rows of a later layout fail on open', () => {
    const { error } = openOn(topN(), written('window-top-n-rows@3', 'list'));
    expectNewer(error, 'window Top-N state "window-top-n-rows@3"', 3, 2);
  });

  test('the current layout restores and the window ranks restored and new rows together', () => {
    const snapshot = snapshotAfter(topN(), WINDOW_ROWS.slice(0, 2));
    const { h, error } = openOn(topN(), snapshot);
    expect(error).toBeUndefined();
    h.processElement(WINDOW_ROWS[2]!, 3);
    h.processWatermark(20);
    expect(h.extractOutputValues()).toEqual([
      { ...WINDOW_ROWS[1], rn: 1 },
      { ...WINDOW_ROWS[2], rn: 2 },
    ]);
  });
});

describe('every versioned state is probed', () => {
  test('update-fast Top-N: its state unversioned or of a later layout fails on open', () => {
    const spec = {
      rankType: 'ROW_NUMBER' as const,
      rankStart: 1,
      rankEnd: 3,
      orderBy: [{ column: 'x', descending: true, nullsFirst: false }],
      changelogInput: true,
      inputColumns: ['k', 'x'],
    };
    const updateFast = () => new ProcessOperator(new UpdateFastTopNFunction(spec, ['x']) as never, true);
    const old = openOn(updateFast(), written('top-n-update-fast')).error;
    expect(expectOneLine(old, 'Top-N state "top-n-update-fast"')).toContain('older Weir version');
    expectNewer(
      openOn(updateFast(), written('top-n-update-fast@3')).error,
      'Top-N state "top-n-update-fast@3"',
      3,
      2,
    );
    expect(openOn(updateFast(), written('top-n-update-fast@2')).error).toBeUndefined();
  });

  test('keep-last deduplication by several keys: a later layout of its map state fails', () => {
    const keptRowsOn = (snapshot: Snapshot) => {
      const h = harness(new ProcessOperator(new Writer('unused'), true));
      restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
      try {
        new KeptRows(stateGettersOf(h.keyedBackend!), (row) => row.x as number, undefined);
        return undefined;
      } catch (error) {
        return error;
      }
    };
    expectNewer(
      keptRowsOn(written('dedup-last-by-rest@3', 'map')),
      'deduplication state "dedup-last-by-rest@3"',
      3,
      2,
    );
    expect(keptRowsOn(written('dedup-last-by-rest@2', 'map'))).toBeUndefined();
  });
});
