/**
 * BIGINT values, which are Java longs in Flink: exact from -2^63 to 2^63-1, and +, -, * wrap
 * around on overflow as Java's do. A JavaScript number is exact only to 2^53, so a BIGINT value
 * has one canonical form, a {@link Long}: a number when `Number.isSafeInteger`, a bigint
 * otherwise. One form per value keeps `===`, Map keys, key hashes and state encodings right
 * without a normalising step, and the common case (small ids, counts, prices) stays a number.
 *
 * The functions here take and give canonical values. Compiled expressions inline the fast
 * path for two numbers whose result stays safe and call these only otherwise.
 */
import { ErrorCodes, userError } from '../../types/errors.js';

/** A BIGINT value: a safe-integer number, or a bigint outside ±(2^53 - 1) within the long range. */
export type Long = number | bigint;

/** Java's Long.MIN_VALUE. */
export const MIN_LONG = -(2n ** 63n);
/** Java's Long.MAX_VALUE. */
export const MAX_LONG = 2n ** 63n - 1n;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The canonical form of a bigint already in the long range. */
function canonical(v: bigint): Long {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}

/** A bigint as a Java long: the low 64 bits, as a cast to long or an overflowing sum keeps. */
export function wrapLong(v: bigint): Long {
  return canonical(BigInt.asIntN(64, v));
}

/** Whether `v` is a canonical BIGINT value. */
export function isLong(v: unknown): v is Long {
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0);
  return typeof v === 'bigint' && v >= MIN_LONG && v <= MAX_LONG && (v > MAX_SAFE || v < -MAX_SAFE);
}

/** A long as a bigint, for exact arithmetic. */
function big(v: Long): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** a + b, wrapping as a Java long does. */
export function longAdd(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  return wrapLong(big(a) + big(b));
}

/** a - b, wrapping as a Java long does. */
export function longSubtract(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return wrapLong(big(a) - big(b));
}

/** a * b, wrapping as a Java long does. */
export function longMultiply(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    // A true product of 2^53 or more rounds to a double of 2^53 or more: never safe.
    const r = a * b;
    if (Number.isSafeInteger(r)) return r + 0; // no -0
  }
  return wrapLong(big(a) * big(b));
}

function zeroDivisor(what: string): never {
  throw userError(ErrorCodes.USER_FUNCTION, `${what} by zero; guard it with CASE or NULLIF`);
}

/** a / b truncated toward zero; Long.MIN_VALUE / -1 wraps to itself, as in Java. */
export function longDivide(a: Long, b: Long): Long {
  if (b === 0) zeroDivisor('division');
  // a - a % b is an exact multiple of b, so the division is exact too (a / b alone may round
  // up to the next integer near 2^53).
  if (typeof a === 'number' && typeof b === 'number') return (a - (a % b)) / b + 0;
  return wrapLong(big(a) / big(b));
}

/** a % b with the sign of a, as Java's remainder. */
export function longRemainder(a: Long, b: Long): Long {
  if (b === 0) zeroDivisor('MOD');
  if (typeof a === 'number' && typeof b === 'number') return (a % b) + 0;
  return canonical(big(a) % big(b));
}

/** -a; -Long.MIN_VALUE wraps to itself, as in Java. */
export function longNegate(a: Long): Long {
  return typeof a === 'number' ? 0 - a : wrapLong(-a);
}

/** |a|; ABS(Long.MIN_VALUE) is Long.MIN_VALUE, as Java's Math.abs gives. */
export function longAbs(a: Long): Long {
  return typeof a === 'number' ? Math.abs(a) : a < 0n ? wrapLong(-a) : a;
}

/** A long as the nearest double (what Java's `(double) l` gives). */
export function longToDouble(a: Long): number {
  return typeof a === 'number' ? a : Number(a);
}

/**
 * A double as Java's `(long) d` casts it: truncated toward zero, saturating at the long range,
 * NaN to 0.
 */
export function longFromDouble(d: number): Long {
  if (Number.isNaN(d)) return 0;
  const t = Math.trunc(d);
  if (Number.isSafeInteger(t)) return t + 0;
  if (t >= 2 ** 63) return MAX_LONG;
  if (t <= -(2 ** 63)) return MIN_LONG;
  return canonical(BigInt(t));
}

/**
 * An exact integral value held as a double (a DECIMAL's integer part) as Java's
 * `BigDecimal.longValue()` gives it: truncated, then the low 64 bits.
 */
export function longFromIntegral(d: number): Long {
  const t = Math.trunc(d);
  if (Number.isSafeInteger(t)) return t + 0;
  return Number.isFinite(t) ? wrapLong(BigInt(t)) : 0;
}

/** What Flink reads as an integer: digits, with a fraction it drops. */
const INTEGER_TEXT = /^([+-]?)(\d*)(?:\.\d*)?$/;

/**
 * Text to a BIGINT as Flink casts it: trimmed, digits with an optional fraction that is cut
 * off; null for anything else (an exponent, hexadecimal) or a value outside the long range.
 */
export function parseLong(text: string): Long | null {
  const m = INTEGER_TEXT.exec(text.trim());
  if (m === null) return null;
  const [, sign, digits] = m as unknown as [string, string, string];
  if (digits === '' && !/\d/.test(text)) return null;
  if (digits.length <= 15) {
    const n = Number(digits === '' ? 0 : digits);
    return sign === '-' && n !== 0 ? -n : n;
  }
  const v = BigInt(sign + digits);
  return v < MIN_LONG || v > MAX_LONG ? null : canonical(v);
}

/** The decimal text of a long, as Java's Long.toString. */
export function longText(a: Long): string {
  return String(a);
}

/** Java's Long.hashCode: the high 32 bits xor the low 32 bits. */
export function longHashCode(a: Long): number {
  if (typeof a === 'number') return (a | 0) ^ (Math.floor(a / 4294967296) | 0);
  return Number(BigInt.asIntN(32, a)) ^ Number(BigInt.asIntN(32, a >> 32n));
}

/** A long cut to `bits` (8, 16 or 32) as Java's narrowing casts do: the low bits, sign-extended. */
export function longToNarrowInteger(a: Long, bits: number): number {
  if (typeof a === 'bigint') return Number(BigInt.asIntN(bits, a));
  const shift = 32 - bits;
  return ((a | 0) << shift) >> shift;
}

/**
 * A BIGINT value from user code (a row given to `fromDataStream`, a function's result) in its
 * canonical form: a bigint within ±(2^53 - 1) becomes a number and a bigint past the long range
 * keeps its low 64 bits; a number past 2^53, or with a fraction, becomes what Java's `(long) d`
 * gives. Anything else (null, a value of another type) is returned as it is.
 */
export function toLong(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v + 0 : longFromDouble(v);
  return typeof v === 'bigint' ? wrapLong(v) : v;
}
