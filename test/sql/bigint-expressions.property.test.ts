/**
 * Compiled BIGINT expressions against bigint reference arithmetic with Java's long wrap
 * (`BigInt.asIntN(64, …)`): the inline path for two safe numbers and the exact path of
 * `long.ts` must agree with the reference wherever the operands and results fall, and every
 * result must be canonical (a number exactly when safe), so `===` between results holds.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type SqlType, Types, withNullability } from '../../src/sql/catalog/types.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { isLong, MAX_LONG, MIN_LONG, wrapLong } from '../../src/sql/expressions/long.js';
import { call, field, type Rex } from '../../src/sql/expressions/rex.js';

const BIGINT = withNullability(Types.BIGINT, true);
const BOOLEAN = withNullability(Types.BOOLEAN, true);
const SAFE = 2n ** 53n;
const near = (centre: bigint) => fc.bigInt({ min: centre - 100n, max: centre + 100n });
/** Longs weighted toward 0, ±2^53 and the range's ends, where forms change and sums wrap. */
const long = fc
  .oneof(
    fc.bigInt({ min: -1000n, max: 1000n }),
    fc.bigInt({ min: MIN_LONG, max: MAX_LONG }),
    near(SAFE),
    near(-SAFE),
    near(SAFE / 2n),
    near(MAX_LONG),
    near(MIN_LONG),
    fc.bigInt({ min: -(2n ** 27n), max: 2n ** 27n }),
  )
  .map((v) => BigInt.asIntN(64, v));

const a = field('a', BIGINT);
const b = field('b', BIGINT);
const binary = (op: string, type: SqlType = BIGINT): Rex => call(op, [a, b], type);
const compiled = (rex: Rex) => {
  const fn = compileExpression(rex);
  return (x: bigint, y: bigint) => fn({ a: wrapLong(x), b: wrapLong(y) });
};
const wrap = (v: bigint) => BigInt.asIntN(64, v);

function expectLong(actual: unknown, expected: bigint): void {
  expect(isLong(actual)).toBe(true);
  expect(BigInt(actual as number | bigint)).toBe(expected);
}

describe('compiled BIGINT arithmetic', () => {
  test('+ - * wrap as Java longs, through the inline and the exact path alike', () => {
    const [add, subtract, multiply] = ['+', '-', '*'].map((op) => compiled(binary(op)));
    fc.assert(
      fc.property(long, long, (x, y) => {
        expectLong(add!(x, y), wrap(x + y));
        expectLong(subtract!(x, y), wrap(x - y));
        expectLong(multiply!(x, y), wrap(x * y));
      }),
      { numRuns: 3000 },
    );
  });

  test('/ truncates, % and MOD keep the sign of the dividend', () => {
    const [divide, remainder, mod] = [binary('/'), binary('%'), binary('MOD')].map(compiled);
    fc.assert(
      fc.property(long, long, (x, y) => {
        fc.pre(y !== 0n);
        expectLong(divide!(x, y), wrap(x / y));
        expectLong(remainder!(x, y), x % y);
        expectLong(mod!(x, y), x % y);
      }),
      { numRuns: 3000 },
    );
  });

  test('negation and ABS wrap at Long.MIN_VALUE', () => {
    const negate = compiled(call('NEGATE', [a], BIGINT));
    const abs = compiled(call('ABS', [a], BIGINT));
    fc.assert(
      fc.property(long, (x) => {
        expectLong(negate(x, 0n), wrap(-x));
        expectLong(abs(x, 0n), wrap(x < 0n ? -x : x));
      }),
    );
  });

  test('comparisons are exact', () => {
    const ops = {
      '=': (x: bigint, y: bigint) => x === y,
      '<>': (x: bigint, y: bigint) => x !== y,
      '<': (x: bigint, y: bigint) => x < y,
      '<=': (x: bigint, y: bigint) => x <= y,
      '>': (x: bigint, y: bigint) => x > y,
      '>=': (x: bigint, y: bigint) => x >= y,
    };
    const fns = Object.entries(ops).map(([op, ref]) => ({ fn: compiled(binary(op, BOOLEAN)), ref }));
    // Neighbours too: x and x + 1 are one double past 2^53 but two longs.
    fc.assert(
      fc.property(long, long, fc.boolean(), (x, y, neighbour) => {
        const other = neighbour && x < MAX_LONG ? x + 1n : y;
        for (const { fn, ref } of fns) expect(fn(x, other)).toBe(ref(x, other));
      }),
      { numRuns: 2000 },
    );
  });

  test('results of different paths to one value are identical', () => {
    const add = compiled(binary('+'));
    const multiply = compiled(binary('*'));
    fc.assert(
      fc.property(long, (x) => {
        // x + x and x * 2 reach the same long by different code: one form, so === holds.
        expect(add(x, x)).toBe(multiply(x, 2n));
      }),
    );
  });
});
