/**
 * TINYINT, SMALLINT and INT values are Java's byte, short and int in Flink, and arithmetic on
 * them keeps its operands' type: `INT + INT` is an INT, `TINYINT * TINYINT` a TINYINT (Calcite
 * types them by their least restrictive operand), and the generated Java casts the result back to
 * that width, so an overflowing result wraps around: `CAST(2147483647 AS INT) + 1` is
 * -2147483648. Such values are plain numbers here, and these functions give the same wrap.
 *
 * A sum, difference or quotient of two values of at most 32 bits is an exact double, so the wrap
 * is the bitwise truncation V8 runs on small integers anyway (`| 0` costs nothing where the
 * result already fits); a product of two ints can pass 2^53 and is `Math.imul`.
 */

/** The width in bits of each integer type narrower than BIGINT. */
export const NARROW_INTEGER_BITS: Readonly<Record<string, number>> = Object.freeze({
  TINYINT: 8,
  SMALLINT: 16,
  INT: 32,
});

/** Whether values of the type root wrap at a width below 64 bits. */
export function isNarrowInteger(root: string): boolean {
  return NARROW_INTEGER_BITS[root] !== undefined;
}

/**
 * JavaScript giving the value of `code` (an exact integer of at most 2^53) as the integer type
 * `root` keeps it: the low bits, sign-extended, as Java's narrowing cast. No -0 comes out.
 */
export function wrapCode(code: string, root: string): string {
  const bits = NARROW_INTEGER_BITS[root];
  if (bits === undefined) return code;
  return bits === 32 ? `((${code}) | 0)` : `((${code}) << ${32 - bits} >> ${32 - bits})`;
}

/** JavaScript for `a * b` of two integer values of type `root`, wrapped to its width. */
export function multiplyCode(a: string, b: string, root: string): string {
  // An int product may pass 2^53, where a double drops its low bits; Math.imul keeps them.
  return root === 'INT' ? `Math.imul(${a}, ${b})` : wrapCode(`${a} * ${b}`, root);
}

/** `n` (an exact integer, at most 2^53) wrapped to `bits` (8, 16 or 32), as Java narrows it. */
export function wrapInteger(n: number, bits: number): number {
  const shift = 32 - bits;
  // ToInt32 takes n modulo 2^32 exactly for every safe integer, so no precision is lost here.
  return ((n | 0) << shift) >> shift;
}
