/**
 * Flink's built-in string functions beyond the core set in `functions.ts`: padding, trimming
 * one side, replacing, regular expressions, hashing and base64. Each helper runs
 * per row through a constant bound once per compiled function (`constant(helper)`), so the
 * generated code stays a direct call. Semantics follow Flink's documentation: out-of-range
 * lengths give NULL or the empty string as Flink does, never an exception.
 */
import { createHash, randomUUID } from 'node:crypto';
import { validationError } from '../errors.js';
import { MAX_LENGTH, type SqlType, Types, withNullability } from '../catalog/types.js';
import { checkArguments as check, helperFn, stringTypeOf, varyingOf } from './function-signature.js';
import type { ScalarFunctionDef } from './functions.js';
import type { Rex } from './rex.js';

/** CHAR(n) of a hash's hex digits, as Flink types MD5 (32), SHA1 (40), SHA256 (64) and SHA512 (128). */
const hexChars = (length: number): SqlType => Object.freeze({ root: 'CHAR', nullable: true, length });

/** OVERLAY: VARCHAR of the two strings' lengths together, as Calcite types it. */
function overlayType(args: readonly Rex[]): SqlType {
  const length = Math.min(
    MAX_LENGTH,
    (varyingOf(args[0]).length ?? MAX_LENGTH) + (varyingOf(args[1]).length ?? MAX_LENGTH),
  );
  return Object.freeze({ root: 'VARCHAR', nullable: true, length });
}

function pad(s: string, len: number, fill: string, left: boolean): string | null {
  if (len < 0 || fill === '') return null;
  if (len <= s.length) return s.slice(0, len);
  const padding = fill.repeat(Math.ceil((len - s.length) / fill.length)).slice(0, len - s.length);
  return left ? padding + s : s + padding;
}

