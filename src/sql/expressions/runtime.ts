/**
 * Helpers that compiled expressions call for what is too long to inline: casts, LIKE,
 * date formatting, string functions with SQL's 1-based positions. Compiled code receives this
 * object once, when the function is built; each helper takes non-null arguments (the
 * compiled code checks for null first), except where it says otherwise.
 */
import { fitBytes, fitChars } from './fit-length.js';
import { ErrorCodes, userError, WeirError } from '../../types/errors.js';
import { intervalFieldSize, isInterval, isString, MAX_LENGTH, type SqlType } from '../catalog/types.js';
import { type TimeZone, UTC_ZONE } from './time-zone.js';
import { fieldText, fieldUnit, parseDatePattern } from '../functions/date-pattern.js';
import { parseDecimalText, parseJavaDouble } from '../functions/java-number-parse.js';
import { javaDoubleText, javaFloatText } from '../functions/java-number-text.js';
import {
  type Long,
  longAbs,
  longAdd,
  longDivide,
  longFromDouble,
  longFromIntegral,
  longHashCode,
  longMultiply,
  longNegate,
  longRemainder,
  longSubtract,
  longToNarrowInteger,
  parseLong,
  toLong,
} from './long.js';

const DAY_MS = 86_400_000;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2024-01-02 03:04:05.678` for epoch millis, with `precision` fraction digits (0–3 kept). */
export function formatTimestamp(ms: number, precision = 3): string {
  const d = new Date(ms);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (precision <= 0) return base;
  return `${base}.${pad(d.getUTCMilliseconds(), 3).padEnd(precision, '0').slice(0, precision)}`;
}

/** `2024-01-02` for days since the epoch. */
export function formatDate(days: number): string {
  return formatTimestamp(days * DAY_MS).slice(0, 10);
}

/** `10:20:30` for milliseconds of the day. */
export function formatTime(ms: number): string {
  return formatTimestamp(ms, 0).slice(11);
}

/** Parses `YYYY-MM-DD[ HH:mm:ss[.fff]]` (also with `T`) as UTC epoch millis, or null. */
export function parseTimestamp(text: string): number | null {
  const m =
    /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?\s*$/.exec(
      text,
    );
  if (m === null) return null;
  const millis = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    millis,
  );
}

/** Parses `HH:mm[:ss[.fff]]` as milliseconds of the day (digits past milliseconds cut), or null. */
export function parseTime(text: string): number | null {
  const m = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?\s*$/.exec(text);
  if (m === null) return null;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = m[4] === undefined ? 0 : Number(m[4].padEnd(3, '0').slice(0, 3));
  return ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

const INTEGER_BITS: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 };

/** What Flink reads as an integer: digits, with a fraction it drops. */
const INTEGER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

/**
 * Text to an integer type as Flink casts it: trimmed, digits with an optional fraction that is
 * cut off; null for anything else (an exponent, hexadecimal) or a value out of the type's range.
 */
function parseIntegerText(text: string, root: string): Long | null {
  if (root === 'BIGINT') return parseLong(text);
  const t = text.trim();
  if (!INTEGER_TEXT.test(t)) return null;
  const n = Math.trunc(Number(t));
  const half = 2 ** (INTEGER_BITS[root]! - 1);
  return n < -half || n >= half ? null : n === 0 ? 0 : n;
}

/**
 * A number to a narrower integer type as Java's casts do, which Flink's are: from a floating
 * point type saturating at the int (or long) range and NaN to 0; from an integer or decimal,
 * keeping the low bits (so 300 is 44 as TINYINT). A BIGINT result is a canonical long
 * (`long.ts`).
 */
function narrowInteger(n: number | bigint, from: string, to: string): Long {
  const bits = INTEGER_BITS[to]!;
  if (typeof n === 'bigint') return longToNarrowInteger(n, bits);
  const floating = from === 'DOUBLE' || from === 'FLOAT';
  if (bits === 64) return floating ? longFromDouble(n) : longFromIntegral(n);
  let v = Math.trunc(n);
  if (floating) {
    if (Number.isNaN(n)) return 0;
    v = Math.min(Math.max(v, -(2 ** 31)), 2 ** 31 - 1);
  }
  const shift = 32 - bits;
  return ((v | 0) << shift) >> shift;
}

/** Milliseconds of the day `ms` (epoch or of the day) keeps at TIME `precision` (0 to 3). */
function timeOfDay(ms: number, precision: number): number {
  const unit = 10 ** (3 - Math.min(3, precision));
  const inDay = ((ms % DAY_MS) + DAY_MS) % DAY_MS;
  return inDay - (inDay % unit);
}

/**
 * A value as Flink prints it in results and `CAST(… AS STRING)`; TIMESTAMP_LTZ values in
 * `zone`, the session's time zone (see `time-zone.ts`).
 */
export function formatValue(value: unknown, type: SqlType, zone: TimeZone = UTC_ZONE): string {
  if (value === null || value === undefined) return 'NULL';
  switch (type.root) {
    case 'BOOLEAN':
      return value ? 'TRUE' : 'FALSE';
    case 'TIMESTAMP':
      return formatTimestamp(value as number, type.precision ?? 3);
    case 'TIMESTAMP_LTZ':
      return formatTimestamp(zone.toLocal(value as number), type.precision ?? 3);
    case 'DATE':
      return formatDate(value as number);
    case 'TIME': {
      // TIME(p) shows p fraction digits, as Flink prints it (only milliseconds are kept).
      const precision = Math.min(type.precision ?? 0, 9);
      if (precision === 0) return formatTime(value as number);
      const millis = String(Math.floor(value as number) % 1000).padStart(3, '0');
      return `${formatTime(value as number)}.${millis.padEnd(precision, '0').slice(0, precision)}`;
    }
    case 'DECIMAL':
      return (value as number).toFixed(type.scale ?? 0);
    // A BIGINT past 2^53 (Long.MIN_VALUE, say) prints its exact value, as a Java long would.
    case 'BIGINT':
      return typeof value === 'number' && !Number.isSafeInteger(value) && Number.isInteger(value)
        ? BigInt(value).toString()
        : String(value);
    case 'FLOAT':
      return javaFloatText(value as number);
    case 'DOUBLE':
      return javaDoubleText(value as number);
    case 'ARRAY':
      return `[${(value as unknown[]).map((v) => formatValue(v, type.element!, zone)).join(', ')}]`;
    case 'MAP': {
      // Flink's SQL client prints a map as `{a=1, b=2}`.
      const entries = [...(value as Map<unknown, unknown>)].map(
        ([k, v]) => `${formatValue(k, type.key!, zone)}=${formatValue(v, type.value!, zone)}`,
      );
      return `{${entries.join(', ')}}`;
    }
    case 'ROW':
      return `(${type.fields!.map((f) => formatValue((value as Record<string, unknown>)[f.name], f.type, zone)).join(', ')})`;
    case 'INTERVAL_DAY_TIME':
      return formatDayTimeInterval(value as number);
    case 'INTERVAL_YEAR_MONTH':
      return formatYearMonthInterval(value as number);
    // Flink prints bytes as a binary literal; CAST to STRING decodes them as UTF-8 instead.
    case 'BINARY':
    case 'VARBINARY':
      return `x'${Buffer.from(value as Uint8Array).toString('hex')}'`;
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** Milliseconds as Flink prints INTERVAL DAY TO SECOND(3): `+0 03:00:00.000`, days unpadded. */
function formatDayTimeInterval(ms: number): string {
  const abs = Math.abs(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor(abs / 3_600_000) % 24;
  const minutes = Math.floor(abs / 60_000) % 60;
  const seconds = Math.floor(abs / 1000) % 60;
  return `${ms < 0 ? '-' : '+'}${days} ${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(abs % 1000, 3)}`;
}

/** Months as Flink prints INTERVAL YEAR TO MONTH: `+1-02`. */
function formatYearMonthInterval(months: number): string {
  const abs = Math.abs(months);
  return `${months < 0 ? '-' : '+'}${Math.floor(abs / 12)}-${String(abs % 12).padStart(2, '0')}`;
}

function castFailed(value: unknown, type: string): never {
  throw userError(
    ErrorCodes.MALFORMED_RECORD,
    `CAST of '${String(value)}' to ${type} failed; use TRY_CAST to get NULL for values that do not convert`,
  );
}

/**
 * A cast of a whole ARRAY, MAP or ROW under TRY_CAST: NULL where any element or field fails to
 * convert, as Flink's TRY_CAST catches the failure of the value's cast (an element's own NULL,
 * from a DECIMAL overflow say, stays an element).
 */
export function nullOnCastFailure(cast: (value: unknown) => unknown): (value: unknown) => unknown {
  return (value) => {
    try {
      return cast(value);
    } catch (error) {
      if (error instanceof WeirError && error.code === ErrorCodes.MALFORMED_RECORD) return null;
      throw error;
    }
  };
}

/** The helper object compiled expressions receive as `rt`. */
export const runtime = {
  formatValue,
  /** Rounds to `scale` decimal digits, half away from zero as DECIMAL does. */
  round(value: number, scale: number): number {
    const f = 10 ** scale;
    const rounded = (Math.sign(value) * Math.round(Math.abs(value) * f + Number.EPSILON)) / f;
    return rounded === 0 ? 0 : rounded; // no negative zero
  },
  /** Integer division truncating toward zero, as for INT / INT. Division by zero fails. */
  idiv(a: number, b: number): number {
    if (b === 0)
      throw userError(
        ErrorCodes.USER_FUNCTION,
        'division by zero in an integer division; guard it with CASE or NULLIF',
      );
    return Math.trunc(a / b);
  },
  /**
   * A 32-bit hash of a value, as Java's hashCode gives for strings, booleans and longs: the
   * split-distinct rewrite buckets rows by `MOD(HASH_CODE(x), n)`, so equal values must agree
   * on every subtask and across restarts (no per-process seed).
   */
  hashCode(value: unknown): number {
    if (typeof value === 'number') {
      if (Number.isInteger(value)) return longHashCode(value);
      return runtime.hashCode(String(value));
    }
    if (typeof value === 'bigint') return longHashCode(value);
    if (typeof value === 'boolean') return value ? 1231 : 1237;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    let h = 0;
    for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
    return h;
  },
  longAdd,
  longSubtract,
  longMultiply,
  longDivide,
  longRemainder,
  longNegate,
  longAbs,
  toLong,
  mod(a: number, b: number): number {
    if (b === 0) throw userError(ErrorCodes.USER_FUNCTION, 'MOD by zero; guard it with CASE or NULLIF');
    return a % b;
  },
  /**
   * SQL LIKE with `%` and `_` (ILIKE with `ignoreCase`); the compiled code caches the regex for
   * a constant pattern.
   */
  likeRegex(pattern: string, escapeChar?: string, ignoreCase = false): RegExp {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (escapeChar !== undefined && c === escapeChar && i + 1 < pattern.length) {
        source += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      } else if (c === '%') source += '[\\s\\S]*';
      else if (c === '_') source += '[\\s\\S]';
      else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
  },
  like(value: string, pattern: string, escapeChar?: string, ignoreCase = false): boolean {
    return runtime.likeRegex(pattern, escapeChar, ignoreCase).test(value);
  },
  /** `a || b` of two byte strings, in a new array of its own. */
  concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
    const out = new Uint8Array(a.length + b.length);
    out.set(a, 0);
    out.set(b, a.length);
    return out;
  },
  /** SUBSTRING(s FROM start [FOR length]) with 1-based start, as in SQL. */
  substring(s: string, start: number, length?: number): string {
    const from = start > 0 ? start - 1 : 0;
    const end = length === undefined ? s.length : start - 1 + length;
    return end <= from ? '' : s.slice(from, Math.max(from, end));
  },
  trim(mode: string, chars: string, s: string): string {
    const set = new Set(chars);
    let start = 0;
    let end = s.length;
    if (mode !== 'TRAILING') while (start < end && set.has(s[start]!)) start++;
    if (mode !== 'LEADING') while (end > start && set.has(s[end - 1]!)) end--;
    return s.slice(start, end);
  },
  /** SPLIT_INDEX(s, delimiter, index): the 0-based piece, or null past the end. */
  splitIndex(s: string, delimiter: string, index: number): string | null {
    if (index < 0) return null;
    if (delimiter === '') return index < s.length ? s[index]! : null;
    // Walks to the piece instead of splitting, going on from the last piece it found when the
    // string is the same and the piece further on: a query taking pieces 3, 4 and 5 of one url
    // walks it once, with no array of piece starts to keep per string.
    let at = 0;
    let start = 0;
    if (index >= split.index && s === split.text && delimiter === split.delimiter) {
      at = split.index;
      start = split.start;
    }
    while (at < index && start >= 0) {
      const found = s.indexOf(delimiter, start);
      start = found < 0 ? -1 : found + delimiter.length;
      at++;
    }
    split.text = s;
    split.delimiter = delimiter;
    split.index = at;
    split.start = start;
    if (start < 0) return null;
    const end = s.indexOf(delimiter, start);
    return end < 0 ? s.slice(start) : s.slice(start, end);
  },
  /** REGEXP_EXTRACT(s, regex, group): the group of the first match, or null. */
  regexpExtract(s: string, regex: string, group = 0): string | null {
    let compiled = regexCache.get(regex);
    if (compiled === undefined) {
      compiled = new RegExp(regex);
      regexCache.set(regex, compiled);
    }
    return runtime.regexpExtractWith(s, compiled, group);
  },
  /** REGEXP_EXTRACT with the pattern compiled once per operator (a literal pattern). */
  regexpExtractWith(s: string, compiled: RegExp, group = 0): string | null {
    const m = compiled.exec(s);
    return m === null ? null : (m[group] ?? null);
  },
  position(needle: string, haystack: string): number {
    return haystack.indexOf(needle) + 1;
  },
  /** DATE_FORMAT with a pattern known only per row; see {@link compileDateFormat}. */
  dateFormat(ms: number, pattern: string): string {
    return dateFormatterFor(pattern).format(ms);
  },
  /** DATE_FORMAT on a string timestamp, the pattern known only per row. */
  dateFormatString(s: string, pattern: string): string | null {
    return dateFormatterFor(pattern).formatString(s);
  },
  addMonths(ms: number, months: number): number {
    const d = new Date(ms);
    const target = new Date(ms);
    target.setUTCDate(1);
    target.setUTCMonth(d.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
    return target.getTime();
  },
  floorTime(ms: number, unit: string): number {
    const d = new Date(ms);
    switch (unit) {
      case 'YEAR':
        return Date.UTC(d.getUTCFullYear(), 0, 1);
      case 'MONTH':
        return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      default: {
        const size =
          { DAY: DAY_MS, HOUR: 3_600_000, MINUTE: 60_000, SECOND: 1000, MILLISECOND: 1 }[unit] ?? 1;
        return Math.floor(ms / size) * size;
      }
    }
  },
  /** CAST between types; `safe` (TRY_CAST) gives null where CAST fails. */
  cast(value: unknown, from: SqlType, to: SqlType, safe: boolean): unknown {
    const fail = () => (safe ? null : castFailed(value, to.root));
    // A BIGINT beyond 2^53 is a bigint: text and integers take it exactly, the rest as a double.
    if (typeof value === 'bigint' && !isString(to) && INTEGER_BITS[to.root] === undefined)
      return runtime.cast(Number(value), from, to, safe);
    switch (to.root) {
      case 'VARCHAR':
      case 'CHAR': {
        const text =
          typeof value === 'string'
            ? value
            : value instanceof Uint8Array
              ? Buffer.from(value).toString('utf8')
              : formatValue(value, from);
        // As Flink since 1.15: cut to the length, and CHAR(n) padded with spaces to it.
        return to.length !== undefined && to.length !== MAX_LENGTH
          ? fitChars(text, to.length, to.root === 'CHAR')
          : text;
      }
      case 'BOOLEAN':
        if (typeof value === 'boolean') return value;
        if (typeof value === 'number') return value !== 0;
        if (typeof value === 'string') {
          const v = value.trim().toLowerCase();
          if (v === 'true') return true;
          if (v === 'false') return false;
        }
        return fail();
      case 'TINYINT':
      case 'SMALLINT':
      case 'INT':
      case 'BIGINT': {
        if (typeof value === 'string') {
          const n = parseIntegerText(value, to.root);
          return n === null ? fail() : n;
        }
        if (typeof value === 'boolean') return value ? 1 : 0;
        // An interval gives the count of its field (cut toward zero), not the months or
        // milliseconds it holds.
        if (isInterval(from))
          return narrowInteger(Math.trunc((value as number) / intervalFieldSize(from)), from.root, to.root);
        return narrowInteger(typeof value === 'bigint' ? value : Number(value), from.root, to.root);
      }
      case 'FLOAT':
      case 'DOUBLE': {
        // Flink reads text as Java's Double.valueOf: NaN and Infinity parse, hex integers do not.
        if (typeof value === 'string') return parseJavaDouble(value) ?? fail();
        const n = Number(value);
        return Number.isNaN(n) && typeof value !== 'number' ? fail() : n;
      }
      case 'DECIMAL': {
        const n = typeof value === 'string' ? parseDecimalText(value) : Number(value);
        // Text that is no number, NaN and the infinities fail (TRY_CAST gives NULL).
        if (n === null || !Number.isFinite(n)) return fail();
        // As Flink's DecimalData.fromBigDecimal: rounded HALF_UP to the scale, and NULL (from
        // CAST too, not an error) where the digits left of the point overflow the precision.
        const scale = to.scale ?? 0;
        const rounded = runtime.round(n, scale);
        const precision = to.precision ?? 38; // DECIMAL's widest
        return Math.abs(rounded) >= 10 ** (precision - scale) ? null : rounded;
      }
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ':
        if (typeof value === 'number') return from.root === 'DATE' ? value * DAY_MS : value;
        if (typeof value === 'string') return parseTimestamp(value) ?? fail();
        return fail();
      case 'BINARY':
      case 'VARBINARY': {
        // Text casts to its UTF-8 bytes, as in Flink; BINARY(n) pads with zero bytes, and both cut to n.
        const bytes =
          typeof value === 'string' ? Buffer.from(value, 'utf8') : value instanceof Uint8Array ? value : null;
        if (bytes === null) return fail();
        const length = to.length ?? MAX_LENGTH;
        return length === MAX_LENGTH ? bytes : fitBytes(bytes, length, to.root === 'BINARY');
      }
      case 'TIME': {
        // A timestamp keeps its time of day; text reads as HH:mm[:ss[.fff]].
        const ms = typeof value === 'string' ? parseTime(value) : typeof value === 'number' ? value : null;
        return ms === null ? fail() : timeOfDay(ms, to.precision ?? 0);
      }
      case 'DATE':
        if (typeof value === 'number') return from.root === 'DATE' ? value : Math.floor(value / DAY_MS);
        if (typeof value === 'string') {
          const ms = parseTimestamp(value);
          return ms === null ? fail() : Math.floor(ms / DAY_MS);
        }
        return fail();
      case 'INTERVAL_DAY_TIME':
      case 'INTERVAL_YEAR_MONTH':
        // A number counts units of the interval's field: CAST(5 AS INTERVAL HOUR) is five hours.
        return isInterval(from) ? value : (value as number) * intervalFieldSize(to) + 0;
      default:
        return value;
    }
  },
};

const regexCache = new Map<string, RegExp>();
/**
 * SPLIT_INDEX's last string and delimiter, the piece it walked to and where that piece starts
 * (-1 when the string has fewer pieces: then every later one is missing too).
 */
const split = { text: '', delimiter: '', index: 0, start: 0 };

/** The type of {@link runtime}. */
export type Runtime = typeof runtime;

/** A DATE_FORMAT pattern compiled once; see {@link compileDateFormat}. */
export interface DateFormatter {
  /** The text of epoch milliseconds `ms`, in UTC. */
  format(ms: number): string;
  /** The text of a timestamp string (`YYYY-MM-DD HH:mm:ss[.fff]`), or null when it does not parse. */
  formatString(text: string): string | null;
}

/** The largest |ms| a Date holds; beyond it every field is NaN. */
const MAX_DATE_MS = 8.64e15;

/**
 * Compiles a DATE_FORMAT pattern (Java's DateTimeFormatter letters, see
 * `functions/date-pattern.ts`) into a formatter, in UTC like every timestamp here. The pattern
 * is split into fields once. The formatter keeps its last text with the day, hour, minute or
 * second it holds for (the finest unit its fields use): consecutive rows mostly fall in the same
 * minute, so formatting is then one division and one comparison. The cache is a pure
 * function's, so sharing a formatter between operator instances of a thread is safe.
 */
export function compileDateFormat(pattern: string): DateFormatter {
  const parts = parseDatePattern(pattern);
  let unit = Number.POSITIVE_INFINITY;
  for (const part of parts) if (typeof part !== 'string') unit = Math.min(unit, fieldUnit(part));
  const render = (ms: number): string => {
    const d = new Date(ms);
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : fieldText(part, d);
    return out;
  };
  if (unit === Number.POSITIVE_INFINITY) {
    const constant = parts.join('');
    return { format: () => constant, formatString: (s) => (parseTimestamp(s) === null ? null : constant) };
  }
  let lastKey = Number.NaN;
  let lastText = '';
  const format = (ms: number): string => {
    // Fractional or out-of-range millis are rare and have no aligned unit: no cache for them.
    if (!Number.isInteger(ms) || ms > MAX_DATE_MS || ms < -MAX_DATE_MS) return render(ms);
    const key = Math.floor(ms / unit);
    if (key !== lastKey) {
      lastText = render(ms);
      lastKey = key;
    }
    return lastText;
  };
  return {
    format,
    formatString(s) {
      const ms = parseTimestamp(s);
      return ms === null ? null : format(ms);
    },
  };
}

/** Formatters for patterns that come from data, kept while there are few of them. */
const dateFormatters = new Map<string, DateFormatter>();
const MAX_CACHED_PATTERNS = 256;

function dateFormatterFor(pattern: string): DateFormatter {
  let formatter = dateFormatters.get(pattern);
  if (formatter === undefined) {
    if (dateFormatters.size >= MAX_CACHED_PATTERNS) dateFormatters.clear();
    formatter = compileDateFormat(pattern);
    dateFormatters.set(pattern, formatter);
  }
  return formatter;
}
