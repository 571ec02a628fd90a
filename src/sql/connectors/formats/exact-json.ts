/**
 * JSON text with BIGINT values kept exact. `JSON.parse` reads every number as a double, so an id
 * past 2^53 (a Snowflake id is near 2^60) loses its last digits, and Node 20's reviver does not
 * see a number's source text. A line with a run of 16 digits (every integer past 2^53 has one)
 * is parsed by lossless-json instead, whose number parser gets the digits: integers past 2^53
 * become bigints, as BIGINT values are (`expressions/long.ts`). Other lines take the native
 * parser, so the common case costs one regular-expression scan.
 */
import { parse, stringify } from 'lossless-json';

const LONG_DIGITS = /\d{16}/;
const INTEGER = /^-?\d+$/;

/** A number's JSON text as a value: a bigint for an integer past 2^53, a double otherwise. */
function exactNumber(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) || !INTEGER.test(text) ? n : BigInt(text);
}

/**
 * Parses one JSON text as `JSON.parse` does, but integers past 2^53 are exact bigints. Where
 * lossless-json refuses the text, `JSON.parse` decides: invalid JSON fails with its message, as
 * on every other line, and a repeated key (which lossless-json refuses) keeps its last value.
 */
export function parseExactJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  try {
    return parse(text, null, exactNumber);
  } catch {
    return JSON.parse(text);
  }
}

/** A parsed JSON value as JSON text, bigints written as their digits. */
export function exactJsonText(value: unknown): string {
  if (typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value);
  } catch (e) {
    // Only a bigint inside makes JSON.stringify of parsed JSON fail.
    if (e instanceof TypeError) return stringify(value) ?? 'null';
    throw e;
  }
}
