/**
 * INTERSECT and EXCEPT, with and without ALL, against their multiset definitions computed by
 * brute force: for each distinct row, the count in the result is min(l, r) (INTERSECT ALL),
 * max(l - r, 0) (EXCEPT ALL), or 1 when INTERSECT (both > 0) or EXCEPT (l > 0, r = 0) keeps it.
 * Keys include NULL, which set operations treat as equal to NULL.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';

type Key = number | null;

const count = (rows: readonly Key[]) => {
  const counts = new Map<Key, number>();
  for (const k of rows) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
};

function expected(op: string, l: readonly Key[], r: readonly Key[]): string[] {
  const lc = count(l);
  const rc = count(r);
  const out: string[] = [];
  for (const [k, a] of lc) {
    const b = rc.get(k) ?? 0;
    const times =
      op === 'INTERSECT ALL'
        ? Math.min(a, b)
        : op === 'EXCEPT ALL'
          ? Math.max(a - b, 0)
          : op === 'INTERSECT'
            ? b > 0
              ? 1
              : 0
            : b === 0
              ? 1
              : 0;
    for (let i = 0; i < times; i++) out.push(String(k));
  }
  return out.sort();
}

const keys = fc.array(fc.option(fc.integer({ min: 0, max: 4 }), { nil: null, freq: 5 }), { maxLength: 25 });

describe('set operations match their multiset definitions', () => {
  for (const op of ['INTERSECT', 'INTERSECT ALL', 'EXCEPT', 'EXCEPT ALL'])
    test(op, async () => {
      await fc.assert(
        fc.asyncProperty(keys, keys, async (l, r) => {
          const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
          const env = tEnv.getExecutionEnvironment();
          tEnv.createTemporaryView('l', env.fromCollection(l.map((k) => ({ k }))), { k: 'INT' });
          tEnv.createTemporaryView('r', env.fromCollection(r.map((k) => ({ k }))), { k: 'INT' });
          const rows = await tEnv.executeSql(`SELECT k FROM l ${op} SELECT k FROM r`).collect();
          expect(rows.map((row) => String(row.k ?? null)).sort()).toEqual(expected(op, l, r));
        }),
        { numRuns: 15 },
      );
    });
});
