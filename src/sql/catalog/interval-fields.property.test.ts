/**
 * Intervals and integers cast to each other, implicitly and explicitly, exactly when the interval
 * has one field, as Flink's planner decides (Calcite's canCastFrom); the common type of two
 * intervals of one kind has two fields when either has.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { castable } from '../expressions/typer.js';
import { commonType, isAssignable, type SqlType } from './types.js';

const interval: fc.Arbitrary<SqlType> = fc
  .record({
    root: fc.constantFrom('INTERVAL_YEAR_MONTH', 'INTERVAL_DAY_TIME'),
    nullable: fc.boolean(),
    multiField: fc.boolean(),
  })
  .map(({ root, nullable, multiField }) =>
    Object.freeze(multiField ? { root, nullable, multiField } : { root, nullable }),
  ) as fc.Arbitrary<SqlType>;
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
        expect(common?.multiField === true).toBe(a.multiField === true || b.multiField === true);
        expect(common?.nullable).toBe(a.nullable || b.nullable);
      }),
    );
  });
});
