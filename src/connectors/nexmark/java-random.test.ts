import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JavaRandom } from './java-random.js';

/**
 * Printed by `java.util.Random` (OpenJDK 17) for each seed: nextInt(10), nextInt(13),
 * nextInt(16), nextInt(1), nextInt(), nextDouble(), nextInt(1e9), nextInt(2e9), nextLong().
 */
const JAVA: Array<[number, string]> = [
  [0, '0,5,3,0,-1557280266,0.3090505681997092,251269761,1283218719,-4029974628518736597'],
  [1, '5,0,6,0,892128508,0.0362353821503677,414906606,1526301748,112842269129291794'],
  [42, '0,7,10,0,1325939940,0.9420735430282128,519796918,1429255519,1684641590762760125'],
  [1000, '7,10,9,0,-230127712,0.015927628269880256,779561845,1044557264,6587229568998559159'],
  [123456789, '5,2,7,0,1677212580,0.21659655710073045,913732807,1609843297,7950610565297541282'],
  [281474976710655, '3,8,0,0,-1451336087,0.6007954689329611,857465478,1774177765,1042927417093027072'],
  [99999999999, '1,1,11,0,604976526,0.9905274396893221,350213316,250252670,-2703432081736953285'],
];

function draws(r: JavaRandom): string {
  return [
    r.nextInt(10),
    r.nextInt(13),
    r.nextInt(16),
    r.nextInt(1),
    r.nextInt32(),
    r.nextDouble(),
    r.nextInt(1_000_000_000),
    r.nextInt(2_000_000_000),
    r.nextLong(),
  ].join(',');
}

/** The same LCG in BigInt, straight from the definition, as an independent model. */
class BigRandom {
  private seed: bigint;
  constructor(seed: number) {
    this.seed = (BigInt(seed) ^ 0x5deece66dn) & ((1n << 48n) - 1n);
  }
  next(bits: number): number {
    this.seed = (this.seed * 0x5deece66dn + 0xbn) & ((1n << 48n) - 1n);
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  nextInt(bound: number): number {
    if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(this.next(31))) >> 31n);
    for (;;) {
      const bits = this.next(31);
      const val = bits % bound;
      if (bits - val + (bound - 1) <= 2_147_483_647) return val;
    }
  }
}

describe('JavaRandom', () => {
  it("gives java.util.Random's numbers for the same seed", () => {
    for (const [seed, expected] of JAVA) expect(draws(new JavaRandom(seed))).toBe(expected);
  });

  it('steps exactly like the 48-bit LCG for any seed and bound', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.integer({ min: 1, max: 2_147_483_647 }), { minLength: 1, maxLength: 50 }),
        (seed, bounds) => {
          const fast = new JavaRandom(seed);
          const model = new BigRandom(seed);
          for (const bound of bounds) expect(fast.nextInt(bound)).toBe(model.nextInt(bound));
          expect(fast.nextInt32()).toBe(model.next(32));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('draws word characters exactly as the nextInt calls they stand for', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 128 }), (seed, length) => {
        const fast = new JavaRandom(seed);
        const slow = new JavaRandom(seed);
        const out = new Uint8Array(128);
        fast.nextWordCodes(out, length, 95);
        const expected = Array.from({ length }, () => (slow.nextInt(13) === 0 ? 95 : 97 + slow.nextInt(26)));
        expect([...out.subarray(0, length)]).toEqual(expected);
        expect(fast.nextInt32()).toBe(slow.nextInt32());
      }),
      { numRuns: 200 },
    );
  });

  it('reseeds in place to the same sequence as a new generator', () => {
    const r = new JavaRandom(5);
    r.nextDouble();
    r.setSeed(42);
    expect(draws(r)).toBe(JAVA[2][1]);
  });
});
