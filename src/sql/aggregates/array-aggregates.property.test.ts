/**
 * Properties of ARRAY_AGG and PERCENTILE against a fresh computation over the values the
 * operations leave: over random sequences of accumulate, retract (of a value added before),
 * merge of another accumulator built the same way (its own retractions included, so some of
 * them cancel values of the accumulator it merges into) and a round trip through the state
 * codec. ARRAY_AGG holds the values left (in arrival order while nothing merged, as a multiset
 * always), NULLs included unless IGNORE NULLS; PERCENTILE is the continuous percentile of the
 * values left, each counted by its frequency, computed here from the sorted expanded list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../types/codec.js';
import { type SqlType, Types } from '../catalog/types.js';
import type { SqlAggregateFunction } from './aggregate-function.js';
import { BUILTIN_AGGREGATES } from './builtins.js';

/** One row's arguments; `retract` picks one of the rows still in. */
type Op =
  | { kind: 'add'; args: unknown[] }
  | { kind: 'retract'; pick: number }
  | { kind: 'merge'; adds: unknown[][]; retracts: number[] }
  | { kind: 'roundTrip' };

function create(name: string, argTypes: readonly SqlType[]): SqlAggregateFunction {
  return BUILTIN_AGGREGATES.get(name)!.create(argTypes, { retraction: true });
}

/**
 * Picks a row still in and removes the earliest row equal to it: a retraction names a value, not
 * a row, and of equal values the earliest goes, as in Flink.
 */
function takeEarliestEqual(rows: unknown[][], pick: number): unknown[] {
  const row = rows[pick % rows.length]!;
  const i = rows.findIndex((r) => r.length === row.length && r.every((v, j) => Object.is(v, row[j])));
  rows.splice(i, 1);
  return row;
}

/** Runs the operations on one function; returns its value and the rows still in, in order. */
function run(
  fn: SqlAggregateFunction,
  ops: readonly Op[],
): { value: unknown; rows: unknown[][]; merged: boolean } {
  let acc = fn.createAccumulator();
  const rows: unknown[][] = [];
  let merged = false;
  for (const op of ops) {
    if (op.kind === 'add') {
      acc = fn.accumulate(acc, op.args);
      rows.push(op.args);
    } else if (op.kind === 'retract') {
      if (rows.length === 0) continue;
      const row = takeEarliestEqual(rows, op.pick);
      acc = fn.retract!(acc, row);
    } else if (op.kind === 'merge') {
      merged = true;
      let other = fn.createAccumulator();
      for (const args of op.adds) {
        other = fn.accumulate(other, args);
        rows.push(args);
      }
      for (const pick of op.retracts) {
        if (rows.length === 0) break;
        other = fn.retract!(other, takeEarliestEqual(rows, pick));
      }
      acc = fn.merge!(acc, other);
    } else acc = decode(encode(acc));
  }
  return { value: fn.getValue(acc), rows, merged };
}

function ops(row: fc.Arbitrary<unknown[]>): fc.Arbitrary<Op[]> {
  return fc.array(
    fc.oneof(
      { weight: 5, arbitrary: row.map((args) => ({ kind: 'add' as const, args })) },
      { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: 'retract' as const, pick })) },
      {
        weight: 1,
        arbitrary: fc
          .record({ adds: fc.array(row, { maxLength: 4 }), retracts: fc.array(fc.nat(), { maxLength: 6 }) })
          .map((r) => ({ kind: 'merge' as const, ...r })),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'roundTrip' as const }) },
    ),
    { maxLength: 60 },
  );
}

const sortKey = (v: unknown) => (v === null ? '~' : String(v).padStart(6, '0'));
const sorted = (values: readonly unknown[]) => [...values].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));

