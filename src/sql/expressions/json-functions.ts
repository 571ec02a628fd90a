/**
 * Flink's JSON functions: the `IS JSON` tests, JSON_EXISTS, JSON_VALUE, JSON_QUERY, JSON_TYPE,
 * JSON_LENGTH (reading a JSON string with a path, see `json-path.ts`), JSON_STRING, JSON_OBJECT,
 * JSON_ARRAY, JSON_QUOTE (writing one) and JSON_UNQUOTE. The clauses of the SQL syntax arrive as trailing literal arguments
 * (`json-syntax.ts` makes them), so each call compiles to one helper call with its behaviours
 * fixed when the query is compiled; a literal path is parsed then too.
 *
 * Reading follows Flink: a path is strict unless it starts with `lax`; in strict mode text that
 * is not JSON and a path that finds nothing are errors (`ON ERROR`, NULL by default), in lax
 * mode they find nothing (`ON EMPTY`). A JSON `null` found is nothing. A document is parsed
 * once per call, and calls on the same text in a row share the parse (one remembered text).
 *
 * Writing follows Flink's serializer: compact text, object members sorted by key, DECIMAL with
 * its scale, DOUBLE with a fraction (`1.0`), a JSON_OBJECT or JSON_ARRAY argument nested as
 * JSON rather than as a string.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import { isNumeric, isString, type SqlType, Types, withNullability } from '../catalog/types.js';
import { validationError } from '../errors.js';
import type { SourcePos } from '../parser/ast.js';
import type { ScalarFunctionDef } from './functions.js';
import {
  evaluateJsonPath,
  isContainer,
  JsonNumber,
  type JsonPath,
  NOT_FOUND,
  parseJsonPath,
} from './json-path.js';
import type { Rex } from './rex.js';
import { formatValue, runtime } from './runtime.js';
import { javaDoubleText, javaFloatText } from '../functions/java-number-text.js';

/** Why a read failed: the `ON ERROR` behaviour decides what the call gives. */
class JsonFailure {
  constructor(readonly message: string) {}
}

const NOT_JSON = Symbol('not JSON');
let lastText: string | undefined;
let lastDocument: unknown;

/** A number literal a JavaScript number may not keep exactly: read with `parseExact`. */
const INEXACT_NUMBER = /\d\.\d*0(?!\d)|\d{16}/;

/**
 * The parsed text, or NOT_JSON; the last text is remembered, as rows often repeat it. Text
 * with a number JavaScript would change (`12.50`) is read by `parseExact`, the rest by
 * JSON.parse.
 */
function parseDocument(text: string): unknown {
  if (text === lastText) return lastDocument;
  let document: unknown;
  try {
    document = JSON.parse(text);
    if (INEXACT_NUMBER.test(text)) document = parseExact(text);
  } catch {
    document = NOT_JSON;
  }
  lastText = text;
  lastDocument = document;
  return document;
}

const WORDS: readonly (readonly [string, unknown])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// The text passed JSON.parse, so a string is a quote, escapes and other characters, a quote.
const STRING = /"(?:[^"\\]|\\.)*"/y;

/**
 * A JSON parser that keeps numbers JavaScript would change as {@link JsonNumber}s; only called
 * on text JSON.parse accepted, so it need not report errors well.
 */
function parseExact(text: string): unknown {
  let i = 0;
  const blank = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
      i++;
  };
  const token = (re: RegExp): string => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) throw new SyntaxError(`JSON at ${i}`);
    i = re.lastIndex;
    return m[0];
  };
  const value = (): unknown => {
    blank();
    const c = text[i];
    if (c === '{') {
      i++;
      const object: Record<string, unknown> = {};
      blank();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        blank();
        const key = JSON.parse(token(STRING)) as string;
        blank();
        i++; // ':'
        Object.defineProperty(object, key, {
          value: value(),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        blank();
        if (text[i++] === '}') return object;
      }
    }
    if (c === '[') {
      i++;
      const array: unknown[] = [];
      blank();
      if (text[i] === ']') {
        i++;
        return array;
      }
      for (;;) {
        array.push(value());
        blank();
        if (text[i++] === ']') return array;
      }
    }
    if (c === '"') return JSON.parse(token(STRING));
    for (const [word, v] of WORDS)
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    const literal = token(NUMBER);
    const n = Number(literal);
    const exponent = /[eE]/.test(literal);
    const changed =
      (!exponent && literal.includes('.') && String(n) !== literal) ||
      (!exponent && !literal.includes('.') && !Number.isSafeInteger(n));
    return changed ? new JsonNumber(literal) : n;
  };
  return value();
}

