/**
 * Checkpoints of an older Top-N or deduplication state layout (states named without the layout
 * version) do not restore into this version's functions: opening them fails with one user
 * error line that names the fix, rather than running on as if there were no state. A checkpoint
 * of the current layout restores as before, mini-batch or not.
 */
import { describe, expect, test } from 'vitest';
import type { Row } from '../../src/sql/expressions/compiler.js';
import { KeepLastRowFunction } from '../../src/sql/runtime/over/deduplicate-function.js';
import { MiniBatchDeduplicateOperator } from '../../src/sql/runtime/over/mini-batch-deduplicate.js';
import { TopNFunction } from '../../src/sql/runtime/over/rank-function.js';
import { ProcessOperator } from '../../src/runtime/operators/process-operators.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import { ErrorCodes, WeirError } from '../../src/types/errors.js';
import { type Collector, KeyedProcessFunction, type RuntimeContext } from '../../src/index.js';
import type { StreamOperator } from '../../src/runtime/operator.js';
import { ValueStateDescriptor } from '../../src/types/state.js';

/** Writes a value state of the given name per key, as the older layouts did. */
class OldLayout extends KeyedProcessFunction<unknown, Row, unknown> {
  private state!: { update(v: unknown): void };
  constructor(private readonly name: string) {
    super();
  }
  override open(ctx: RuntimeContext): void {
    this.state = ctx.getState(new ValueStateDescriptor<unknown>(this.name));
  }
  processElement(row: Row, _ctx: unknown, _out: Collector<unknown>): void {
    this.state.update(this.name === 'top-n-rows' ? [row] : row);
  }
}

const harness = (operator: StreamOperator<unknown>, key: (r: Row) => unknown = (r) => r.k) =>
  new KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>(operator as never, key);

/** A snapshot of `operator` after `rows`. */
function snapshotAfter(operator: StreamOperator<unknown>, rows: readonly Row[], key?: (r: Row) => unknown) {
  const h = harness(operator, key);
  h.open();
  for (const row of rows) h.processElement(row, 0);
  return snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
}

/** Opens `operator` on `snapshot`; returns the error it throws, if any. */
function openOn(
  operator: StreamOperator<unknown>,
  snapshot: ReturnType<typeof snapshotKeyedState>,
  key?: (r: Row) => unknown,
) {
  const h = harness(operator, key);
  restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
  try {
    h.open();
    return { h, error: undefined };
  } catch (error) {
    return { h, error };
  }
}

const topN = () =>
  new ProcessOperator(
    new TopNFunction({
      rankType: 'ROW_NUMBER',
      rankStart: 1,
      rankEnd: 2,
      orderBy: [{ column: 'v', descending: true, nullsFirst: false }],
      rankColumn: 'rn',
      changelogInput: false,
      inputColumns: ['k', 'g', 'v', 'ts'],
    }),
    true,
  );
const keepLast = () =>
  new ProcessOperator(new KeepLastRowFunction('ts', undefined, true, (r) => r.g as number), true);
const miniBatchKeepLast = () =>
  new MiniBatchDeduplicateOperator(
    { keepLast: true, timeColumn: 'ts', restKey: (r) => r.g as number },
    { latencyMs: 1000, size: 1 },
  );

const ROWS: Row[] = [
  { k: 1, g: 1, v: 3, ts: 5 },
  { k: 1, g: 2, v: 4, ts: 6 },
];

function expectLayoutError(error: unknown, state: string) {
  expect(error).toBeInstanceOf(WeirError);
  const e = error as WeirError;
  expect(e.code).toBe(ErrorCodes.STATE_MISMATCH);
  expect(e.domain).toBe('user');
  expect(e.message).not.toContain('\n');
  expect(e.message).toContain(`"${state}"`);
  expect(e.message).toContain('without --restore');
  expect(e.message).toContain('savepoint');
}

describe('state of an older layout', () => {
  test('Top-N: a checkpoint of top-n-rows fails on open with the fix', () => {
    const old = snapshotAfter(new ProcessOperator(new OldLayout('top-n-rows'), true), ROWS);
    expectLayoutError(openOn(topN(), old).error, 'top-n-rows');
  });

  test('deduplication: a checkpoint of dedup-last fails on open, per-row and mini-batch alike', () => {
    const old = snapshotAfter(new ProcessOperator(new OldLayout('dedup-last'), true), ROWS);
    expectLayoutError(openOn(keepLast(), old).error, 'dedup-last');
    expectLayoutError(openOn(miniBatchKeepLast(), old).error, 'dedup-last');
  });
});

describe('state of the current layout', () => {
  test('Top-N restores and goes on from its rows', () => {
    const snapshot = snapshotAfter(topN(), ROWS);
    const { h, error } = openOn(topN(), snapshot);
    expect(error).toBeUndefined();
    h.processElement({ k: 1, g: 3, v: 9, ts: 7 }, 0);
    // The new first row moves both kept rows down: rank 2's old row (v=3) is taken back.
    expect(h.extractOutputValues()).toContainEqual({ kind: '-U', row: { k: 1, g: 1, v: 3, ts: 5, rn: 2 } });
  });

  test('keep last restores across mini-batch on and off: a row no newer than the kept one emits nothing', () => {
    const snapshot = snapshotAfter(keepLast(), ROWS);
    const { h, error } = openOn(miniBatchKeepLast(), snapshot);
    expect(error).toBeUndefined();
    h.processElement({ k: 1, g: 1, v: 0, ts: 4 }, 0);
    h.processElement({ k: 1, g: 2, v: 1, ts: 8 }, 0);
    expect(h.extractOutputValues()).toEqual([
      { kind: '-U', row: { k: 1, g: 2, v: 4, ts: 6 } },
      { kind: '+U', row: { k: 1, g: 2, v: 1, ts: 8 } },
    ]);
  });
});
