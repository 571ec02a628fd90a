/**
 * The built-in scalar functions and operators: for each, how to type a call (checking its
 * arguments) and the JavaScript that computes it. Strict functions (the default) are null when
 * any argument is null; the compiler checks that once, so `emit` sees non-null values only.
 * Logic, CASE, COALESCE and the IS tests are not strict and live in the compiler.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import {
  commonType,
  formatType,
  isInteger,
  isInterval,
  isNumeric,
  isByteString,
  isString,
  isTimestamp,
  MAX_LENGTH,
  type SqlType,
  Types,
  withNullability,
  withoutTimeAttribute,
} from '../catalog/types.js';
import type { CallRex, Rex } from './rex.js';
import { localMillis, MATH_TIME_FUNCTIONS, NON_DETERMINISTIC_FUNCTIONS } from './math-time-functions.js';
import { DATETIME_FIELD_FUNCTIONS, fieldFunction } from './datetime-fields.js';
import { compileDateFormat } from './runtime.js';
import { STRING_FUNCTIONS } from './string-functions.js';
import { varyingOf } from './function-signature.js';
import { isNarrowInteger, multiplyCode, wrapCode } from './narrow-integers.js';
import { COLLECTION_FUNCTIONS } from './collection-functions.js';
import { JSON_FUNCTIONS } from './json-functions.js';
import { MORE_STRING_FUNCTIONS } from './more-string-functions.js';
import { isCompositeType, valueEquality } from './array-map-functions.js';
import { comparisonFix } from './castable.js';
import { ARRAY_SET_FUNCTIONS } from '../functions/array-set-functions.js';
import {
  ceilToUnit,
  floorToUnit,
  MORE_SCALAR_FUNCTIONS,
  parsesText,
  TO_TIMESTAMP_LTZ_TEXT,
  timeRoundingCode,
  timeRoundingType,
} from '../functions/more-scalar-functions.js';

/** One built-in function. */
export interface ScalarFunctionDef {
  /** Result type for these arguments; throws a validation error naming the function otherwise. */
  type(args: readonly Rex[], pos: SourcePos | undefined): SqlType;
  /**
   * JavaScript for the result, given the arguments' JavaScript (non-null for strict functions);
   * `constant` makes a value built once per compiled function (a compiled pattern, say)
   * available to the code, and returns how the code refers to it; `temp` gives a fresh local
   * variable the code may assign (to test a result and then return it).
   */
  emit(
    args: readonly string[],
    call: CallRex,
    constant: (value: unknown) => string,
    temp: () => string,
  ): string;
  /**
   * Whether `emit` takes BIGINT arguments in their exact form, a bigint beyond 2^53
   * (`long.ts`); the compiler gives other functions such arguments as doubles, unless the
   * result is a BIGINT too (GREATEST, IF…, which pass values through).
   */
  exactLongs?: boolean;
  /** Null if any argument is null. Default true. */
  strict?: boolean;
}

/** The result type, NULL exactly when an argument is (Flink's nullableIfArgs). */
const nullableIfAny = (type: SqlType, args: readonly Rex[]) =>
  withNullability(
    type,
    args.some((a) => a.type.nullable),
  );

function mismatch(name: string, args: readonly Rex[], pos: SourcePos | undefined, expected: string): Error {
  return validationError(
    pos,
    `cannot apply ${name} to (${args.map((a) => formatType(a.type)).join(', ')}); expected ${expected}`,
  );
}

function arity(name: string, args: readonly Rex[], pos: SourcePos | undefined, min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw validationError(pos, `${name} takes ${expected} arguments, got ${args.length}`);
  }
}

const INTEGER_DECIMAL_PRECISION: Record<string, number> = { TINYINT: 3, SMALLINT: 5, INT: 10, BIGINT: 19 };

/** An exact numeric type as DECIMAL(p, s), for the DECIMAL result rules. */
function asDecimal(type: SqlType): { p: number; s: number } {
  if (type.root === 'DECIMAL') return { p: type.precision!, s: type.scale! };
  return { p: INTEGER_DECIMAL_PRECISION[type.root] ?? 19, s: 0 };
}

