/**
 * Properties of {@link commonType} for strings and byte strings, against Flink's rule for CASE,
 * COALESCE, IF and UNION (its type system turns ragged unions varying): the result is as long as
 * the longer operand, CHAR (BINARY) only when both are CHAR (BINARY) of one length, else VARCHAR
 * (VARBINARY), nullable when either is; the order of the operands does not matter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { branchNeedsCast, commonType, MAX_LENGTH, type SqlType } from './types.js';

const sized = (roots: readonly ('CHAR' | 'VARCHAR' | 'BINARY' | 'VARBINARY')[]) =>
  fc.record({
    root: fc.constantFrom(...roots),
    length: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(MAX_LENGTH)),
    nullable: fc.boolean(),
  }) as fc.Arbitrary<SqlType>;

describe('common type of strings and byte strings', () => {
  for (const [fixed, varying] of [
    ['CHAR', 'VARCHAR'],
    ['BINARY', 'VARBINARY'],
  ] as const) {
    it(`${fixed} only when both are ${fixed}(n) of one n, else ${varying} of the longer`, () => {
      fc.assert(
        fc.property(sized([fixed, varying]), sized([fixed, varying]), (a, b) => {
          const common = commonType(a, b)!;
          expect(commonType(b, a)).toEqual(common);
          expect(common.length).toBe(Math.max(a.length!, b.length!));
          expect(common.nullable).toBe(a.nullable || b.nullable);
          const same = a.root === fixed && b.root === fixed && a.length === b.length;
          expect(common.root).toBe(same ? fixed : varying);
        }),
      );
    });
  }

  it('has no common type for a string and a byte string', () => {
    fc.assert(
      fc.property(sized(['CHAR', 'VARCHAR']), sized(['BINARY', 'VARBINARY']), (a, b) => {
        expect(commonType(a, b)).toBeUndefined();
      }),
    );
  });
});

describe('the common type of date and time values', () => {
  const datetime = fc
    .record({
      root: fc.constantFrom('DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP_LTZ'),
      precision: fc.integer({ min: 0, max: 9 }),
      nullable: fc.boolean(),
    })
    .map(({ root, precision, nullable }) =>
      // A DATE has no precision.
      root === 'DATE' ? { root, nullable } : { root, precision, nullable },
    ) as fc.Arbitrary<SqlType>;
  const timestamp = (t: SqlType) => t.root === 'TIMESTAMP' || t.root === 'TIMESTAMP_LTZ';

  it('is Flink’s: the wider precision, TIMESTAMP with TIMESTAMP_LTZ the LTZ, none across DATE, TIME and timestamps', () => {
    fc.assert(
      fc.property(datetime, datetime, (a, b) => {
        const type = commonType(a, b);
        expect(commonType(b, a)).toEqual(type);
        if (a.root === b.root) {
          expect(type!.root).toBe(a.root);
          if (a.root !== 'DATE') expect(type!.precision).toBe(Math.max(a.precision!, b.precision!));
        } else if (timestamp(a) && timestamp(b)) {
          expect(type!.root).toBe('TIMESTAMP_LTZ');
          expect(type!.precision).toBe(Math.max(a.precision!, b.precision!));
        } else {
          expect(type).toBeUndefined();
        }
        if (type !== undefined) expect(type.nullable).toBe(a.nullable || b.nullable);
      }),
    );
  });

  it('casts a branch exactly where its value is held differently: a TIMESTAMP into TIMESTAMP_LTZ', () => {
    fc.assert(
      fc.property(datetime, datetime, (a, b) => {
        const type = commonType(a, b);
        if (type === undefined) return;
        for (const side of [a, b]) expect(branchNeedsCast(side, type)).toBe(side.root !== type.root);
      }),
    );
  });
});
