/**
 * More of Flink's string functions: URLs (PARSE_URL, URL_ENCODE, URL_DECODE), key-value text
 * (STR_TO_MAP), splitting and picking (SPLIT, ELT), regular expressions (REGEXP_COUNT,
 * REGEXP_INSTR, REGEXP_SUBSTR, REGEXP_EXTRACT_ALL), the SHA-2 hashes, formatting (PRINTF,
 * TRANSLATE, BTRIM, CHR, BIN, HEX), tests (STARTSWITH, ENDSWITH, IS_ALPHA, IS_DIGIT, IS_DECIMAL),
 * the hyperbolic functions, CONVERT_TZ, ENCODE and DECODE (character sets) and TYPEOF. As in `string-functions.ts`, each compiles to one direct
 * call of a helper bound as a constant; strict ones are NULL for a NULL argument, and what Flink
 * answers with NULL (a bad pattern, an unknown URL part, an index out of range) is NULL here too.
 */
import { createHash } from 'node:crypto';
import {
  commonType,
  formatType,
  isInteger,
  isByteString,
  isString,
  type SqlType,
  Types,
  withNullability,
} from '../catalog/types.js';
import { validationError } from '../errors.js';
import type { ScalarFunctionDef } from './functions.js';
import { checkArguments as check, fits, helperFn as fn } from './function-signature.js';
import { formatTimestamp, parseTimestamp } from './runtime.js';
import { type TimeZone, timeZone } from './time-zone.js';
import { ErrorCodes, userError } from '../../types/errors.js';

const HEX_CHARS = (length: number): SqlType => Object.freeze({ root: 'CHAR', nullable: true, length });
const STRING_ARRAY = Object.freeze({ root: 'ARRAY', nullable: false, element: Types.STRING }) as SqlType;
const STRING_MAP = Object.freeze({
  root: 'MAP',
  nullable: false,
  key: Types.STRING,
  value: Types.STRING,
}) as SqlType;

const regexes = new Map<string, RegExp | null>();

/** A pattern compiled once per distinct text (a literal, nearly always); null when it is not valid. */
function regex(pattern: string, flags = 'g'): RegExp | null {
  const key = `${flags}/${pattern}`;
  let re = regexes.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, flags);
    } catch {
      re = null;
    }
    if (regexes.size < 200) regexes.set(key, re);
  }
  if (re !== null) re.lastIndex = 0;
  return re;
}

function bytesStartWith(b: Uint8Array, p: Uint8Array): boolean {
  return p.length <= b.length && Buffer.compare(b.subarray(0, p.length), p) === 0;
}

function bytesEndWith(b: Uint8Array, p: Uint8Array): boolean {
  return p.length <= b.length && Buffer.compare(b.subarray(b.length - p.length), p) === 0;
}

/**
 * STARTSWITH / ENDSWITH: Flink takes two strings or two binary strings (not one of each); an
 * empty affix is a prefix and suffix of everything.
 */
function affixTest(
  name: string,
  strings: (s: string, p: string) => boolean,
  bytes: (b: Uint8Array, p: Uint8Array) => boolean,
): ScalarFunctionDef {
  return {
    type(args, pos) {
      const types = args.map((a) => a.type);
      const known = types.filter((t) => t.root !== 'NULL');
      if (args.length !== 2 || !(known.every((t) => isString(t)) || known.every(isByteString)))
        throw validationError(
          pos,
          `cannot apply ${name} to (${types.map(formatType).join(', ')}); expected (STRING, STRING) or (BYTES, BYTES)`,
        );
      return withNullability(
        Types.BOOLEAN,
        types.some((t) => t.nullable),
      );
    },
    emit: (args, call, constant) =>
      `${constant(call.args.some((a) => isByteString(a.type)) ? bytes : strings)}(${args.join(', ')})`,
  };
}

