/**
 * Drives the mini-batch deduplication operator over a row sequence for its property tests,
 * with a checkpoint (flush, snapshot, restore into a new operator) before chosen rows, so each
 * test compares the changelog against its per-row rule whatever the bundles and restores.
 */
import fc from 'fast-check';
import { KeyedOneInputStreamOperatorTestHarness } from '../../src/runtime/testing/harness.js';
import type { Row } from '../../src/sql/expressions/compiler.js';
import type { ChangelogRow } from '../../src/sql/planner/changelog.js';
import {
  MiniBatchDeduplicateOperator,
  type MiniBatchDeduplicateSpec,
} from '../../src/sql/runtime/over/mini-batch-deduplicate.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';

/** Bundle sizes to run at: 1 (a flush per row) up to more than most keys' rows. */
export const bundleSizes = fc.integer({ min: 1, max: 8 });

/** Up to three restore points, as {@link runMiniBatchDedup} takes them. */
export const restorePoints = fc.array(fc.nat(), { maxLength: 3 });

/**
 * Runs the operator of `spec`, keyed by `k`, over `rows` (their `ts` as timestamps) in bundles
 * of `size`, restoring from a snapshot before each index in `restores` (taken modulo one past
 * the last row). `out` is the whole changelog; `bundles` the outputs as taken after each row
 * and at each checkpoint, each one bundle's flush since a bundle closes at its size; `afterRow`
 * what came out while each row was processed.
 */
export function runMiniBatchDedup(
  rows: readonly Row[],
  size: number,
  restores: readonly number[],
  spec: MiniBatchDeduplicateSpec,
): { out: ChangelogRow[]; bundles: ChangelogRow[][]; afterRow: ChangelogRow[][] } {
  const open = (snapshot?: ReturnType<typeof snapshotKeyedState>) => {
    const operator = new MiniBatchDeduplicateOperator(spec, { latencyMs: 1_000_000, size });
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>(
      operator as never,
      (r: Row) => r.k,
    );
    if (snapshot !== undefined) restoreKeyedState(h.keyedBackend!, h.timeServiceManager, snapshot);
    h.open();
    return { operator, h };
  };
  const at = new Set(restores.map((r) => r % (rows.length + 1)));
  let { operator, h } = open();
  const bundles: ChangelogRow[][] = [];
  const afterRow: ChangelogRow[][] = [];
  const take = () => {
    const changes = h.extractOutputValues() as ChangelogRow[];
    h.clearOutput();
    if (changes.length > 0) bundles.push(changes);
    return changes;
  };
  rows.forEach((row, i) => {
    if (at.has(i)) {
      // A checkpoint closes the bundle first, so nothing buffered is left out of it.
      operator.prepareSnapshotPreBarrier(1);
      take();
      const snapshot = snapshotKeyedState(h.keyedBackend!, h.timeServiceManager);
      ({ operator, h } = open(snapshot));
    }
    h.processElement(row, row.ts as number);
    afterRow.push(take());
  });
  operator.prepareSnapshotPreBarrier(1);
  take();
  return { out: bundles.flat(), bundles, afterRow };
}
