/**
 * {@link columnsKey} builds a function per key from its column names; it gives the key the plain
 * definition gives (the value itself for one column, {@link compoundKey} of an object value, the
 * parts joined by commas for several columns, 0 for none) for any column names, quotes and
 * backslashes included, and any values.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { Row } from '../expressions/compiler.js';
import { type CompactKey, columnsKey, compoundKey } from './compact-keys.js';

/** The key by definition, reading the columns in a loop. */
function plainKey(columns: readonly string[], row: Row): CompactKey {
  if (columns.length === 0) return 0;
  if (columns.length === 1) {
    const v = row[columns[0]!];
    if (v === undefined) return null;
    return typeof v === 'object' && v !== null ? compoundKey([v]) : (v as CompactKey);
  }
  return compoundKey(columns.map((c) => row[c]));
}

const value = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.boolean(),
  fc.bigInt(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(-0),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.record({ x: fc.integer() }),
);
const name = fc.oneof(
  fc.string(),
  fc.constantFrom('a', "it's", 'q"uote', 'back\\slash', '`\u0024{x}`', '__proto__'),
);

describe('columnsKey', () => {
  test('property: the key of any columns and row is the plain definition’s', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(name, { maxLength: 4 }),
        fc.array(value, { minLength: 4, maxLength: 4 }),
        (columns, values) => {
          const row: Row = Object.create(null);
          columns.forEach((c, i) => {
            if (values[i] !== undefined) row[c] = values[i];
          });
          expect(Object.is(columnsKey(columns)(row), plainKey(columns, row))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('two columns that concatenate alike stay apart', () => {
    const key = columnsKey(['a', 'b']);
    expect(key({ a: '1', b: 1 })).not.toBe(key({ a: 1, b: '1' }));
    expect(key({ a: 'x,', b: 'y' })).not.toBe(key({ a: 'x', b: ',y' }));
  });
});
