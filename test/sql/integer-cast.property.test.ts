/**
 * CAST to an integer type as Flink's casts (Java's) do: from an integer, the low bits of the
 * two's complement (checked against BigInt.asIntN); from DOUBLE, saturating at the int or long
 * range first; from text, digits with a dropped fraction, NULL out of range under TRY_CAST.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type SqlType, Types } from '../../src/sql/catalog/types.js';
import { runtime } from '../../src/sql/expressions/runtime.js';

const integer = (root: 'TINYINT' | 'SMALLINT'): SqlType => ({ root, nullable: true });
const targets = [
  { type: integer('TINYINT'), bits: 8 },
  { type: integer('SMALLINT'), bits: 16 },
  { type: Types.INT, bits: 32 },
];

describe('integer CAST', () => {
  test('an integer keeps its low bits', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom(...targets), (n, { type, bits }) => {
        const expected = Number(BigInt.asIntN(bits, BigInt(n)));
        expect(runtime.cast(n, Types.BIGINT, type, false)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  test('a DOUBLE saturates at the int range, then keeps the low bits', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.constantFrom(...targets), (d, { type, bits }) => {
        const asInt = Math.min(Math.max(Math.trunc(d), -(2 ** 31)), 2 ** 31 - 1);
        expect(runtime.cast(d, Types.DOUBLE, type, false)).toBe(Number(BigInt.asIntN(bits, BigInt(asInt))));
      }),
      { numRuns: 2000 },
    );
    expect(runtime.cast(Number.NaN, Types.DOUBLE, Types.INT, false)).toBe(0);
  });

  test('text in range reads as its integer part, text out of range does not read', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -70000, max: 70000 }),
        fc.constantFrom('', '.5', '.'),
        fc.constantFrom(...targets),
        (n, fraction, { type, bits }) => {
          const half = 2 ** (bits - 1);
          const expected = n < -half || n >= half ? null : n;
          expect(runtime.cast(` ${n}${fraction} `, Types.STRING, type, true)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
