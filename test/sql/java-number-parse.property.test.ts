/**
 * Text to DOUBLE as Java's Double.valueOf reads it (`java-number-parse.ts`), which Flink's CAST
 * from a string uses: every DOUBLE's Java text reads back as the same value, also padded with
 * control characters and spaces and with a type suffix; hexadecimal literals read as the exact
 * value they spell; what Java refuses gives null, also where JavaScript's Number would read it.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseJavaDouble } from '../../src/sql/functions/java-number-parse.js';
import { javaDoubleText } from '../../src/sql/functions/java-number-text.js';

const padding = fc
  .array(fc.constantFrom(' ', '\t', '\n', '\r', '\u0000', '\u001f'), { maxLength: 3 })
  .map((a) => a.join(''));

describe('parseJavaDouble', () => {
  test("every DOUBLE's Java text reads back as it, padded and with a type suffix", () => {
    fc.assert(
      fc.property(
        fc.double(),
        padding,
        padding,
        fc.constantFrom('', 'd', 'D', 'f', 'F'),
        (value, before, after, suffix) => {
          const text = javaDoubleText(value);
          const finite = Number.isFinite(value);
          expect(Object.is(parseJavaDouble(`${before}${text}${finite ? suffix : ''}${after}`), value)).toBe(
            true,
          );
          // NaN and Infinity take no suffix in Java.
          if (!finite && suffix !== '') expect(parseJavaDouble(`${text}${suffix}`)).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('hexadecimal literals read as mantissa times a power of two', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: -60, max: 60 }),
        fc.boolean(),
        (m, e, negative) => {
          const text = `${negative ? '-' : ''}0x${m.toString(16)}p${e}`;
          const expected = (negative ? -1 : 1) * m * 2 ** e;
          expect(Object.is(parseJavaDouble(text), expected)).toBe(true);
        },
      ),
    );
    expect(parseJavaDouble('0x1.8p1')).toBe(3);
    expect(parseJavaDouble('0X.8P0f')).toBe(0.5);
  });

  test('specials and refusals as Java has them', () => {
    expect(parseJavaDouble('NaN')).toBeNaN();
    expect(parseJavaDouble('-NaN')).toBeNaN();
    expect(parseJavaDouble(' +Infinity ')).toBe(Number.POSITIVE_INFINITY);
    expect(parseJavaDouble('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(parseJavaDouble('-0'), -0)).toBe(true);
    expect(parseJavaDouble('1.')).toBe(1);
    expect(parseJavaDouble('.5e1')).toBe(5);
    // JavaScript's Number reads these; Java does not.
    for (const text of [
      '',
      '  ',
      'inf',
      'infinity',
      'nan',
      '0x10',
      '0b1',
      '1_000',
      '1e',
      '.',
      'e5',
      '1.5dd',
      '\u00a01',
      '0x.p1',
    ])
      expect(parseJavaDouble(text)).toBeNull();
  });
});
