/**
 * Event-time keep-first deduplication in mini-batches against Flink's per-row rule
 * (RowTimeDeduplicateFunction keeping the first row, which its mini-batch function applies to
 * every buffered row in order): a key's first row is `+I`, each later row with a strictly
 * earlier rowtime is `-U` of the kept row then `+U` of itself, and nothing else comes out.
 * The changelog is the same for any bundle size and with a snapshot and restore between
 * any two rows, each row's changes coming out as it arrives, and the upsert form leaves the
 * `-U` rows out.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bundleSizes, restorePoints, runMiniBatchDedup } from '../../../../test/support/mini-batch-dedup.js';
import { KeyedOneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import { MiniBatchDeduplicateOperator } from './mini-batch-deduplicate.js';

/** The changes of the per-row rule for each of `rows`, in arrival order. */
function oracleByRow(rows: readonly Row[], upsert: boolean): ChangelogRow[][] {
  const kept = new Map<unknown, Row>();
  return rows.map((row) => {
    const previous = kept.get(row.k);
    const out: ChangelogRow[] = [];
    if (previous === undefined) out.push({ kind: '+I', row });
    else if ((row.ts as number) < (previous.ts as number)) {
      if (!upsert) out.push({ kind: '-U', row: previous });
      out.push({ kind: '+U', row });
    } else return out;
    kept.set(row.k, row);
    return out;
  });
}

const rowsArb = fc
  .array(fc.record({ k: fc.integer({ min: 0, max: 3 }), ts: fc.integer({ min: 0, max: 20 }) }), {
    maxLength: 60,
  })
  .map((rows) => rows.map((r, n) => ({ ...r, n })));

describe('event-time keep first in mini-batches', () => {
  test('property: every bundle size and restore point gives the per-row changelog', () => {
    fc.assert(
      fc.property(rowsArb, bundleSizes, restorePoints, fc.boolean(), (rows, size, restores, upsert) => {
        const { afterRow } = runMiniBatchDedup(rows, size, restores, {
          keepLast: false,
          timeColumn: 'ts',
          upsertOutput: upsert,
        });
        expect(afterRow).toEqual(oracleByRow(rows, upsert));
      }),
      { numRuns: 300 },
    );
  });

  test('one bundle: the first row, then each strictly earlier one; an equal time does not replace', () => {
    const h = new KeyedOneInputStreamOperatorTestHarness<Row, unknown, unknown>(
      new MiniBatchDeduplicateOperator(
        { keepLast: false, timeColumn: 'ts' },
        { latencyMs: 1000, size: 100 },
      ) as never,
      (r: Row) => r.k,
    );
    h.open();
    for (const [n, ts] of [
      [1, 7],
      [2, 9],
      [3, 4],
      [4, 4],
      [5, 1],
    ])
      h.processElement({ k: 'a', n, ts }, ts);
    h.endInput();
    expect(h.extractOutputValues()).toEqual([
      { kind: '+I', row: { k: 'a', n: 1, ts: 7 } },
      { kind: '-U', row: { k: 'a', n: 1, ts: 7 } },
      { kind: '+U', row: { k: 'a', n: 3, ts: 4 } },
      { kind: '-U', row: { k: 'a', n: 3, ts: 4 } },
      { kind: '+U', row: { k: 'a', n: 5, ts: 1 } },
    ]);
  });
});
