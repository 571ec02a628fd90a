/**
 * A join condition's `IS NOT DISTINCT FROM` between a left and a right column is a join key, as
 * `=` is, marked null-safe: the join keys both inputs by the value, NULL being a value of its
 * own, instead of keeping every row under one key. Whether such a join gives SQL's rows (NULL
 * meets NULL) is checked against DuckDB in subquery-domain-duckdb.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { Types, withNullability } from '../../src/sql/catalog/types.js';
import { call, field, formatRex } from '../../src/sql/expressions/rex.js';
import { joinKeys } from '../../src/sql/planner/join/join-conditions.js';

const INT = withNullability(Types.INT, true);
const BOOL = withNullability(Types.BOOLEAN, true);
const left = [
  { name: 'k', type: INT },
  { name: 'v', type: INT },
];
const right = [
  { name: 'k0', type: INT },
  { name: 'v0', type: INT },
];

describe('join keys', () => {
  test('IS NOT DISTINCT FROM keys the join null-safely, = does not, other conditions remain', () => {
    const condition = call(
      'AND',
      [
        call(
          'AND',
          [
            call(
              'IS NOT DISTINCT FROM',
              [field('k0', INT), field('k', INT)],
              withNullability(Types.BOOLEAN, false),
            ),
            call('=', [field('v', INT), field('v0', INT)], BOOL),
          ],
          BOOL,
        ),
        call('<', [field('v', INT), field('k0', INT)], BOOL),
      ],
      BOOL,
    );
    const keys = joinKeys(condition, left, right);
    expect(keys.leftKeys.map(formatRex)).toEqual(['k', 'v']);
    expect(keys.rightKeys.map(formatRex)).toEqual(['k0', 'v0']);
    expect(keys.nullSafe).toEqual([true, false]);
    expect(keys.remaining && formatRex(keys.remaining)).toBe('<(v, k0)');
  });

  test('IS NOT DISTINCT FROM within one side is no key', () => {
    const condition = call(
      'IS NOT DISTINCT FROM',
      [field('k', INT), field('v', INT)],
      withNullability(Types.BOOLEAN, false),
    );
    const keys = joinKeys(condition, left, right);
    expect(keys.leftKeys).toEqual([]);
    expect(keys.nullSafe).toEqual([]);
    expect(keys.remaining).toBe(condition);
  });
});
