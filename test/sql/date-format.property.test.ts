/**
 * Property tests of the compiled DATE_FORMAT (`compileDateFormat`) against the per-row
 * implementation it replaced (a regular-expression replace over a fresh Date, kept here as the
 * oracle): random patterns of pattern letters and literal text, over random timestamps and
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

/** Each pattern letter run's text for a date, as DATE_FORMAT computed it per row before. */
const FIELD_TEXT: Record<string, (d: Date) => string> = {
  yyyy: (d) => pad(d.getUTCFullYear(), 4),
  yy: (d) => pad(d.getUTCFullYear() % 100),
  MM: (d) => pad(d.getUTCMonth() + 1),
  dd: (d) => pad(d.getUTCDate()),
  HH: (d) => pad(d.getUTCHours()),
  mm: (d) => pad(d.getUTCMinutes()),
  ss: (d) => pad(d.getUTCSeconds()),
  SSS: (d) => pad(d.getUTCMilliseconds(), 3),
};

/** DATE_FORMAT as it was computed per row before patterns were compiled. */
function previousDateFormat(ms: number, pattern: string): string {
  const d = new Date(ms);
  return pattern.replace(/yyyy|yy|MM|dd|HH|mm|ss|SSS/g, (token) => FIELD_TEXT[token]!(d));
}

/** Patterns from pattern letters (whole, partial and repeated) and literal text. */
const pattern = fc
  .array(
    fc.oneof(
      fc.constantFrom('yyyy', 'yy', 'MM', 'dd', 'HH', 'mm', 'ss', 'SSS', 'y', 'yyy', 'S', 'SS', 'M', 'H'),
      fc.constantFrom('-', ':', ' ', 'T', '.', '/', "'", '$&', 'x'),
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