const pathCache = new Map<string, JsonPath | string>();

/** A path given at run time (a column, say): parsed once per distinct text. */
function pathOf(spec: string): JsonPath | string {
  let path = pathCache.get(spec);
  if (path === undefined) {
    path = parseJsonPath(spec);
    if (pathCache.size < 1000) pathCache.set(spec, path);
  }
  return path;
}

/** What a path finds in a text: a value (null for nothing in lax mode) or a failure. */
function locate(text: string, path: JsonPath | string): unknown {
  if (typeof path === 'string') return new JsonFailure(path);
  const document = parseDocument(text);
  if (document === NOT_JSON)
    return path.strict ? new JsonFailure(`the text is not JSON: ${clip(text)}`) : null;
  const found = evaluateJsonPath(path, document);
  if (found !== NOT_FOUND) return found;
  if (path.strict) return new JsonFailure(`the strict path finds nothing in ${clip(text)}`);
  // As the path library in lax mode: nothing for a definite path, an empty list otherwise.
  return path.definite ? null : [];
}

const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

const isScalar = (v: unknown) => !isContainer(v);

function failed(name: string, message: string, clause = 'ON ERROR'): never {
  throw userError(
    ErrorCodes.USER_FUNCTION,
    `${name}: ${message}; use NULL ${clause} or DEFAULT … ${clause} to give a value instead`,
  );
}

/** The `IS JSON` kinds: which parsed values each accepts. */
const JSON_KINDS: Record<string, (v: unknown) => boolean> = {
  VALUE: () => true,
  SCALAR: isScalar,
  ARRAY: (v) => Array.isArray(v),
  OBJECT: (v) => isContainer(v) && !Array.isArray(v),
};

function isJson(kind: (v: unknown) => boolean): (text: string | null) => boolean {
  return (text) => {
    if (text === null) return false;
    const document = parseDocument(text);
    return document !== NOT_JSON && kind(document);
  };
}

/** JSON_EXISTS: whether the path finds a value that is not JSON null. */
function jsonExists(text: string, path: JsonPath | string, onError: string): boolean | null {
  const found = locate(text, path);
  if (!(found instanceof JsonFailure)) return found !== null;
  if (onError === 'ERROR') failed('JSON_EXISTS', found.message);
  return onError === 'TRUE' ? true : onError === 'FALSE' ? false : null;
}

/** Converts a scalar JSON value to the RETURNING type, or undefined when it does not convert. */
function converter(type: SqlType): (v: unknown) => unknown {
  if (isString(type)) return (v) => String(v);
  return (v) => {
    const converted = runtime.cast(String(v), Types.STRING, type, true);
    return converted === null ? undefined : converted;
  };
}

