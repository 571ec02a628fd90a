/**
 * A checkpoint of the window join's layout 1 (rows in list states named without a version, under
 * a key that held the window's end), or of a later layout, does not restore into the window join
 * operator: opening fails with one user error line naming the fix. A checkpoint of the current layout restores
 * with its waiting rows and their window's timer.
 */
import { describe, expect, test } from 'vitest';
import { type Collector, KeyedCoProcessFunction, type RuntimeContext } from '../../src/index.js';
import { CoProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { TwoInputOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { WindowJoinOperator } from '../../src/sql/runtime/temporal/window-join-operator.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { ErrorCodes, WeirError } from '../../src/types/errors.js';
import { ListStateDescriptor } from '../../src/types/state.js';

/** Keeps left rows in a list state of the given name, as layout 1 did. */
class OldLayout extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private state!: { add(v: Row): void };
  constructor(private readonly name: string) {
    super();
  }
  override open(ctx: RuntimeContext): void {
    this.state = ctx.getListState(new ListStateDescriptor<Row>(this.name));
  }
  processElement1(row: Row, _ctx: unknown, _out: Collector<Row>): void {
    this.state.add(row);
  }
  processElement2(): void {}
}

const spec = {
  joinType: 'inner' as const,
  leftWindowEnd: 'we',
  rightWindowEnd: 'we2',
  leftKeys: ['k'],
  rightKeys: ['k2'],
  leftColumns: ['k', 'v', 'we'],
  rightColumns: ['k2', 'v2', 'we2'],
};

const harness = (operator: CoProcessOperator<Row, Row, Row> | WindowJoinOperator) =>
  new TwoInputOperatorTestHarness<Row, Row, Row>(
    operator,
    (r) => r.k,
    (r) => r.k2,
  );

function openOn(snapshot: ReturnType<typeof snapshotKeyedState>) {
  const h = harness(new WindowJoinOperator(spec));
  restoreKeyedState(h.keyedBackend!, h.timeServiceManager!, snapshot);
  try {
    h.open();
    return { h, error: undefined };
  } catch (error) {
    return { h, error };
  }
}

describe('window join state layout', () => {
  test.each(['window-join-left', 'window-join-right', 'window-join-left@3'])(
    'a checkpoint holding state %s of another layout fails on open with the fix',
    (name) => {
      const old = harness(new CoProcessOperator(new OldLayout(name), true));
      old.open();
      old.processElement1({ k: 1, v: 1, we: 10 }, 5);
      const { error } = openOn(snapshotKeyedState(old.keyedBackend!, old.timeServiceManager!));
      expect(error).toBeInstanceOf(WeirError);
      const e = error as WeirError;
      expect(e.code).toBe(ErrorCodes.STATE_MISMATCH);
      expect(e.message).not.toContain('\n');
      expect(e.message).toContain(`window join state "${name}"`);
      expect(e.message).toContain('without --restore');
    },
  );

  test('a checkpoint of the current layout restores its waiting rows and their timer', () => {
    const before = harness(new WindowJoinOperator(spec));
    before.open();
    before.processElement1({ k: 1, v: 1, we: 10 }, 5);
    before.processElement1({ k: 1, v: 3, we: 20 }, 15);
    // As the task checkpoints: rows waiting in memory go into keyed state before the barrier.
    (before.operator as unknown as WindowJoinOperator).prepareSnapshotPreBarrier();
    const { h, error } = openOn(snapshotKeyedState(before.keyedBackend!, before.timeServiceManager!));
    expect(error).toBeUndefined();
    expect(h.numEventTimeTimers()).toBe(2);
    h.processElement2({ k2: 1, v2: 2, we2: 10 }, 6);
    h.processWatermark1(9);
    h.processWatermark2(9);
    expect(h.extractOutputValues().map((x) => `${x.v}/${x.v2}`)).toEqual(['1/2']);
    expect(h.numEventTimeTimers()).toBe(1);
  });
});
