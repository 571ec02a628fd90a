/**
 * A row comparator whose second row carries columns under other names (`readB`, a join's right
 * row as `rank-over-join.ts` ranks it) orders every pair as the plain comparator orders the
 * first row against the second renamed to the first's names.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Row } from '../../expressions/compiler.js';
import { readRight } from '../../planner/join/right-row-names.js';
import { rowComparator, type SortKeySpec } from './sort-order.js';

/** The join names `price` and `t0`; right rows carry `t0` as `t` (or, stored earlier, as `t0`). */
const ROW_NAMES: ReadonlyMap<string, string> = new Map([['t0', 't']]);

const value = fc.option(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b')), {
  freq: 4,
});

const key = (column: string): fc.Arbitrary<SortKeySpec> =>
  fc.record({ column: fc.constant(column), descending: fc.boolean(), nullsFirst: fc.boolean() });

const keys = fc.oneof(
  fc.tuple(key('price'), key('t0')),
  fc.tuple(key('t0'), key('price')),
  fc.tuple(key('t0')),
);

/** A right row: `t0`'s value under its row name, or under the join's name, or neither (NULL). */
const rightRow = fc.record({
  price: value,
  t: value,
  under: fc.constantFrom<'row' | 'join' | 'none'>('row', 'join', 'none'),
});

type RightRow = { price: unknown; t: unknown; under: 'row' | 'join' | 'none' };

function carried(r: RightRow): Row {
  if (r.under === 'row') return { price: r.price, t: r.t };
  if (r.under === 'join') return { price: r.price, t0: r.t };
  return { price: r.price };
}

function renamed(r: RightRow): Row {
  return { price: r.price, t0: r.under === 'none' ? null : r.t };
}

describe('a comparator reading the second row under its own names', () => {
  test('property: orders as the plain comparator over the renamed row', () => {
    fc.assert(
      fc.property(keys, fc.record({ price: value, t0: value }), rightRow, (ks, kept, right) => {
        const plain = rowComparator(ks);
        const mixed = rowComparator(ks, (b, column) => readRight(b, column, ROW_NAMES));
        expect(Math.sign(mixed(kept, carried(right)))).toBe(Math.sign(plain(kept, renamed(right))));
      }),
      { numRuns: 500 },
    );
  });

  test('reads the row name first, the join name for a row stored under it, and NULL for neither', () => {
    const ks: SortKeySpec[] = [{ column: 't0', descending: false, nullsFirst: true }];
    const mixed = rowComparator(ks, (b, column) => readRight(b, column, ROW_NAMES));
    expect(mixed({ t0: 2 }, { t: 1 })).toBe(1);
    expect(mixed({ t0: 2 }, { t0: 3 })).toBe(-1);
    // NULLs first: the kept 2 sorts after a row with no value under either name.
    expect(mixed({ t0: 2 }, { price: 1 })).toBe(1);
    expect(mixed({ t0: null }, { t: 1 })).toBe(-1);
  });
});
