/**
 * Built-in scalar functions of Flink's list that the other modules lack: UNHEX, RAND and
 * RAND_INTEGER with a seed (Java's `java.util.Random` sequence, so a seeded query gives Flink's
 * numbers), CURRENT_DATABASE, the time units of FLOOR/CEIL(timestamp TO unit), and the
 * `SIMILAR TO` operator (SQL's regular expressions).
 */
import {
  formatType,
  isInteger,
  isString,
  isTimestamp,
  type SqlType,
  Types,
  withNullability,
} from '../catalog/types.js';
import { validationError } from '../errors.js';
import { JavaRandom } from '../../connectors/nexmark/java-random.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import type { ScalarFunctionDef } from '../expressions/functions.js';
import type { Rex } from '../expressions/rex.js';
import { runtime } from '../expressions/runtime.js';
import { parseZoned } from '../expressions/math-time-functions.js';
import { checkTimeZoneId, sessionTimeZone, type TimeZone, timeZone } from '../expressions/time-zone.js';
import type { SourcePos } from '../parser/ast.js';
import { plannedSession } from './planning-context.js';

/** The session's current database while a statement is planned (Flink's default outside). */
export const currentDatabase = (): string => plannedSession()?.currentDatabase() ?? 'default_database';

const DAY_MS = 86_400_000;

/** UNHEX: the bytes of a hexadecimal string; an odd length reads as if a `0` led it; NULL if not hex. */
export function unhex(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]*$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text.length % 2 === 1 ? `0${text}` : text, 'hex'));
}

/** A literal integer argument's value, or a positioned error naming what it is for. */
function literalInteger(name: string, arg: Rex, what: string, pos: SourcePos | undefined): number {
  if (!isInteger(arg.type) || arg.kind !== 'literal' || arg.value === null)
    throw validationError(pos, `${name}'s ${what} must be an integer literal, got ${formatType(arg.type)}`);
  return Number(arg.value);
}

const UNITS_MONTHS: Record<string, number> = { YEAR: 12, QUARTER: 3, MONTH: 1 };
const UNITS_MS: Record<string, number> = {
  WEEK: 7 * DAY_MS,
  DAY: DAY_MS,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
  MILLISECOND: 1,
};

/** The time units FLOOR and CEIL round a timestamp to. */
export const ROUNDING_UNITS: readonly string[] = [...Object.keys(UNITS_MONTHS), ...Object.keys(UNITS_MS)];

/**
 * A timestamp (epoch milliseconds of its wall clock) rounded down to `unit`: months, quarters
 * and years to their first day, weeks to their Sunday (as Flink's Calcite-derived date utils do),
 * the rest to a multiple of their length.
 */
export function floorToUnit(ms: number, unit: string): number {
  const months = UNITS_MONTHS[unit];
  if (months !== undefined) {
    const d = new Date(ms);
    const month = d.getUTCMonth();
    return Date.UTC(d.getUTCFullYear(), month - (month % months), 1);
  }
  // Epoch day 0 was a Thursday: weeks start 4 days before a multiple of 7 days.
  if (unit === 'WEEK') return Math.floor((ms + 4 * DAY_MS) / UNITS_MS.WEEK!) * UNITS_MS.WEEK! - 4 * DAY_MS;
  const size = UNITS_MS[unit] ?? 1;
  return Math.floor(ms / size) * size;
}

/**
 * A timestamp rounded up to `unit`: unchanged when already on a boundary. For years, quarters,
 * months and weeks Flink rounds the timestamp's date (its `unixTimestampCeil`), so a time on the
 * first day of the unit gives that day's midnight: CEIL(TIMESTAMP '2020-03-01 10:00:00' TO
 * MONTH) is 2020-03-01 00:00:00, as there.
 */
export function ceilToUnit(ms: number, unit: string): number {
  const months = UNITS_MONTHS[unit];
  if (months !== undefined || unit === 'WEEK') {
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    const floor = floorToUnit(day, unit);
    if (floor === day) return day;
    return months !== undefined ? runtime.addMonths(floor, months) : floor + UNITS_MS.WEEK!;
  }
  const floor = floorToUnit(ms, unit);
  return floor === ms ? ms : floor + (UNITS_MS[unit] ?? 1);
}

/** Checks a `FLOOR/CEIL(timestamp, date or time TO unit)` call and gives its type. */
export function timeRoundingType(name: string, args: readonly Rex[], pos: SourcePos | undefined): SqlType {
  const [value, unit] = args as [Rex, Rex];
  const t = value.type;
  if (!isTimestamp(t) && t.root !== 'DATE' && t.root !== 'TIME')
    throw validationError(
      pos,
      `cannot apply ${name} to ${formatType(t)} TO a unit; expected a timestamp, date or time`,
    );
  if (unit.kind === 'literal' && !ROUNDING_UNITS.includes(String(unit.value)))
    throw validationError(pos, `${name} rounds to ${ROUNDING_UNITS.join(', ')}, not ${String(unit.value)}`);
  return t;
}

