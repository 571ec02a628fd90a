/**
 * Flink's built-in math, comparison and date-time functions beyond the core set in
 * `functions.ts`: ROUND/TRUNCATE with Flink's DECIMAL result types, the DOUBLE functions
 * (POWER, SQRT, LN, trigonometry…), GREATEST/LEAST/IFNULL, and the string/epoch conversions
 * (TO_TIMESTAMP, TO_DATE, UNIX_TIMESTAMP, FROM_UNIXTIME, DAYOFWEEK…). TIMESTAMP values are
 * epoch milliseconds read as UTC wall-clock time and DATE values epoch days, as everywhere in
 * the SQL layer. What Flink defines in the session time zone reads it when compiled
 * ({@link sessionTimeZone}): the clock's date and time of day, epoch seconds to and from text,
 * and the calendar fields of a TIMESTAMP_LTZ.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import {
  commonType,
  formatType,
  isInteger,
  isNumeric,
  isString,
  isTimestamp,
  type SqlType,
  Types,
  withNullability,
} from '../catalog/types.js';
import type { ScalarFunctionDef } from './functions.js';
import type { Rex } from './rex.js';
import { compileDateFormat, parseTimestamp, runtime } from './runtime.js';
import { sessionTimeZone, type TimeZone } from './time-zone.js';

const DAY_MS = 86_400_000;

function arity(name: string, args: readonly Rex[], pos: SourcePos | undefined, min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw validationError(pos, `${name} takes ${expected} arguments, got ${args.length}`);
  }
}

function mismatch(name: string, args: readonly Rex[], pos: SourcePos | undefined, expected: string): Error {
  return validationError(
    pos,
    `cannot apply ${name} to (${args.map((a) => formatType(a.type)).join(', ')}); expected ${expected}`,
  );
}

/** The result type, NULL exactly when an argument is (Flink's nullableIfArgs). */
const nullableIf = (type: SqlType, args: readonly Rex[]) =>
  withNullability(
    type,
    args.some((a) => a.type.nullable),
  );

const numericOrNull = (a: Rex) => isNumeric(a.type) || a.type.root === 'NULL';

/** A DOUBLE function of `n` numbers computed by a JavaScript expression. */
function doubleFn(name: string, n: number, js: (args: readonly string[]) => string): ScalarFunctionDef {
  return {
    type(args, pos) {
      arity(name, args, pos, n);
      if (!args.every(numericOrNull)) throw mismatch(name, args, pos, 'numbers');
      return nullableIf(Types.DOUBLE, args);
    },
    emit: (args) => js(args),
  };
}

/**
 * ROUND and TRUNCATE keep an integer or floating type; on DECIMAL(p, s) to `r` places they give
 * DECIMAL(1 + p - s + r, r) when r < s (one more digit, as rounding can carry), as Flink does.
 */
function roundType(name: string, args: readonly Rex[], pos: SourcePos | undefined): SqlType {
  arity(name, args, pos, 1, 2);
  const [x, digits] = args as [Rex, Rex | undefined];
  if (!numericOrNull(x) || (digits !== undefined && !isInteger(digits.type)))
    throw mismatch(name, args, pos, '(a number, integer places)');
  if (x.type.root !== 'DECIMAL') return nullableIf(x.type, args);
  const r = digits === undefined ? 0 : literalInteger(digits);
  if (r === undefined) throw validationError(pos, `${name} of a DECIMAL needs a literal number of places`);
  const p = x.type.precision!;
  const s = x.type.scale!;
  if (r >= s) return nullableIf(x.type, args);
  if (r < 0) return nullableIf(Types.decimal(Math.min(38, 1 + p - s), 0), args);
  return nullableIf(Types.decimal(1 + p - s + r, r), args);
}

/** The value of an integer literal, also a negated one (`-2` types as NEGATE(2)). */
function literalInteger(rex: Rex): number | undefined {
  if (rex.kind === 'literal') return Number(rex.value);
  if (rex.kind === 'call' && rex.op === 'NEGATE' && rex.args[0]?.kind === 'literal')
    return -Number(rex.args[0].value);
  return undefined;
}