/** JSON_VALUE with its behaviours: the scalar found, converted to the RETURNING type. */
function jsonValue(
  text: string,
  path: JsonPath | string,
  convert: (v: unknown) => unknown,
  onEmpty: string,
  emptyDefault: unknown,
  onError: string,
  errorDefault: unknown,
): unknown {
  let found = locate(text, path);
  if (!(found instanceof JsonFailure)) {
    const strict = (path as JsonPath).strict;
    if (found === null || (!strict && !isScalar(found))) {
      if (onEmpty === 'ERROR') failed('JSON_VALUE', `the path finds no scalar in ${clip(text)}`, 'ON EMPTY');
      if (onEmpty !== 'DEFAULT' || emptyDefault === null) return null;
      // A DEFAULT converts as a found value does; one that does not falls through to ON ERROR.
      const value = convert(emptyDefault);
      if (value !== undefined) return value;
      found = new JsonFailure(
        `the DEFAULT ${String(emptyDefault)} ON EMPTY does not convert to the RETURNING type`,
      );
    } else if (!isScalar(found))
      found = new JsonFailure(`the strict path needs a scalar, found ${clip(JSON.stringify(found))}`);
    else {
      const value = convert(found);
      if (value !== undefined) return value;
      found = new JsonFailure(`${JSON.stringify(found)} does not convert to the RETURNING type`);
    }
  }
  if (onError === 'ERROR') failed('JSON_VALUE', (found as JsonFailure).message);
  if (onError !== 'DEFAULT' || errorDefault === null) return null;
  const value = convert(errorDefault);
  if (value === undefined)
    throw userError(
      ErrorCodes.USER_FUNCTION,
      `JSON_VALUE: the DEFAULT ${String(errorDefault)} ON ERROR does not convert to the RETURNING type; give a DEFAULT of that type`,
    );
  return value;
}

/** What JSON_QUERY gives for NULL, EMPTY ARRAY or EMPTY OBJECT ON EMPTY (or ON ERROR). */
function emptyQueryResult(mode: string, asArray: boolean): unknown {
  if (mode === 'EMPTY ARRAY') return asArray ? [] : '[]';
  if (mode === 'EMPTY OBJECT') return '{}';
  return null;
}

/** JSON_QUERY with its behaviours: the array or object found, as JSON text (or an ARRAY). */
function jsonQuery(
  text: string,
  path: JsonPath | string,
  asArray: boolean,
  wrapper: string,
  onEmpty: string,
  onError: string,
): unknown {
  let found = locate(text, path);
  if (!(found instanceof JsonFailure)) {
    const strict = (path as JsonPath).strict;
    let value = found;
    if (value !== null && wrapper !== 'WITHOUT' && (wrapper === 'UNCONDITIONAL' || !Array.isArray(value)))
      value = [value];
    if (value === null || (!strict && isScalar(value))) {
      if (onEmpty === 'ERROR') failed('JSON_QUERY', `the path finds nothing in ${clip(text)}`, 'ON EMPTY');
      return emptyQueryResult(onEmpty, asArray);
    }
    if (isScalar(value))
      found = new JsonFailure(`the strict path needs an array or an object, found ${JSON.stringify(value)}`);
    else if (!asArray) return writeParsed(value);
    else if (!Array.isArray(value))
      found = new JsonFailure('RETURNING ARRAY<STRING> needs an array, found an object');
    else
      return value.map((v) =>
        v === null ? null : typeof v === 'string' ? v : isScalar(v) ? String(v) : writeParsed(v),
      );
  }
  if (onError === 'ERROR') failed('JSON_QUERY', (found as JsonFailure).message);
  return emptyQueryResult(onError, asArray);
}