/** Compiled patterns by flags and source: a pattern usually is a literal, the same for every row. */
/** `s` without the leading (or trailing) characters that are in `chars`. */
function trimSide(s: string, chars: string, leading: boolean): string {
  const set = new Set(chars);
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  if (leading) while (a < b && set.has(cs[a]!)) a++;
  else while (b > a && set.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

const regexes = new Map<string, RegExp | null>();

/** Java's regex dialect is close enough to JavaScript's for the patterns users write; a bad one gives NULL. */
function regex(pattern: string, flags = ''): RegExp | null {
  const key = `${flags}/${pattern}`;
  let re = regexes.get(key);
  if (re !== undefined) return re;
  try {
    re = new RegExp(pattern, flags);
  } catch {
    re = null;
  }
  if (regexes.size < 100) regexes.set(key, re);
  return re;
}

function hash(algorithm: string): (s: string) => string {
  return (s) => createHash(algorithm).update(s, 'utf8').digest('hex');
}

/** String functions by upper-case name, merged into `FUNCTIONS`. */
export const STRING_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  // CONCAT_WS skips NULL strings and is NULL only when the separator is.
  CONCAT_WS: {
    type(args, pos) {
      if (args.length < 2)
        throw validationError(
          pos,
          `CONCAT_WS takes a separator and at least one string, got ${args.length} arguments`,
        );
      check(
        'CONCAT_WS',
        args,
        pos,
        args.map(() => 's'),
        args.length,
      );
      // Typed as Flink types it, NULL when an argument may be, though only a NULL separator gives NULL.
      return withNullability(
        Types.STRING,
        args.some((a) => a.type.nullable),
      );
    },
    emit: ([sep, ...rest]) =>
      `(${sep} === null ? null : [${rest.join(', ')}].filter((x) => x !== null).join(${sep}))`,
    strict: false,
  },
  // Result types as Flink's operator table infers them: NULL exactly when an argument is, unless
  // marked 'always' (Flink's FORCE_NULLABLE, or a NULL the helper gives for bad arguments).
  REPLACE: helperFn('REPLACE', ['s', 's', 's'], Types.STRING, (s: string, a: string, b: string) =>
    s.replaceAll(a, b),
  ),
  // OVERLAY(s PLACING r FROM n [FOR l]): l characters of s from position n replaced by r (l
  // defaults to r's length), as Flink's.
  OVERLAY: helperFn(
    'OVERLAY',
    ['s', 's', 'i', 'i'],
    overlayType,
    (s: string, r: string, from: number, length: number = r.length) => {
      const start = Math.max(from - 1, 0);
      return s.slice(0, start) + r + s.slice(start + Math.max(length, 0));
    },
    3,
  ),
  // NULL for a negative length or an empty filler, so nullable whatever the arguments.
  LPAD: helperFn(
    'LPAD',
    ['s', 'i', 's'],
    Types.STRING,
    (s: string, n: number, f: string) => pad(s, n, f, true),
    3,
    'always',
  ),
  RPAD: helperFn(
    'RPAD',
    ['s', 'i', 's'],
    Types.STRING,
    (s: string, n: number, f: string) => pad(s, n, f, false),
    3,
    'always',
  ),
  // With a second argument, any of its characters are trimmed, as BTRIM does.
  LTRIM: helperFn(
    'LTRIM',
    ['s', 's'],
    ([a]) => varyingOf(a),
    (s: string, chars = ' ') => trimSide(s, chars, true),
    1,
  ),
  RTRIM: helperFn(
    'RTRIM',
    ['s', 's'],
    ([a]) => varyingOf(a),
    (s: string, chars = ' ') => trimSide(s, chars, false),
    1,
  ),
  REPEAT: helperFn('REPEAT', ['s', 'i'], Types.STRING, (s: string, n: number) => (n > 0 ? s.repeat(n) : '')),
  REVERSE: helperFn('REVERSE', ['s'], Types.STRING, (s: string) => [...s].reverse().join(''), 1, 'always'),
  LEFT: helperFn(
    'LEFT',
    ['s', 'i'],
    ([a]) => varyingOf(a),
    (s: string, n: number) => (n > 0 ? s.slice(0, n) : ''),
    2,
    'always',
  ),
  RIGHT: helperFn(
    'RIGHT',
    ['s', 'i'],
    ([a]) => varyingOf(a),
    (s: string, n: number) => (n > 0 ? s.slice(-n) : ''),
    2,
    'always',
  ),
  // A word is a run of letters and digits: its first character upper-case, the rest lower.
  INITCAP: helperFn(
    'INITCAP',
    ['s'],
    ([a]) => stringTypeOf(a),
    (s: string) =>
      s
        .toLowerCase()
        .replace(/(^|[^\p{L}\p{N}])([\p{L}\p{N}])/gu, (_m, b: string, c: string) => b + c.toUpperCase()),
  ),
  // LOCATE(needle, haystack[, from]): 1-based position at or after `from`, 0 when absent.
  LOCATE: helperFn(
    'LOCATE',
    ['s', 's', 'i'],
    Types.INT,
    (needle: string, s: string, from?: number) => {
      const start = from === undefined ? 0 : from - 1;
      return start < 0 ? 0 : s.indexOf(needle, start) + 1;
    },
    2,
  ),
  INSTR: helperFn('INSTR', ['s', 's'], Types.INT, (s: string, needle: string) => s.indexOf(needle) + 1),
  ASCII: helperFn('ASCII', ['s'], Types.INT, (s: string) => (s.length === 0 ? 0 : s.charCodeAt(0))),
  // NULL for a pattern that does not compile.
  REGEXP: helperFn(
    'REGEXP',
    ['s', 's'],
    Types.BOOLEAN,
    (s: string, p: string) => {
      const re = regex(p);
      return re === null ? null : re.test(s);
    },
    2,
    'always',
  ),
  REGEXP_REPLACE: helperFn(
    'REGEXP_REPLACE',
    ['s', 's', 's'],
    Types.STRING,
    (s: string, p: string, r: string) => {
      const re = regex(p, 'g');
      return re === null ? null : s.replace(re, r);
    },
    3,
    'always',
  ),
  MD5: helperFn('MD5', ['s'], hexChars(32), hash('md5')),
  SHA1: helperFn('SHA1', ['s'], hexChars(40), hash('sha1')),
  SHA256: helperFn('SHA256', ['s'], hexChars(64), hash('sha256')),
  SHA512: helperFn('SHA512', ['s'], hexChars(128), hash('sha512')),
  TO_BASE64: helperFn('TO_BASE64', ['s'], Types.STRING, (s: string) =>
    Buffer.from(s, 'utf8').toString('base64'),
  ),
  FROM_BASE64: helperFn('FROM_BASE64', ['s'], Types.STRING, (s: string) =>
    Buffer.from(s, 'base64').toString('utf8'),
  ),
  UUID: helperFn('UUID', [], hexChars(36), () => randomUUID()),
};
