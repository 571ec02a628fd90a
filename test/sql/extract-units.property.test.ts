/**
 * Property tests of EXTRACT's calendar units as the SQL front end compiles them, against a model
 * built on JavaScript's own `Date` UTC methods (independent of Weir's integer calendar
 * arithmetic): DOW, ISODOW, DOY, ISOYEAR and the ISO WEEK, with YEAR/MONTH/DAY and the time of
 * day, over timestamps from year 1 to 9999 (most before 1970), over DATE values, and over runs
 * of consecutive days around New Year, where the ISO week changes year. Then agreement with
 * DuckDB for the units whose meaning DuckDB shares (its DOW counts from 0, so it is shifted).
 * Last, OVERLAPS of non-null periods against the plain rule: the later start is at or before
 * the earlier end.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Types } from '../../src/sql/catalog/types.js';
import { compileExpression } from '../../src/sql/expressions/compiler.js';
import { typeExpression } from '../../src/sql/expressions/typer.js';
import { parseExpression } from '../../src/sql/parser/parse.js';
import { ColumnScope } from '../../src/sql/planner/scope.js';
import { duckdbConnection } from './duckdb-tables.js';

const DAY_MS = 86_400_000;
const MIN_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const MAX_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/** Midnight UTC of a calendar day; `setUTCFullYear` keeps years below 100 as they are. */
function utcDay(year: number, month0: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month0, day);
  return d.getTime();
}

/** The units of a wall clock in epoch milliseconds, by the platform's calendar. */
function model(ms: number): Record<string, number> {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const midnight = utcDay(year, d.getUTCMonth(), d.getUTCDate());
  // ISO weeks: the week's Thursday decides the year; week 1 holds January 4.
  const mondayBased = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(midnight + (3 - mondayBased) * DAY_MS);
  const isoYear = thursday.getUTCFullYear();
  const jan4 = new Date(utcDay(isoYear, 0, 4));
  const firstThursday = jan4.getTime() + (3 - ((jan4.getUTCDay() + 6) % 7)) * DAY_MS;
  return {
    YEAR: year,
    MONTH: d.getUTCMonth() + 1,
    DAY: d.getUTCDate(),
    DOW: d.getUTCDay() + 1,
    ISODOW: mondayBased + 1,
    DOY: Math.round((midnight - utcDay(year, 0, 1)) / DAY_MS) + 1,
    ISOYEAR: isoYear,
    WEEK: Math.round((thursday.getTime() - firstThursday) / (7 * DAY_MS)) + 1,
    HOUR: d.getUTCHours(),
    MINUTE: d.getUTCMinutes(),
    SECOND: d.getUTCSeconds(),
    MILLISECOND: d.getUTCMilliseconds(),
  };
}

const UNITS = ['YEAR', 'MONTH', 'DAY', 'DOW', 'ISODOW', 'DOY', 'ISOYEAR', 'WEEK'] as const;
const TIME_UNITS = ['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND'] as const;

const scope = new ColumnScope([
  { name: 't', internal: 't', type: Types.timestamp(3) },
  { name: 'd', internal: 'd', type: Types.DATE },
]);
const compiled = (sql: string) => compileExpression(typeExpression(parseExpression(sql), scope));
const fromTimestamp = new Map([...UNITS, ...TIME_UNITS].map((u) => [u, compiled(`EXTRACT(${u} FROM t)`)]));
const fromDate = new Map(UNITS.map((u) => [u, compiled(`EXTRACT(${u} FROM d)`)]));

test('EXTRACT of a TIMESTAMP agrees with the Date model over years 1 to 9999', () => {
  fc.assert(
    fc.property(fc.integer({ min: MIN_MS, max: MAX_MS }), (ms) => {
      const expected = model(ms);
      for (const [unit, fn] of fromTimestamp) expect([unit, fn({ t: ms })]).toEqual([unit, expected[unit]]);
    }),
    { numRuns: 2000 },
  );
});