describe('ARRAY_AGG with retraction and merge', () => {
  for (const clause of [undefined, 'RESPECT', 'IGNORE'] as const) {
    it(`${clause ?? 'no clause'}: the values left, in arrival order until a merge`, () => {
      const argTypes = clause === undefined ? [Types.INT] : [Types.INT, Types.STRING];
      const value = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(null));
      const row = value.map((v) => (clause === undefined ? [v] : [v, clause]));
      fc.assert(
        fc.property(ops(row), (sequence) => {
          const fn = create('ARRAY_AGG', argTypes);
          const { value: got, rows, merged } = run(fn, sequence);
          const want = rows.map((r) => r[0]).filter((v) => clause !== 'IGNORE' || v !== null);
          if (want.length === 0) {
            expect(got).toBeNull();
            return;
          }
          expect(Array.isArray(got)).toBe(true);
          if (merged) expect(sorted(got as unknown[])).toEqual(sorted(want));
          else expect(got).toEqual(want);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('the emitted array does not change when the accumulator does', () => {
    const fn = create('ARRAY_AGG', [Types.INT]);
    let acc = fn.accumulate(fn.createAccumulator(), [1]);
    const first = fn.getValue(acc);
    acc = fn.accumulate(acc, [2]);
    expect(first).toEqual([1]);
    expect(fn.getValue(acc)).toEqual([1, 2]);
  });
});

/** Java's Double order, which Flink sorts by: NaN last, -0.0 before 0.0. */
const rank = (x: number) => (Number.isNaN(x) ? 2 : Object.is(x, -0) ? -0.5 : 0);
const javaOrder = (a: number, b: number) =>
  a === b || Number.isNaN(a) || Number.isNaN(b) ? rank(a) - rank(b) : a - b;

/** The continuous percentile of `values` (each row's value repeated by its frequency). */
function percentileOf(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort(javaOrder);
  const position = p * (s.length - 1) + 1;
  const lower = Math.floor(position);
  const higher = Math.ceil(position);
  const low = s[lower - 1]!;
  const high = s[higher - 1]!;
  return Object.is(low, high) ? low : (higher - position) * low + (position - lower) * high;
}

describe('PERCENTILE with retraction and merge', () => {
  const fraction = fc.oneof(fc.constantFrom(0, 0.25, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true }));
  const frequency = fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(null));

  it('one fraction, with frequencies: the percentile of the values left', () => {
    fc.assert(
      fc.property(fraction, fc.boolean(), fc.boolean(), (p, weighted, doubles) =>
        fc.assert(
          fc.property(
            ops(
              fc
                .tuple(fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constant(null)), frequency)
                .map(([v, f]) => {
                  const x = v === null || !doubles ? v : v / 4;
                  return weighted ? [x, p, f] : [x, p];
                }),
            ),
            (sequence) => {
              const types = [doubles ? Types.DOUBLE : Types.INT, Types.DOUBLE];
              const fn = create('PERCENTILE', weighted ? [...types, Types.INT] : types);
              const { value: got, rows } = run(fn, sequence);
              const values = rows.flatMap((r) => {
                const n = weighted ? (typeof r[2] === 'number' && r[2] > 0 ? r[2] : 0) : 1;
                return r[0] === null ? [] : new Array<number>(n).fill(r[0] as number);
              });
              // Before any row the fractions are unknown: NULL, as with no values.
              expect(got).toBe(percentileOf(values, p));
            },
          ),
          { numRuns: 20 },
        ),
      ),
      { numRuns: 15 },
    );
  });

  it('an ARRAY of fractions: each percentile in the order asked', () => {
    fc.assert(
      fc.property(
        fc.array(fraction, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 30 }),
        fc.nat(),
        (ps, values, split) => {
          const fn = create('PERCENTILE', [
            Types.INT,
            { root: 'ARRAY', nullable: false, element: Types.DOUBLE },
          ]);
          // Split the rows between two accumulators and merge them.
          const cut = values.length === 0 ? 0 : split % (values.length + 1);
          let a = fn.createAccumulator();
          let b = fn.createAccumulator();
          for (const v of values.slice(0, cut)) a = fn.accumulate(a, [v, ps]);
          for (const v of values.slice(cut)) b = fn.accumulate(b, [v, ps]);
          const got = fn.getValue(fn.merge!(a, decode(encode(b))));
          if (values.length === 0) expect(got).toBeNull();
          else expect(got).toEqual(ps.map((p) => percentileOf(values, p)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('NaN, infinities and -0.0: counted and sorted as Java Doubles, through retraction, merge and the codec', () => {
    const special = fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 1, -1, 2.5, null);
    fc.assert(
      fc.property(fraction, (p) =>
        fc.assert(
          fc.property(ops(special.map((x) => [x, p])), (sequence) => {
            const fn = create('PERCENTILE', [Types.DOUBLE, Types.DOUBLE]);
            const { value: got, rows } = run(fn, sequence);
            const values = rows.flatMap((r) => (r[0] === null ? [] : [r[0] as number]));
            expect(got).toBe(percentileOf(values, p));
          }),
          { numRuns: 30 },
        ),
      ),
      { numRuns: 20 },
    );
  });

  it('a NaN fraction takes the value where the fractions before it left off, as in Flink', () => {
    const fn = create('PERCENTILE', [
      Types.DOUBLE,
      { root: 'ARRAY', nullable: false, element: Types.DOUBLE },
    ]);
    let acc = fn.createAccumulator();
    for (const v of [4, 1, 3, 2]) acc = fn.accumulate(acc, [v, [Number.NaN, 0.5, 0.1]]);
    // 0.1 and 0.5 leave the walk at 2 (the lower neighbour of 2.5), where NaN's position 0 stays.
    expect(fn.getValue(acc)).toEqual([2, 2.5, 1.3]);
    const single = create('PERCENTILE', [Types.DOUBLE, Types.DOUBLE]);
    expect(single.getValue(single.accumulate(single.createAccumulator(), [7, Number.NaN]))).toBe(7);
  });

  it('a fraction outside [0, 1] fails with a one-line message', () => {
    const fn = create('PERCENTILE', [Types.INT, Types.DOUBLE]);
    expect(() => fn.accumulate(fn.createAccumulator(), [1, 1.5])).toThrow(/between 0.0 and 1.0, got 1.5/);
    expect(() => fn.accumulate(fn.createAccumulator(), [1, [0.5, -0.1]])).toThrow(/got -0.1/);
  });
});