/** Parsed JSON as compact text with object members sorted by key, as Flink writes it. */
function writeParsed(value: unknown): string {
  if (value instanceof JsonNumber) return value.text;
  if (!isContainer(value)) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeParsed).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${writeParsed((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** A writer of a SQL value (never null) as JSON text, chosen once per type. */
type Writer = (v: unknown) => string;

/** The JSON text of a value of `type`, as Flink's JSON_STRING writes it. */
export function jsonWriter(type: SqlType): Writer {
  switch (type.root) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return (v) => String(v);
    case 'FLOAT':
      return javaNumber(javaFloatText);
    case 'DOUBLE':
      return javaNumber(javaDoubleText);
    case 'DECIMAL':
      return (v) => (v as number).toFixed(type.scale ?? 0);
    case 'CHAR':
    case 'VARCHAR':
      return (v) => JSON.stringify(v);
    case 'BINARY':
    case 'VARBINARY':
      return (v) => JSON.stringify(Buffer.from(v as Uint8Array).toString('base64'));
    case 'ARRAY': {
      const element = nullable(jsonWriter(type.element!));
      return (v) => `[${(v as unknown[]).map(element).join(',')}]`;
    }
    case 'MAP': {
      const value = nullable(jsonWriter(type.value!));
      return (v) => {
        const entries = [...(v as Map<unknown, unknown>)].map(([k, x]) => [String(k), value(x)] as const);
        return object(entries);
      };
    }
    case 'ROW': {
      const fields = type.fields!.map((f) => ({ name: f.name, write: nullable(jsonWriter(f.type)) }));
      return (v) =>
        object(fields.map((f) => [f.name, f.write((v as Record<string, unknown>)[f.name] ?? null)]));
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      // ISO-8601 local date-time text, as Java's time types serialize.
      return (v) => JSON.stringify(formatValue(v, type).replace(' ', 'T'));
    default:
      return (v) => JSON.stringify(formatValue(v, type));
  }
}

/** A DOUBLE or FLOAT as Java writes it (`2.0`, `1.0E7`); NaN and the infinities as strings, JSON having no such numbers. */
const javaNumber =
  (text: (n: number) => string): Writer =>
  (v) =>
    Number.isFinite(v as number) ? text(v as number) : JSON.stringify(text(v as number));

const nullable =
  (write: Writer): Writer =>
  (v) =>
    v === null || v === undefined ? 'null' : write(v);

/** An object's text from member texts, sorted by key; a repeated key keeps its last value. */
function object(entries: readonly (readonly [string, string])[]): string {
  const members = new Map<string, string>();
  for (const [k, v] of entries) members.set(k, v);
  const keys = [...members.keys()].sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${members.get(k)}`).join(',')}}`;
}

/** Whether an argument is itself built by a JSON constructor, so it nests as JSON, not as a string. */
const nestsAsJson = (arg: Rex) =>
  arg.kind === 'call' && (arg.op === 'JSON_OBJECT' || arg.op === 'JSON_ARRAY' || arg.op === 'JSON');

/** The writer of one JSON_OBJECT or JSON_ARRAY value argument. */
function valueWriter(arg: Rex): Writer {
  return nullable(nestsAsJson(arg) ? (v) => v as string : jsonWriter(arg.type));
}

function jsonObject(writers: readonly Writer[], absentOnNull: boolean): (...kv: unknown[]) => string {
  return (...kv) => {
    const entries: [string, string][] = [];
    for (let i = 0; i < writers.length; i++) {
      const key = kv[2 * i];
      const value = kv[2 * i + 1];
      if (key === null) failed('JSON_OBJECT', 'a key is NULL; keys must be strings');
      if (value === null && absentOnNull) continue;
      entries.push([key as string, writers[i]!(value)]);
    }
    return object(entries);
  };
}

/**
 * JSON_OBJECT with literal keys and NULL ON NULL, the usual form: the members' order is fixed
 * when the query is compiled, so each row is one string concatenation.
 */
function literalKeyObject(
  keys: readonly string[],
  values: readonly Rex[],
  args: readonly string[],
  constant: (value: unknown) => string,
): string {
  const last = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) last.set(keys[i]!, i);
  const parts = [...last.keys()].sort().map((k) => {
    const i = last.get(k)!;
    return `${JSON.stringify(`${JSON.stringify(k)}:`)} + ${constant(valueWriter(values[i]!))}(${args[2 * i + 1]})`;
  });
  if (parts.length === 0) return '"{}"';
  return `("{" + ${parts.join(' + "," + ')} + "}")`;
}

function jsonArray(writers: readonly Writer[], absentOnNull: boolean): (...values: unknown[]) => string {
  return (...values) => {
    const items: string[] = [];
    for (let i = 0; i < writers.length; i++) {
      if (values[i] === null && absentOnNull) continue;
      items.push(writers[i]!(values[i]));
    }
    return `[${items.join(',')}]`;
  };
}

function json(text: string): string | null {
  if (text.trim() === '') return null;
  const document = parseDocument(text);
  if (document === NOT_JSON)
    throw userError(
      ErrorCodes.USER_FUNCTION,
      `JSON: the text is not JSON: ${clip(text)}; check it with IS JSON first`,
    );
  return writeParsed(document);
}

/** JSON_QUOTE: the string as a JSON string literal, escaping `"`, `\\`, `/` and control characters. */
function jsonQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.charCodeAt(0);
    if (c === '"' || c === '\\' || c === '/') out += `\\${c}`;
    else if (c === '\b') out += '\\b';
    else if (c === '\f') out += '\\f';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** JSON_UNQUOTE: the text of a JSON string literal; anything else passes through unchanged. */
function jsonUnquote(s: string): string {
  if (s.length < 2 || s[0] !== '"' || s[s.length - 1] !== '"') return s;
  try {
    const value: unknown = JSON.parse(s);
    return typeof value === 'string' ? value : s;
  } catch {
    return s;
  }
}

/**
 * The one value a plain path (no lax or strict) finds, for JSON_TYPE and JSON_LENGTH: NOT_FOUND
 * when the text is not JSON, the path does not apply or a wildcard finds other than one value.
 */
function single(text: string, path: JsonPath | string | undefined): unknown {
  const document = parseDocument(text);
  if (document === NOT_JSON || typeof path === 'string') return NOT_FOUND;
  if (path === undefined) return document;
  const found = evaluateJsonPath(path, document);
  if (path.definite || found === NOT_FOUND) return found;
  return (found as unknown[]).length === 1 ? (found as unknown[])[0] : NOT_FOUND;
}

function jsonType(text: string, path?: JsonPath | string): string | null {
  const v = single(text, path);
  if (v === NOT_FOUND) return null;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof JsonNumber) return 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function jsonLength(text: string, path?: JsonPath | string): number | null {
  const v = single(text, path);
  if (v === NOT_FOUND) return null;
  if (Array.isArray(v)) return v.length;
  return isContainer(v) ? Object.keys(v).length : 1;
}

/** JSON_TYPE and JSON_LENGTH: a JSON text and an optional path; NULL for text that is not JSON. */
function pathInspector(
  name: string,
  result: SqlType,
  helper: (text: string, path?: JsonPath | string) => unknown,
): ScalarFunctionDef {
  return {
    type(args, pos) {
      if (args.length < 1 || args.length > 2)
        throw validationError(
          pos,
          `${name} takes a JSON text and an optional path, got ${args.length} arguments`,
        );
      expectString(name, 'a JSON text', args[0], pos);
      if (args[1] !== undefined) {
        expectString(name, 'a path', args[1], pos);
        checkPath(name, args[1], pos);
      }
      return withNullability(result, true);
    },
    emit: ([j, p], c, constant) =>
      p === undefined
        ? `${constant(helper)}(${j})`
        : `${constant(helper)}(${j}, ${pathCode(c.args[1]!, p, constant)})`,
  };
}

// ---------------------------------------------------------------------------------- typing

/** A trailing behaviour argument's text. */
const flag = (rex: Rex | undefined): string => (rex?.kind === 'literal' ? String(rex.value) : '');

function expectString(name: string, what: string, arg: Rex | undefined, pos: SourcePos | undefined): void {
  if (arg === undefined) throw validationError(pos, `${name} needs ${what}`);
  if (!isString(arg.type) && arg.type.root !== 'NULL')
    throw validationError(pos, `${name} needs ${what} as a STRING, got ${arg.type.root}`);
}

/**
 * The JSON input of JSON_EXISTS, JSON_VALUE and JSON_QUERY: a string, or (as Flink's operators
 * take any value there) a number or boolean, which is its own JSON text.
 */
function expectJsonInput(name: string, arg: Rex | undefined, pos: SourcePos | undefined): void {
  if (arg !== undefined && (isNumeric(arg.type) || arg.type.root === 'BOOLEAN')) return;
  expectString(name, 'a JSON text', arg, pos);
}

/** Code for the JSON input (never null where it runs, see {@link unlessNull}): a number or boolean as its JSON text. */
function jsonInputCode(arg: Rex, code: string): string {
  return isString(arg.type) || arg.type.root === 'NULL' ? code : `String(${code})`;
}

/** A literal path is parsed when the query is planned: a refused one fails there, with its position. */
function checkPath(name: string, path: Rex, pos: SourcePos | undefined): void {
  if (path.kind !== 'literal' || typeof path.value !== 'string') return;
  const parsed = parseJsonPath(path.value);
  if (typeof parsed === 'string') throw validationError(pos, `${name}: ${parsed}`);
}

/** Code for the path argument: the parsed path as a constant when literal. */
function pathCode(path: Rex, code: string, constant: (value: unknown) => string): string {
  if (path.kind === 'literal' && typeof path.value === 'string') return constant(parseJsonPath(path.value));
  return `${constant(pathOf)}(${code})`;
}

/** Null when the JSON text or the path is null, else `body`. */
function unlessNull(text: string, path: string, body: string): string {
  if (text === 'null' || path === 'null') return 'null';
  // Only variables can be null at run time; a literal path is a quoted string.
  const checks = [text, path].filter((a) => /^[vs]\d+$/.test(a)).map((a) => `${a} === null`);
  return checks.length === 0 ? body : `(${checks.join(' || ')} ? null : ${body})`;
}

/** The JSON functions by upper-case name, merged into `FUNCTIONS`. */
export const JSON_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  // `s IS JSON [kind]`, as Flink's IS_JSON(s, kind): FALSE for NULL.
  IS_JSON: {
    type(args, pos) {
      expectString('IS JSON', 'its operand', args[0], pos);
      const kind = args[1] === undefined ? 'VALUE' : flag(args[1]);
      if (args.length > 2 || JSON_KINDS[kind] === undefined)
        throw validationError(pos, 'IS_JSON takes a string and one of VALUE, SCALAR, ARRAY, OBJECT');
      return withNullability(Types.BOOLEAN, false);
    },
    emit: ([a], c, constant) =>
      `${constant(isJson(JSON_KINDS[c.args[1] === undefined ? 'VALUE' : flag(c.args[1])]!))}(${a})`,
    strict: false,
  },
  // args: json, path, on-error behaviour
  JSON_EXISTS: {
    type(args, pos) {
      expectJsonInput('JSON_EXISTS', args[0], pos);
      expectString('JSON_EXISTS', 'a path', args[1], pos);
      checkPath('JSON_EXISTS', args[1]!, pos);
      const nullable = args[0]!.type.nullable || args[1]!.type.nullable || flag(args[2]) === 'UNKNOWN';
      return withNullability(Types.BOOLEAN, nullable);
    },
    emit: ([j, p], c, constant) =>
      unlessNull(
        j!,
        p!,
        `${constant(jsonExists)}(${jsonInputCode(c.args[0]!, j!)}, ${pathCode(c.args[1]!, p!, constant)}, ${JSON.stringify(flag(c.args[2]))})`,
      ),
    strict: false,
  },
  // args: json, path, NULL of the RETURNING type, on-empty, its default, on-error, its default
  JSON_VALUE: {
    type(args, pos) {
      expectJsonInput('JSON_VALUE', args[0], pos);
      expectString('JSON_VALUE', 'a path', args[1], pos);
      checkPath('JSON_VALUE', args[1]!, pos);
      return withNullability(args[2]?.type ?? Types.STRING, true);
    },
    emit: ([j, p, , onEmpty, emptyDefault, onError, errorDefault], c, constant) =>
      unlessNull(
        j!,
        p!,
        `${constant(jsonValue)}(${jsonInputCode(c.args[0]!, j!)}, ${pathCode(c.args[1]!, p!, constant)}, ${constant(converter(c.type))}, ${onEmpty}, ${emptyDefault}, ${onError}, ${errorDefault})`,
      ),
    strict: false,
  },
  // args: json, path, NULL of the RETURNING type, wrapper, on-empty, on-error
  JSON_QUERY: {
    type(args, pos) {
      expectJsonInput('JSON_QUERY', args[0], pos);
      expectString('JSON_QUERY', 'a path', args[1], pos);
      checkPath('JSON_QUERY', args[1]!, pos);
      return withNullability(args[2]?.type ?? Types.STRING, true);
    },
    emit: ([j, p, , wrapper, onEmpty, onError], c, constant) =>
      unlessNull(
        j!,
        p!,
        `${constant(jsonQuery)}(${jsonInputCode(c.args[0]!, j!)}, ${pathCode(c.args[1]!, p!, constant)}, ${c.type.root === 'ARRAY'}, ${wrapper}, ${onEmpty}, ${onError})`,
      ),
    strict: false,
  },
  // JSON(text): the text checked and written compactly, members sorted; as a JSON_OBJECT or
  // JSON_ARRAY value it nests as JSON. Blank text is NULL; text that is not JSON is an error.
  JSON: {
    type(args, pos) {
      if (args.length !== 1) throw validationError(pos, `JSON takes 1 argument, got ${args.length}`);
      expectString('JSON', 'a JSON text', args[0], pos);
      return withNullability(Types.STRING, true);
    },
    emit: ([s], _c, constant) => `${constant(json)}(${s})`,
  },
  JSON_QUOTE: {
    type(args, pos) {
      if (args.length !== 1) throw validationError(pos, `JSON_QUOTE takes 1 argument, got ${args.length}`);
      expectString('JSON_QUOTE', 'a string', args[0], pos);
      return withNullability(Types.STRING, args[0]!.type.nullable);
    },
    emit: ([s], _c, constant) => `${constant(jsonQuote)}(${s})`,
  },
  JSON_UNQUOTE: {
    type(args, pos) {
      if (args.length !== 1) throw validationError(pos, `JSON_UNQUOTE takes 1 argument, got ${args.length}`);
      expectString('JSON_UNQUOTE', 'a string', args[0], pos);
      return withNullability(Types.STRING, args[0]!.type.nullable);
    },
    emit: ([s], _c, constant) => `${constant(jsonUnquote)}(${s})`,
  },
  JSON_TYPE: pathInspector('JSON_TYPE', Types.STRING, jsonType),
  JSON_LENGTH: pathInspector('JSON_LENGTH', Types.INT, jsonLength),
  JSON_STRING: {
    type(args, pos) {
      if (args.length !== 1) throw validationError(pos, `JSON_STRING takes 1 argument, got ${args.length}`);
      return withNullability(Types.STRING, args[0]!.type.nullable);
    },
    emit: ([v], c, constant) => `${constant(jsonWriter(c.args[0]!.type))}(${v})`,
  },
  // args: key, value, key, value…, NULL or ABSENT (on null)
  JSON_OBJECT: {
    type(args, pos) {
      for (let i = 0; i + 1 < args.length; i += 2) {
        const key = args[i]!;
        if (!isString(key.type) || key.type.nullable)
          throw validationError(
            pos,
            `JSON_OBJECT keys must be non-NULL strings, got ${key.type.root}${key.type.nullable ? ' (nullable)' : ''}`,
          );
      }
      return withNullability(Types.STRING, false);
    },
    emit: (args, c, constant) => {
      const values = c.args.slice(0, -1).filter((_a, i) => i % 2 === 1);
      const absentOnNull = flag(c.args[c.args.length - 1]) === 'ABSENT';
      const keys = c.args.slice(0, -1).filter((_a, i) => i % 2 === 0);
      if (!absentOnNull && keys.every((k) => k.kind === 'literal' && typeof k.value === 'string'))
        return literalKeyObject(
          keys.map((k) => (k as { value: string }).value),
          values,
          args,
          constant,
        );
      const fn = jsonObject(values.map(valueWriter), absentOnNull);
      return `${constant(fn)}(${args.slice(0, -1).join(', ')})`;
    },
    strict: false,
  },
  // args: values…, NULL or ABSENT (on null)
  JSON_ARRAY: {
    type: () => withNullability(Types.STRING, false),
    emit: (args, c, constant) => {
      const fn = jsonArray(
        c.args.slice(0, -1).map(valueWriter),
        flag(c.args[c.args.length - 1]) === 'ABSENT',
      );
      return `${constant(fn)}(${args.slice(0, -1).join(', ')})`;
    },
    strict: false,
  },
};
