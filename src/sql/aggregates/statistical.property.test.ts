/**
 * Properties of the variance and standard deviation aggregates against a fresh computation over
 * the multiset the operations leave: over random sequences of accumulate, retract (of values
 * added before), merge of another accumulator built the same way (its own retractions included,
 * so its count may be negative) and a round trip through the state codec, every function's
 * value matches the two-pass definition within a floating tolerance for DOUBLE arguments, and
 * exactly Flink's truncating integer formula for INT arguments.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../types/codec.js';
import { type SqlType, Types } from '../catalog/types.js';
import type { SqlAggregateFunction } from './aggregate-function.js';
import { BUILTIN_AGGREGATES } from './builtins.js';

type Op =
  | { kind: 'add'; v: number }
  | { kind: 'retract'; pick: number }
  | { kind: 'merge'; adds: number[]; retracts: number[] }
  | { kind: 'roundTrip' };

const NAMES = ['VAR_POP', 'VAR_SAMP', 'VARIANCE', 'STDDEV_POP', 'STDDEV_SAMP', 'STDDEV'] as const;

function create(name: string, type: SqlType): SqlAggregateFunction {
  return BUILTIN_AGGREGATES.get(name)!.create([type], { retraction: true });
}

/** The statistic by its definition: the mean first, then the squared deviations from it. */
function twoPass(name: string, values: readonly number[]): number | null {
  const n = values.length;
  const population = name.endsWith('_POP');
  const divisor = population ? n : n - 1;
  if (n === 0 || divisor === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / divisor;
  return name.startsWith('STDDEV') ? Math.sqrt(variance) : variance;
}

/** Flink's rewrite for INT arguments, in integer arithmetic (BigInt, so it cannot round). */
function integerFormula(name: string, values: readonly number[]): number | null {
  const n = BigInt(values.length);
  const population = name.endsWith('_POP');
  const divisor = population ? n : n - 1n;
  if (n === 0n || divisor === 0n) return null;
  const sum = values.reduce((a, v) => a + BigInt(v), 0n);
  const squares = values.reduce((a, v) => a + BigInt(v) * BigInt(v), 0n);
  // BigInt division truncates toward zero, as Java's long division does.
  const variance = (squares - (sum * sum) / n) / divisor;
  return name.startsWith('STDDEV') ? Math.trunc(Math.sqrt(Math.max(Number(variance), 0))) : Number(variance);
}

/** Runs the operations on one function and on a plain list of the values still in. */
function run(fn: SqlAggregateFunction, ops: readonly Op[]): { acc: unknown; values: number[] } {
  let acc = fn.createAccumulator();
  const values: number[] = [];
  for (const op of ops) {
    if (op.kind === 'add') {
      acc = fn.accumulate(acc, [op.v]);
      values.push(op.v);
    } else if (op.kind === 'retract') {
      if (values.length === 0) continue;
      const [v] = values.splice(op.pick % values.length, 1);
      acc = fn.retract!(acc, [v]);
    } else if (op.kind === 'merge') {
      // The other accumulator retracts values this one holds: a later bundle of a retract input.
      let other = fn.createAccumulator();
      for (const v of op.adds) {
        other = fn.accumulate(other, [v]);
        values.push(v);
      }
      for (const pick of op.retracts) {
        if (values.length === 0) break;
        const [v] = values.splice(pick % values.length, 1);
        other = fn.retract!(other, [v]);
      }
      acc = fn.merge!(acc, other);
    } else acc = decode(encode(acc));
  }
  return { acc, values };
}

function ops(value: fc.Arbitrary<number>): fc.Arbitrary<Op[]> {
  return fc.array(
    fc.oneof(
      { weight: 5, arbitrary: value.map((v) => ({ kind: 'add' as const, v })) },
      { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'retract' as const, pick })) },
      {
        weight: 1,
        arbitrary: fc
          .record({ adds: fc.array(value, { maxLength: 4 }), retracts: fc.array(fc.nat(), { maxLength: 6 }) })
          .map((r) => ({ kind: 'merge' as const, ...r })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'roundTrip' as const }) },
    ),
    { maxLength: 60 },
  );
}

describe('statistical aggregates with retraction and merge', () => {
  it('DOUBLE: the value is the two-pass statistic of the values left, within a tolerance', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        ops(fc.double({ min: -1000, max: 1000, noNaN: true })),
        (name, sequence) => {
          const fn = create(name, Types.DOUBLE);
          const { acc, values } = run(fn, sequence);
          const got = fn.getValue(acc) as number | null;
          const want = twoPass(name, values);
          if (want === null) {
            expect(got).toBeNull();
            return;
          }
          expect(got).not.toBeNull();
          // The sums carry the rounding of every value that passed through, retracted ones
          // included: a bound of a few ulps of the largest square per operation. A wrong
          // retraction or merge is off by about a square, far above it.
          const seen = sequence.flatMap((op) =>
            op.kind === 'add' ? [op.v] : op.kind === 'merge' ? op.adds : [],
          );
          const largest = Math.max(1, ...seen.map((v) => v * v));
          const varianceTolerance = 1e-13 * largest * (sequence.length + 1);
          const tolerance = name.startsWith('STDDEV') ? Math.sqrt(varianceTolerance) : varianceTolerance;
          expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(tolerance);
          expect(got as number).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("INT: the value is exactly Flink's truncating integer formula over the values left", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES),
        ops(fc.integer({ min: -100_000, max: 100_000 })),
        (name, sequence) => {
          const fn = create(name, Types.INT);
          const { acc, values } = run(fn, sequence);
          expect(fn.getValue(acc)).toBe(integerFormula(name, values));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('retracting every value added leaves NULL and the accumulator as created', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 30 }), (values) => {
        for (const name of NAMES) {
          const fn = create(name, Types.INT);
          let acc = fn.createAccumulator();
          for (const v of values) acc = fn.accumulate(acc, [v]);
          for (const v of values) acc = fn.retract!(acc, [v]);
          expect(fn.getValue(acc)).toBeNull();
          expect(acc).toEqual(fn.createAccumulator());
        }
      }),
    );
  });
});