/** Half-up rounding (away from zero on a tie), with the float noise of `x * 10^d` removed first. */
function roundHalfUp(x: number, digits = 0): number {
  const f = 10 ** digits;
  const scaled = Number((Math.abs(x) * f).toPrecision(15));
  const r = (Math.sign(x) * Math.round(scaled)) / f;
  return r === 0 ? 0 : r;
}

function truncate(x: number, digits = 0): number {
  const f = 10 ** digits;
  const r = Math.trunc(Number((x * f).toPrecision(15))) / f;
  return r === 0 ? 0 : r;
}

/** GREATEST and LEAST: NULL when any argument is NULL, as Flink documents. */
function extreme(name: string, pick: 'max' | 'min'): ScalarFunctionDef {
  return {
    type(args, pos) {
      if (args.length < 1) throw validationError(pos, `${name} needs at least one argument`);
      let type: SqlType | undefined = args[0]!.type;
      for (const a of args.slice(1)) type = type === undefined ? undefined : commonType(type, a.type);
      if (type === undefined) throw mismatch(name, args, pos, 'values of one comparable type');
      return nullableIf(type, args);
    },
    emit: (args) =>
      args
        .slice(1)
        .reduce((acc, a) => `(${a} ${pick === 'max' ? '>' : '<'} ${acc} ? ${a} : ${acc})`, args[0]!),
  };
}

/** A parsed date-time: epoch millis, and whether the text gave its own UTC offset. */
export interface Parsed {
  readonly ms: number;
  /** `ms` is an instant (the text had an offset, read by an `X`, `x` or `Z` field). */
  readonly zoned: boolean;
}

/** An offset's text (`Z`, `+08`, `+0800`, `+08:00`) as milliseconds east of UTC. */
function offsetMillis(text: string): number {
  if (text === 'Z') return 0;
  const digits = text.slice(1).replace(':', '');
  const ms = (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  return text[0] === '-' ? -ms : ms;
}

/**
 * A Java date pattern (`yyyy-MM-dd HH:mm:ss.SSS`, with `X`/`x`/`Z` for a UTC offset, and the
 * like) as a parser to epoch millis, or null when the text does not match.
 */
function compileDateParser(pattern: string): (text: string) => Parsed | null {
  const fields: string[] = [];
  let source = '';
  const re = /(y+|M+|d+|H+|m+|s+|S+|X+|x+|Z+)|'([^']*)'|(.)/g;
  for (let m = re.exec(pattern); m !== null; m = re.exec(pattern)) {
    if (m[1] !== undefined) {
      const letter = m[1][0]!;
      fields.push(letter);
      if ('XxZ'.includes(letter)) source += '(Z|[+-]\\d{2}(?::?\\d{2})?)';
      else
        source += letter === 'S' ? '(\\d{1,9})' : `(\\d{1,${Math.max(m[1].length, letter === 'y' ? 4 : 2)}})`;
    } else source += (m[2] ?? m[3]!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const matcher = new RegExp(`^${source}$`);
  return (text) => {
    const m = matcher.exec(text.trim());
    if (m === null) return null;
    const v: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
    let offset: number | undefined;
    fields.forEach((f, i) => {
      const digits = m[i + 1]!;
      if ('XxZ'.includes(f)) offset = offsetMillis(digits);
      else v[f] = f === 'S' ? Number(digits.padEnd(3, '0').slice(0, 3)) : Number(digits);
    });
    const local = Date.UTC(v.y!, v.M! - 1, v.d!, v.H!, v.m!, v.s!, v.S!);
    return offset === undefined ? { ms: local, zoned: false } : { ms: local - offset, zoned: true };
  };
}

const parsers = new Map<string, (text: string) => Parsed | null>();

/**
 * Text by a Java pattern, or by Flink's default `yyyy-MM-dd HH:mm:ss[.SSS]`: epoch millis of the
 * wall clock, or of the instant when the pattern reads an offset (`zoned`); null if it does not
 * match.
 */
export function parseZoned(text: string, pattern?: string): Parsed | null {
  if (pattern === undefined) {
    const ms = parseTimestamp(text);
    return ms === null ? null : { ms, zoned: false };
  }
  let parser = parsers.get(pattern);
  if (parser === undefined) {
    parser = compileDateParser(pattern);
    if (parsers.size < 100) parsers.set(pattern, parser);
  }
  return parser(text);
}

/** Text to epoch millis (a wall clock, or the instant an offset in the text gives). */
function parseWith(text: string, pattern?: string): number | null {
  return parseZoned(text, pattern)?.ms ?? null;
}

/** A function of (STRING[, format STRING]) parsing a date-time. */
function parseFn(name: string, result: SqlType, convert: (ms: number) => number): ScalarFunctionDef {
  return {
    type(args, pos) {
      arity(name, args, pos, 1, 2);
      if (!args.every((a) => isString(a.type) || a.type.root === 'NULL'))
        throw mismatch(name, args, pos, '(STRING[, format STRING])');
      return withNullability(result, true);
    },
    emit: (args, _c, constant) => {
      const parse = constant((text: string, pattern?: string) => {
        const ms = parseWith(text, pattern);
        return ms === null ? null : convert(ms);
      });
      return `${parse}(${args.join(', ')})`;
    },
  };
}

/** A calendar field of a DATE or TIMESTAMP as BIGINT. */
function dateField(name: string, field: (d: Date) => number): ScalarFunctionDef {
  return {
    type(args, pos) {
      arity(name, args, pos, 1);
      const t = args[0]!.type;
      if (!isTimestamp(t) && t.root !== 'DATE') throw mismatch(name, args, pos, 'a DATE or TIMESTAMP');
      return nullableIf(Types.BIGINT, args);
    },
    emit: ([v], c, constant) => {
      const ms = c.args[0]!.type.root === 'DATE' ? `${v} * ${DAY_MS}` : localMillis(v!, c.args[0]!, constant);
      return `${constant((x: number) => field(new Date(x)))}(${ms})`;
    },
  };
}

const UNIT_MS: Record<string, number> = {
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: DAY_MS,
  WEEK: 7 * DAY_MS,
};
const UNIT_MONTHS: Record<string, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 };
/**
 * Units finer than the millisecond values carry, by how many make a millisecond: TIMESTAMPADD
 * adds their count divided by that, truncated toward zero (Calcite's rule for a TIMESTAMP(3)),
 * and TIMESTAMPDIFF counts them exactly.
 */
