/**
 * Properties of the implicit casts between strings (and between byte strings), as Flink's
 * LogicalTypeCasts rules them: any of them casts to VARCHAR (VARBINARY) implicitly, only a CHAR
 * to CHAR (a BINARY to BINARY), whatever the lengths; a cast that can be left out is one that is
 * allowed; and a common type (CASE, UNION, VALUES) is one every operand casts to implicitly.
 * Date and time types cast as Flink's implicit table has them, a TIMESTAMP to DATE and TIME too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  castAvoidable,
  commonType,
  isAssignable,
  MAX_LENGTH,
  narrowsTimestamp,
  type SqlType,
  Types,
} from './types.js';

const sized = (roots: readonly ('CHAR' | 'VARCHAR' | 'BINARY' | 'VARBINARY')[]) =>
  fc.record({
    root: fc.constantFrom(...roots),
    length: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(MAX_LENGTH)),
    nullable: fc.boolean(),
  }) as fc.Arbitrary<SqlType>;

describe('implicit casts of strings and byte strings', () => {
  for (const [fixed, varying] of [
    ['CHAR', 'VARCHAR'],
    ['BINARY', 'VARBINARY'],
  ] as const) {
    const family = sized([fixed, varying]);

    it(`any goes into ${varying}, only a ${fixed} into ${fixed}`, () => {
      fc.assert(
        fc.property(family, family, (from, to) => {
          expect(isAssignable(from, to)).toBe(to.root === varying || from.root === fixed);
        }),
      );
    });

    it('a cast left out is a cast allowed', () => {
      fc.assert(
        fc.property(family, family, (from, to) => {
          if (castAvoidable(from, to)) expect(isAssignable(from, to)).toBe(true);
        }),
      );
    });

    it('both operands cast implicitly to their common type', () => {
      fc.assert(
        fc.property(family, family, (a, b) => {
          const common = commonType(a, b)!;
          expect(isAssignable(a, common)).toBe(true);
          expect(isAssignable(b, common)).toBe(true);
        }),
      );
    });
  }

  it('text and bytes do not cast to each other implicitly', () => {
    fc.assert(
      fc.property(sized(['CHAR', 'VARCHAR']), sized(['BINARY', 'VARBINARY']), (text, bytes) => {
        expect(isAssignable(text, bytes)).toBe(false);
        expect(isAssignable(bytes, text)).toBe(false);
      }),
    );
  });
});

describe('implicit casts between date and time types', () => {
  // Flink's implicit table for these roots: each to itself, TIMESTAMP and TIMESTAMP_LTZ to each
  // other, and a TIMESTAMP (not a TIMESTAMP_LTZ) to DATE and to TIME.
  const implicit: Record<string, readonly string[]> = {
    DATE: ['DATE'],
    TIME: ['TIME'],
    TIMESTAMP: ['TIMESTAMP', 'TIMESTAMP_LTZ', 'DATE', 'TIME'],
    TIMESTAMP_LTZ: ['TIMESTAMP_LTZ', 'TIMESTAMP'],
  };
  const datetime = fc.record({
    root: fc.constantFrom('DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP_LTZ'),
    precision: fc.integer({ min: 0, max: 9 }),
    nullable: fc.boolean(),
  }) as fc.Arbitrary<SqlType>;

  it('cast implicitly as Flink’s table says, whatever the precisions', () => {
    fc.assert(
      fc.property(datetime, datetime, (from, to) => {
        expect(isAssignable(from, to)).toBe(implicit[from.root]!.includes(to.root));
      }),
    );
  });

  it('a TIMESTAMP to DATE or TIME is the one that changes the value, and is never left out', () => {
    fc.assert(
      fc.property(datetime, datetime, (from, to) => {
        const narrows = from.root === 'TIMESTAMP' && (to.root === 'DATE' || to.root === 'TIME');
        expect(narrowsTimestamp(from, to)).toBe(narrows);
        if (narrows) expect(castAvoidable(from, to)).toBe(false);
      }),
    );
  });
});

describe('implicit casts of constructed types', () => {
  const scalar = fc.constantFrom<SqlType>(
    { root: 'INT', nullable: true },
    { root: 'BIGINT', nullable: true },
    { root: 'VARCHAR', length: MAX_LENGTH, nullable: true },
    { root: 'CHAR', length: 2, nullable: false },
    { root: 'TIMESTAMP', precision: 3, nullable: true },
    { root: 'DATE', nullable: true },
  );
  const wrap = (element: SqlType, kind: number, other: SqlType): SqlType => {
    switch (kind) {
      case 0:
        return { root: 'ARRAY', element, nullable: true };
      case 1:
        return Types.multiset(element);
      case 2:
        return { root: 'MAP', key: other, value: element, nullable: true };
      default:
        return {
          root: 'ROW',
          fields: [
            { name: 'f', type: element },
            { name: 'g', type: other },
          ],
          nullable: true,
        };
    }
  };

  it('one casts implicitly (or as it is) exactly where its children do, as in Flink', () => {
    fc.assert(
      fc.property(scalar, scalar, scalar, fc.integer({ min: 0, max: 3 }), (a, b, other, kind) => {
        expect(isAssignable(wrap(a, kind, other), wrap(b, kind, other))).toBe(isAssignable(a, b));
        expect(castAvoidable(wrap(a, kind, other), wrap(b, kind, other))).toBe(castAvoidable(a, b));
      }),
    );
  });

  it('rows of different widths, and an ARRAY and a MAP, do not cast implicitly', () => {
    const int: SqlType = { root: 'INT', nullable: true };
    const row1: SqlType = { root: 'ROW', fields: [{ name: 'f', type: int }], nullable: true };
    const row2: SqlType = {
      root: 'ROW',
      fields: [
        { name: 'f', type: int },
        { name: 'g', type: int },
      ],
      nullable: true,
    };
    expect(isAssignable(row1, row2)).toBe(false);
    expect(
      isAssignable(
        { root: 'ARRAY', element: int, nullable: true },
        { root: 'MAP', key: int, value: int, nullable: true },
      ),
    ).toBe(false);
  });
});

describe('implicit casts between intervals and numbers', () => {
  const interval = fc.constantFrom(Types.INTERVAL_DAY_TIME, Types.INTERVAL_YEAR_MONTH);
  const numeric = fc.constantFrom<SqlType>(
    { root: 'TINYINT', nullable: true },
    { root: 'SMALLINT', nullable: true },
    { root: 'INT', nullable: false },
    { root: 'BIGINT', nullable: true },
    Types.decimal(10, 0),
    Types.DOUBLE,
    { root: 'FLOAT', nullable: true },
  );

  it('an interval and an integer type cast to each other both ways; DECIMAL and floats do not', () => {
    fc.assert(
      fc.property(interval, numeric, (i, n) => {
        const integer = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT'].includes(n.root);
        expect(isAssignable(i, n)).toBe(integer);
        expect(isAssignable(n, i)).toBe(integer);
        // The value is held as the same number, but the type differs, so the cast stays.
        expect(castAvoidable(i, n)).toBe(false);
      }),
    );
  });

  it('the two interval kinds do not cast to each other', () => {
    expect(isAssignable(Types.INTERVAL_DAY_TIME, Types.INTERVAL_YEAR_MONTH)).toBe(false);
    expect(isAssignable(Types.INTERVAL_YEAR_MONTH, Types.INTERVAL_DAY_TIME)).toBe(false);
  });
});

describe('MULTISET<T> and MAP<T, INT NOT NULL>, held alike, are different types', () => {
  const element = fc.constantFrom<SqlType>(
    { root: 'INT', nullable: true },
    { root: 'VARCHAR', length: MAX_LENGTH, nullable: false },
    { root: 'CHAR', length: 1, nullable: true },
  );
  const asMap = (e: SqlType): SqlType => ({
    root: 'MAP',
    key: e,
    value: { root: 'INT', nullable: false },
    nullable: true,
  });

  it('neither casts to the other implicitly or as it is, and they have no common type', () => {
    fc.assert(
      fc.property(element, element, (a, b) => {
        const multiset = Types.multiset(a);
        const map = asMap(b);
        expect(isAssignable(multiset, map)).toBe(false);
        expect(isAssignable(map, multiset)).toBe(false);
        expect(castAvoidable(multiset, map)).toBe(false);
        expect(castAvoidable(map, multiset)).toBe(false);
        expect(commonType(multiset, map)).toBeUndefined();
        expect(commonType(map, multiset)).toBeUndefined();
        // Each still casts to its own kind as its elements do.
        expect(isAssignable(multiset, Types.multiset(b))).toBe(isAssignable(a, b));
        expect(isAssignable(asMap(a), map)).toBe(isAssignable(a, b));
      }),
    );
  });
});