/**
 * Code for `FLOOR/CEIL(value TO unit)` given `round` (floorToUnit or ceilToUnit) as code: a DATE
 * (epoch days) rounds as its midnight, a TIME (milliseconds of the day) as a time on day 0, and
 * a TIMESTAMP_LTZ as its wall clock in the session zone (`constant` makes the zone available),
 * as Flink rounds one, giving back the instant of the rounded wall clock.
 */
export function timeRoundingCode(
  value: string,
  unit: string,
  type: SqlType,
  round: string,
  constant: (value: unknown) => string,
): string {
  if (type.root === 'DATE') return `(${round}(${value} * ${DAY_MS}, ${unit}) / ${DAY_MS})`;
  const zone = sessionTimeZone();
  if (type.root !== 'TIMESTAMP_LTZ' || zone.isUtc) return `${round}(${value}, ${unit})`;
  const z = constant(zone);
  return `${z}.fromLocal(${round}(${z}.toLocal(${value}), ${unit}))`;
}

/**
 * A `SIMILAR TO` pattern as a JavaScript regular expression matching the whole text, as
 * Calcite translates it for Flink: `%` is any text, `_` any character, `| * + ? {m,n} ( ) [ ]`
 * keep their regular-expression meaning, every other character (`.`, `^`, `$`, `\`…) is
 * itself, and the escape character makes the next one literal. Null for a malformed pattern.
 */
export function similarPattern(pattern: string, escapeChar?: string): RegExp | null {
  let source = '';
  let inClass = false;
  const literal = (c: string) => (/[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c);
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escapeChar !== undefined && c === escapeChar) {
      const next = pattern[++i];
      if (next === undefined) return null;
      source += literal(next);
    } else if (inClass) {
      if (c === ']') inClass = false;
      source += c === '\\' ? '\\\\' : c;
    } else if (c === '[') {
      inClass = true;
      source += c;
    } else if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else if ('|*+?{}()'.includes(c)) source += c;
    else source += literal(c);
  }
  try {
    return inClass ? null : new RegExp(`^(?:${source})$`, 'u');
  } catch {
    return null;
  }
}

const similarPatterns = new Map<string, RegExp | null>();

/** `text SIMILAR TO pattern [ESCAPE e]` for a pattern known only per row. */
function similar(text: string, pattern: string, escapeChar?: string): boolean {
  const key = `${escapeChar ?? ''}\u0000${pattern}`;
  let regex = similarPatterns.get(key);
  if (regex === undefined) {
    regex = similarPattern(pattern, escapeChar);
    if (similarPatterns.size >= 256) similarPatterns.clear();
    similarPatterns.set(key, regex);
  }
  if (regex === null) throw userError(ErrorCodes.MALFORMED_RECORD, `invalid SIMILAR TO pattern '${pattern}'`);
  return regex.test(text);
}

/**
 * TO_TIMESTAMP_LTZ(string[, format[, zone]]) (Flink 2.0): the instant whose wall clock in
 * `zone` (the session's by default) the text gives, read by a Java pattern (by default
 * `yyyy-MM-dd HH:mm:ss.SSS`, the fraction optional); an offset in the text wins; NULL for text
 * or a zone that does not parse.
 */
function timestampLtzFromText(session: TimeZone) {
  return (text: string, pattern?: string, zone?: string): number | null => {
    const parsed = parseZoned(text, pattern);
    if (parsed === null) return null;
    if (parsed.zoned) return parsed.ms;
    if (zone === undefined) return session.fromLocal(parsed.ms);
    if ('expected' in checkTimeZoneId(zone)) return null;
    return timeZone(zone).fromLocal(parsed.ms);
  };
}

/** Whether a TO_TIMESTAMP_LTZ call parses text (its first argument is a string). */
export const parsesText = (args: readonly Rex[]): boolean => args.length > 0 && isString(args[0]!.type);

/** TO_TIMESTAMP_LTZ of text: its type check, result type and code. */
export const TO_TIMESTAMP_LTZ_TEXT: ScalarFunctionDef = {
  type(args, pos) {
    if (args.length > 3)
      throw validationError(pos, `TO_TIMESTAMP_LTZ takes 1 to 3 arguments, got ${args.length}`);
    args.forEach((a, i) => {
      if (!isString(a.type) && a.type.root !== 'NULL')
        throw validationError(
          pos,
          `TO_TIMESTAMP_LTZ of text takes strings (text[, format[, time zone]]); argument ${i + 1} is ${formatType(a.type)}`,
        );
    });
    return withNullability(Types.timestampLtz(3), true);
  },
  // The default pattern is read as Weir's timestamp text (the fraction optional).
  emit: (args, _c, constant) =>
    `${constant(timestampLtzFromText(sessionTimeZone()))}(${args[0]}, ${args[1] ?? 'undefined'}${args[2] === undefined ? '' : `, ${args[2]}`})`,
};