/** Java's String.split with a pattern: trailing empty strings dropped. */
function javaSplit(s: string, pattern: string): string[] | null {
  const re = regex(pattern);
  if (re === null) return null;
  const parts = s.split(re);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function strToMap(s: string, pairs = ',', keyValue = '='): Map<string, string | null> | null {
  const map = new Map<string, string | null>();
  if (s === '') return map;
  const items = javaSplit(s, pairs);
  if (items === null) return null;
  const kv = regex(keyValue, '');
  if (kv === null) return null;
  for (const item of items) {
    const m = kv.exec(item);
    if (m === null) map.set(item, null);
    else map.set(item.slice(0, m.index), item.slice(m.index + m[0].length));
  }
  return map;
}

const URL_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

/** PARSE_URL: the part of a URL java.net.URL gives; a QUERY key gives that parameter's value. */
function parseUrl(url: string, part: string, key?: string): string | null {
  const m = URL_PATTERN.exec(url.trim());
  if (m === null) return null;
  const [, protocol, authority, path = '', query, ref] = m;
  const at = authority?.lastIndexOf('@') ?? -1;
  const userInfo = at >= 0 ? authority!.slice(0, at) : undefined;
  const hostPort = at >= 0 ? authority!.slice(at + 1) : authority;
  const host = hostPort?.startsWith('[')
    ? hostPort.slice(0, hostPort.indexOf(']') + 1)
    : hostPort?.split(':')[0];
  if (key !== undefined) {
    if (part !== 'QUERY' || query === undefined) return null;
    const value = new RegExp(`(?:&|^)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=([^&]*)`).exec(query);
    return value === null ? null : value[1]!;
  }
  switch (part) {
    case 'HOST':
      return host ?? null;
    case 'PATH':
      return path;
    case 'QUERY':
      return query ?? null;
    case 'REF':
      return ref ?? null;
    case 'PROTOCOL':
      return protocol!;
    case 'AUTHORITY':
      return authority ?? null;
    case 'FILE':
      return query === undefined ? path : `${path}?${query}`;
    case 'USERINFO':
      return userInfo ?? null;
    default:
      return null;
  }
}

/** Java's URLEncoder (UTF-8): letters, digits and `.-*_` stay, a blank is `+`, the rest %XX. */
function urlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Java's URLDecoder (UTF-8): `+` is a blank; NULL for a bad escape, as Flink. */
function urlDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

const SHA2: Record<number, string> = { 224: 'sha224', 256: 'sha256', 384: 'sha384', 512: 'sha512' };
const sha = (algorithm: string) => (s: string) => createHash(algorithm).update(s, 'utf8').digest('hex');

/** TRANSLATE: each character of `from` becomes the one at its place in `to`, or goes if `to` is shorter. */
function translate(s: string, from: string, to: string): string {
  const map = new Map<string, string>();
  const source = [...from];
  const target = [...to];
  source.forEach((c, i) => {
    if (!map.has(c)) map.set(c, target[i] ?? '');
  });
  let out = '';
  for (const c of s) out += map.get(c) ?? c;
  return out;
}

function regexpCount(s: string, p: string): number | null {
  const re = regex(p);
  if (re === null) return null;
  let n = 0;
  for (const _m of s.matchAll(re)) n++;
  return n;
}

function regexpInstr(s: string, p: string): number | null {
  const re = regex(p, '');
  if (re === null) return null;
  const m = re.exec(s);
  return m === null ? 0 : m.index + 1;
}

function regexpSubstr(s: string, p: string): string | null {
  const re = regex(p, '');
  return re === null ? null : (re.exec(s)?.[0] ?? null);
}

/** REGEXP_EXTRACT_ALL: group `group` of every match; a bad pattern or group is an error, as in Flink. */
function regexpExtractAll(s: string, p: string, group = 1): (string | null)[] {
  const re = regex(p);
  if (re === null)
    throw userError(ErrorCodes.USER_FUNCTION, `REGEXP_EXTRACT_ALL: '${p}' is not a valid regular expression`);
  // The pattern's number of groups, whether or not it matches: an alternative that always does.
  const groups = new RegExp(`${p}|`).exec('')!.length - 1;
  if (group < 0 || group > groups)
    throw userError(
      ErrorCodes.USER_FUNCTION,
      `REGEXP_EXTRACT_ALL: group ${group} is out of range [0, ${groups}] for '${p}'`,
    );
  const out: (string | null)[] = [];
  for (const m of s.matchAll(re)) out.push(m[group] ?? null);
  return out;
}

function btrim(s: string, chars = ' '): string {
  const set = new Set(chars);
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  while (a < b && set.has(cs[a]!)) a++;
  while (b > a && set.has(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

/** PRINTF with Java's conversions %s %S %d %f %e %x %X %o %c %b %% %n, flags `-0+ ,` and width.precision. */
function printf(format: string, ...args: unknown[]): string {
  let next = 0;
  return format.replace(
    /%([-0+ ,#]*)(\d+)?(?:\.(\d+))?([sSdfeExXocbBn%])/g,
    (_m, flags: string, width, precision, conv: string) => {
      if (conv === '%') return '%';
      if (conv === 'n') return '\n';
      const arg = args[next++];
      let text: string;
      if (arg === null || arg === undefined) text = conv === 'b' || conv === 'B' ? 'false' : 'null';
      else if (conv === 'd') {
        text = String(Math.trunc(Number(arg)));
        if (flags.includes(',')) text = text.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
      } else if (conv === 'f') text = Number(arg).toFixed(precision === undefined ? 6 : Number(precision));
      else if (conv === 'e' || conv === 'E') {
        const [m, e] = Number(arg)
          .toExponential(precision === undefined ? 6 : Number(precision))
          .split('e');
        text = `${m}e${e![0] === '-' ? '-' : '+'}${e!.replace(/^[+-]/, '').padStart(2, '0')}`;
      } else if (conv === 'x' || conv === 'X' || conv === 'o')
        text = BigInt.asUintN(64, BigInt(Math.trunc(Number(arg)))).toString(conv === 'o' ? 8 : 16);
      else if (conv === 'c')
        text = typeof arg === 'number' ? String.fromCodePoint(arg) : (String(arg)[0] ?? '');
      else if (conv === 'b' || conv === 'B') text = String(arg !== false);
      else text = precision === undefined ? String(arg) : String(arg).slice(0, Number(precision));
      if ((conv === 'd' || conv === 'f' || conv === 'e') && flags.includes('+') && !text.startsWith('-'))
        text = `+${text}`;
      if (conv === 'X' || conv === 'S' || conv === 'E' || conv === 'B') text = text.toUpperCase();
      const w = width === undefined ? 0 : Number(width);
      if (text.length >= w) return text;
      if (flags.includes('-')) return text.padEnd(w);
      if (flags.includes('0') && /[dfeExXo]/.test(conv)) {
        const sign = /^[+-]/.test(text) ? text[0]! : '';
        return sign + text.slice(sign.length).padStart(w - sign.length, '0');
      }
      return text.padStart(w);
    },
  );
}

/** Java's Long.toHexString / toBinaryString: 64-bit two's complement for negative numbers. */
const radix = (base: number) => (n: number) => BigInt.asUintN(64, BigInt(Math.trunc(n))).toString(base);

/** A string test that is FALSE, not NULL, for NULL. */
function isTest(name: string, pattern: RegExp): ScalarFunctionDef {
  return {
    type(args, pos) {
      check(name, args, pos, ['s'], 1);
      return withNullability(Types.BOOLEAN, false);
    },
    emit: ([a], _c, constant) => `(${a} !== null && ${constant(pattern)}.test(${a}))`,
    strict: false,
  };
}

/** CONVERT_TZ: a 'yyyy-MM-dd HH:mm:ss' wall-clock time in one zone as the same instant's in another. */
function convertTz(text: string, from: string, to: string): string | null {
  const local = parseTimestamp(text);
  if (local === null) return null;
  let source: TimeZone;
  let target: TimeZone;
  try {
    source = timeZone(from);
    target = timeZone(to);
  } catch {
    return null;
  }
  return formatTimestamp(target.toLocal(source.fromLocal(local)), 0);
}

/** The character sets ENCODE and DECODE know, as Java names them. */
const CHARSETS = new Set(['US-ASCII', 'ISO-8859-1', 'UTF-8', 'UTF-16BE', 'UTF-16LE', 'UTF-16']);

function charset(name: string): string {
  const upper = name.toUpperCase();
  if (!CHARSETS.has(upper))
    throw userError(
      ErrorCodes.USER_FUNCTION,
      `unknown character set '${name}'; use one of ${[...CHARSETS].join(', ')}`,
    );
  return upper;
}

/** Swaps the bytes of each UTF-16 code unit: big-endian to little-endian and back. */
function swap16(bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return out.swap16();
}

function encode(s: string, name: string): Uint8Array {
  switch (charset(name)) {
    case 'US-ASCII':
      // Java writes '?' for what ASCII cannot hold.
      return Buffer.from(s.replace(/[\u0080-\u{10ffff}]/gu, '?'), 'latin1');
    case 'ISO-8859-1':
      return Buffer.from(s.replace(/[\u0100-\u{10ffff}]/gu, '?'), 'latin1');
    case 'UTF-16LE':
      return Buffer.from(s, 'utf16le');
    case 'UTF-16BE':
      return swap16(Buffer.from(s, 'utf16le'));
    case 'UTF-16':
      // Java's UTF-16 encoder writes a big-endian byte order mark first.
      return Buffer.concat([Buffer.from([0xfe, 0xff]), swap16(Buffer.from(s, 'utf16le'))]);
    default:
      return Buffer.from(s, 'utf8');
  }
}

function decode(bytes: Uint8Array, name: string): string {
  const b = Buffer.from(bytes);
  switch (charset(name)) {
    case 'US-ASCII':
      return b.toString('latin1').replace(/[\u0080-\u00ff]/g, '\ufffd');
    case 'ISO-8859-1':
      return b.toString('latin1');
    case 'UTF-16LE':
      return b.toString('utf16le');
    case 'UTF-16BE':
      return swap16(b).toString('utf16le');
    case 'UTF-16':
      // A byte order mark decides; big-endian without one, as Java's.
      if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
      return swap16(b[0] === 0xfe && b[1] === 0xff ? b.subarray(2) : b).toString('utf16le');
    default:
      return b.toString('utf8');
  }
}

const BYTES = Object.freeze({ root: 'VARBINARY', nullable: true, length: 2147483647 }) as SqlType;

/** Another batch of built-in functions by upper-case name, merged into `FUNCTIONS`. */
export const MORE_STRING_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  // A function marked 'always' is nullable whatever its arguments: Flink forces it, or it gives
  // NULL for some non-NULL arguments; the others are NULL exactly when an argument is.
  STR_TO_MAP: fn('STR_TO_MAP', ['s', 's', 's'], STRING_MAP, strToMap, 1, 'always'),
  PARSE_URL: fn('PARSE_URL', ['s', 's', 's'], Types.STRING, parseUrl, 2, 'always'),
  URL_ENCODE: fn('URL_ENCODE', ['s'], Types.STRING, urlEncode, 1, 'always'),
  URL_DECODE: fn('URL_DECODE', ['s'], Types.STRING, urlDecode, 1, 'always'),
  // CHAR of the hex digits, as Flink's operator table types them.
  SHA224: fn('SHA224', ['s'], HEX_CHARS(56), sha('sha224')),
  SHA384: fn('SHA384', ['s'], HEX_CHARS(96), sha('sha384')),
  SHA2: fn(
    'SHA2',
    ['s', 'i'],
    Object.freeze({ root: 'VARCHAR', nullable: true, length: 128 }) as SqlType,
    (s: string, bits: number) => (SHA2[bits] === undefined ? null : sha(SHA2[bits])(s)),
    2,
    'always',
  ),
  TRANSLATE: fn('TRANSLATE', ['s', 's', 's'], Types.STRING, translate, 3, 'always'),
  // SPLIT keeps empty pieces, trailing ones too; an empty delimiter splits into characters.
  SPLIT: fn('SPLIT', ['s', 's'], STRING_ARRAY, (s: string, d: string) =>
    s === '' ? [] : d === '' ? [...s] : s.split(d),
  ),
  REGEXP_COUNT: fn('REGEXP_COUNT', ['s', 's'], Types.INT, regexpCount, 2, 'always'),
  REGEXP_INSTR: fn('REGEXP_INSTR', ['s', 's'], Types.INT, regexpInstr, 2, 'always'),
  REGEXP_SUBSTR: fn('REGEXP_SUBSTR', ['s', 's'], Types.STRING, regexpSubstr, 2, 'always'),
  REGEXP_EXTRACT_ALL: fn('REGEXP_EXTRACT_ALL', ['s', 's', 'i'], STRING_ARRAY, regexpExtractAll, 2),
  BTRIM: fn('BTRIM', ['s', 's'], Types.STRING, btrim, 1, 'always'),
  STARTSWITH: affixTest('STARTSWITH', (s: string, p: string) => s.startsWith(p), bytesStartWith),
  ENDSWITH: affixTest('ENDSWITH', (s: string, p: string) => s.endsWith(p), bytesEndWith),
  // CHR(n): the character of n modulo 256 (CHR(353) is 'a'), as Flink's.
  CHR: fn(
    'CHR',
    ['i'],
    Types.STRING,
    (n: number) => (n < 0 ? '' : String.fromCharCode(n % 256)),
    1,
    'always',
  ),
  BIN: fn('BIN', ['i'], Types.STRING, radix(2)),
  // HEX of a number is its two's complement digits; of a string, its UTF-8 bytes; upper case.
  HEX: {
    type(args, pos) {
      check('HEX', args, pos, ['a'], 1);
      const t = args[0]!.type;
      if (!(isInteger(t) || isString(t) || t.root === 'NULL'))
        throw validationError(pos, `cannot apply HEX to (${formatType(t)}); expected an integer or a STRING`);
      return withNullability(Types.STRING, t.nullable);
    },
    emit: ([a], c, constant) =>
      isString(c.args[0]!.type)
        ? `${constant((s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase())}(${a})`
        : `${constant((n: number) => radix(16)(n).toUpperCase())}(${a})`,
  },
  // The IS_ tests are FALSE for NULL and for the empty string.
  IS_ALPHA: isTest('IS_ALPHA', /^\p{L}+$/u),
  IS_DIGIT: isTest('IS_DIGIT', /^\p{Nd}+$/u),
  IS_DECIMAL: isTest('IS_DECIMAL', /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/),
  SINH: fn('SINH', ['n'], Types.DOUBLE, Math.sinh),
  COSH: fn('COSH', ['n'], Types.DOUBLE, Math.cosh),
  TANH: fn('TANH', ['n'], Types.DOUBLE, Math.tanh),
  PRINTF: {
    type(args, pos) {
      if (args.length < 1) throw validationError(pos, 'PRINTF takes a format and its arguments');
      check('PRINTF', args, pos, ['s', ...args.slice(1).map(() => 'a' as const)], 1);
      return withNullability(Types.STRING, args[0]!.type.nullable);
    },
    // Only a NULL format makes the result NULL; a NULL argument prints as "null", as Java's.
    emit: ([f, ...rest], _c, constant) =>
      `(${f} === null ? null : ${constant(printf)}(${[f, ...rest].join(', ')}))`,
    strict: false,
  },
  // ELT(n, a, b, …): the n-th value (1-based); NULL when n is NULL or out of range.
  ELT: {
    type(args, pos) {
      if (args.length < 2)
        throw validationError(pos, `ELT takes an index and at least one value, got ${args.length} arguments`);
      if (!fits('i', args[0]!.type))
        throw validationError(pos, `ELT's index must be an integer, got ${formatType(args[0]!.type)}`);
      let type: SqlType | undefined = args[1]!.type;
      for (const a of args.slice(2)) type = type === undefined ? undefined : commonType(type, a.type);
      if (
        type === undefined ||
        !(isString(type) || type.root === 'NULL' || type.root === 'VARBINARY' || type.root === 'BINARY')
      )
        throw validationError(pos, 'ELT picks among strings (or among binary strings)');
      return withNullability(type.root === 'CHAR' ? Types.STRING : type, true);
    },
    emit: ([n, ...values]) => `(${n} === null ? null : ([${values.join(', ')}][${n} - 1] ?? null))`,
    strict: false,
  },
  CONVERT_TZ: fn('CONVERT_TZ', ['s', 's', 's'], Types.STRING, convertTz, 3, 'always'),
  ENCODE: fn('ENCODE', ['s', 's'], BYTES, encode, 2, 'always'),
  DECODE: {
    type(args, pos) {
      check('DECODE', args, pos, ['a', 's'], 2);
      const t = args[0]!.type;
      if (!(t.root === 'BINARY' || t.root === 'VARBINARY' || t.root === 'NULL'))
        throw validationError(pos, `cannot apply DECODE to (${formatType(t)}, …); expected (BYTES, STRING)`);
      return withNullability(
        Types.STRING,
        args.some((a) => a.type.nullable),
      );
    },
    emit: (args, _c, constant) => `${constant(decode)}(${args.join(', ')})`,
  },
  // TYPEOF(x[, force_serializable]): the type's summary text, which the query's plan fixes.
  TYPEOF: {
    type(args, pos) {
      if (args.length < 1 || args.length > 2)
        throw validationError(pos, `TYPEOF takes 1 or 2 arguments, got ${args.length}`);
      if (args[1] !== undefined && args[1].type.root !== 'BOOLEAN')
        throw validationError(pos, 'TYPEOF takes a value and a BOOLEAN force_serializable');
      return withNullability(Types.STRING, false);
    },
    emit: (_args, c) => JSON.stringify(formatType(c.args[0]!.type)),
    strict: false,
  },
};