const UNITS_PER_MS: Record<string, number> = { MICROSECOND: 1000, NANOSECOND: 1_000_000 };

/** The unit of TIMESTAMPDIFF/TIMESTAMPADD: the parser turns the bare word into a string literal. */
function unitArg(name: string, args: readonly Rex[], pos: SourcePos | undefined): string {
  const unit = args[0];
  const word = unit?.kind === 'literal' && typeof unit.value === 'string' ? unit.value : undefined;
  if (word === undefined || !(word in UNIT_MS || word in UNIT_MONTHS || word in UNITS_PER_MS))
    throw validationError(
      pos,
      `${name} needs a time unit first (NANOSECOND, MICROSECOND, MILLISECOND, SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR), as in ${name}(MINUTE, …)`,
    );
  return word;
}

const timeOrDate = (a: Rex) => isTimestamp(a.type) || a.type.root === 'DATE' || a.type.root === 'NULL';
const asMillis = (js: string, a: Rex) => (a.type.root === 'DATE' ? `(${js} * ${DAY_MS})` : js);

/**
 * Whole months from `a` to `b` (epoch milliseconds) as Flink counts them (its Calcite-derived
 * `subtractMonths`): the most months that, added to the earlier day with the day clamped to the
 * month's length, do not pass the later one, so 2020-01-31 to 2020-02-29 is one month; on the
 * reached day itself the time of day decides.
 */
function monthsBetween(a: number, b: number): number {
  const millisB = ((b % DAY_MS) + DAY_MS) % DAY_MS;
  const millisA = ((a % DAY_MS) + DAY_MS) % DAY_MS;
  const dayB = (b - millisB) / DAY_MS;
  const dayA = (a - millisA) / DAY_MS;
  let months = dayMonths(dayB, dayA);
  if (addDayMonths(dayA, months) === dayB && millisB < millisA) months--;
  return months;
}

