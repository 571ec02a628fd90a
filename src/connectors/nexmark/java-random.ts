/**
 * `java.util.Random`'s 48-bit linear congruential generator, bit for bit, in plain numbers. The
 * reference Nexmark generator seeds one such generator per event id, so reproducing it exactly
 * makes event `i` here the same as event `i` there. A 48-bit state does not fit the 32-bit
 * integer operations, and BigInt is far too slow for a loop that makes millions of events a
 * second, so the state is kept as two 24-bit halves whose products stay below 2^53 and are
 * therefore exact in doubles.
 */

const TWO_24 = 16_777_216;
const INV_TWO_24 = 1 / TWO_24;
/** The multiplier 0x5DEECE66D, split into its high and low 24 bits. */
const MUL_HI = 0x5de;
const MUL_LO = 0xece66d;
const ADDEND = 0xb;
const MASK_24 = 0xffffff;

/**
 * A seedable generator with `java.util.Random`'s sequence. Reseed it with {@link setSeed} rather
 * than allocating one per event.
 *
 * @example
 * const r = new JavaRandom(42);
 * r.nextInt(10); // 0, as `new java.util.Random(42).nextInt(10)`
 */
export class JavaRandom {
  private hi = 0;
  private lo = 0;

  constructor(seed = 0) {
    this.setSeed(seed);
  }

  /**
   * Same as `new Random(seed)`: the low 48 bits of the seed, scrambled. `seed` must be a safe
   * integer (negative ones are taken as Java's two's-complement longs).
   */
  setSeed(seed: number): void {
    // Low 48 bits of the seed as a two's-complement 64-bit value; event ids need no reduction,
    // and skipping the floating-point remainder halves the cost of a reseed.
    const low48 = seed >= 0 && seed < 2 ** 48 ? seed : ((seed % 2 ** 48) + 2 ** 48) % 2 ** 48;
    const hi = Math.floor(low48 * INV_TWO_24);
    const lo = low48 - hi * TWO_24;
    this.hi = (hi ^ MUL_HI) | 0;
    this.lo = lo ^ MUL_LO;
  }

  /**
   * One LCG step from low half `lo`; stores the new state and returns its high half. Only the
   * low-half product needs all its 48 bits (for the carry); the rest is wanted modulo 2^24, so
   * 32-bit multiplications do.
   */
  private advance(lo: number): number {
    const carry = Math.floor((lo * MUL_LO + ADDEND) * INV_TWO_24);
    const hi = (Math.imul(this.hi, MUL_LO) + Math.imul(lo, MUL_HI) + carry) & MASK_24;
    this.hi = hi;
    this.lo = (Math.imul(lo, MUL_LO) + ADDEND) & MASK_24;
    return hi;
  }

  /** One LCG step; returns the top `bits` (1..32) of the new state as Java's `next(bits)`, unsigned. */
  private step(bits: number): number {
    const lo = this.lo;
    const newHi = this.advance(lo);
    const newLo = this.lo;
    // The state's top `bits` bits: hi holds bits 24..47, lo bits 0..23.
    const shift = 48 - bits;
    if (shift >= 24) return newHi >>> (shift - 24);
    return newHi * 2 ** (24 - shift) + (newLo >>> shift);
  }

  /** `Random.next(31)`: a uniform integer in [0, 2^31). */
  next31(): number {
    const newHi = this.advance(this.lo);
    return newHi * 128 + (this.lo >>> 17);
  }

  /**
   * Draws the characters of the reference's random words into `out[0 … length)`: per character
   * `nextInt(13) == 0 ? special : 'a' + nextInt(26)`. The same draws as calling `nextInt`, with
   * the state in locals: auction descriptions make this the generator's hottest loop.
   */
  nextWordCodes(out: Uint8Array, length: number, special: number): void {
    let lo = this.lo;
    let hi = this.hi;
    for (let i = 0; i < length; i++) {
      let u: number;
      let r: number;
      do {
        const carry = Math.floor((lo * MUL_LO + ADDEND) * INV_TWO_24);
        hi = (Math.imul(hi, MUL_LO) + Math.imul(lo, MUL_HI) + carry) & MASK_24;
        lo = (Math.imul(lo, MUL_LO) + ADDEND) & MASK_24;
        u = hi * 128 + (lo >>> 17);
        r = u - ((u / 13) >>> 0) * 13;
      } while (u - r + 12 > 2_147_483_647);
      if (r === 0) {
        out[i] = special;
        continue;
      }
      do {
        const carry = Math.floor((lo * MUL_LO + ADDEND) * INV_TWO_24);
        hi = (Math.imul(hi, MUL_LO) + Math.imul(lo, MUL_HI) + carry) & MASK_24;
        lo = (Math.imul(lo, MUL_LO) + ADDEND) & MASK_24;
        u = hi * 128 + (lo >>> 17);
        r = u - ((u / 26) >>> 0) * 26;
      } while (u - r + 25 > 2_147_483_647);
      out[i] = 97 + r;
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** `Random.nextInt()`: a uniform signed 32-bit integer. */
  nextInt32(): number {
    return this.step(32) | 0;
  }

  /** `Random.nextInt(bound)` for 0 < bound < 2^31, with Java's rejection of the biased tail. */
  nextInt(bound: number): number {
    let r = this.next31();
    const m = bound - 1;
    if ((bound & m) === 0) {
      // A power of two: Java takes the top bits, (bound * r) >> 31; exact, bound is a power of 2.
      return Math.floor((r * bound) / 2_147_483_648);
    }
    let u = r;
    // u % bound without a floating-point remainder, which V8 makes a slow call.
    r = u - ((u / bound) >>> 0) * bound;
    // Java's `u - r + m < 0` is an int overflow test.
    while (u - r + m > 2_147_483_647) {
      u = this.next31();
      r = u - ((u / bound) >>> 0) * bound;
    }
    return r;
  }

  /** `Random.nextDouble()`: 53 random bits in [0, 1). */
  nextDouble(): number {
    // Two steps in locals: the top 26 bits of the first state, then the top 27 of the second.
    let lo = this.lo;
    let hi = this.hi;
    let carry = Math.floor((lo * MUL_LO + ADDEND) * INV_TWO_24);
    hi = (Math.imul(hi, MUL_LO) + Math.imul(lo, MUL_HI) + carry) & MASK_24;
    lo = (Math.imul(lo, MUL_LO) + ADDEND) & MASK_24;
    const a = hi * 4 + (lo >>> 22);
    carry = Math.floor((lo * MUL_LO + ADDEND) * INV_TWO_24);
    hi = (Math.imul(hi, MUL_LO) + Math.imul(lo, MUL_HI) + carry) & MASK_24;
    lo = (Math.imul(lo, MUL_LO) + ADDEND) & MASK_24;
    const b = hi * 8 + (lo >>> 21);
    this.lo = lo;
    this.hi = hi;
    return (a * 134_217_728 + b) * 2 ** -53;
  }

  /** `Random.nextLong()` as a BigInt (cold paths only). */
  nextLong(): bigint {
    const high = BigInt(this.step(32) | 0);
    const low = BigInt(this.step(32) | 0);
    return BigInt.asIntN(64, (high << 32n) + low);
  }
}
