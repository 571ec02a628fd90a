/**
 * Property tests of the compiled DATE_FORMAT (`compileDateFormat`) against a per-row oracle (a
 * regular-expression replace over a fresh Date following Java's DateTimeFormatter pattern rules,
 * with month and day names from the platform's Intl formatter): random patterns of pattern
 * letters, quoted and literal text, over random timestamps and
 * over runs of nearby timestamps in random order, which is what exercises the formatter's
 * day/minute/second cache. Also through the SQL front end, with a literal pattern.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Types } from '../../src/sql/catalog/types.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { compileDateFormat, runtime } from '../../src/sql/expressions/runtime.js';
import { typeExpression } from '../../src/sql/expressions/typer.js';
import { parseExpression } from '../../src/sql/parser/parse.js';
import { ColumnScope } from '../../src/sql/planner/scope.js';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** US English month and day names from the platform's own formatter, independent of Weir's tables. */
const name = (d: Date, part: 'month' | 'weekday', style: 'long' | 'short') =>
  new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', [part]: style }).format(d);

/** A letter run's text for a date, as Java's DateTimeFormatter writes it in the US locale. */
function fieldText(letter: string, n: number, d: Date): string {
  const hours = d.getUTCHours();
  switch (letter) {
    case 'y':
    case 'u': {
      const proleptic = d.getUTCFullYear();
      const year = letter === 'y' && proleptic < 1 ? 1 - proleptic : proleptic;
      const sign = year < 0 ? '-' : '';
      return n === 2 ? pad(Math.abs(year) % 100) : sign + pad(Math.abs(year), n);
    }
    case 'M':
    case 'L':
      return n >= 4
        ? name(d, 'month', 'long')
        : n === 3
          ? name(d, 'month', 'short')
          : pad(d.getUTCMonth() + 1, n);
    case 'd':
      return pad(d.getUTCDate(), n);
    case 'D':
      return pad(
        (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) /
          86_400_000 +
          1,
        n,
      );
    case 'Q':
    case 'q': {
      const q = Math.floor(d.getUTCMonth() / 3) + 1;
      return n >= 4 ? `${['1st', '2nd', '3rd', '4th'][q - 1]} quarter` : n === 3 ? `Q${q}` : pad(q, n);
    }
    case 'E':
      return name(d, 'weekday', n >= 4 ? 'long' : 'short');
    case 'a':
      return hours < 12 ? 'AM' : 'PM';
    case 'H':
      return pad(hours, n);
    case 'k':
      return pad(hours === 0 ? 24 : hours, n);
    case 'K':
      return pad(hours % 12, n);
    case 'h':
      return pad(hours % 12 === 0 ? 12 : hours % 12, n);
    case 'm':
      return pad(d.getUTCMinutes(), n);
    case 's':
      return pad(d.getUTCSeconds(), n);
    default: {
      const fraction = pad(d.getUTCMilliseconds(), 3);
      return n <= 3 ? fraction.slice(0, n) : fraction + '0'.repeat(n - 3);
    }
  }
}

/**
 * DATE_FORMAT per row with a regular expression, as Java's DateTimeFormatter reads a pattern:
 * `''` is a quote, text in quotes is literal, a run of one pattern letter is a field.
 */
function previousDateFormat(ms: number, pattern: string): string {
  const d = new Date(ms);
  return pattern.replace(/''|'((?:[^']|'')*)'?|([yuMLdDQqEaHkKhmsS])\2*/g, (match, quoted, letter) => {
    if (match === "''") return "'";
    if (quoted !== undefined) return (quoted as string).replaceAll("''", "'");
    return Number.isNaN(d.getTime()) ? 'NaN' : fieldText(letter as string, match.length, d);
  });
}

