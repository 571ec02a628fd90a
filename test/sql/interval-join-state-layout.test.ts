/**
 * Checkpoints of an older interval join state layout (the outer join's buffers named without a
 * layout version, or the DataStream interval join's buffers that inner joins used) do not restore
 * into the interval join function: opening fails with one user error line that names the fix. A
 * checkpoint of the current layout restores with its buffered rows and their expiry timers.
 */
import { describe, expect, test } from 'vitest';
import { type Collector, KeyedCoProcessFunction, type RuntimeContext } from '../../src/index.js';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { IntervalJoinFunction } from '../../src/sql/planner/join/interval-join-function.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { ErrorCodes, WeirError } from '../../src/types/errors.js';
import { MapStateDescriptor } from '../../src/types/state.js';

/** Buffers left rows in a map state of the given name, as the older layouts did. */
class OldLayout extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private state!: { put(k: number, v: unknown): void };
  constructor(private readonly name: string) {
    super();
  }
  override open(ctx: RuntimeContext): void {
    this.state = ctx.getMapState(new MapStateDescriptor<number, unknown>(this.name));
  }
  processElement1(row: Row, _ctx: unknown, _out: Collector<Row>): void {
    this.state.put(row.lt as number, [[row, false]]);
  }
  processElement2(): void {}
}

const join = () =>
  new IntervalJoinFunction({
    joinType: 'left',
    leftColumns: ['k', 'lt'],
    rightColumns: ['k0', 'rt'],
    leftTime: 'lt',
    rightTime: 'rt',
    lower: 0,
    upper: 1000,
    leftHasNullKey: (r) => r.k == null,
    rightHasNullKey: (r) => r.k0 == null,
  });

const harness = (fn: KeyedCoProcessFunction<unknown, Row, Row, Row>) =>
  new TwoInputOperatorTestHarness<Row, Row, Row>(
    new CoProcessOperator(fn, true),
    (r) => r.k ?? null,
    (r) => r.k0 ?? null,
  );

function snapshotAfterLeftRow(fn: KeyedCoProcessFunction<unknown, Row, Row, Row>) {
  const h = harness(fn);
  h.open();
  h.processElement1({ k: 1, lt: 5000 }, 5000);
  return snapshotKeyedState(h.keyedBackend!, h.timeServiceManager!);
}

function openOn(snapshot: ReturnType<typeof snapshotKeyedState>) {
  const h = harness(join());
  restoreKeyedState(h.keyedBackend!, h.timeServiceManager!, snapshot);
  try {
    h.open();
    return { h, error: undefined };
  } catch (error) {
    return { h, error };
  }
}

describe('interval join state layout', () => {
  test.each(['interval-join-left', '_join_left'])(
    'a checkpoint holding %s fails on open with the fix',
    (name) => {
      const { error } = openOn(snapshotAfterLeftRow(new OldLayout(name)));
      expect(error).toBeInstanceOf(WeirError);
      const e = error as WeirError;
      expect(e.code).toBe(ErrorCodes.STATE_MISMATCH);
      expect(e.message).not.toContain('\n');
      expect(e.message).toContain(`"${name}"`);
      expect(e.message).toContain('without --restore');
    },
  );

  test('a checkpoint of the current layout restores its buffered rows and their timers', () => {
    const { h, error } = openOn(snapshotAfterLeftRow(join()));
    expect(error).toBeUndefined();
    h.processElement2({ k0: 1, rt: 5500 }, 5500);
    expect(h.extractOutputValues()).toEqual([{ k: 1, lt: 5000, k0: 1, rt: 5500 }]);
    h.clearOutput();
    h.processElement1({ k: 2, lt: 5000 }, 5000);
    h.processWatermark1(6001);
    h.processWatermark2(6001);
    // The restored row matched, so only the new unmatched one is padded; both leave the state.
    expect(h.extractOutputValues()).toEqual([{ k: 2, lt: 5000, k0: null, rt: null }]);
    h.processWatermark1(7000);
    h.processWatermark2(7000);
    expect(h.numKeyedStateEntries()).toBe(0);
  });
});
