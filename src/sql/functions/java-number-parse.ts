/**
 * Text to DOUBLE as Java's `Double.valueOf` reads it, which is how Flink casts a string to
 * DOUBLE and FLOAT: whitespace (every character up to U+0020) trimmed at both ends, an optional
 * sign, then `NaN`, `Infinity`, a decimal with optional exponent, or a hexadecimal
 * floating-point literal (`0x1.8p1`, whose binary exponent is required), the latter two with an
 * optional type suffix `d`, `D`, `f` or `F`. Anything else (`inf`, `0x10`, `1_000`, an empty
 * string) does not parse, where JavaScript's `Number` would read some of them.
 */

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/;
const SPECIAL = /^([+-]?)(NaN|Infinity)$/;

/** Java's trim: drops every character up to U+0020 at both ends (not Unicode spaces). */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return text.slice(start, end);
}

/** The DOUBLE `text` spells as Java's `Double.valueOf` reads it, or null where Java throws. */
export function parseJavaDouble(text: string): number | null {
  const t = javaTrim(text);
  if (DECIMAL.test(t)) return Number(t.replace(/[fFdD]$/, ''));
  const special = SPECIAL.exec(t);
  if (special !== null) {
    if (special[2] === 'NaN') return Number.NaN;
    return special[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  const hex = HEX.exec(t);
  if (hex === null) return null;
  const [, sign, whole, fraction, exponent] = hex as unknown as [string, string, string, string, string];
  if (whole === '' && fraction === '') return null;
  // Exact in BigInt; Number() rounds once, and powers of two scale it exactly (outside
  // subnormals), in two steps so that neither factor overflows where the product does not.
  const mantissa = Number(BigInt(`0x${whole}${fraction}`));
  const scale = Number(exponent) - 4 * fraction.length;
  const half = Math.trunc(scale / 2);
  const value = mantissa === 0 ? 0 : mantissa * 2 ** half * 2 ** (scale - half);
  return sign === '-' ? -value : value;
}

/** What Flink reads as a DECIMAL: a sign, digits with at most one point, an optional exponent. */
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number `text` spells as Flink casts text to DECIMAL (its string-to-decimal parser, in the
 * way of Java's BigDecimal): spaces, tabs and newlines trimmed at both ends, then a plain
 * decimal with an optional exponent. NaN, Infinity, hexadecimal and type suffixes, which
 * Double.valueOf reads, are not decimals; null where the text is none.
 */
export function parseDecimalText(text: string): number | null {
  const t = text.replace(/^[ \t\n]+|[ \t\n]+$/g, '');
  return DECIMAL_TEXT.test(t) ? Number(t) : null;
}
