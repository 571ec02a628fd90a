/**
 * IN, NOT IN and EXISTS used as values follow SQL's three-valued logic on random tables with
 * NULL keys and values: x IN (ys) is FALSE for no ys, else NULL for a NULL x, else TRUE when
 * some y equals x, else NULL when some y is NULL, else FALSE; NOT IN is its negation; EXISTS
 * is whether any row matches. The counts the planner reads them from are checked against that
 * definition, computed here row by row.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { StreamExecutionEnvironment } from '../../src/api/environment.js';
import { TableEnvironment } from '../../src/sql/table-environment.js';

type Cell = number | null;

/** SQL's `x IN (ys)`. */
function inValue(x: Cell, ys: readonly Cell[]): boolean | null {
  if (ys.length === 0) return false;
  if (x === null) return null;
  if (ys.includes(x)) return true;
  return ys.includes(null) ? null : false;
}

const cell = fc.option(fc.integer({ min: 0, max: 4 }), { freq: 4 });
const table = fc.array(fc.record({ k: cell, v: cell }), { maxLength: 8 });

describe('IN and EXISTS as values', () => {
  test('follow SQL three-valued logic over random rows with NULLs', async () => {
    await fc.assert(
      fc.asyncProperty(table, table, async (left, right) => {
        const l = left.map((row, id) => ({ id, ...row }));
        const tEnv = TableEnvironment.create(StreamExecutionEnvironment.createLocalEnvironment(1));
        const env = tEnv.getExecutionEnvironment();
        tEnv.createTemporaryView('l', env.fromCollection(l), { id: 'INT', k: 'INT', v: 'INT' });
        tEnv.createTemporaryView('r', env.fromCollection(right), { k: 'INT', v: 'INT' });
        const rows = await tEnv
          .executeSql(
            'SELECT id, v IN (SELECT r.v FROM r WHERE r.k = l.k) AS a, v NOT IN (SELECT r.v FROM r) AS b, ' +
              'EXISTS (SELECT 1 FROM r WHERE r.k = l.k) AS c FROM l',
          )
          .collect();
        const actual = rows.map((row) => JSON.stringify([row.id, row.a, row.b, row.c])).sort();
        const expected = l
          .map((row) => {
            const matching = right.filter((r) => r.k !== null && r.k === row.k);
            const all = inValue(
              row.v,
              right.map((r) => r.v),
            );
            return JSON.stringify([
              row.id,
              inValue(
                row.v,
                matching.map((r) => r.v),
              ),
              all === null ? null : !all,
              matching.length > 0,
            ]);
          })
          .sort();
        expect(actual).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