test('EXTRACT of a DATE agrees with the Date model, and with the same day as a TIMESTAMP', () => {
  fc.assert(
    fc.property(fc.integer({ min: MIN_MS / DAY_MS, max: Math.floor(MAX_MS / DAY_MS) }), (day) => {
      const expected = model(day * DAY_MS);
      for (const [unit, fn] of fromDate) expect([unit, fn({ d: day })]).toEqual([unit, expected[unit]]);
    }),
    { numRuns: 2000 },
  );
});

test('the ISO week and year across New Year: every day from Dec 20 to Jan 10 of random years', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9998 }), (year) => {
      const start = utcDay(year, 11, 20) / DAY_MS;
      for (let day = start; day < start + 22; day++) {
        const expected = model(day * DAY_MS);
        expect([day, fromDate.get('WEEK')!({ d: day }), fromDate.get('ISOYEAR')!({ d: day })]).toEqual([
          day,
          expected.WEEK,
          expected.ISOYEAR,
        ]);
      }
    }),
    { numRuns: 300 },
  );
});

test('EXTRACT agrees with DuckDB on the units both define alike', async () => {
  const gen = fc.integer({ min: MIN_MS / 1000, max: Math.floor(MAX_MS / 1000) });
  const seconds = fc.sample(gen, { numRuns: 400, seed: 45 });
  // Whole seconds, so EPOCH is the same whatever the rounding; years 1 to 9999, so DuckDB's
  // rules for years before the common era do not come in.
  seconds.push(0, -1, 1_609_372_800, 1_609_632_000, 951_782_400, -2_203_891_200);
  const units = [
    'YEAR',
    'QUARTER',
    'MONTH',
    'DAY',
    'DOW',
    'ISODOW',
    'DOY',
    'WEEK',
    'ISOYEAR',
    'DECADE',
    'CENTURY',
    'MILLENNIUM',
    'HOUR',
    'MINUTE',
    'SECOND',
    'EPOCH',
  ];
  const weir = units.map((u) => compiled(`EXTRACT(${u} FROM t)`));
  const duck = await duckdbConnection();
  const values = seconds.map((s, i) => `(${i}, to_timestamp(${s})::TIMESTAMP)`).join(', ');
  const columns = units
    .map((u) => {
      const e = `extract(${u.toLowerCase()} FROM t)`;
      if (u === 'DOW') return `${e} + 1`; // DuckDB counts Sunday as 0
      if (u === 'EPOCH') return `CAST(${e} AS BIGINT)`;
      return e;
    })
    .join(', ');
  const reader = await duck.runAndReadAll(`SELECT i, ${columns} FROM (VALUES ${values}) v(i, t) ORDER BY i`);
  const rows = reader.getRows();
  expect(rows.length).toBe(seconds.length);
  for (const row of rows) {
    const ms = seconds[Number(row[0])]! * 1000;
    const theirs = row.slice(1).map((v) => Number(v));
    const ours = weir.map((fn) => fn({ t: ms }));
    expect([new Date(ms).toISOString(), ...ours]).toEqual([new Date(ms).toISOString(), ...theirs]);
  }
  duck.closeSync();
});

test('OVERLAPS holds when the later start is at or before the earlier end, each period in either order', () => {
  const periods = new ColumnScope(
    ['a', 'b', 'c', 'd'].map((name) => ({ name, internal: name, type: Types.timestamp(3) })),
  );
  const fn = compileExpression(typeExpression(parseExpression('(a, b) OVERLAPS (c, d)'), periods));
  // Few distinct values, so that touching and equal ends are common.
  const point = fc.integer({ min: 0, max: 6 }).map((n) => n * 3_600_000);
  fc.assert(
    fc.property(point, point, point, point, (a, b, c, d) => {
      const expected = Math.max(Math.min(a, b), Math.min(c, d)) <= Math.min(Math.max(a, b), Math.max(c, d));
      expect(fn({ a, b, c, d })).toBe(expected);
    }),
    { numRuns: 1000 },
  );
});
