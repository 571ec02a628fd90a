/**
 * The key-group encoder writes exactly the codec's bytes, each blob in a buffer of its own that
 * later encodings leave alone, and it recovers from a value that fails to encode.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../types/codec.js';
import { TimeWindow } from '../windowing/windows.js';
import { encodeKeyGroup } from './key-group-encoder.js';

const row = fc.record({
  auction: fc.integer(),
  bidder: fc.integer(),
  price: fc.double({ noNaN: true }),
  dateTime: fc.date({ noInvalidDate: true }),
  extra: fc.string({ maxLength: 300 }),
});

const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  fc.array(row, { maxLength: 50 }),
  fc.array(fc.tuple(fc.string(), fc.integer()), { maxLength: 20 }).map((pairs) => new Map(pairs)),
  fc.tuple(fc.nat(1e6), fc.nat(1e6)).map(([start, size]) => new TimeWindow(start, start + size + 1)),
  // Large enough to outgrow the scratch buffer and make msgpackr allocate a bigger one.
  fc.nat(3).map((n) => ({ big: 'x'.repeat(100_000 * (n + 1)), n })),
);

/** A copy of the bytes, to tell whether a later encoding wrote over them. */
const copy = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

describe('encodeKeyGroup', () => {
  it('writes the codec bytes into an own buffer that later encodings leave as they were', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 8 }), (values) => {
        const blobs = values.map((v) => encodeKeyGroup(v));
        const copies = blobs.map(copy);
        for (let i = 0; i < values.length; i++) {
          const blob = blobs[i]!;
          expect(blob.byteOffset).toBe(0);
          expect(blob.byteLength).toBe(blob.buffer.byteLength);
          expect(same(blob, encode(values[i]))).toBe(true);
          expect(same(blob, copies[i]!)).toBe(true);
          expect(decode(blob)).toEqual(decode(encode(values[i])));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('encodes correctly after a group too large for the scratch buffer to be kept', () => {
    const huge = { rows: Array.from({ length: 40 }, (_, i) => ({ i, extra: 'y'.repeat(500_000) })) };
    const big = encodeKeyGroup(huge);
    const small = encodeKeyGroup({ after: [1, 2] });
    expect(same(big, encode(huge))).toBe(true);
    expect(decode(small)).toEqual({ after: [1, 2] });
    expect(same(encodeKeyGroup(huge), big)).toBe(true);
  });

  it('encodes correctly after a value that failed to encode', () => {
    const before = encodeKeyGroup({ a: [1, 2, 3] });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => encodeKeyGroup(cyclic)).toThrow();
    const after = encodeKeyGroup({ b: 'after', n: [4, 5] });
    expect(decode(after)).toEqual({ b: 'after', n: [4, 5] });
    expect(decode(before)).toEqual({ a: [1, 2, 3] });
  });
});