/** The result type of `+ - * / %` on two numbers, following Flink's DECIMAL rules. */
export function arithmeticType(op: string, a: SqlType, b: SqlType): SqlType | undefined {
  if (!isNumeric(a) || !isNumeric(b)) return undefined;
  const nullable = a.nullable || b.nullable;
  if (a.root === 'DOUBLE' || b.root === 'DOUBLE' || a.root === 'FLOAT' || b.root === 'FLOAT')
    return withNullability(a.root === 'FLOAT' && b.root === 'FLOAT' ? a : Types.DOUBLE, nullable);
  if (a.root === 'DECIMAL' || b.root === 'DECIMAL') {
    const x = asDecimal(a);
    const y = asDecimal(b);
    let p: number;
    let s: number;
    if (op === '*') {
      p = x.p + y.p;
      s = x.s + y.s;
    } else if (op === '/') {
      s = Math.max(6, x.s + y.p + 1);
      p = x.p - x.s + y.s + s;
    } else if (op === '%') {
      s = Math.max(x.s, y.s);
      p = Math.min(x.p - x.s, y.p - y.s) + s;
    } else {
      s = Math.max(x.s, y.s);
      p = Math.max(x.p - x.s, y.p - y.s) + s + 1;
    }
    if (p > 38) {
      s = Math.max(Math.min(s, 6), s - (p - 38));
      p = 38;
    }
    return withNullability(Types.decimal(p, s), nullable);
  }
  return commonType(a, b);
}

/** The JavaScript of a BIGINT (or other integer) value as a double, for DOUBLE and DECIMAL math. */
export function asDouble(code: string, type: SqlType): string {
  return type.root === 'BIGINT' ? `(typeof ${code} === 'bigint' ? Number(${code}) : ${code})` : code;
}

const LONG_FUNCTIONS = { '+': 'rt.longAdd', '-': 'rt.longSubtract', '*': 'rt.longMultiply' } as const;

/**
 * BIGINT + - *: two numbers whose result is a safe integer take the inline path (a true result
 * past 2^53 rounds to a double past it, so the test cannot pass wrongly); the rest go through
 * the exact, wrapping functions of `long.ts`.
 */
