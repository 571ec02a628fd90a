/**
 * `EXTRACT(unit FROM t)` with every unit Flink's SQL accepts, and the `(s1, e1) OVERLAPS (s2,
 * e2)` predicate, for DATE, TIME, TIMESTAMP and TIMESTAMP_LTZ (read as its wall clock in the
 * session zone, as Flink does).
 *
 * The calendar units follow Calcite's `DateTimeUtils` (which Flink's runtime uses): DOW counts
 * 1 = Sunday to 7 = Saturday, ISODOW 1 = Monday to 7 = Sunday, WEEK is the ISO-8601 week and
 * ISOYEAR the year that week belongs to, DECADE is the year / 10 (truncated), CENTURY and
 * MILLENNIUM count from 1 (2000 is in century 20, 2001 in 21). The sub-second units follow
 * Flink's code generation, not Calcite's: MILLISECOND is the millisecond of the second (345 for
 * 10:11:12.345; Calcite would say 12345), MICROSECOND and NANOSECOND the same in finer units
 * and only of a TIMESTAMP. EPOCH is Calcite's whole seconds since 1970 (truncated toward zero)
 * of the wall clock. Days before 1970 use the proleptic Gregorian calendar throughout: a
 * timestamp's day is its floor, not Java's truncating division. An interval gives the fields it
 * has (DAY to MILLISECOND and EPOCH of a day-time one, YEAR, QUARTER and MONTH of a year-month
 * one), truncated as Flink's generated code does, so a negative interval has negative fields.
 *
 * The unit is a literal, so each call compiles to one field function chosen when the query is
 * compiled; fields are computed from the epoch day with integer arithmetic, no `Date` per row.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import {
  formatType,
  isInterval,
  isTimestamp,
  type SqlType,
  Types,
  withNullability,
} from '../catalog/types.js';
import type { ScalarFunctionDef } from './functions.js';
import type { Rex } from './rex.js';
import { runtime } from './runtime.js';
import { localMillis } from './math-time-functions.js';

const DAY_MS = 86_400_000;

/**
 * The day of a 400-year era (from 0000-03-01, so that the leap day ends each era's years) and
 * the year within the era, written into `MARCH_DATE`: shared by {@link civilOfDay} and
 * {@link yearOfDay} without building an object per call.
 */
const MARCH_DATE = { era: 0, yearOfEra: 0, dayOfYear: 0 };

function marchDate(epochDay: number): void {
  const z = epochDay + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  MARCH_DATE.era = era;
  MARCH_DATE.yearOfEra = yearOfEra;
  MARCH_DATE.dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
}

