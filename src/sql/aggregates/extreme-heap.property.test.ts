/**
 * Properties of MIN and MAX with retraction against a brute-force multiset: over random
 * sequences of accumulate, retract (values never added among them), merge of another
 * accumulator built the same way, and a round trip through the state codec, the value is the
 * extreme of the values with a positive count, and the heap's bookkeeping stays consistent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../types/codec.js';
import { Types } from '../catalog/types.js';
import type { SqlAggregateFunction } from './aggregate-function.js';
import { BUILTIN_AGGREGATES } from './builtins.js';
import type { ExtremeAcc } from './extreme-heap.js';

type Op =
  | { kind: 'add' | 'retract'; v: number | string }
  | { kind: 'merge'; ops: { add: boolean; v: number | string }[] }
  | { kind: 'roundTrip' };

/** The multiset: value → count, negative for retractions owed. */
class Oracle {
  readonly counts = new Map<unknown, number>();
  change(v: unknown, d: number): void {
    const n = (this.counts.get(v) ?? 0) + d;
    if (n === 0) this.counts.delete(v);
    else this.counts.set(v, n);
  }
  extreme(max: boolean): unknown {
    let best: unknown = null;
    for (const [v, n] of this.counts)
      if (
        n > 0 &&
        (best === null || (max ? (v as number) > (best as number) : (v as number) < (best as number)))
      )
        best = v;
    return best;
  }
}

/** The accumulator's own invariants: one heap entry per counted value, a live top, `dead` exact. */
function checkInvariants(acc: ExtremeAcc, max: boolean): void {
  const [heap, counts, dead, owed] = acc;
  expect(heap.length).toBe(counts.size);
  expect(new Set(heap).size).toBe(heap.length);
  for (const v of heap) expect(counts.has(v)).toBe(true);
  expect([...counts.values()].filter((n) => n === 0).length).toBe(dead);
  if (heap.length > 0) expect(counts.get(heap[0])).toBeGreaterThan(0);
  for (let i = 1; i < heap.length; i++) {
    const parent = heap[(i - 1) >> 1] as number;
    const child = heap[i] as number;
    expect(max ? parent >= child : parent <= child).toBe(true);
  }
  if (owed !== null) {
    expect(owed.size).toBeGreaterThan(0);
    for (const [v, n] of owed) {
      expect(n).toBeGreaterThan(0);
      expect((counts.get(v) ?? 0) === 0).toBe(true);
    }
  }
}

const ints = fc.integer({ min: -20, max: 20 });
const strings = fc.constantFrom('00:00', '09:59', '10:00', '10:01', '23:59', 'a', 'b');

function ops(value: fc.Arbitrary<number | string>): fc.Arbitrary<Op[]> {
  const step: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: value.map((v) => ({ kind: 'add' as const, v })) },
    { weight: 4, arbitrary: value.map((v) => ({ kind: 'retract' as const, v })) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.record({ add: fc.boolean(), v: value }), { maxLength: 20 })
        .map((o) => ({ kind: 'merge' as const, ops: o })),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'roundTrip' as const }) },
  );
  return fc.array(step, { maxLength: 300 });
}

function run(fn: SqlAggregateFunction, max: boolean, sequence: Op[]): void {
  const oracle = new Oracle();
  let acc = fn.createAccumulator() as ExtremeAcc;
  for (const op of sequence) {
    if (op.kind === 'add') {
      acc = fn.accumulate(acc, [op.v]) as ExtremeAcc;
      oracle.change(op.v, 1);
    } else if (op.kind === 'retract') {
      acc = fn.retract!(acc, [op.v]) as ExtremeAcc;
      oracle.change(op.v, -1);
    } else if (op.kind === 'merge') {
      let other = fn.createAccumulator() as ExtremeAcc;
      for (const o of op.ops) {
        other = (o.add ? fn.accumulate(other, [o.v]) : fn.retract!(other, [o.v])) as ExtremeAcc;
        oracle.change(o.v, o.add ? 1 : -1);
      }
      checkInvariants(other, max);
      acc = fn.merge!(acc, other) as ExtremeAcc;
    } else acc = decode<ExtremeAcc>(encode(acc));
    checkInvariants(acc, max);
    expect(fn.getValue(acc)).toBe(oracle.extreme(max));
  }
}

describe('MIN and MAX with retraction', () => {
  for (const name of ['MIN', 'MAX'] as const) {
    const max = name === 'MAX';
    it(`${name} of INT equals the brute-force multiset's extreme`, () => {
      const fn = BUILTIN_AGGREGATES.get(name)!.create([Types.INT], { retraction: true });
      fc.assert(
        fc.property(ops(ints), (sequence) => run(fn, max, sequence)),
        { numRuns: 200 },
      );
    });
    it(`${name} of STRING equals the brute-force multiset's extreme`, () => {
      const fn = BUILTIN_AGGREGATES.get(name)!.create([Types.STRING], { retraction: true });
      fc.assert(
        fc.property(ops(strings), (sequence) => run(fn, max, sequence)),
        { numRuns: 200 },
      );
    });
  }

  it('keeps the heap small when old extremes are retracted for good (rebuilds past the dead entries)', () => {
    const fn = BUILTIN_AGGREGATES.get('MAX')!.create([Types.INT], { retraction: true });
    let acc = fn.createAccumulator() as ExtremeAcc;
    // A rising value replaced row by row, as a partial MAX of time updates: -U old, +U new.
    for (let t = 0; t < 10_000; t++) {
      acc = fn.accumulate(acc, [t]) as ExtremeAcc;
      if (t > 0) acc = fn.retract!(acc, [t - 1]) as ExtremeAcc;
    }
    expect(fn.getValue(acc)).toBe(9_999);
    expect(acc[0].length).toBeLessThan(40);
    // Values retracted below the top leave dead entries; rebuilds keep them under half the heap.
    let low = fn.createAccumulator() as ExtremeAcc;
    low = fn.accumulate(low, [1_000_000]) as ExtremeAcc;
    for (let v = 0; v < 10_000; v++) {
      low = fn.accumulate(low, [v]) as ExtremeAcc;
      low = fn.retract!(low, [v]) as ExtremeAcc;
    }
    expect(fn.getValue(low)).toBe(1_000_000);
    expect(low[0].length).toBeLessThan(40);
  });

  it('a retraction of a value never added is owed: the next copy of it cancels it', () => {
    const fn = BUILTIN_AGGREGATES.get('MAX')!.create([Types.INT], { retraction: true });
    let acc = fn.createAccumulator();
    acc = fn.retract!(acc, [5]);
    acc = fn.accumulate(acc, [3]);
    acc = fn.accumulate(acc, [5]);
    expect(fn.getValue(acc)).toBe(3);
    acc = fn.accumulate(acc, [5]);
    expect(fn.getValue(acc)).toBe(5);
  });
});