const addDayMonths = (day: number, months: number): number =>
  runtime.addMonths(day * DAY_MS, months) / DAY_MS;

/** Whole months from epoch day `day1` to `day0`, as Calcite's `subtractMonths(date0, date1)`. */
function dayMonths(day0: number, day1: number): number {
  if (day0 < day1) return -dayMonths(day1, day0);
  // No month is longer than 31 days, so this estimate is never above the answer.
  let m = Math.trunc((day0 - day1) / 31);
  for (;;) {
    if (addDayMonths(day1, m) >= day0) return m;
    if (addDayMonths(day1, m + 1) > day0) return m;
    m++;
  }
}

/**
 * Code for the local wall clock of `js`, milliseconds of a TIMESTAMP_LTZ `arg` in the session
 * zone; other timestamps (and any in UTC) are wall clocks already.
 */
export function localMillis(js: string, arg: Rex, constant: (value: unknown) => string): string {
  const zone = sessionTimeZone();
  return arg.type.root !== 'TIMESTAMP_LTZ' || zone.isUtc ? js : `${constant(zone)}.toLocal(${js})`;
}

/**
 * A function of no arguments reading the clock; `js` gets the code of the local wall clock
 * now (the session zone's, as Flink's CURRENT_DATE and LOCALTIME are).
 */
function clockFn(name: string, type: SqlType, js: (now: string) => string): ScalarFunctionDef {
  return {
    type(args, pos) {
      arity(name, args, pos, 0);
      return withNullability(type, false);
    },
    emit: (_args, _c, constant) => {
      const zone = sessionTimeZone();
      return js(zone.isUtc ? 'Date.now()' : `${constant(zone)}.toLocal(Date.now())`);
    },
  };
}

/** Java's Long.MIN_VALUE, which Flink's UNIX_TIMESTAMP gives for text it cannot parse. */
const LONG_MIN_VALUE = -(2 ** 63);

/** Epoch seconds of a wall-clock text in `zone`, by a pattern or Flink's default format. */
function unixSeconds(zone: TimeZone) {
  return (text: string, pattern?: string) => {
    const parsed = parseZoned(text, pattern);
    if (parsed === null) return LONG_MIN_VALUE;
    // An offset in the text wins over the session zone; seconds truncate as Java's division.
    return Math.trunc((parsed.zoned ? parsed.ms : zone.fromLocal(parsed.ms)) / 1000) + 0;
  };
}