/** Year, month (1-12) and day (1-31) of an epoch day, in the proleptic Gregorian calendar. */
function civilOfDay(epochDay: number): [number, number, number] {
  marchDate(epochDay);
  const { era, yearOfEra, dayOfYear } = MARCH_DATE;
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** The year of an epoch day: {@link civilOfDay}'s first field without building the triple. */
function yearOfDay(epochDay: number): number {
  marchDate(epochDay);
  // Days from March 1: January and February (306 days on) belong to the next year.
  return MARCH_DATE.yearOfEra + MARCH_DATE.era * 400 + (MARCH_DATE.dayOfYear >= 306 ? 1 : 0);
}

/** Leap days in years 1 to `year` (0 or negative counts backwards, as floor division does). */
const leapDaysTo = (year: number) => Math.floor(year / 4) - Math.floor(year / 100) + Math.floor(year / 400);

/** The epoch day of January 1 of `year`: 365 days a year plus the leap days between. */
function januaryFirst(year: number): number {
  return 365 * (year - 1970) + leapDaysTo(year - 1) - leapDaysTo(1969);
}

const floorMod = (a: number, b: number) => ((a % b) + b) % b;

/** 1 = Monday … 7 = Sunday; epoch day 0 (1970-01-01) was a Thursday. */
const isoDayOfWeek = (epochDay: number) => floorMod(epochDay + 3, 7) + 1;

/** The ISO-8601 week-year of a day: the year of the Thursday of its week. */
function isoYear(epochDay: number): number {
  return yearOfDay(epochDay - isoDayOfWeek(epochDay) + 4);
}

/** The ISO-8601 week (1-53): weeks start on Monday, week 1 holds the year's first Thursday. */
function isoWeek(epochDay: number): number {
  const thursday = epochDay - isoDayOfWeek(epochDay) + 4;
  return Math.floor((thursday - januaryFirst(yearOfDay(thursday))) / 7) + 1;
}

/** Java's `int` division, which truncates toward zero, giving 0 rather than -0. */
const quotient = (a: number, b: number) => Math.trunc(a / b) + 0;

/** The units computed from the day alone, by their function of the epoch day. */
const DAY_FIELDS: Readonly<Record<string, (epochDay: number) => number>> = {
  YEAR: yearOfDay,
  QUARTER: (d) => Math.floor((civilOfDay(d)[1] - 1) / 3) + 1,
  MONTH: (d) => civilOfDay(d)[1],
  DAY: (d) => civilOfDay(d)[2],
  DOW: (d) => floorMod(d + 4, 7) + 1,
  ISODOW: isoDayOfWeek,
  DOY: (d) => d - januaryFirst(yearOfDay(d)) + 1,
  WEEK: isoWeek,
  ISOYEAR: isoYear,
  DECADE: (d) => quotient(yearOfDay(d), 10),
  CENTURY: (d) => {
    const year = yearOfDay(d);
    return year > 0 ? quotient(year + 99, 100) : quotient(year - 99, 100);
  },
  MILLENNIUM: (d) => {
    const year = yearOfDay(d);
    return year > 0 ? quotient(year + 999, 1000) : quotient(year - 999, 1000);
  },
};

/** The units of the time of day, by their function of the milliseconds of the day (0 ≤ ms < a day). */
const TIME_FIELDS: Readonly<Record<string, (msOfDay: number) => number>> = {
  HOUR: (ms) => Math.floor(ms / 3_600_000),
  MINUTE: (ms) => Math.floor(ms / 60_000) % 60,
  SECOND: (ms) => Math.floor(ms / 1000) % 60,
  MILLISECOND: (ms) => ms % 1000,
  MICROSECOND: (ms) => (ms % 1000) * 1000,
  NANOSECOND: (ms) => (ms % 1000) * 1_000_000,
};

/** Units a TIME has: not the sub-millisecond ones, which Flink takes from a TIMESTAMP only. */
const TIME_UNITS_OF_TIME = new Set(['HOUR', 'MINUTE', 'SECOND', 'MILLISECOND']);

/** Every unit EXTRACT knows, for messages. */
const ALL_UNITS = [...Object.keys(DAY_FIELDS), ...Object.keys(TIME_FIELDS), 'EPOCH'];

function unitOf(args: readonly Rex[]): string | undefined {
  const unit = args[0];
  return unit?.kind === 'literal' && typeof unit.value === 'string' ? unit.value : undefined;
}

/**
 * The fields of an interval, as Flink's generated code takes them (Java's truncating division
 * and remainder, so a negative interval has negative fields): a day-time interval in
 * milliseconds, a year-month interval in months.
 */
const INTERVAL_FIELDS: Readonly<Record<string, Readonly<Record<string, (v: number) => number>>>> = {
  INTERVAL_DAY_TIME: {
    DAY: (ms) => quotient(ms, DAY_MS),
    HOUR: (ms) => quotient(ms % DAY_MS, 3_600_000),
    MINUTE: (ms) => quotient(ms % 3_600_000, 60_000),
    SECOND: (ms) => quotient(ms % 60_000, 1000),
    MILLISECOND: (ms) => (ms % 1000) + 0,
    EPOCH: (ms) => quotient(ms, 1000),
  },
  INTERVAL_YEAR_MONTH: {
    YEAR: (months) => quotient(months, 12),
    QUARTER: (months) => quotient((months % 12) - 1, 3) + 1,
    MONTH: (months) => (months % 12) + 0,
  },
};

function extractType(name: string, unit: string, value: Rex, pos: SourcePos | undefined): SqlType {
  const t = value.type;
  const intervalFields = INTERVAL_FIELDS[t.root];
  if (intervalFields !== undefined) {
    if (!(unit in intervalFields))
      throw validationError(
        pos,
        `${name} cannot take ${unit} from an ${t.root === 'INTERVAL_YEAR_MONTH' ? 'INTERVAL YEAR TO MONTH' : 'INTERVAL DAY TO SECOND'}; it has ${Object.keys(intervalFields).join(', ')}`,
      );
    return withNullability(Types.BIGINT, t.nullable);
  }
  const kind = isTimestamp(t) ? 'TIMESTAMP' : t.root === 'DATE' || t.root === 'TIME' ? t.root : undefined;
  if (kind === undefined && t.root !== 'NULL')
    throw validationError(
      pos,
      `cannot apply ${name} to ${formatType(t)}; expected a DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ or an interval`,
    );
  const ok =
    kind === 'TIME'
      ? TIME_UNITS_OF_TIME.has(unit)
      : kind === 'DATE'
        ? unit !== 'MICROSECOND' && unit !== 'NANOSECOND'
        : true;
  if (!ok)
    throw validationError(
      pos,
      `${name} cannot take ${unit} from a ${formatType(withNullability(t, true))}; ${
        kind === 'TIME'
          ? 'a TIME has HOUR, MINUTE, SECOND and MILLISECOND'
          : 'MICROSECOND and NANOSECOND need a TIMESTAMP (cast the DATE)'
      }`,
    );
  return withNullability(Types.BIGINT, t.nullable);
}

/** Code for field `unit` of `js`, a value of `arg`'s type. */
function emitField(unit: string, js: string, arg: Rex, constant: (value: unknown) => string): string {
  const root = arg.type.root;
  const intervalField = INTERVAL_FIELDS[root]?.[unit];
  if (intervalField !== undefined) return `${constant(intervalField)}(${js})`;
  if (root === 'TIME') return `${constant(TIME_FIELDS[unit])}(${js})`;
  if (root === 'DATE') {
    if (unit === 'EPOCH') return `(${js} * 86400)`;
    const dayField = DAY_FIELDS[unit];
    // A DATE has no time of day: its hours, minutes, seconds and milliseconds are 0 (Calcite).
    return dayField !== undefined ? `${constant(dayField)}(${js})` : `(${js} * 0)`;
  }
  const ms = localMillis(js, arg, constant);
  if (unit === 'EPOCH') return `(Math.trunc(${ms} / 1000) + 0)`;
  const dayField = DAY_FIELDS[unit];
  if (dayField !== undefined) return `${constant(dayField)}(Math.floor(${ms} / ${DAY_MS}))`;
  return `${constant(TIME_FIELDS[unit])}(${constant(floorMod)}(${ms}, ${DAY_MS}))`;
}

/**
 * A function of one date-time giving one field, as Flink's `YEAR(t)`, `QUARTER(t)`, `HOUR(t)`…
 * (each EXTRACT of its unit).
 */
export function fieldFunction(unit: string): ScalarFunctionDef {
  return {
    type(args, pos) {
      if (args.length !== 1) throw validationError(pos, `${unit} takes 1 argument, got ${args.length}`);
      return extractType(unit, unit, args[0]!, pos);
    },
    emit: ([v], c, constant) => emitField(unit, v!, c.args[0]!, constant),
  };
}

/** Whether two endpoint types can be compared: the same kind of date-time value. */
function endpointKind(t: SqlType): string | undefined {
  if (t.root === 'NULL') return 'NULL';
  if (t.root === 'TIMESTAMP' || t.root === 'DATE') return 'TIMESTAMP';
  if (t.root === 'TIMESTAMP_LTZ' || t.root === 'TIME') return t.root;
  return undefined;
}

/** Code for `js` as a comparable number: DATEs as the milliseconds of their midnight. */
const asComparable = (js: string, arg: Rex) =>
  arg.type.root === 'DATE' ? `(${js} === null ? null : ${js} * ${DAY_MS})` : js;

/** Code for a period's end given as an interval after its start (null stays null). */
function endAfter(
  start: string,
  startArg: Rex,
  interval: string,
  intervalArg: Rex,
  constant: (v: unknown) => string,
) {
  const months = intervalArg.type.root === 'INTERVAL_YEAR_MONTH';
  const s = asComparable(start, startArg);
  if (startArg.type.root === 'TIME')
    // TIME arithmetic wraps around midnight, as TIME '23:00' + INTERVAL '2' HOUR is 01:00.
    return `(${start} === null || ${interval} === null ? null : ${constant(floorMod)}(${start} + ${interval}, ${DAY_MS}))`;
  const moved = months ? `${constant(runtime.addMonths)}(${s}, ${interval})` : `(${s} + ${interval})`;
  // DATE + a day-time interval stays a DATE: whole days, as Flink's DATE arithmetic.
  const end =
    startArg.type.root === 'DATE' && !months ? `(Math.floor(${moved} / ${DAY_MS}) * ${DAY_MS})` : moved;
  return `(${start} === null || ${interval} === null ? null : ${end})`;
}

/**
 * Calcite's OVERLAPS with SQL's three-valued logic: each period is ordered first (when its ends
 * cannot be compared, because one is null, the second is taken as the start), then the periods
 * overlap when each ends at or after the other starts.
 */
function overlaps(
  a0: number | null,
  a1: number | null,
  b0: number | null,
  b1: number | null,
): boolean | null {
  // Per row: no arrays or closures, as this runs in every row's filter or projection.
  const aSwapped = a0 === null || a1 === null || a0 > a1;
  const s0 = aSwapped ? a1 : a0;
  const e0 = aSwapped ? a0 : a1;
  const bSwapped = b0 === null || b1 === null || b0 > b1;
  const s1 = bSwapped ? b1 : b0;
  const e1 = bSwapped ? b0 : b1;
  const first = e0 === null || s1 === null ? null : e0 >= s1;
  const second = e1 === null || s0 === null ? null : e1 >= s0;
  if (first === false || second === false) return false;
  return first === null || second === null ? null : true;
}

/** EXTRACT and OVERLAPS, merged into the function table by `functions.ts`. */
export const DATETIME_FIELD_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  EXTRACT: {
    type(args, pos) {
      const unit = unitOf(args);
      if (args.length !== 2 || unit === undefined)
        throw validationError(pos, 'EXTRACT takes a unit and a value, as in EXTRACT(DAY FROM ts)');
      if (!ALL_UNITS.includes(unit))
        throw validationError(pos, `EXTRACT has no unit '${unit}'; use one of ${ALL_UNITS.join(', ')}`);
      return extractType('EXTRACT', unit, args[1]!, pos);
    },
    emit: ([, v], c, constant) => emitField(unitOf(c.args)!, v!, c.args[1]!, constant),
  },
  OVERLAPS: {
    strict: false,
    type(args, pos) {
      if (args.length !== 4)
        throw validationError(pos, 'OVERLAPS compares two periods, as in (start, end) OVERLAPS (start, end)');
      const [a0, a1, b0, b1] = args as [Rex, Rex, Rex, Rex];
      const kinds = new Set<string>();
      for (const [start, end] of [
        [a0, a1],
        [b0, b1],
      ] as const) {
        const startKind = endpointKind(start.type);
        const endOk = isInterval(end.type)
          ? !(start.type.root === 'TIME' && end.type.root === 'INTERVAL_YEAR_MONTH')
          : endpointKind(end.type) !== undefined;
        if (startKind === undefined || !endOk)
          throw validationError(
            pos,
            `cannot apply OVERLAPS to (${formatType(start.type)}, ${formatType(end.type)}); each period is (start, end) or (start, interval) of DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ values`,
          );
        kinds.add(startKind);
        if (!isInterval(end.type)) kinds.add(endpointKind(end.type)!);
      }
      kinds.delete('NULL');
      if (kinds.size > 1)
        throw validationError(
          pos,
          `OVERLAPS cannot compare ${args.map((a) => formatType(a.type)).join(', ')}; cast the periods to one type`,
        );
      return withNullability(
        Types.BOOLEAN,
        args.some((a) => a.type.nullable),
      );
    },
    emit(js, c, constant) {
      const end = (i: number) =>
        isInterval(c.args[i + 1]!.type)
          ? endAfter(js[i]!, c.args[i]!, js[i + 1]!, c.args[i + 1]!, constant)
          : asComparable(js[i + 1]!, c.args[i + 1]!);
      return `${constant(overlaps)}(${asComparable(js[0]!, c.args[0]!)}, ${end(0)}, ${asComparable(js[2]!, c.args[2]!)}, ${end(2)})`;
    },
  },
};