function longArithmetic(op: '+' | '-' | '*', a: string, b: string, temp: () => string): string {
  const t = temp();
  const value = op === '*' ? `${t} + 0` : t; // no -0 from 0 * -5
  return `(typeof ${a} === 'number' && typeof ${b} === 'number' && Number.isSafeInteger(${t} = ${a} ${op} ${b}) ? ${value} : ${LONG_FUNCTIONS[op]}(${a}, ${b}))`;
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%'): ScalarFunctionDef {
  return {
    exactLongs: true,
    type(args, pos) {
      const [a, b] = args as [Rex, Rex];
      if (op === '+' || op === '-') {
        // ts ± interval is a plain timestamp: no longer the table's time attribute.
        if (isTimestamp(a.type) && isInterval(b.type))
          return nullableIfAny(withoutTimeAttribute(a.type), args);
        if (op === '+' && isInterval(a.type) && isTimestamp(b.type))
          return nullableIfAny(withoutTimeAttribute(b.type), args);
        // Fields that differ span both (Calcite's leastRestrictive): HOUR + MINUTE is HOUR TO MINUTE.
        if (isInterval(a.type) && a.type.root === b.type.root)
          return nullableIfAny(commonType(a.type, b.type)!, args);
        // date ± interval is a DATE, as in Flink: whole days of a day-time interval count.
        if (a.type.root === 'DATE' && isInterval(b.type)) return nullableIfAny(a.type, args);
        if (op === '+' && isInterval(a.type) && b.type.root === 'DATE') return nullableIfAny(b.type, args);
      }
      // An interval times a whole number is an interval of the same kind, as in Flink.
      if (op === '*' && isInterval(a.type) && isInteger(b.type)) return nullableIfAny(a.type, args);
      if (op === '*' && isInteger(a.type) && isInterval(b.type)) return nullableIfAny(b.type, args);
      const result = arithmeticType(op, a.type, b.type);
      // Flink refuses a datetime minus a datetime too; TIMESTAMPDIFF gives the difference.
      const datetime = (t: Rex) => t.type.root === 'DATE' || isTimestamp(t.type);
      if (result === undefined && op === '-' && datetime(a) && datetime(b))
        throw validationError(
          pos,
          `cannot subtract ${formatType(b.type)} from ${formatType(a.type)}; write TIMESTAMPDIFF(DAY, b, a) (or SECOND, MONTH…) for the number of units between them`,
        );
      if (result === undefined)
        throw mismatch(`'${op}'`, args, pos, 'numbers, or a timestamp and an interval');
      return result;
    },
    emit([ca, cb], c, _constant, temp) {
      const [x, y] = c.args as [Rex, Rex];
      if (c.type.root === 'BIGINT') {
        if (op === '/') return `rt.longDivide(${ca}, ${cb})`;
        if (op === '%') return `rt.longRemainder(${ca}, ${cb})`;
        return longArithmetic(op, ca!, cb!, temp);
      }
      const [a, b] = [asDouble(ca!, x.type), asDouble(cb!, y.type)];
      if (c.type.root === 'DATE') {
        // DATE values are epoch days; a month step moves through the day's midnight.
        const [date, iv, ivType] = x.type.root === 'DATE' ? [a, b, y.type] : [b, a, x.type];
        const sign = op === '-' ? '-' : '';
        return ivType.root === 'INTERVAL_YEAR_MONTH'
          ? `(rt.addMonths(${date} * 86400000, ${sign}${iv}) / 86400000)`
          : `(${date} ${op} Math.trunc(${iv} / 86400000))`;
      }
      if (isTimestamp(x.type) || isTimestamp(y.type)) {
        const [ts, iv, ivType] = isTimestamp(x.type) ? [a, b, y.type] : [b, a, x.type];
        const sign = op === '-' ? '-' : '';
        return ivType.root === 'INTERVAL_YEAR_MONTH'
          ? `rt.addMonths(${ts}, ${sign}${iv})`
          : `(${ts} ${op} ${iv})`;
      }
      // TINYINT, SMALLINT and INT wrap at their width, as Java's byte, short and int do (which
      // also turns the -0 of -4 % 2 into 0).
      if (isNarrowInteger(c.type.root)) {
        if (op === '*') return multiplyCode(a, b, c.type.root);
        if (op === '/') return wrapCode(`rt.idiv(${a}, ${b})`, c.type.root);
        if (op === '%') return wrapCode(`rt.mod(${a}, ${b})`, c.type.root);
        return wrapCode(`${a} ${op} ${b}`, c.type.root);
      }
      if (op === '/' && isInteger(c.type)) return `rt.idiv(${a}, ${b})`;
      if (op === '%') return `rt.mod(${a}, ${b})`;
      // `+ 0` turns JavaScript's -0 (from 0 * -5) into the 0 SQL integers have.
      if (op === '*' && (isInteger(c.type) || isInterval(c.type))) return `(${a} * ${b} + 0)`;
      const raw = `(${a} ${op} ${b})`;
      return c.type.root === 'DECIMAL' ? `rt.round(${raw}, ${c.type.scale})` : raw;
    },
  };
}

function comparable(a: SqlType, b: SqlType): boolean {
  if (a.root === 'NULL' || b.root === 'NULL') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (isString(a) && isString(b)) return true;
  if (isTimestamp(a) && isTimestamp(b)) return true;
  // A literal X'01' is a BINARY(1): it compares with a BYTES column.
  if (isByteString(a) && isByteString(b)) return true;
  // ARRAY<INT> = ARRAY<BIGINT> compares, ARRAY<INT> = ARRAY<STRING> does not.
  if (a.root === 'ARRAY' && b.root === 'ARRAY') return comparable(a.element!, b.element!);
  if (a.root === 'MAP' && b.root === 'MAP')
    return comparable(a.key!, b.key!) && comparable(a.value!, b.value!);
  return a.root === b.root;
}