/** Patterns from pattern letters (whole, partial and repeated) and literal text. */
const pattern = fc
  .array(
    fc.oneof(
      fc.constantFrom('yyyy', 'yy', 'MM', 'dd', 'HH', 'mm', 'ss', 'SSS', 'y', 'yyy', 'S', 'SS', 'M', 'H'),
      fc.constantFrom(
        'MMM',
        'MMMM',
        'EEE',
        'EEEE',
        'a',
        'hh',
        'k',
        'K',
        'D',
        'DDD',
        'Q',
        'QQQ',
        'QQQQ',
        'SSSSSS',
        'u',
      ),
      fc.constantFrom('-', ':', ' ', 'T', '.', '/', "'", "''", "'at'", '$&', 'x'),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const MAX_DATE_MS = 8.64e15;

/** Epoch ms: everyday ones, far ones, the edges of what a Date holds and past them. */
const timestamp = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
  fc.integer({ min: -MAX_DATE_MS - 100_000, max: MAX_DATE_MS + 100_000 }),
  fc.integer({ min: -100_000, max: 100_000 }).map((d) => MAX_DATE_MS + d),
  fc.integer({ min: -100_000, max: 100_000 }).map((d) => -MAX_DATE_MS + d),
  fc.double({ min: -1e13, max: 1e13, noNaN: true }),
);

/** A run of timestamps near each other (within days), in random order. */
const nearbyRun = fc
  .tuple(
    fc.integer({ min: -1e13, max: 1e13 }),
    fc.array(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), { minLength: 1, maxLength: 40 }),
    fc.array(fc.integer({ min: -2000, max: 2000 }), { maxLength: 40 }),
  )
  .map(([base, far, near]) => [...far.map((d) => base + d), ...near.map((d) => base + d)].sort(() => 0));

describe('compiled DATE_FORMAT', () => {
  test('gives the previous implementation’s text for any pattern and timestamp', () => {
    fc.assert(
      fc.property(pattern, fc.array(timestamp, { minLength: 1, maxLength: 20 }), (p, times) => {
        const formatter = compileDateFormat(p);
        for (const ms of times) expect(formatter.format(ms)).toBe(previousDateFormat(ms, p));
      }),
      { numRuns: 500 },
    );
  });

  test('keeps agreeing over runs of nearby timestamps, where its cache answers', () => {
    fc.assert(
      fc.property(pattern, nearbyRun, fc.boolean(), (p, times, reversed) => {
        const formatter = compileDateFormat(p);
        for (const ms of reversed ? [...times].reverse() : times)
          expect(formatter.format(ms)).toBe(previousDateFormat(ms, p));
      }),
      { numRuns: 500 },
    );
  });

  test('formats timestamp strings as the parsed timestamp, and null for what does not parse', () => {
    fc.assert(
      fc.property(
        pattern,
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.constantFrom('', 'x', '2024-13-45'),
        (p, ms, junk) => {
          const text = new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
          const formatter = compileDateFormat(p);
          expect(formatter.formatString(text)).toBe(previousDateFormat(ms, p));
          expect(runtime.dateFormatString(text, p)).toBe(previousDateFormat(ms, p));
          if (junk !== '2024-13-45') expect(formatter.formatString(junk)).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a literal pattern in SQL gives the previous text, row after row', () => {
    const scope = new ColumnScope([{ name: 't', internal: 't', type: Types.timestamp(3) }]);
    fc.assert(
      fc.property(
        fc.constantFrom('yyyy-MM-dd', 'HH:mm', 'yyyy-MM-dd HH:mm:ss.SSS', 'yy/MM', "dd 'x' ss"),
        nearbyRun,
        (p, times) => {
          const sql = `DATE_FORMAT(t, '${p.replaceAll("'", "''")}')`;
          const fn = compileExpression(typeExpression(parseExpression(sql), scope));
          for (const ms of times) expect(fn({ t: ms })).toBe(previousDateFormat(ms, p));
          expect(fn({ t: null })).toBeNull();
        },
      ),
      { numRuns: 100 },
    );
  });
});
