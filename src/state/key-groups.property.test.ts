/**
 * Snapshots recover keys from their canonical form where that is exact: the recovered key must
 * have the same canonical form (so it lands in the same row and key group) and, when
 * `isCanonicalKeyExact` says so, equal the original.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalKey, isCanonicalKeyExact, keyFromCanonical } from './key-groups.js';

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

const leaf = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.constantFrom('#5n', '#NaN', '#date:1', '\u0000{}', '"#'),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.date({ noInvalidDate: true }),
);

const keyArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  key: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object'), tie('point')),
  array: fc.array(tie('key'), { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 3 }), tie('key'), { maxKeys: 3 }),
  point: fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => new Point(x, y)),
})).key;

/** `key` with every -0 replaced by 0; exact keys are plain arrays, objects and primitives. */
function withoutNegativeZero(key: unknown): unknown {
  if (Object.is(key, -0)) return 0;
  if (Array.isArray(key)) return key.map(withoutNegativeZero);
  if (key !== null && typeof key === 'object') {
    return Object.fromEntries(Object.entries(key).map(([k, v]) => [k, withoutNegativeZero(v)]));
  }
  return key;
}

describe('keyFromCanonical', () => {
  it('gives back a key with the same canonical form, and the key itself when exact', () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        const canonical = canonicalKey(key);
        if (!isCanonicalKeyExact(key, canonical)) return;
        const recovered = keyFromCanonical(canonical);
        expect(canonicalKey(recovered)).toBe(canonical);
        // -0 and 0 are one key (see canonicalKey), so the key comes back as 0.
        expect(recovered).toEqual(withoutNegativeZero(key));
      }),
      { numRuns: 2000 },
    );
  });

  it('calls keys with tagged values, class instances and prefixed strings inexact', () => {
    const inexact: unknown[] = [
      new Date(5),
      [1, 5n],
      { n: Number.NaN },
      { a: undefined },
      ['#tag'],
      new Point(1, 2),
      '\u0000{"a":1}',
    ];
    for (const key of inexact) expect(isCanonicalKeyExact(key, canonicalKey(key))).toBe(false);
    const exact: unknown[] = ['#tag', 5n, Number.NaN, null, [1, 'a'], { b: [{ c: true }], a: -0.5 }];
    for (const key of exact) expect(isCanonicalKeyExact(key, canonicalKey(key))).toBe(true);
    expect(keyFromCanonical(canonicalKey({ b: 1, a: [2] }))).toEqual({ a: [2], b: 1 });
  });
});
