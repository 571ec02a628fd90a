/**
 * Properties of BIGINT arithmetic against bigint reference arithmetic with Java's long wrap
 * (`BigInt.asIntN(64, …)`): every result is canonical (a number exactly when safe) and equals
 * the reference, for values drawn near 0, near ±2^53 and near the long range's ends. Encoding
 * through the state codec keeps both representations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../types/codec.js';
import {
  isLong,
  type Long,
  longAbs,
  longAdd,
  longDivide,
  longFromDouble,
  longFromIntegral,
  longHashCode,
  longMultiply,
  longNegate,
  longRemainder,
  longSubtract,
  longToNarrowInteger,
  MAX_LONG,
  MIN_LONG,
  parseLong,
  wrapLong,
} from './long.js';

const SAFE = 2n ** 53n;
const near = (centre: bigint) => fc.bigInt({ min: centre - 1000n, max: centre + 1000n });
/** Any long, weighted toward the edges where representations and wraps change. */
const bigLong = fc
  .oneof(
    fc.bigInt({ min: MIN_LONG, max: MAX_LONG }),
    fc.bigInt({ min: -100n, max: 100n }),
    near(SAFE),
    near(-SAFE),
    near(MAX_LONG),
    near(MIN_LONG),
    fc.bigInt({ min: -(2n ** 32n), max: 2n ** 32n }),
  )
  .map((v) => BigInt.asIntN(64, v));
const long = bigLong.map((v) => wrapLong(v));

const ref = (v: bigint) => BigInt.asIntN(64, v);
const expectLong = (actual: Long, expected: bigint) => {
  expect(isLong(actual)).toBe(true);
  expect(BigInt(actual)).toBe(expected);
};

describe('BIGINT arithmetic', () => {
  it('is canonical: a number exactly when safe', () => {
    fc.assert(
      fc.property(bigLong, (v) => {
        const c = wrapLong(v);
        expect(typeof c).toBe(v > -SAFE && v < SAFE ? 'number' : 'bigint');
        expectLong(c, v);
      }),
    );
  });

  it('+ - * wrap as Java longs', () => {
    fc.assert(
      fc.property(long, long, (a, b) => {
        expectLong(longAdd(a, b), ref(BigInt(a) + BigInt(b)));
        expectLong(longSubtract(a, b), ref(BigInt(a) - BigInt(b)));
        expectLong(longMultiply(a, b), ref(BigInt(a) * BigInt(b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('/ truncates and % keeps the sign of the dividend, as in Java', () => {
    fc.assert(
      fc.property(long, long, (a, b) => {
        fc.pre(b !== 0);
        expectLong(longDivide(a, b), ref(BigInt(a) / BigInt(b)));
        expectLong(longRemainder(a, b), BigInt(a) % BigInt(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('division and MOD by zero fail with a hint', () => {
    expect(() => longDivide(5, 0)).toThrow(/division by zero; guard it with CASE or NULLIF/);
    expect(() => longRemainder(2n ** 60n, 0)).toThrow(/MOD by zero/);
  });

  it('negation and ABS wrap at Long.MIN_VALUE', () => {
    fc.assert(
      fc.property(long, (a) => {
        expectLong(longNegate(a), ref(-BigInt(a)));
        const abs = BigInt(a) < 0n ? -BigInt(a) : BigInt(a);
        expectLong(longAbs(a), ref(abs));
      }),
    );
    expect(longAbs(MIN_LONG)).toBe(MIN_LONG);
    expect(longDivide(MIN_LONG, -1)).toBe(MIN_LONG);
  });

  it('text round-trips, and text beyond the long range is refused', () => {
    fc.assert(
      fc.property(bigLong, (v) => {
        expectLong(parseLong(` ${v} `)!, v);
        expectLong(parseLong(`${v}.99`)!, v);
      }),
    );
    expect(parseLong('9223372036854775808')).toBeNull();
    expect(parseLong('-9223372036854775809')).toBeNull();
    expect(parseLong('1e3')).toBeNull();
    expect(parseLong('.')).toBeNull();
    expect(parseLong('-.5')).toBe(0);
    expect(parseLong('9007199254740993')).toBe(9007199254740993n);
  });

  it('doubles cast as Java (long) d: truncated and saturated', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (d) => {
        const expected = d >= 2 ** 63 ? MAX_LONG : d <= -(2 ** 63) ? MIN_LONG : BigInt(Math.trunc(d));
        expectLong(longFromDouble(d), expected);
      }),
    );
    expect(longFromDouble(Number.NaN)).toBe(0);
    expect(longFromIntegral(1e20)).toBe(ref(10n ** 20n));
  });

  it('hash codes are Java Long.hashCode for either representation of a range', () => {
    fc.assert(
      fc.property(bigLong, (v) => {
        const u = BigInt.asUintN(64, v);
        const expected = Number(BigInt.asIntN(32, (u ^ (u >> 32n)) & 0xffffffffn));
        expect(longHashCode(wrapLong(v))).toBe(expected);
      }),
    );
  });

  it('narrowing casts keep the low bits', () => {
    fc.assert(
      fc.property(bigLong, fc.constantFrom(8, 16, 32), (v, bits) => {
        expect(longToNarrowInteger(wrapLong(v), bits)).toBe(Number(BigInt.asIntN(bits, v)));
      }),
    );
  });

  it('the state codec round-trips both representations', () => {
    fc.assert(
      fc.property(fc.array(long, { maxLength: 20 }), (values) => {
        const back = decode(encode({ values })) as { values: Long[] };
        expect(back.values).toEqual(values);
        for (const v of back.values) expect(isLong(v)).toBe(true);
      }),
    );
  });
});
