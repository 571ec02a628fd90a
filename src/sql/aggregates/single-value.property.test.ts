/**
 * Properties of SINGLE_VALUE against the multiset of rows it holds: over random sequences of
 * accumulate, retract (of a row held) and a round trip through the state codec, it fails exactly
 * when a second row arrives while one is held, and otherwise gives the held row's value (NULL
 * included) or NULL when it holds none.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../types/codec.js';
import { Types } from '../catalog/types.js';
import { BUILTIN_AGGREGATES } from './builtins.js';

type Op = { kind: 'add'; v: number | null } | { kind: 'retract' } | { kind: 'roundTrip' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), v: fc.option(fc.integer({ min: -5, max: 5 })) }),
  fc.constant({ kind: 'retract' as const }),
  fc.constant({ kind: 'roundTrip' as const }),
);

describe('SINGLE_VALUE', () => {
  it('holds one row, fails at a second and is NULL over none', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const fn = BUILTIN_AGGREGATES.get('SINGLE_VALUE')!.create([Types.INT], { retraction: true });
        let acc = fn.createAccumulator();
        const held: (number | null)[] = [];
        for (const o of ops) {
          if (o.kind === 'roundTrip') acc = decode(encode(acc));
          else if (o.kind === 'retract') {
            if (held.length === 0) continue;
            acc = fn.retract!(acc, [held.pop()!]);
          } else if (held.length === 1) {
            expect(() => fn.accumulate(acc, [o.v])).toThrow('SINGLE_VALUE got a second row');
            return;
          } else {
            acc = fn.accumulate(acc, [o.v]);
            held.push(o.v);
          }
          expect(fn.getValue(acc)).toBe(held.length === 1 ? held[0] : null);
        }
      }),
    );
  });
});
