/**
 * Intervals and integers cast to each other, implicitly and explicitly, exactly when the interval
 * has one field, as Flink's planner decides (Calcite's canCastFrom), counting units of that
 * field; the common type of two intervals of one kind has two fields when either has or their
 * fields differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { castable } from '../expressions/castable.js';
import { runtime } from '../expressions/runtime.js';
import { commonType, intervalFieldSize, isAssignable, type SqlType } from './types.js';

const FIELDS = {
  INTERVAL_YEAR_MONTH: ['YEAR', 'QUARTER', 'MONTH'],
  INTERVAL_DAY_TIME: ['WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND'],
} as const;

const interval: fc.Arbitrary<SqlType> = fc
  .record({
    root: fc.constantFrom('INTERVAL_YEAR_MONTH', 'INTERVAL_DAY_TIME'),
    nullable: fc.boolean(),
    multiField: fc.boolean(),
    field: fc.nat(5),
  })
  .map(({ root, nullable, multiField, field }) => {
    const fields = FIELDS[root as keyof typeof FIELDS];
    // Past the kind's fields: none given, which is the field the type prints (MONTH, SECOND).
    const intervalField = fields[field];
    if (multiField) return Object.freeze({ root, nullable, multiField });
    return Object.freeze(
      intervalField === undefined ? { root, nullable } : { root, nullable, intervalField },
    );
  }) as fc.Arbitrary<SqlType>;
const integer: fc.Arbitrary<SqlType> = fc
  .record({ root: fc.constantFrom('TINYINT', 'SMALLINT', 'INT', 'BIGINT'), nullable: fc.boolean() })
  .map((t) => Object.freeze(t)) as fc.Arbitrary<SqlType>;

describe('intervals of one or two fields', () => {
  it('cast to and from integers exactly when single-field', () => {
    fc.assert(
      fc.property(interval, integer, (i, n) => {
        const single = i.multiField !== true;
        expect(castable(i, n)).toBe(single);
        expect(castable(n, i)).toBe(single);
        expect(isAssignable(i, n)).toBe(single);
        expect(isAssignable(n, i)).toBe(single);
      }),
    );
  });

  it('cast to each other within a kind whatever the fields, and not across kinds', () => {
    fc.assert(
      fc.property(interval, interval, (a, b) => {
        expect(castable(a, b)).toBe(a.root === b.root);
      }),
    );
  });

  it('have a common type of two fields when either has two', () => {
    fc.assert(
      fc.property(interval, interval, (a, b) => {
        const common = commonType(a, b);
        if (a.root !== b.root) {
          expect(common).toBeUndefined();
          return;
        }
        expect(common?.root).toBe(a.root);
        const spans =
          a.multiField === true || b.multiField === true || intervalFieldSize(a) !== intervalFieldSize(b);
        expect(common?.multiField === true).toBe(spans);
        if (!spans) expect(intervalFieldSize(common!)).toBe(intervalFieldSize(a));
        expect(common?.nullable).toBe(a.nullable || b.nullable);
      }),
    );
  });

  it('count units of their field: a number cast there and back is itself, and the value held is that many units', () => {
    const single = interval.filter((i) => i.multiField !== true);
    fc.assert(
      fc.property(single, integer, fc.integer({ min: -1000, max: 1000 }), (i, n, count) => {
        const held = runtime.cast(count, n, i, false) as number;
        expect(held).toBe(count * intervalFieldSize(i));
        expect(runtime.cast(held, i, n, false)).toBe(n.root === 'TINYINT' ? (count << 24) >> 24 : count);
      }),
    );
  });

  it('cut a count toward zero', () => {
    const single = interval.filter((i) => i.multiField !== true);
    fc.assert(
      fc.property(single, fc.integer({ min: -1e9, max: 1e9 }), (i, held) => {
        const count = runtime.cast(held, i, { root: 'BIGINT', nullable: true }, false) as number;
        const size = intervalFieldSize(i);
        expect(Math.abs(count * size)).toBeLessThanOrEqual(Math.abs(held));
        expect(Math.abs(held - count * size)).toBeLessThan(size);
        expect(count === 0 || Math.sign(count) === Math.sign(held)).toBe(true);
      }),
    );
  });
});
