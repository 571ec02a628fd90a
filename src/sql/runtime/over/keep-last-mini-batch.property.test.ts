/**
 * Event-time keep-last deduplication in mini-batches against Flink's per-row rule, which its
 * RowTimeMiniBatchDeduplicateFunction applies to every buffered row in order: a key's first row
 * is `+I`, each later row at least as new as the kept one is `-U` of the kept row then `+U` of
 * itself, and an older row emits nothing. By default the changelog is the per-row one for any
 * bundle size, with a snapshot and restore between any two rows, with one key column or several,
 * each row's changes coming out as it arrives; with compact-changes each key emits at most one
 * change per bundle and ends on the same rows. Either way a key's state is read and written at
 * most once per bundle.
 */
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import { KeptRows } from './deduplicate-function.js';
import { bundleSizes, restorePoints, runMiniBatchDedup } from '../../../../test/support/mini-batch-dedup.js';

/** The deduplication key of a row: k alone, or k and j with two key columns. */
const keyOf = (row: Row, twoKeys: boolean) => (twoKeys ? `${row.k}/${row.j}` : `${row.k}`);

/** The changes of the per-row rule for each of `rows`, in arrival order. */
function oracleByRow(rows: readonly Row[], upsert: boolean, twoKeys: boolean): ChangelogRow[][] {
  const kept = new Map<string, Row>();
  return rows.map((row) => {
    const previous = kept.get(keyOf(row, twoKeys));
    const out: ChangelogRow[] = [];
    if (previous === undefined) out.push({ kind: '+I', row });
    else if ((row.ts as number) >= (previous.ts as number)) {
      if (!upsert) out.push({ kind: '-U', row: previous });
      out.push({ kind: '+U', row });
    } else return out;
    kept.set(keyOf(row, twoKeys), row);
    return out;
  });
}

/** The changelog of the per-row rule over `rows`, in arrival order. */
const oracle = (rows: readonly Row[], upsert: boolean, twoKeys: boolean): ChangelogRow[] =>
  oracleByRow(rows, upsert, twoKeys).flat();

/** The rows a changelog ends on, per key. */
const finalRows = (changes: readonly ChangelogRow[], twoKeys: boolean) => {
  const rows = new Map<string, Row>();
  for (const c of changes) if (c.kind !== '-U') rows.set(keyOf(c.row, twoKeys), c.row);
  return rows;
};

/** The operator's changelog over `rows` with one key column (k) or two (k, j). */
const run = (
  rows: readonly Row[],
  size: number,
  restores: readonly number[],
  spec: { upsert: boolean; twoKeys: boolean; compact: boolean },
) =>
  runMiniBatchDedup(rows, size, restores, {
    keepLast: true,
    timeColumn: 'ts',
    upsertOutput: spec.upsert,
    compactChanges: spec.compact,
    restKey: spec.twoKeys ? (r: Row) => r.j as number : undefined,
  });

const rowsArb = fc
  .array(
    fc.record({
      k: fc.integer({ min: 0, max: 3 }),
      j: fc.integer({ min: 0, max: 2 }),
      ts: fc.integer({ min: 0, max: 20 }),
    }),
    { maxLength: 60 },
  )
  .map((rows) => rows.map((r, n) => ({ ...r, n })));

describe('event-time keep last in mini-batches', () => {
  test('property: every bundle size and restore point gives the per-row changelog, each row’s changes as it arrives', () => {
    fc.assert(
      fc.property(
        rowsArb,
        bundleSizes,
        restorePoints,
        fc.boolean(),
        fc.boolean(),
        (rows, size, restores, upsert, twoKeys) => {
          const { afterRow } = run(rows, size, restores, { upsert, twoKeys, compact: false });
          expect(afterRow).toEqual(oracleByRow(rows, upsert, twoKeys));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('property: the state is read and written once per key and bundle', () => {
    fc.assert(
      fc.property(rowsArb, bundleSizes, fc.boolean(), fc.boolean(), (rows, size, twoKeys, compact) => {
        const get = vi.spyOn(KeptRows.prototype, 'get');
        const put = vi.spyOn(KeptRows.prototype, 'put');
        try {
          run(rows, size, [], { upsert: true, twoKeys, compact });
          let touched = 0;
          for (let i = 0; i < rows.length; i += size)
            touched += new Set(rows.slice(i, i + size).map((r) => keyOf(r, twoKeys))).size;
          expect(get).toHaveBeenCalledTimes(touched);
          // Compact-changes writes only a replaced row; the full changelog writes every key back.
          if (compact) expect(put.mock.calls.length).toBeLessThanOrEqual(touched);
          else expect(put).toHaveBeenCalledTimes(touched);
        } finally {
          get.mockRestore();
          put.mockRestore();
        }
      }),
      { numRuns: 200 },
    );
  });

  test('property: compact-changes emits at most one change per key and bundle and ends on the same rows', () => {
    fc.assert(
      fc.property(rowsArb, bundleSizes, restorePoints, fc.boolean(), (rows, size, restores, twoKeys) => {
        const { out, bundles } = run(rows, size, restores, { upsert: true, twoKeys, compact: true });
        for (const bundle of bundles) {
          const keys = bundle.map((c) => keyOf(c.row, twoKeys));
          expect(new Set(keys).size).toBe(keys.length);
        }
        expect(finalRows(out, twoKeys)).toEqual(finalRows(oracle(rows, true, twoKeys), twoKeys));
        if (size === 1) expect(out).toEqual(oracle(rows, true, twoKeys));
      }),
      { numRuns: 300 },
    );
  });
});
