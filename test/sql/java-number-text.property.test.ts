/**
 * Property tests of DOUBLE and FLOAT text as Java's Double.toString and Float.toString write it
 * (`java-number-text.ts`), against a reference derived from their definition: the text reads
 * back as the same value, no text with fewer significant digits does (two digits are allowed
 * where a single one would do but is farther from the value), the notation is plain exactly for
 * magnitudes in [10^-3, 10^7), and there is always a digit after the point.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { javaDoubleText, javaFloatText } from '../../src/sql/functions/java-number-text.js';

const JAVA_FORM = /^-?(\d+\.\d+|\d\.\d+E-?\d+)$/;

/** The significant digits of a Java number text, without leading or trailing zeros. */
function significant(text: string): string {
  const mantissa = text.replace('-', '').split('E')[0]!.replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '') || '0';
}

function checkForm(text: string, value: number): void {
  expect(text).toMatch(JAVA_FORM);
  const abs = Math.abs(value);
  expect(text.includes('E')).toBe(abs !== 0 && (abs < 1e-3 || abs >= 1e7));
}

describe('javaDoubleText', () => {
  test('known values print as Java prints them', () => {
    const cases: [number, string][] = [
      [100, '100.0'],
      [1e10, '1.0E10'],
      [1e-5, '1.0E-5'],
      [0.001, '0.001'],
      [9.99e-4, '9.99E-4'],
      [1e7, '1.0E7'],
      [9999999, '9999999.0'],
      [12345678.9, '1.23456789E7'],
      [-2.5e-7, '-2.5E-7'],
      [0.1 + 0.2, '0.30000000000000004'],
      [Number.MIN_VALUE, '4.9E-324'],
      [Number.MAX_VALUE, '1.7976931348623157E308'],
      [1e21, '1.0E21'],
      [0, '0.0'],
      [-0, '-0.0'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, 'Infinity'],
      [Number.NEGATIVE_INFINITY, '-Infinity'],
    ];
    for (const [value, text] of cases) expect(javaDoubleText(value)).toBe(text);
  });

  test('reads back as the value, in Java form, with the fewest digits that do', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = javaDoubleText(x);
        expect(Object.is(Number(text), x)).toBe(true);
        checkForm(text, x);
        if (x === 0) return;
        const digits = significant(text).length;
        // No decimal with fewer digits reads back; a one-digit decimal may be shown with two.
        if (digits > 2) expect(Number(Math.abs(x).toPrecision(digits - 1))).not.toBe(Math.abs(x));
        if (digits === 2) {
          const one = Number(Math.abs(x).toPrecision(1));
          if (one === Math.abs(x)) expect(Math.abs(Number(significant(text)) % 10)).not.toBe(0);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('javaFloatText', () => {
  test('known values print as Java prints them', () => {
    const cases: [number, string][] = [
      [0.1, '0.1'],
      [1 / 3, '0.33333334'],
      [1e10, '1.0E10'],
      [16777216, '1.6777216E7'],
      [3.4028234663852886e38, '3.4028235E38'],
      [1.4e-45, '1.4E-45'],
      [100, '100.0'],
    ];
    for (const [value, text] of cases) expect(javaFloatText(value)).toBe(text);
  });

  test('reads back as the same single-precision value with the fewest digits that do', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = javaFloatText(x);
        expect(Object.is(Math.fround(Number(text)), Math.fround(x))).toBe(true);
        checkForm(text, x);
        const digits = significant(text).length;
        if (x !== 0 && digits > 2)
          expect(Math.fround(Number(Math.abs(x).toPrecision(digits - 1)))).not.toBe(Math.abs(x));
      }),
      { numRuns: 3000 },
    );
  });
});
