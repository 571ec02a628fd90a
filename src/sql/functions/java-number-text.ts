/**
 * DOUBLE and FLOAT values as Java's `Double.toString` and `Float.toString` write them, which is
 * what Flink prints in results, in `CAST(x AS STRING)` and in its csv and json formats: the
 * shortest decimal that reads back as the same value (the JDK 19+ definition, which JavaScript's
 * own shortest digits match except where noted below), a fraction always (`100.0`), plain
 * notation from 10^-3 up to 10^7 and computerized scientific notation outside it (`1.0E10`,
 * `1.0E-5`), and `NaN`, `Infinity`, `-Infinity` and `-0.0` spelled out.
 */

/**
 * The shortest significant digits and decimal exponent of a finite non-zero `value` such that
 * `value = 0.d1d2… × 10^exponent`, read back by `same`. Java keeps two digits where a
 * one-digit decimal reads back but a two-digit one is closer (`4.9E-324`, not `5.0E-324`).
 */
function shortestDigits(
  value: number,
  same: (candidate: number) => boolean,
): { digits: string; exponent: number } {
  let text = '';
  for (let precision = 1; precision <= 17; precision++) {
    text = value.toExponential(precision - 1);
    if (same(Number(text))) {
      if (precision === 1) {
        const two = value.toExponential(1);
        if (same(Number(two)) && !two.endsWith('0e' + two.split('e')[1])) text = two;
      }
      break;
    }
  }
  const [mantissa, exp] = text.split('e') as [string, string];
  const digits = mantissa.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
  return { digits, exponent: Number(exp) + 1 };
}

/** `digits`/`exponent` laid out as Java does, the sign in front. */
function layout(negative: boolean, digits: string, exponent: number): string {
  const sign = negative ? '-' : '';
  // Plain notation for 10^-3 <= |x| < 10^7: exponent (as 0.d… × 10^e) from -2 to 7.
  if (exponent >= -2 && exponent <= 7) {
    if (exponent <= 0) return `${sign}0.${'0'.repeat(-exponent)}${digits}`;
    if (digits.length <= exponent) return `${sign}${digits}${'0'.repeat(exponent - digits.length)}.0`;
    return `${sign}${digits.slice(0, exponent)}.${digits.slice(exponent)}`;
  }
  const fraction = digits.length > 1 ? digits.slice(1) : '0';
  return `${sign}${digits[0]}.${fraction}E${exponent - 1}`;
}

function special(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return undefined;
}

/**
 * A DOUBLE as Java's `Double.toString`: `javaDoubleText(1e10)` is `'1.0E10'`,
 * `javaDoubleText(0.001)` is `'0.001'`, `javaDoubleText(1e-5)` is `'1.0E-5'`.
 */
export function javaDoubleText(value: number): string {
  // The common case, one call: in [10^-3, 10^7) JavaScript writes the same digits in plain
  // notation (a one-digit decimal there is always the closest, so Java keeps it too).
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(value);
    return Number.isInteger(value) ? `${text}.0` : text;
  }
  const s = special(value);
  if (s !== undefined) return s;
  // JavaScript's own text is already the shortest round trip: take its digits.
  const text = String(Math.abs(value));
  const e = text.indexOf('e');
  let { digits, exponent } = decompose(
    e < 0 ? text : text.slice(0, e),
    e < 0 ? 0 : Number(text.slice(e + 1)),
  );
  if (digits.length === 1)
    ({ digits, exponent } = shortestDigits(Math.abs(value), (c) => c === Math.abs(value)));
  return layout(value < 0, digits, exponent);
}

/** A FLOAT (the value rounded to single precision first) as Java's `Float.toString`. */
export function javaFloatText(value: number): string {
  const f = Math.fround(value);
  const s = special(f);
  if (s !== undefined) return s;
  const abs = Math.abs(f);
  const { digits, exponent } = shortestDigits(abs, (c) => Math.fround(c) === abs);
  return layout(f < 0, digits, exponent);
}

/** `mantissa × 10^power` (mantissa in plain notation) as significant digits and 0.d… exponent. */
function decompose(mantissa: string, power: number): { digits: string; exponent: number } {
  const point = mantissa.indexOf('.');
  const whole = point < 0 ? mantissa : mantissa.slice(0, point);
  const all = point < 0 ? mantissa : whole + mantissa.slice(point + 1);
  const leading = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leading).replace(/0+$/, '') || '0';
  return { digits, exponent: whole.length - leading + power };
}
