/**
 * Byte strings (BINARY, VARBINARY, BYTES) as keys: SQL's `=` compares them by their bytes, and
 * they reach operators both as Buffers and as plain Uint8Arrays (views into larger buffers
 * too). Every key a value becomes in the SQL layer, the compact key of keyBy and bundles
 * ({@link columnsKey}, {@link compoundKey}), the canonical key of state and key groups
 * ({@link canonicalKey}) and the lookup join's map key ({@link lookupKeyOf}), is equal for
 * equal bytes, different for different bytes, and never equal to a string's or a number's.
 * (Nested in a canonical key, bytes are a tagged string, as Dates are: a string spelled as the
 * tag in the same place would meet them, which SQL's one type per column rules out.)
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assignToKeyGroup, canonicalKey } from '../../state/key-groups.js';
import { columnsKey, compoundKey } from './compact-keys.js';
import { sameRow } from './over/sort-order.js';
import { lookupKeyOf } from './temporal/lookup-table.js';

type Form = 'uint8' | 'buffer' | 'view';

/** The same bytes in one of the shapes they come in. */
function shaped(bytes: readonly number[], form: Form): Uint8Array {
  switch (form) {
    case 'uint8':
      return new Uint8Array(bytes);
    case 'buffer':
      return Buffer.from(bytes);
    case 'view': {
      // A view into the middle of a larger buffer whose other bytes must not count.
      const whole = new Uint8Array(bytes.length + 4).fill(0xee);
      whole.set(bytes, 2);
      return whole.subarray(2, 2 + bytes.length);
    }
  }
}

const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 });
const form = fc.constantFrom<Form>('uint8', 'buffer', 'view');
const sameBytes = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** Each key the SQL layer makes of a value, as a function of the value in a row's column `b`. */
const keyings: ReadonlyArray<[string, (v: unknown) => unknown]> = [
  ['one-column compact key', (v) => columnsKey(['b'])({ b: v })],
  ['two-column compact key', (v) => columnsKey(['a', 'b'])({ a: 1, b: v })],
  ['compound key', (v) => compoundKey([v])],
  ['compound key of a nested value', (v) => compoundKey([{ f: v, g: [v] }])],
  ['canonical key', (v) => canonicalKey(v)],
  ['canonical key of several values', (v) => canonicalKey([1, v])],
  ['canonical key of a nested value', (v) => canonicalKey({ f: v })],
  ['lookup key', (v) => lookupKeyOf([v])],
  ['lookup key of several values', (v) => lookupKeyOf([v, 'k'])],
];

describe('byte strings as keys', () => {
  for (const [name, keyOf] of keyings) {
    test(`property: equal bytes make an equal ${name}, different bytes a different one`, () => {
      fc.assert(
        fc.property(bytes, form, bytes, form, (a, formA, b, formB) => {
          expect(keyOf(shaped(a, formA)) === keyOf(shaped(b, formB))).toBe(sameBytes(a, b));
          expect(keyOf(shaped(a, formA))).toBe(keyOf(shaped(a, formB)));
        }),
        { numRuns: 300 },
      );
    });
  }

  test('property: a Top-N finds a retracted row among its rows by the bytes of its byte strings', () => {
    fc.assert(
      fc.property(bytes, form, bytes, form, (a, formA, b, formB) => {
        const row = (v: Uint8Array) => ({ n: 1, b: v, nested: { f: [v] } });
        expect(sameRow(row(shaped(a, formA)), row(shaped(b, formB)), ['n', 'b'])).toBe(sameBytes(a, b));
        expect(sameRow(row(shaped(a, formA)), row(shaped(b, formB)), ['nested'])).toBe(sameBytes(a, b));
      }),
      { numRuns: 300 },
    );
  });

  test('property: equal bytes land in one key group, whatever their shape', () => {
    fc.assert(
      fc.property(bytes, form, form, fc.integer({ min: 1, max: 1 << 15 }), (a, formA, formB, max) => {
        expect(assignToKeyGroup(shaped(a, formA), max)).toBe(assignToKeyGroup(shaped(a, formB), max));
        expect(assignToKeyGroup([shaped(a, formA), 1], max)).toBe(
          assignToKeyGroup([shaped(a, formB), 1], max),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('property: a byte string key is never a string’s, a number’s or an array’s', () => {
    const other = fc.oneof(
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.bigInt(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
      fc.record({ '0': fc.integer({ min: 0, max: 255 }) }),
      bytes.map((b) => Buffer.from(b).toString('hex')),
      bytes.map((b) => `x${Buffer.from(b).toString('hex')}`),
    );
    fc.assert(
      fc.property(bytes, form, other, (a, formA, value) => {
        const v = shaped(a, formA);
        // Several columns: each part is told apart by its own prefix.
        expect(compoundKey([v, 1])).not.toBe(compoundKey([value, 1]));
        expect(columnsKey(['a', 'b'])({ a: v, b: 1 })).not.toBe(columnsKey(['a', 'b'])({ a: value, b: 1 }));
        // Canonical keys of keyBy and state, also nested in a ROW or an ARRAY.
        expect(canonicalKey(v)).not.toBe(canonicalKey(value));
        expect(canonicalKey([v])).not.toBe(canonicalKey([value]));
        expect(canonicalKey({ f: v })).not.toBe(canonicalKey({ f: value }));
      }),
      { numRuns: 500 },
    );
  });

  test('bytes are not an object with properties named by indexes', () => {
    expect(canonicalKey(new Uint8Array([5]))).not.toBe(canonicalKey({ '0': 5 }));
    expect(canonicalKey([Buffer.from([5])])).not.toBe(canonicalKey([{ '0': 5 }]));
  });
});
