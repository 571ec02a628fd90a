/**
 * The text forms of SQL values in files, as Flink's json and csv formats write them: dates
 * `2024-01-02`, times `03:04:05`, timestamps `2024-01-02 03:04:05.123` (the SQL standard form;
 * `2024-01-02T03:04:05.123` in ISO-8601 form) with trailing zeros of the fraction dropped, and a
 * `Z` after TIMESTAMP_LTZ values. Binary values are base64. Readers accept either separator,
 * so files written under one standard read under the other.
 */
import { type Long, parseLong } from '../../expressions/long.js';
import { formatDate, formatTime, formatTimestamp, parseTimestamp } from '../../expressions/runtime.js';

const DAY_MS = 86_400_000;

/** How timestamps are written: `'SQL'` (`2024-01-02 03:04:05`) or `'ISO-8601'` (`2024-01-02T03:04:05`). */
export type TimestampStandard = 'SQL' | 'ISO-8601';

/** Thrown by value conversions; the format adds the file, line and column. */
export class FieldError extends Error {
  override readonly name = 'FieldError';
}

/** A value quoted in a message, shortened when long. */
export function quoted(text: string): string {
  return text.length > 60 ? `'${text.slice(0, 57)}...'` : `'${text}'`;
}

/** The fraction of a second, without trailing zeros, or '' for a whole second. */
function fraction(ms: number): string {
  const millis = ((ms % 1000) + 1000) % 1000;
  return millis === 0 ? '' : `.${String(millis).padStart(3, '0').replace(/0+$/, '')}`;
}

/** A TIMESTAMP (`ltz` false) or TIMESTAMP_LTZ (`ltz` true) value, epoch milliseconds, as text. */
export function timestampText(ms: number, standard: TimestampStandard, ltz: boolean): string {
  const base = formatTimestamp(ms, 0);
  const text = standard === 'ISO-8601' ? `${base.slice(0, 10)}T${base.slice(11)}` : base;
  return text + fraction(ms) + (ltz ? 'Z' : '');
}

/** A DATE value, days since the epoch, as text. */
export function dateText(days: number): string {
  return formatDate(days);
}

/** A TIME value, milliseconds of the day, as text. */
export function timeText(ms: number): string {
  return formatTime(ms) + fraction(ms);
}

/** Epoch milliseconds of a timestamp text in either standard; a trailing `Z` is allowed. */
export function parseTimestampText(text: string, type: string): number {
  const trimmed = text.endsWith('Z') ? text.slice(0, -1) : text;
  const value = /\d:\d\d/.test(trimmed) ? parseTimestamp(trimmed) : null;
  if (value === null)
    throw new FieldError(`${quoted(text)} is not a ${type} such as '2024-01-02 03:04:05.123'`);
  return value;
}

/** Days since the epoch of `YYYY-MM-DD`. */
export function parseDateText(text: string): number {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(text);
  if (m === null) throw new FieldError(`${quoted(text)} is not a DATE such as '2024-01-02'`);
  return Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

/** Milliseconds of the day of `HH:mm[:ss[.fff]]`. */
export function parseTimeText(text: string): number {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*$/.exec(text);
  if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59)
    throw new FieldError(`${quoted(text)} is not a TIME such as '03:04:05'`);
  const millis = m[4] === undefined ? 0 : Number(m[4].padEnd(3, '0').slice(0, 3));
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 + millis;
}

/** A whole number from text, for the integer types. */
export function parseIntegerText(text: string, type: string): number {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw new FieldError(`${quoted(text)} is not ${type}`);
  return Number(trimmed);
}

/** A BIGINT from text, exact past 2^53 (`expressions/long.ts`); refused outside the long range. */
export function parseLongText(text: string, type: string): Long {
  const value = /^\s*[+-]?\d+\s*$/.test(text) ? parseLong(text) : null;
  if (value === null)
    throw new FieldError(`${quoted(text)} is not ${type} (whole numbers from -2^63 to 2^63-1)`);
  return value;
}

/** A number from text, for FLOAT, DOUBLE and DECIMAL (`NaN` and `Infinity` included). */
export function parseNumberText(text: string, type: string): number {
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || (Number.isNaN(value) && trimmed !== 'NaN'))
    throw new FieldError(`${quoted(text)} is not ${type}`);
  return value;
}

/** `true` or `false`, in any case. */
export function parseBooleanText(text: string): boolean {
  const lower = text.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new FieldError(`${quoted(text)} is not a BOOLEAN (true or false)`);
}

/** Bytes from base64 text. */
export function parseBinaryText(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text.trim()))
    throw new FieldError(`${quoted(text)} is not base64-encoded bytes`);
  return new Uint8Array(Buffer.from(text.trim(), 'base64'));
}

/** Bytes as base64 text. */
export function binaryText(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

/** DECIMAL values are doubles; they are rounded to the column's scale when read. */
export function roundToScale(value: number, scale: number | undefined): number {
  if (scale === undefined || !Number.isFinite(value)) return value;
  const factor = 10 ** scale;
  return Math.round(value * factor) / factor;
}

/** A DECIMAL value as text with its scale's digits, as Flink writes BigDecimals. */
export function decimalText(value: number, scale: number | undefined): string {
  return Number.isFinite(value) && Math.abs(value) < 1e21 ? value.toFixed(scale ?? 0) : String(value);
}
