/**
 * Property test of the regular join's generated row code: a non-equi condition read from the
 * left and the right row unmerged gives what the same condition gives on their merged row
 * (NULLs included: only TRUE joins), and a projected merge builds exactly the picked columns.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Types, withNullability } from '../../src/sql/catalog/types.js';
import { compileExpression, type Row } from '../../src/sql/expressions/compiler.js';
import { call, field, literal, type Rex } from '../../src/sql/expressions/rex.js';
import { pairCondition, projectedMerger, rowMerger } from '../../src/sql/planner/join/join-rows.js';
import type { PlanColumn } from '../../src/sql/planner/logical.js';

const INT = Types.INT;
const BOOL = Types.BOOLEAN;
const leftColumns: PlanColumn[] = [
  { name: 'k', type: INT },
  { name: 'a', type: INT },
  { name: 's', type: Types.STRING },
];
const rightColumns: PlanColumn[] = [
  { name: 'k0', type: INT },
  { name: 'b', type: INT },
  { name: 't', type: Types.STRING },
];

/** Conditions over both sides, with NULL-producing and three-valued parts. */
const conditions: Record<string, Rex> = {
  'a <= b': call('<=', [field('a', INT), field('b', INT)], BOOL),
  'a + 1 > b AND s = t': call(
    'AND',
    [
      call(
        '>',
        [call('+', [field('a', INT), literal(1, withNullability(INT, false))], INT), field('b', INT)],
        BOOL,
      ),
      call('=', [field('s', Types.STRING), field('t', Types.STRING)], BOOL),
    ],
    BOOL,
  ),
  'b < a OR t = s': call(
    'OR',
    [
      call('<', [field('b', INT), field('a', INT)], BOOL),
      call('=', [field('t', Types.STRING), field('s', Types.STRING)], BOOL),
    ],
    BOOL,
  ),
};

const int = fc.option(fc.integer({ min: -2, max: 2 }), { freq: 4 });
const str = fc.option(fc.constantFrom('x', 'y'), { freq: 4 });
const leftRow = fc.record({ k: int, a: int, s: str });
const rightRow = fc.record({ k0: int, b: int, t: str });

describe('pairCondition', () => {
  for (const [name, rex] of Object.entries(conditions)) {
    test(`${name}: the same answer as on the merged row`, () => {
      const onMerged = compileExpression(rex);
      const merge = rowMerger(
        leftColumns.map((c) => c.name),
        rightColumns.map((c) => c.name),
      );
      const onPair = pairCondition(rex, leftColumns, rightColumns);
      fc.assert(
        fc.property(fc.array(fc.tuple(leftRow, rightRow), { minLength: 1, maxLength: 20 }), (pairs) => {
          // Several pairs through one function: the reused pair object must not leak between calls.
          for (const [l, r] of pairs)
            expect(onPair(l as Row, r as Row)).toBe(onMerged(merge(l as Row, r as Row)) === true);
        }),
      );
    });
  }
});

describe('projectedMerger', () => {
  test('builds exactly the picked columns, renamed, in order', () => {
    const merge = projectedMerger([
      { name: 'b_renamed', column: 'b', right: true },
      { name: 'k', column: 'k', right: false },
      { name: 's2', column: 's', right: false },
    ]);
    fc.assert(
      fc.property(leftRow, rightRow, (l, r) => {
        const row = merge(l as Row, r as Row);
        expect(Object.keys(row)).toEqual(['b_renamed', 'k', 's2']);
        expect(row).toEqual({ b_renamed: r.b, k: l.k, s2: l.s });
      }),
    );
  });
});