/** Math, comparison and date-time functions by upper-case name, merged into `FUNCTIONS`. */
export const MATH_TIME_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  ROUND: {
    type: (args, pos) => roundType('ROUND', args, pos),
    emit: (args, _c, constant) => `${constant(roundHalfUp)}(${args.join(', ')})`,
  },
  TRUNCATE: {
    type: (args, pos) => roundType('TRUNCATE', args, pos),
    emit: (args, _c, constant) => `${constant(truncate)}(${args.join(', ')})`,
  },
  SIGN: {
    type(args, pos) {
      arity('SIGN', args, pos, 1);
      if (!numericOrNull(args[0]!)) throw mismatch('SIGN', args, pos, 'a number');
      return args[0]!.type;
    },
    emit: ([a]) => `(Math.sign(${a}) + 0)`,
  },
  POWER: doubleFn('POWER', 2, ([a, b]) => `Math.pow(${a}, ${b})`),
  SQRT: doubleFn('SQRT', 1, ([a]) => `Math.sqrt(${a})`),
  EXP: doubleFn('EXP', 1, ([a]) => `Math.exp(${a})`),
  LN: doubleFn('LN', 1, ([a]) => `Math.log(${a})`),
  LOG10: doubleFn('LOG10', 1, ([a]) => `Math.log10(${a})`),
  LOG2: doubleFn('LOG2', 1, ([a]) => `Math.log2(${a})`),
  // LOG(x) is the natural logarithm; LOG(base, x) the logarithm to that base.
  LOG: {
    type(args, pos) {
      arity('LOG', args, pos, 1, 2);
      if (!args.every(numericOrNull)) throw mismatch('LOG', args, pos, 'numbers');
      return nullableIf(Types.DOUBLE, args);
    },
    emit: (args) =>
      args.length === 1 ? `Math.log(${args[0]})` : `(Math.log(${args[1]}) / Math.log(${args[0]}))`,
  },
  SIN: doubleFn('SIN', 1, ([a]) => `Math.sin(${a})`),
  COS: doubleFn('COS', 1, ([a]) => `Math.cos(${a})`),
  TAN: doubleFn('TAN', 1, ([a]) => `Math.tan(${a})`),
  COT: doubleFn('COT', 1, ([a]) => `(1 / Math.tan(${a}))`),
  ASIN: doubleFn('ASIN', 1, ([a]) => `Math.asin(${a})`),
  ACOS: doubleFn('ACOS', 1, ([a]) => `Math.acos(${a})`),
  ATAN: doubleFn('ATAN', 1, ([a]) => `Math.atan(${a})`),
  ATAN2: doubleFn('ATAN2', 2, ([a, b]) => `Math.atan2(${a}, ${b})`),
  DEGREES: doubleFn('DEGREES', 1, ([a]) => `(${a} * 180 / Math.PI)`),
  RADIANS: doubleFn('RADIANS', 1, ([a]) => `(${a} * Math.PI / 180)`),
  PI: doubleFn('PI', 0, () => 'Math.PI'),
  E: doubleFn('E', 0, () => 'Math.E'),
  // RAND and RAND_INTEGER (with and without a seed) are in functions/more-scalar-functions.ts.
  GREATEST: extreme('GREATEST', 'max'),
  LEAST: extreme('LEAST', 'min'),
  IFNULL: {
    type(args, pos) {
      arity('IFNULL', args, pos, 2);
      const type = commonType(args[0]!.type, args[1]!.type);
      if (type === undefined) throw mismatch('IFNULL', args, pos, 'two values of one type');
      return withNullability(type, args[0]!.type.nullable && args[1]!.type.nullable);
    },
    emit: ([a, b]) => `(${a} ?? ${b})`,
    strict: false,
  },
  TO_TIMESTAMP: parseFn('TO_TIMESTAMP', Types.timestamp(3), (ms) => ms),
  TO_DATE: parseFn('TO_DATE', Types.DATE, (ms) => Math.floor(ms / DAY_MS)),
  // UNIX_TIMESTAMP() is the current second; with a string, that time's epoch second.
  UNIX_TIMESTAMP: {
    type(args, pos) {
      arity('UNIX_TIMESTAMP', args, pos, 0, 2);
      if (!args.every((a) => isString(a.type) || a.type.root === 'NULL'))
        throw mismatch('UNIX_TIMESTAMP', args, pos, '([STRING[, format STRING]])');
      return withNullability(Types.BIGINT, args.length > 0);
    },
    emit(args, _c, constant) {
      if (args.length === 0) return 'Math.floor(Date.now() / 1000)';
      // The text is a wall clock in the session zone, as in Flink.
      return `${constant(unixSeconds(sessionTimeZone()))}(${args.join(', ')})`;
    },
  },
  FROM_UNIXTIME: {
    type(args, pos) {
      arity('FROM_UNIXTIME', args, pos, 1, 2);
      if (!isNumeric(args[0]!.type) || (args[1] !== undefined && !isString(args[1].type)))
        throw mismatch('FROM_UNIXTIME', args, pos, '(epoch seconds[, format STRING])');
      // Nullable whatever the arguments, as in Flink: a format may not apply.
      return withNullability(Types.STRING, true);
    },
    emit(args, c, constant) {
      const pattern = c.args[1];
      const format = (p: string) => compileDateFormat(p);
      // The instant's wall clock in the session zone, as in Flink.
      const zone = sessionTimeZone();
      const ms = zone.isUtc ? `${args[0]} * 1000` : `${constant(zone)}.toLocal(${args[0]} * 1000)`;
      if (pattern === undefined || (pattern.kind === 'literal' && typeof pattern.value === 'string')) {
        const f = constant(format((pattern?.value as string | undefined) ?? 'yyyy-MM-dd HH:mm:ss'));
        return `${f}.format(${ms})`;
      }
      return `${constant(format)}(${args[1]}).format(${ms})`;
    },
  },
  // The clock read per row, as Flink's streaming mode does (not once per query).
  CURRENT_DATE: clockFn('CURRENT_DATE', Types.DATE, (now) => `Math.floor(${now} / ${DAY_MS})`),
  CURRENT_TIME: clockFn('CURRENT_TIME', Types.TIME, (now) => `(${now} % ${DAY_MS})`),
  LOCALTIME: clockFn('LOCALTIME', Types.TIME, (now) => `(${now} % ${DAY_MS})`),
  // An instant: the same in every zone.
  CURRENT_ROW_TIMESTAMP: {
    type(args, pos) {
      arity('CURRENT_ROW_TIMESTAMP', args, pos, 0);
      return withNullability(Types.timestampLtz(3), false);
    },
    emit: () => 'Date.now()',
  },
  // TIMESTAMPDIFF(unit, t1, t2): whole units from t1 to t2, truncated toward zero.
  TIMESTAMPDIFF: {
    type(args, pos) {
      arity('TIMESTAMPDIFF', args, pos, 3);
      unitArg('TIMESTAMPDIFF', args, pos);
      if (!timeOrDate(args[1]!) || !timeOrDate(args[2]!))
        throw mismatch('TIMESTAMPDIFF', args, pos, '(unit, TIMESTAMP or DATE, TIMESTAMP or DATE)');
      return nullableIf(Types.INT, args);
    },
    emit([, a, b], c, constant) {
      const unit = (c.args[0] as { value: string }).value;
      const x = asMillis(a!, c.args[1]!);
      const y = asMillis(b!, c.args[2]!);
      const months = UNIT_MONTHS[unit];
      if (months !== undefined) return `Math.trunc(${constant(monthsBetween)}(${x}, ${y}) / ${months})`;
      const fine = UNITS_PER_MS[unit];
      if (fine !== undefined) return `((${y} - ${x}) * ${fine} + 0)`;
      return `(Math.trunc((${y} - ${x}) / ${UNIT_MS[unit]}) + 0)`;
    },
  },
  // TIMESTAMPADD(unit, n, t): t moved by n units; months clamp the day to the month's length.
  TIMESTAMPADD: {
    type(args, pos) {
      arity('TIMESTAMPADD', args, pos, 3);
      unitArg('TIMESTAMPADD', args, pos);
      if (!isInteger(args[1]!.type) || !timeOrDate(args[2]!))
        throw mismatch('TIMESTAMPADD', args, pos, '(unit, INT, TIMESTAMP or DATE)');
      const t = args[2]!.type;
      // The result keeps the argument's kind, as interval arithmetic does: an instant stays one.
      const moved =
        t.root === 'DATE'
          ? Types.DATE
          : t.root === 'TIMESTAMP_LTZ'
            ? Types.timestampLtz(t.precision ?? 3)
            : Types.timestamp(t.precision ?? 3);
      return nullableIf(moved, args);
    },
    emit([, n, v], c, constant) {
      const unit = (c.args[0] as { value: string }).value;
      const date = c.args[2]!.type.root === 'DATE';
      const ms = asMillis(v!, c.args[2]!);
      const months = UNIT_MONTHS[unit];
      const fine = UNITS_PER_MS[unit];
      const moved =
        months !== undefined
          ? `${constant(runtime.addMonths)}(${ms}, ${n} * ${months})`
          : fine !== undefined
            ? `(${ms} + Math.trunc(${n} / ${fine}))`
            : `(${ms} + ${n} * ${UNIT_MS[unit]})`;
      return date ? `Math.floor(${moved} / ${DAY_MS})` : moved;
    },
  },
  DAYOFMONTH: dateField('DAYOFMONTH', (d) => d.getUTCDate()),
  DAYOFYEAR: dateField(
    'DAYOFYEAR',
    (d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1,
  ),
  // 1 is Sunday, 7 Saturday, as in Flink.
  DAYOFWEEK: dateField('DAYOFWEEK', (d) => d.getUTCDay() + 1),
};

/** Functions whose value changes between calls with the same arguments: rewrites must not move them. */
export const NON_DETERMINISTIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'RAND',
  'RAND_INTEGER',
  'UUID',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'LOCALTIME',
  'CURRENT_ROW_TIMESTAMP',
]);