const compareBytes = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);

function comparison(op: string, js: string): ScalarFunctionDef {
  const equality = op === '=' || op === '<>';
  return {
    type(args, pos) {
      const [a, b] = args as [Rex, Rex];
      if (!comparable(a.type, b.type))
        throw mismatch(
          `'${op}'`,
          args,
          pos,
          `two values of comparable types; ${comparisonFix(a.type, b.type)}`,
        );
      if (!equality && (isCompositeType(a.type) || isCompositeType(b.type)))
        throw mismatch(
          `'${op}'`,
          args,
          pos,
          'values with an order; ARRAY, MAP and ROW values compare with = and <> only',
        );
      return nullableIfAny(Types.BOOLEAN, args);
    },
    exactLongs: true,
    // Collections compare by value, element by element. BIGINTs compare exactly with each
    // other and with the other integers (one form per value: `===` holds); with a DOUBLE or
    // DECIMAL as doubles, as Flink compares them in their common type.
    emit: ([a, b], c, constant) => {
      const [x, y] = [c.args[0]!.type, c.args[1]!.type];
      if (isCompositeType(x) || isCompositeType(y))
        return `(${op === '<>' ? '!' : ''}${constant(valueEquality(x, y))}(${a}, ${b}))`;
      // Byte strings are objects: they compare by their bytes, unsigned, as Flink's do.
      if (isByteString(x) && isByteString(y)) return `(${constant(compareBytes)}(${a}, ${b}) ${js} 0)`;
      if (isInteger(x) === isInteger(y) || x.root === 'NULL' || y.root === 'NULL') return `(${a} ${js} ${b})`;
      return `(${asDouble(a!, x)} ${js} ${asDouble(b!, y)})`;
    },
  };
}

/**
 * A strict string function. `result` gives its type for the arguments; the call is NULL exactly
 * when an argument is (Flink's nullableIfArgs) unless the result is marked nullable, for a
 * function that can give NULL for non-NULL arguments.
 */
function stringFn(
  name: string,
  min: number,
  max: number,
  result: SqlType | ((args: readonly Rex[]) => SqlType),
  emit: ScalarFunctionDef['emit'],
  argCheck: (i: number, t: SqlType) => boolean = (_i, t) => isString(t),
  alwaysNullable = false,
): ScalarFunctionDef {
  return {
    type(args, pos) {
      arity(name, args, pos, min, max);
      args.forEach((a, i) => {
        if (a.type.root !== 'NULL' && !argCheck(i, a.type))
          throw mismatch(name, args, pos, 'string arguments');
      });
      const type = typeof result === 'function' ? result(args) : result;
      return withNullability(type, alwaysNullable || args.some((a) => a.type.nullable));
    },
    emit,
  };
}

const BYTES: SqlType = Object.freeze({ root: 'VARBINARY', nullable: false, length: MAX_LENGTH });

/** A string argument's type, STRING for an untyped NULL: UPPER and LOWER keep CHAR(n) and VARCHAR(n). */
const stringArgType = (a: Rex): SqlType => (isString(a.type) ? a.type : Types.STRING);

/**
 * Strings joined: the lengths add up (to at most STRING's), CHAR only when every part is CHAR,
 * as Calcite types `||`; CONCAT is always VARCHAR, as Flink types it.
 */
function joinedType(args: readonly Rex[], keepChar: boolean): SqlType {
  const types = args.map(stringArgType);
  const length = Math.min(
    MAX_LENGTH,
    types.reduce((n, t) => n + (t.length ?? MAX_LENGTH), 0),
  );
  const root = keepChar && types.every((t) => t.root === 'CHAR') ? 'CHAR' : 'VARCHAR';
  return Object.freeze({ root, nullable: true, length }) as SqlType;
}

const stringThenInts = (i: number, t: SqlType) => (i === 0 ? isString(t) : isInteger(t));

