/**
 * Text to DECIMAL as Flink's string-to-decimal cast reads it (`parseDecimalText`): a sign,
 * digits with at most one point and an optional exponent, padded with spaces, tabs or newlines,
 * reads as the number it spells; NaN, Infinity, hexadecimal, type suffixes, other padding and
 * text without digits do not read, although Double.valueOf (a DOUBLE cast) takes several of them.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseDecimalText, parseJavaDouble } from '../../src/sql/functions/java-number-parse.js';

const padding = fc.array(fc.constantFrom(' ', '\t', '\n'), { maxLength: 3 }).map((a) => a.join(''));
const digits = fc
  .array(fc.constantFrom(...'0123456789'), { minLength: 1, maxLength: 12 })
  .map((a) => a.join(''));

describe('parseDecimalText', () => {
  test('sign, digits, point and exponent read as the number they spell', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', '+', '-'),
        digits,
        fc.option(fc.tuple(fc.boolean(), fc.option(digits, { nil: '' })), { nil: undefined }),
        fc.option(
          fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.integer({ min: 0, max: 30 })),
          {
            nil: undefined,
          },
        ),
        padding,
        padding,
        (sign, whole, point, exponent, before, after) => {
          // `.5` (no whole digits) and `5.` (no fraction digits) are both decimals.
          const [dropWhole, fraction] = point ?? [false, ''];
          const body =
            point === undefined
              ? whole
              : dropWhole && fraction !== ''
                ? `.${fraction}`
                : `${whole}.${fraction}`;
          const text = `${sign}${body}${exponent === undefined ? '' : exponent.join('')}`;
          expect(parseDecimalText(`${before}${text}${after}`)).toBe(Number(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test("what is no decimal does not read, also where Java's Double.valueOf reads it", () => {
    for (const text of [
      'NaN',
      'Infinity',
      '-Infinity',
      '0x10',
      '0x1p3',
      '1.5d',
      '2F',
      '1e',
      '.',
      '+',
      '',
      '1,5',
      '1.2.3',
      '\r1',
      '1_000',
    ])
      expect(parseDecimalText(text), text).toBeNull();
    for (const text of ['NaN', 'Infinity', '0x1p3', '1.5d', '\r1'])
      expect(parseJavaDouble(text), text).not.toBeNull();
  });
});
