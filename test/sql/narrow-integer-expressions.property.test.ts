/**
 * Compiled TINYINT, SMALLINT and INT expressions, and SUM over them, against bigint reference
 * arithmetic with Java's narrowing (`BigInt.asIntN(bits, …)`): `INT + INT` is an INT in Flink and
 * wraps as Java's int does, and so on for each width. Every result must be a plain integer number
 * in the type's range and never -0, so `===` between results holds.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type SqlType, Types, withNullability } from '../../src/sql/catalog/types.js';
import type { BoundAggregateCall } from '../../src/sql/aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../src/sql/aggregates/builtins.js';
import { RowAggregates } from '../../src/sql/aggregates/row-aggregates.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { wrapInteger } from '../../src/sql/expressions/narrow-integers.js';
import { call, field, type Rex } from '../../src/sql/expressions/rex.js';

const WIDTHS = [
  { root: 'TINYINT', bits: 8, type: Object.freeze({ root: 'TINYINT', nullable: true }) as SqlType },
  { root: 'SMALLINT', bits: 16, type: Object.freeze({ root: 'SMALLINT', nullable: true }) as SqlType },
  { root: 'INT', bits: 32, type: Types.INT },
] as const;

/** Values of `bits` weighted toward 0 and the range's ends, where results wrap. */
function valuesOf(bits: number): fc.Arbitrary<number> {
  const max = 2 ** (bits - 1) - 1;
  const min = -(2 ** (bits - 1));
  return fc.oneof(
    fc.integer({ min, max }),
    fc.integer({ min: -3, max: 3 }),
    fc.integer({ min: max - 3, max }),
    fc.integer({ min, max: min + 3 }),
  );
}

function expectWrapped(actual: unknown, expected: bigint, bits: number): void {
  expect(typeof actual).toBe('number');
  expect(Object.is(actual, -0)).toBe(false);
  expect(Number.isInteger(actual)).toBe(true);
  expect(BigInt(actual as number)).toBe(BigInt.asIntN(bits, expected));
}

describe.each(WIDTHS)('compiled $root arithmetic', ({ bits, type }) => {
  const nullable = withNullability(type, true);
  const a = field('a', nullable);
  const b = field('b', nullable);
  const compiled = (rex: Rex) => {
    const fn = compileExpression(rex);
    return (x: number, y: number) => fn({ a: x, b: y });
  };
  const binary = (op: string) => compiled(call(op, [a, b], nullable));
  const values = valuesOf(bits);

  test('+ - * wrap at the width, as Java narrows the result', () => {
    const [add, subtract, multiply] = ['+', '-', '*'].map(binary);
    fc.assert(
      fc.property(values, values, (x, y) => {
        expectWrapped(add!(x, y), BigInt(x) + BigInt(y), bits);
        expectWrapped(subtract!(x, y), BigInt(x) - BigInt(y), bits);
        expectWrapped(multiply!(x, y), BigInt(x) * BigInt(y), bits);
      }),
      { numRuns: 3000 },
    );
  });

  test('/ truncates and wraps (the smallest value / -1 is itself); % and MOD keep the sign', () => {
    const [divide, remainder, mod] = ['/', '%', 'MOD'].map(binary);
    fc.assert(
      fc.property(values, values, (x, y) => {
        fc.pre(y !== 0);
        expectWrapped(divide!(x, y), BigInt(x) / BigInt(y), bits);
        expectWrapped(remainder!(x, y), BigInt(x) % BigInt(y), bits);
        expectWrapped(mod!(x, y), BigInt(x) % BigInt(y), bits);
      }),
      { numRuns: 3000 },
    );
  });

  test('negation and ABS wrap at the smallest value', () => {
    const negate = compiled(call('NEGATE', [a], nullable));
    const abs = compiled(call('ABS', [a], nullable));
    fc.assert(
      fc.property(values, (x) => {
        expectWrapped(negate(x, 0), -BigInt(x), bits);
        expectWrapped(abs(x, 0), BigInt(x < 0 ? -x : x), bits);
      }),
    );
  });

  test('SUM wraps at the width whatever the order of adds and retracts; AVG divides the exact sum', () => {
    const sumType = withNullability(type, true) as SqlType;
    const calls = ['SUM', 'SUM0', 'AVG'].map((fn) => {
      const definition = BUILTIN_AGGREGATES.get(fn)!;
      const argTypes = [sumType];
      return {
        fn,
        args: ['x'],
        argTypes,
        distinct: false,
        name: fn,
        type: definition.resultType(argTypes),
        definition,
      };
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: values, retract: fc.boolean() }), { minLength: 1, maxLength: 40 }),
        (steps) => {
          // Generated (inline) and interpreted (function) paths must agree.
          const aggregates = new RowAggregates(calls as BoundAggregateCall[], { retraction: true });
          const accs = aggregates.createAccumulators();
          const fns = aggregates.functions;
          let direct = fns.map((f) => f.createAccumulator());
          let exact = 0n;
          let count = 0;
          for (const { x, retract } of steps) {
            if (retract) aggregates.retract(accs, { x });
            else aggregates.accumulate(accs, { x });
            direct = direct.map((acc, i) =>
              retract ? fns[i]!.retract!(acc, [x]) : fns[i]!.accumulate(acc, [x]),
            );
            exact += retract ? -BigInt(x) : BigInt(x);
            count += retract ? -1 : 1;
          }
          const generated = aggregates.values(accs);
          for (const got of [generated, direct.map((acc, i) => fns[i]!.getValue(acc))]) {
            if (count === 0) {
              expect(got[0]).toBeNull();
              expect(got[1]).toBe(0);
              continue;
            }
            expectWrapped(got[0], exact, bits);
            expectWrapped(got[1], exact, bits);
            expect(got[2]).toBe(Math.trunc(Number(exact) / count));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('wrapInteger', () => {
  test('is BigInt.asIntN for every safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom(8, 16, 32), (n, bits) => {
        expect(BigInt(wrapInteger(n, bits))).toBe(BigInt.asIntN(bits, BigInt(n)));
      }),
      { numRuns: 3000 },
    );
  });
});
