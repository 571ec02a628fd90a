/**
 * Nested IN and NOT IN subqueries follow SQL's three-valued logic on random tables with NULL keys
 * and values, checked against the definition computed here row by row: x IN (ys) is FALSE for no
 * ys, else NULL for a NULL x, else TRUE when some y equals x, else NULL when some y is NULL, else
 * FALSE; NOT IN is its negation; a WHERE keeps a row only where its condition is TRUE.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

type Cell = number | null;
type Row = { readonly k: Cell; readonly v: Cell };

/** SQL's `x IN (ys)`. */
function inValue(x: Cell, ys: readonly Cell[]): boolean | null {
  if (ys.length === 0) return false;
  if (x === null) return null;
  if (ys.includes(x)) return true;
  return ys.includes(null) ? null : false;
}

/** SQL's `x NOT IN (ys)`. */
function notIn(x: Cell, ys: readonly Cell[]): boolean | null {
  const value = inValue(x, ys);
  return value === null ? null : !value;
}

/** The rows whose key equals `k` (never a NULL one). */
const withKey = (rows: readonly Row[], k: Cell) => rows.filter((r) => k !== null && r.k === k);

const cell = fc.option(fc.integer({ min: 0, max: 3 }), { freq: 4 });
const table = fc.array(fc.record({ k: cell, v: cell }), { maxLength: 7 });

const QUERY = [
  // NOT IN nested in EXISTS, correlated with the outermost query.
  'SELECT 1 AS q, id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.v NOT IN (SELECT c.v FROM c WHERE c.k = a.k))',
  // IN nested in a correlated NOT IN, correlated with the subquery around it.
  'SELECT 2 AS q, id FROM a WHERE a.v NOT IN (SELECT b.v FROM b WHERE b.k = a.k AND b.k IN (SELECT c.k FROM c WHERE c.v <> b.v OR b.v IS NULL))',
  // NOT IN nested in an uncorrelated NOT IN.
  'SELECT 3 AS q, id FROM a WHERE a.v NOT IN (SELECT b.v FROM b WHERE b.k NOT IN (SELECT c.k FROM c))',
].join(' UNION ALL ');

describe('nested IN and NOT IN subqueries', () => {
  test('follow SQL three-valued logic over random rows with NULLs', async () => {
    await fc.assert(
      fc.asyncProperty(table, table, table, async (outer, middle, inner) => {
        const a = outer.map((row, id) => ({ id, ...row }));
        const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
        const env = tEnv.getExecutionEnvironment();
        tEnv.createTemporaryView('a', env.fromCollection(a), { id: 'INT', k: 'INT', v: 'INT' });
        tEnv.createTemporaryView('b', env.fromCollection(middle), { k: 'INT', v: 'INT' });
        tEnv.createTemporaryView('c', env.fromCollection(inner), { k: 'INT', v: 'INT' });
        const rows = await tEnv.executeSql(QUERY).collect();
        const actual = rows.map((row) => `${row.q}:${row.id}`).sort();
        const values = (rows: readonly Row[]) => rows.map((r) => r.v);
        const expected = a.flatMap((row) => {
          const first = withKey(middle, row.k).some(
            (b) => notIn(b.v, values(withKey(inner, row.k))) === true,
          );
          const matched = withKey(middle, row.k).filter(
            (b) =>
              inValue(
                b.k,
                inner.filter((c) => b.v === null || (c.v !== null && c.v !== b.v)).map((c) => c.k),
              ) === true,
          );
          const second = notIn(row.v, values(matched)) === true;
          const kept = middle.filter(
            (b) =>
              notIn(
                b.k,
                inner.map((c) => c.k),
              ) === true,
          );
          const third = notIn(row.v, values(kept)) === true;
          return [first, second, third].flatMap((keep, i) => (keep ? [`${i + 1}:${row.id}`] : []));
        });
        expect(actual).toEqual(expected.sort());
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