/** Built-in functions by upper-case name. */
export const FUNCTIONS: Record<string, ScalarFunctionDef> = {
  '+': arithmetic('+'),
  '-': arithmetic('-'),
  '*': arithmetic('*'),
  '/': arithmetic('/'),
  '%': arithmetic('%'),
  MOD: {
    type(args, pos) {
      arity('MOD', args, pos, 2);
      if (!args.every((a) => isNumeric(a.type) || a.type.root === 'NULL'))
        throw mismatch('MOD', args, pos, 'numbers');
      return arithmeticType('%', args[0]!.type, args[1]!.type) ?? Types.INT;
    },
    exactLongs: true,
    emit: ([a, b], c) =>
      c.type.root === 'BIGINT'
        ? `rt.longRemainder(${a}, ${b})`
        : wrapCode(`rt.mod(${asDouble(a!, c.args[0]!.type)}, ${asDouble(b!, c.args[1]!.type)})`, c.type.root),
  },
  // Internal (Flink's HASH_CODE): the split-distinct rewrite's bucket key. Several arguments
  // combine as Java's Objects.hash does.
  HASH_CODE: {
    exactLongs: true,
    type(args, pos) {
      arity('HASH_CODE', args, pos, 1, Number.MAX_SAFE_INTEGER);
      return nullableIfAny(Types.INT, args);
    },
    emit: (args) =>
      args.length === 1
        ? `rt.hashCode(${args[0]})`
        : args.reduce((h, a) => `((Math.imul(31, ${h}) + rt.hashCode(${a})) | 0)`, '1'),
  },
  NEGATE: {
    type(args, pos) {
      const t = args[0]!.type;
      if (!isNumeric(t) && !isInterval(t)) throw mismatch("unary '-'", args, pos, 'a number or an interval');
      return t;
    },
    exactLongs: true,
    // 0 - x rather than -x: SQL has no negative zero.
    emit: ([a], c) =>
      c.type.root === 'BIGINT'
        ? `(typeof ${a} === 'number' ? 0 - ${a} : rt.longNegate(${a}))`
        : isNarrowInteger(c.type.root)
          ? wrapCode(`0 - ${a}`, c.type.root) // -(-2147483648) is itself, as in Java
          : `(0 - ${a})`,
  },
  '=': comparison('=', '==='),
  '<>': comparison('<>', '!=='),
  '<': comparison('<', '<'),
  '<=': comparison('<=', '<='),
  '>': comparison('>', '>'),
  '>=': comparison('>=', '>='),
  // As in Flink (Calcite's ||): two strings, or two byte strings joined into BYTES.
  '||': {
    type(args, pos) {
      arity('||', args, pos, 2, 2);
      const known = args.filter((a) => a.type.root !== 'NULL');
      if (known.length > 0 && known.every((a) => isByteString(a.type))) return nullableIfAny(BYTES, args);
      if (known.every((a) => isString(a.type))) return nullableIfAny(joinedType(args, true), args);
      throw mismatch('||', args, pos, 'two strings or two byte strings');
    },
    emit: ([a, b], call) => (call.type.root === 'VARBINARY' ? `rt.concatBytes(${a}, ${b})` : `(${a} + ${b})`),
  },
  CONCAT: stringFn(
    'CONCAT',
    1,
    254,
    (args) => joinedType(args, false),
    (args) => `(${args.join(' + ')})`,
    () => true,
  ),
  UPPER: stringFn(
    'UPPER',
    1,
    1,
    ([a]) => stringArgType(a!),
    ([a]) => `${a}.toUpperCase()`,
  ),
  LOWER: stringFn(
    'LOWER',
    1,
    1,
    ([a]) => stringArgType(a!),
    ([a]) => `${a}.toLowerCase()`,
  ),
  CHAR_LENGTH: stringFn('CHAR_LENGTH', 1, 1, Types.INT, ([a]) => `${a}.length`),
  CHARACTER_LENGTH: stringFn('CHARACTER_LENGTH', 1, 1, Types.INT, ([a]) => `${a}.length`),
  // VARCHAR of the string's length, nullable whatever the arguments, as Flink's operator table
  // types SUBSTRING and SUBSTR (ARG0_VARCHAR_FORCE_NULLABLE).
  SUBSTRING: stringFn(
    'SUBSTRING',
    2,
    3,
    ([a]) => varyingOf(a),
    (args) => `rt.substring(${args.join(', ')})`,
    stringThenInts,
    true,
  ),
  SUBSTR: stringFn(
    'SUBSTR',
    2,
    3,
    ([a]) => varyingOf(a),
    (args) => `rt.substring(${args.join(', ')})`,
    stringThenInts,
    true,
  ),
  // VARCHAR of the trimmed string's length (its third argument), as Calcite types TRIM.
  TRIM: stringFn(
    'TRIM',
    3,
    3,
    (args) => varyingOf(args[2]),
    ([m, c, s]) => `rt.trim(${m}, ${c}, ${s})`,
  ),
  POSITION: stringFn('POSITION', 2, 2, Types.INT, ([a, b]) => `rt.position(${a}, ${b})`),
  SPLIT_INDEX: stringFn(
    'SPLIT_INDEX',
    3,
    3,
    withNullability(Types.STRING, true),
    (args) => `rt.splitIndex(${args.join(', ')})`,
    (i, t) => (i < 2 ? isString(t) : isInteger(t)),
    true,
  ),
  REGEXP_EXTRACT: stringFn(
    'REGEXP_EXTRACT',
    2,
    3,
    withNullability(Types.STRING, true),
    (args, c, constant) => {
      // A literal pattern is compiled once per operator, not looked up per row.
      const pattern = c.args[1]!;
      if (pattern.kind !== 'literal' || typeof pattern.value !== 'string')
        return `rt.regexpExtract(${args.join(', ')})`;
      let compiled: RegExp;
      try {
        compiled = new RegExp(pattern.value);
      } catch {
        return `rt.regexpExtract(${args.join(', ')})`;
      }
      const rest = args.length > 2 ? `, ${args[2]}` : '';
      return `rt.regexpExtractWith(${args[0]}, ${constant(compiled)}${rest})`;
    },
    (i, t) => (i < 2 ? isString(t) : isInteger(t)),
    true,
  ),
  ABS: {
    type(args, pos) {
      arity('ABS', args, pos, 1);
      if (!isNumeric(args[0]!.type)) throw mismatch('ABS', args, pos, 'a number');
      return args[0]!.type;
    },
    exactLongs: true,
    emit: ([a], c) =>
      c.type.root === 'BIGINT'
        ? `(typeof ${a} === 'number' ? Math.abs(${a}) : rt.longAbs(${a}))`
        : isNarrowInteger(c.type.root)
          ? wrapCode(`Math.abs(${a})`, c.type.root) // ABS of the smallest value is itself
          : `Math.abs(${a})`,
  },
  FLOOR: {
    type(args, pos) {
      arity('FLOOR', args, pos, 1, 2);
      const t = args[0]!.type;
      if (args.length === 2) return timeRoundingType('FLOOR', args, pos);
      if (!isNumeric(t)) throw mismatch('FLOOR', args, pos, 'a number, or a timestamp TO a unit');
      return t.root === 'DECIMAL' ? withNullability(Types.decimal(t.precision!, 0), t.nullable) : t;
    },
    emit: (args, c, constant) =>
      args.length === 2
        ? timeRoundingCode(args[0]!, args[1]!, c.args[0]!.type, constant(floorToUnit), constant)
        : `Math.floor(${args[0]})`,
  },
  CEIL: {
    type(args, pos) {
      arity('CEIL', args, pos, 1, 2);
      if (args.length === 2) return timeRoundingType('CEIL', args, pos);
      const t = args[0]!.type;
      if (!isNumeric(t)) throw mismatch('CEIL', args, pos, 'a number');
      // As FLOOR: a DECIMAL loses its fraction digits (CEIL(2.1) is 3, not 3.0).
      return t.root === 'DECIMAL' ? withNullability(Types.decimal(t.precision!, 0), t.nullable) : t;
    },
    emit: (args, c, constant) =>
      args.length === 2
        ? timeRoundingCode(args[0]!, args[1]!, c.args[0]!.type, constant(ceilToUnit), constant)
        : `Math.ceil(${args[0]})`,
  },
  TO_TIMESTAMP_LTZ: {
    type(args, pos) {
      if (parsesText(args)) return TO_TIMESTAMP_LTZ_TEXT.type(args, pos);
      arity('TO_TIMESTAMP_LTZ', args, pos, 1, 2);
      if (!isNumeric(args[0]!.type) || (args[1] !== undefined && !isInteger(args[1].type)))
        throw mismatch('TO_TIMESTAMP_LTZ', args, pos, '(epoch number, precision 0 or 3)');
      const precision = args[1]?.kind === 'literal' ? Number(args[1].value) : 3;
      if (precision !== 0 && precision !== 3)
        throw validationError(
          pos,
          `TO_TIMESTAMP_LTZ precision must be 0 (seconds) or 3 (milliseconds), got ${precision}`,
        );
      // Nullable whatever the arguments, as Flink's TO_TIMESTAMP_LTZ strategy gives it.
      return withNullability(Types.timestampLtz(3), true);
    },
    emit: (args, c, constant, temp) => {
      if (parsesText(c.args)) return TO_TIMESTAMP_LTZ_TEXT.emit(args, c, constant, temp);
      const precision = c.args[1]?.kind === 'literal' ? Number(c.args[1].value) : 3;
      return precision === 0 ? `(${args[0]} * 1000)` : `${args[0]}`;
    },
  },
  DATE_FORMAT: {
    type(args, pos) {
      arity('DATE_FORMAT', args, pos, 2);
      const t = args[0]!.type;
      if (!(isTimestamp(t) || isString(t)) || !isString(args[1]!.type))
        throw mismatch('DATE_FORMAT', args, pos, '(TIMESTAMP or STRING, format STRING)');
      // Nullable whatever the arguments, as Flink types it: text may not parse.
      return withNullability(Types.STRING, true);
    },
    emit([a, f], c, constant) {
      const fromString = isString(c.args[0]!.type);
      const pattern = c.args[1]!;
      // A TIMESTAMP_LTZ is formatted as its wall clock in the session zone.
      if (!fromString) a = localMillis(a!, c.args[0]!, constant);
      // A literal pattern is compiled once per operator, with its day/minute cache.
      if (pattern.kind === 'literal' && typeof pattern.value === 'string') {
        const formatter = constant(compileDateFormat(pattern.value));
        return fromString ? `${formatter}.formatString(${a})` : `${formatter}.format(${a})`;
      }
      return fromString ? `rt.dateFormatString(${a}, ${f})` : `rt.dateFormat(${a}, ${f})`;
    },
  },
};