/** The functions of this module by upper-case name. */
export const MORE_SCALAR_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  UNHEX: {
    type(args, pos) {
      if (args.length !== 1) throw validationError(pos, `UNHEX takes 1 argument, got ${args.length}`);
      const t = args[0]!.type;
      if (t.root !== 'NULL' && !isString(t))
        throw validationError(pos, `cannot apply UNHEX to (${formatType(t)}); expected (STRING)`);
      return withNullability({ root: 'VARBINARY', nullable: true, length: 2147483647 } as SqlType, true);
    },
    emit: ([s], _c, constant) => `${constant(unhex)}(${s})`,
  },
  RAND: {
    type(args, pos) {
      if (args.length > 1) throw validationError(pos, `RAND takes 0 to 1 arguments, got ${args.length}`);
      if (args.length === 1) literalInteger('RAND', args[0]!, 'seed', pos);
      return withNullability(Types.DOUBLE, false);
    },
    // A seeded generator is built once per compiled operator, as Flink's generated member is.
    emit: (_args, c, constant) =>
      c.args.length === 0
        ? 'Math.random()'
        : `${constant(new JavaRandom(Number((c.args[0] as { value: unknown }).value)))}.nextDouble()`,
  },
  RAND_INTEGER: {
    type(args, pos) {
      if (args.length < 1 || args.length > 2)
        throw validationError(pos, `RAND_INTEGER takes 1 to 2 arguments, got ${args.length}`);
      if (args.length === 2) literalInteger('RAND_INTEGER', args[0]!, 'seed', pos);
      const bound = args[args.length - 1]!;
      if (!isInteger(bound.type) && bound.type.root !== 'NULL')
        throw validationError(pos, `RAND_INTEGER's bound must be an integer, got ${formatType(bound.type)}`);
      return withNullability(Types.INT, bound.type.nullable);
    },
    emit: (args, c, constant) =>
      args.length === 1
        ? `Math.floor(Math.random() * ${args[0]})`
        : `${constant(new JavaRandom(Number((c.args[0] as { value: unknown }).value)))}.nextInt(${args[1]})`,
  },
  // The operator's name has a space, so SHOW FUNCTIONS does not list it as a function.
  'SIMILAR TO': {
    type(args, pos) {
      for (const a of args)
        if (!isString(a.type) && a.type.root !== 'NULL')
          throw validationError(pos, `SIMILAR TO needs strings, got ${formatType(a.type)}`);
      const escapeChar = args[2];
      if (
        escapeChar?.kind === 'literal' &&
        typeof escapeChar.value === 'string' &&
        escapeChar.value.length !== 1
      )
        throw validationError(pos, `SIMILAR TO's ESCAPE must be one character, got '${escapeChar.value}'`);
      const pattern = args[1]!;
      if (pattern.kind === 'literal' && typeof pattern.value === 'string') {
        const e = escapeChar?.kind === 'literal' ? (escapeChar.value as string) : undefined;
        if (similarPattern(pattern.value, e) === null)
          throw validationError(pos, `invalid SIMILAR TO pattern '${pattern.value}'`);
      }
      return withNullability(
        Types.BOOLEAN,
        args.some((a) => a.type.nullable),
      );
    },
    emit(args, c, constant) {
      // A literal pattern (and escape character) compiles once per operator.
      const [pattern, escapeChar] = [c.args[1]!, c.args[2]];
      if (pattern.kind === 'literal' && (escapeChar === undefined || escapeChar.kind === 'literal')) {
        const regex = similarPattern(
          pattern.value as string,
          escapeChar?.kind === 'literal' ? (escapeChar.value as string) : undefined,
        );
        return `${constant(regex)}.test(${args[0]})`;
      }
      return `${constant(similar)}(${args.join(', ')})`;
    },
  },
  CURRENT_DATABASE: {
    type(args, pos) {
      if (args.length !== 0)
        throw validationError(pos, `CURRENT_DATABASE takes no arguments, got ${args.length}`);
      return withNullability(Types.STRING, false);
    },
    // The typer folds the call into the session's database when the statement is planned
    // (see currentDatabase); this is for a call built some other way.
    emit: (_args, _c, constant) => constant(currentDatabase()),
  },
};
