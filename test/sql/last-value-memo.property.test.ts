/**
 * The one-pair memo of the fused source chain's watermark: for any sequence of arguments it
 * returns what the function returns, and calls the function exactly when the argument differs
 * from the previous call's (NaN included, which equals nothing).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { lastValueMemo } from '../../src/sql/planner/fused-source-chain.js';

const argument = fc.oneof(
  fc.constantFrom<unknown>(1000, 1000, 2000, null, Number.NaN, '1000'),
  fc.integer({ min: 0, max: 3 }),
);

describe('lastValueMemo', () => {
  test('same results as the function, computed again only when the argument changes', () => {
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 50 }), (args) => {
        const g = (value: unknown): unknown => (typeof value === 'number' ? value - 500 : `${value}!`);
        const calls: unknown[] = [];
        const memo = lastValueMemo((value) => {
          calls.push(value);
          return g(value);
        });
        const expectedCalls: unknown[] = [];
        args.forEach((value, i) => {
          expect(memo(value)).toEqual(g(value));
          if (i === 0 || value !== args[i - 1]) expectedCalls.push(value);
        });
        expect(calls).toEqual(expectedCalls);
      }),
      { numRuns: 300 },
    );
  });

  test('the first call computes, even for undefined', () => {
    let calls = 0;
    const memo = lastValueMemo(() => {
      calls++;
      return 7;
    });
    expect(memo(undefined)).toBe(7);
    expect(memo(undefined)).toBe(7);
    expect(calls).toBe(1);
  });
});
