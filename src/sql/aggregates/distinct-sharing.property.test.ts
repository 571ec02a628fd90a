/**
 * Properties of the shared distinct maps of RowAggregates: DISTINCT calls over the same
 * arguments, each with its own FILTER (or none), share one map whose entries record which calls
 * saw a tuple (a bitmask without retraction, per-call row counts with it). Every call must give
 * what it gives over its own set of distinct tuples, computed here naively from the rows still
 * in, whatever the mix of accumulating, retracting and merging.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalKey } from '../../state/key-groups.js';
import { type SqlType, Types } from '../catalog/types.js';
import type { Row } from '../expressions/compiler.js';
import type { BoundAggregateCall } from './aggregate-function.js';
import { BUILTIN_AGGREGATES } from './builtins.js';
import { RowAggregates } from './row-aggregates.js';

let names = 0;
const distinct = (fn: string, args: string[], argTypes: SqlType[], filter?: string): BoundAggregateCall => {
  const definition = BUILTIN_AGGREGATES.get(fn)!;
  return {
    fn,
    args,
    argTypes,
    distinct: true,
    ...(filter === undefined ? {} : { filter }),
    name: `c${names++}`,
    type: definition.resultType(argTypes),
    definition,
  };
};

/** q15's shape and more: several filters over one column, a string column, a two-column tuple. */
const CALLS: BoundAggregateCall[] = [
  distinct('COUNT', ['x'], [Types.INT]),
  distinct('COUNT', ['x'], [Types.INT], 'f'),
  distinct('COUNT', ['x'], [Types.INT], 'g'),
  distinct('SUM', ['x'], [Types.INT], 'f'),
  distinct('MIN', ['x'], [Types.INT], 'g'),
  distinct('COUNT', ['s'], [Types.STRING]),
  distinct('MAX', ['s'], [Types.STRING], 'f'),
  distinct('COUNT', ['x', 's'], [Types.INT, Types.STRING]),
  distinct('COUNT', ['x', 's'], [Types.INT, Types.STRING], 'g'),
];

/** More sharing calls than one bitmask holds, so the calls spread over several maps. */
const MANY: BoundAggregateCall[] = Array.from({ length: 34 }, (_, i) =>
  distinct('COUNT', ['x'], [Types.INT], i % 3 === 0 ? undefined : i % 3 === 1 ? 'f' : 'g'),
);

const rowArb = fc.record({
  x: fc.option(fc.integer({ min: -6, max: 6 }), { nil: null }),
  s: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
  f: fc.option(fc.boolean(), { nil: null }),
  g: fc.option(fc.boolean(), { nil: null }),
});

/** A call's value over its own set of distinct tuples of the rows that pass its FILTER. */
function oracle(c: BoundAggregateCall, rows: readonly Row[]): unknown {
  const tuples = new Map<string, unknown[]>();
  for (const r of rows) {
    if (c.filter !== undefined && r[c.filter] !== true) continue;
    const tuple = c.args.map((a) => r[a] ?? null);
    tuples.set(canonicalKey(tuple) as string, tuple);
  }
  const fn = c.definition.create(c.argTypes);
  let acc = fn.createAccumulator();
  for (const tuple of tuples.values()) acc = fn.accumulate(acc, tuple);
  return fn.getValue(acc);
}

/** The rows left after retracting each of `retracted` once (equal rows are interchangeable). */
function remaining(rows: readonly Row[], retracted: readonly Row[]): Row[] {
  const left = [...rows];
  for (const r of retracted) {
    const i = left.findIndex((l) => l.x === r.x && l.s === r.s && l.f === r.f && l.g === r.g);
    if (i >= 0) left.splice(i, 1);
  }
  return left;
}

/** Rows with a subset of them picked (by index) for retraction, in arrival or reverse order. */
const retractionArb = fc
  .array(rowArb, { maxLength: 40 })
  .chain((rows) => fc.tuple(fc.constant(rows), fc.subarray(rows.map((_, i) => i)), fc.boolean()));