Object.assign(
  FUNCTIONS,
  STRING_FUNCTIONS,
  MATH_TIME_FUNCTIONS,
  COLLECTION_FUNCTIONS,
  JSON_FUNCTIONS,
  MORE_STRING_FUNCTIONS,
  ARRAY_SET_FUNCTIONS,
  MORE_SCALAR_FUNCTIONS,
  DATETIME_FIELD_FUNCTIONS,
);

// YEAR(t), QUARTER(t)… are EXTRACT of their unit.
for (const unit of ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'HOUR', 'MINUTE', 'SECOND'])
  FUNCTIONS[unit] = fieldFunction(unit);

/**
 * Whether an expression gives the same value for the same row: not when it reads the clock or
 * calls a user-defined function declared `deterministic: false`. Rewrite rules do not move or
 * duplicate non-deterministic expressions.
 */
export function isDeterministic(rex: Rex): boolean {
  if (rex.kind !== 'call') return true;
  if (rex.op === 'CURRENT_TIMESTAMP' || rex.op === 'CURRENT_WATERMARK' || rex.udf?.deterministic === false)
    return false;
  if (NON_DETERMINISTIC_FUNCTIONS.has(rex.op) || (rex.op === 'UNIX_TIMESTAMP' && rex.args.length === 0))
    return false;
  return rex.args.every(isDeterministic);
}
