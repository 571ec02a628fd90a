/**
 * Properties of {@link commonType} for strings and byte strings, against Flink's rule for CASE,
 * COALESCE, IF and UNION (its type system turns ragged unions varying): the result is as long as
 * the longer operand, CHAR (BINARY) only when both are CHAR (BINARY) of one length, else VARCHAR
 * (VARBINARY), nullable when either is; the order of the operands does not matter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonType, MAX_LENGTH, type SqlType } from './types.js';

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