describe('shared distinct maps with FILTER bitmasks', () => {
  for (const [label, calls] of [
    ['mixed calls', CALLS],
    ['34 calls over one column', MANY],
  ] as const) {
    it(`${label}: accumulating equals each call's own distinct set`, () => {
      fc.assert(
        fc.property(fc.array(rowArb, { maxLength: 40 }), (rows) => {
          const aggs = new RowAggregates(calls);
          const accs = aggs.createAccumulators();
          for (const r of rows) aggs.accumulate(accs, r);
          expect(aggs.values(accs)).toEqual(calls.map((c) => oracle(c, rows)));
        }),
      );
    });

    it(`${label}: accumulating then retracting a subset equals the rest's distinct sets`, () => {
      fc.assert(
        fc.property(retractionArb, ([rows, picked, reversed]) => {
          const aggs = new RowAggregates(calls, { retraction: true });
          const accs = aggs.createAccumulators();
          for (const r of rows) aggs.accumulate(accs, r);
          const retracted = picked.map((i) => rows[i]!);
          if (reversed) retracted.reverse();
          for (const r of retracted) aggs.retract(accs, r);
          expect(aggs.values(accs)).toEqual(calls.map((c) => oracle(c, remaining(rows, retracted))));
        }),
      );
    });
  }

  it('a retraction of a tuple never added changes nothing', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), rowArb, (rows, stranger) => {
        const aggs = new RowAggregates(CALLS, { retraction: true });
        const accs = aggs.createAccumulators();
        for (const r of rows) aggs.accumulate(accs, r);
        aggs.retract(accs, { ...stranger, x: 99, s: 'zz' });
        expect(aggs.values(accs)).toEqual(CALLS.map((c) => oracle(c, rows)));
      }),
    );
  });

  it('a retraction reaches only the calls that counted the tuple: no count goes below zero', () => {
    const aggs = new RowAggregates(CALLS, { retraction: true });
    const accs = aggs.createAccumulators();
    aggs.accumulate(accs, { x: 1, s: 'a', f: true, g: false });
    aggs.retract(accs, { x: 1, s: 'a', f: false, g: true });
    // The unfiltered calls lose x = 1; the g calls never had it and stay at 0, not -1.
    expect(aggs.values(accs)).toEqual([0, 1, 0, 1, null, 0, 'a', 0, 0]);
  });

  it('merging two lists (moved or copied), then retracting, equals the distinct sets of the rows left', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 30 }),
        fc.array(rowArb, { maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        (left, right, retraction, consume, seed) => {
          const aggs = new RowAggregates(CALLS, { retraction });
          const a = aggs.createAccumulators();
          const b = aggs.createAccumulators();
          for (const r of left) aggs.accumulate(a, r);
          for (const r of right) aggs.accumulate(b, r);
          aggs.merge(a, b, consume);
          const all = [...left, ...right];
          expect(aggs.values(a)).toEqual(CALLS.map((c) => oracle(c, all)));
          if (!consume) expect(aggs.values(b)).toEqual(CALLS.map((c) => oracle(c, right)));
          if (!retraction) return;
          // Counts merged per call: retracting some rows afterwards still tracks each call.
          const retracted = all.filter((_, i) => (seed >> (i % 30)) & 1);
          for (const r of retracted) aggs.retract(a, r);
          expect(aggs.values(a)).toEqual(CALLS.map((c) => oracle(c, remaining(all, retracted))));
        },
      ),
    );
  });

  it('one distinct map per argument list, so a tuple is looked up once per row', () => {
    const aggs = new RowAggregates(CALLS);
    const accs = aggs.createAccumulators();
    // The maps are created at their first tuple.
    expect(accs.slice(CALLS.length)).toEqual([null, null, null]);
    aggs.accumulate(accs, { x: 1, s: 'a', f: true, g: false });
    aggs.accumulate(accs, { x: 1, s: 'b', f: false, g: true });
    const maps = accs.slice(CALLS.length);
    expect(maps).toHaveLength(3);
    // x = 1 was seen by the unfiltered call (bit 0), the f calls (bits 1, 3), the g calls (2, 4).
    expect((maps[0] as Map<unknown, unknown>).get(1)).toBe(0b11111);
  });
});
