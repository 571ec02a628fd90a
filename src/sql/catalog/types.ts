/**
 * SQL data types, as Flink has them, and how values of each type are held in a row at run time:
 *
 * | SQL type                         | JavaScript value                                   |
 * |----------------------------------|----------------------------------------------------|
 * | BOOLEAN                          | boolean                                            |
 * | TINYINT … BIGINT, FLOAT, DOUBLE  | number (BIGINT beyond 2^53 loses precision)        |
 * | DECIMAL(p, s)                    | number, rounded to `s` digits where it is produced |
 * | CHAR, VARCHAR, STRING            | string                                             |
 * | BINARY, VARBINARY, BYTES         | Uint8Array                                         |
 * | TIMESTAMP(p), TIMESTAMP_LTZ(p)   | number: epoch milliseconds (TIMESTAMP is UTC wall-clock time) |
 * | DATE                             | number: days since 1970-01-01                      |
 * | TIME                             | number: milliseconds of the day                    |
 * | INTERVAL DAY TO SECOND           | number: milliseconds                               |
 * | INTERVAL YEAR TO MONTH           | number: months                                     |
 * | ARRAY, MAP, ROW                  | array, Map, plain object keyed by field name       |
 * | MULTISET<T>                      | Map of element → count (a MAP<T, INT NOT NULL>)     |
 *
 * NULL is `null` for every type. Types are immutable plain objects.
 */
import type { SourcePos, TimeUnit, TypeSyntax } from '../parser/ast.js';
import { validationError } from '../errors.js';

/** The type families. */
export type TypeRoot =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'CHAR'
  | 'VARCHAR'
  | 'BINARY'
  | 'VARBINARY'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'TIMESTAMP_LTZ'
  | 'INTERVAL_DAY_TIME'
  | 'INTERVAL_YEAR_MONTH'
  | 'ARRAY'
  | 'MAP'
  | 'ROW'
  | 'NULL'
  | 'RAW';

/** A resolved SQL type. `length` for strings and binaries, `precision`/`scale` for numbers and times. */
export interface SqlType {
  readonly root: TypeRoot;
  readonly nullable: boolean;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly element?: SqlType;
  readonly key?: SqlType;
  readonly value?: SqlType;
  readonly fields?: readonly { readonly name: string; readonly type: SqlType }[];
  /** Marks the event-time attribute of a table (Flink's `*ROWTIME*`). */
  readonly rowtime?: boolean;
  /** Marks a processing-time attribute from `PROCTIME()` (Flink's `*PROCTIME*`). */
  readonly proctime?: boolean;
  /**
   * On a MAP whose values are INT NOT NULL counts: the type is `MULTISET<key>`. A multiset is
   * held and encoded as that map (element → count), as Flink's connectors encode it, so every
   * MAP path reads it; only its name, CARDINALITY and COLLECT tell it apart.
   */
  readonly multiset?: boolean;
  /**
   * On an interval of two fields (`YEAR TO MONTH`, `DAY TO SECOND`, as written in a literal, a
   * column or a CAST): held and printed as the single-field interval of its kind, but, as in
   * Flink, cast to and from no number ({@link countsInterval}).
   */
  readonly multiField?: boolean;
  /**
   * On an interval of one field: the field it was declared with (`HOUR` of `INTERVAL '3' HOUR`
   * or `CAST(x AS INTERVAL HOUR)`). Held and printed as the interval of its kind (milliseconds,
   * months), as Flink's logical types have it, but a cast to or from a number counts this field
   * ({@link intervalFieldSize}), as Calcite's casts in Flink's planner do. Absent, the field is
   * the printed one: MONTH, or SECOND.
   */
  readonly intervalField?: TimeUnit;
  /**
   * On an interval of two fields written with them (`HOUR TO MINUTE`): the last, beside its
   * first in {@link intervalField}, which EXPLAIN prints as Calcite's digest does
   * (`5400000:INTERVAL HOUR TO MINUTE`). Neither counts in a cast: two fields cast to no number.
   */
  readonly intervalToField?: TimeUnit;
}

/** VARCHAR(2147483647), which Flink prints as STRING. */
export const MAX_LENGTH = 2147483647;

const t = (root: TypeRoot, rest: Partial<SqlType> = {}): SqlType =>
  Object.freeze({ root, nullable: true, ...rest });

/** Commonly used types, all nullable. */
export const Types = {
  BOOLEAN: t('BOOLEAN'),
  INT: t('INT'),
  BIGINT: t('BIGINT'),
  DOUBLE: t('DOUBLE'),
  STRING: t('VARCHAR', { length: MAX_LENGTH }),
  DATE: t('DATE'),
  TIME: t('TIME', { precision: 0 }),
  NULL: t('NULL'),
  RAW: t('RAW'),
  INTERVAL_DAY_TIME: t('INTERVAL_DAY_TIME'),
  INTERVAL_YEAR_MONTH: t('INTERVAL_YEAR_MONTH'),
  timestamp: (precision = 3) => t('TIMESTAMP', { precision }),
  timestampLtz: (precision = 3) => t('TIMESTAMP_LTZ', { precision }),
  decimal: (precision: number, scale: number) => t('DECIMAL', { precision, scale }),
  varchar: (length: number) => t('VARCHAR', { length }),
  /** `MULTISET<element>`: a map of element → count, nullable like the other types here. */
  multiset: (element: SqlType) =>
    t('MAP', { key: element, value: Object.freeze({ root: 'INT', nullable: false }), multiset: true }),
} as const;

/** The same type, nullable or NOT NULL. */
export function withNullability(type: SqlType, nullable: boolean): SqlType {
  return type.nullable === nullable ? type : Object.freeze({ ...type, nullable });
}

/**
 * The type as a table's column holds it: its intervals (at any depth) without their declared
 * field, so a column written INTERVAL HOUR is an INTERVAL SECOND(3) that counts seconds, as
 * Flink's catalog keeps only its logical types (INTERVAL SECOND(3), INTERVAL MONTH) and its
 * planner reads them back as DAY TO SECOND and YEAR TO MONTH, whose casts from numbers count
 * seconds and months. An expression's type keeps its field ({@link SqlType.intervalField}).
 */
export function withoutIntervalField(type: SqlType): SqlType {
  if (type.intervalField !== undefined) {
    const { intervalField: _f, intervalToField: _t, ...rest } = type;
    return Object.freeze(rest);
  }
  const element = type.element && withoutIntervalField(type.element);
  const key = type.key && withoutIntervalField(type.key);
  const value = type.value && withoutIntervalField(type.value);
  const fields = type.fields?.map((f) => {
    const t = withoutIntervalField(f.type);
    return t === f.type ? f : Object.freeze({ name: f.name, type: t });
  });
  const same =
    element === type.element &&
    key === type.key &&
    value === type.value &&
    (fields === undefined || fields.every((f, i) => f === type.fields![i]));
  if (same) return type;
  return Object.freeze({
    ...type,
    ...(element === undefined ? {} : { element }),
    ...(key === undefined ? {} : { key }),
    ...(value === undefined ? {} : { value }),
    ...(fields === undefined ? {} : { fields: Object.freeze(fields) }),
  });
}

/** The type without the rowtime or proctime marker: what an expression over a time attribute gives. */
export function withoutTimeAttribute(type: SqlType): SqlType {
  if (!type.rowtime && !type.proctime) return type;
  const { rowtime: _r, proctime: _p, ...rest } = type;
  return Object.freeze(rest);
}

const INTEGERS: readonly TypeRoot[] = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT'];
/** Type family tests. */
export const isInteger = (type: SqlType) => INTEGERS.includes(type.root);
/** Whether a type is of this family. */
export const isNumeric = (type: SqlType) =>
  isInteger(type) || type.root === 'FLOAT' || type.root === 'DOUBLE' || type.root === 'DECIMAL';
/** Whether a type is of this family. */
export const isString = (type: SqlType) => type.root === 'CHAR' || type.root === 'VARCHAR';
/** Whether the type is a byte string, fixed or varying (BINARY(n), VARBINARY(n), BYTES). */
export const isByteString = (type: SqlType) => type.root === 'BINARY' || type.root === 'VARBINARY';
/** Whether a type is of this family. */
export const isTimestamp = (type: SqlType) => type.root === 'TIMESTAMP' || type.root === 'TIMESTAMP_LTZ';
/** Whether a type is of this family. */
export const isInterval = (type: SqlType) =>
  type.root === 'INTERVAL_DAY_TIME' || type.root === 'INTERVAL_YEAR_MONTH';

/** The type as Flink prints it: `BIGINT NOT NULL`, `STRING`, `DECIMAL(10, 2)`, `ROW<`a` INT>`. */
export function formatType(type: SqlType): string {
  return formatBare(type) + (type.nullable ? '' : ' NOT NULL');
}

function formatBare(type: SqlType): string {
  switch (type.root) {
    case 'VARCHAR':
      return type.length === MAX_LENGTH ? 'STRING' : `VARCHAR(${type.length})`;
    case 'CHAR':
      return `CHAR(${type.length})`;
    case 'BINARY':
      return `BINARY(${type.length})`;
    case 'VARBINARY':
      return type.length === MAX_LENGTH ? 'BYTES' : `VARBINARY(${type.length})`;
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'TIMESTAMP':
      return `TIMESTAMP(${type.precision})${type.rowtime ? ' *ROWTIME*' : ''}`;
    case 'TIMESTAMP_LTZ':
      return `TIMESTAMP_LTZ(${type.precision})${type.rowtime ? ' *ROWTIME*' : type.proctime ? ' *PROCTIME*' : ''}`;
    case 'TIME':
      return `TIME(${type.precision ?? 0})`;
    case 'INTERVAL_DAY_TIME':
      return 'INTERVAL SECOND(3)';
    case 'INTERVAL_YEAR_MONTH':
      return 'INTERVAL MONTH';
    case 'ARRAY':
      return `ARRAY<${formatType(type.element!)}>`;
    case 'MAP':
      if (type.multiset) return `MULTISET<${formatType(type.key!)}>`;
      return `MAP<${formatType(type.key!)}, ${formatType(type.value!)}>`;
    case 'ROW':
      return `ROW<${type.fields!.map((f) => `\`${f.name}\` ${formatType(f.type)}`).join(', ')}>`;
    default:
      return type.root;
  }
}

/** Turns a type as written into a type, checking its parameters. */
export function resolveType(syntax: TypeSyntax): SqlType {
  const base = resolveBare(syntax);
  return syntax.nullable ? base : withNullability(base, false);
}

function resolveBare(s: TypeSyntax): SqlType {
  const [p0, p1] = s.params;
  const bad = (what: string) => validationError(s.pos, `${what} in type ${s.name}`);
  const precision = (min: number, max: number, fallback: number) => {
    const p = p0 ?? fallback;
    if (!Number.isInteger(p) || p < min || p > max)
      throw bad(`precision must be between ${min} and ${max}, got ${p}`);
    return p;
  };
  const length = (fallback: number) => {
    const n = p0 ?? fallback;
    if (!Number.isInteger(n) || n < 1) throw bad(`length must be at least 1, got ${n}`);
    return n;
  };
  switch (s.name) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DATE':
      return t(s.name);
    case 'INT':
    case 'INTEGER':
      return t('INT');
    case 'REAL':
      return t('FLOAT');
    case 'DECIMAL':
    case 'DEC':
    case 'NUMERIC': {
      const p = precision(1, 38, 10);
      const scale = p1 ?? 0;
      if (!Number.isInteger(scale) || scale < 0 || scale > p)
        throw bad(`scale must be between 0 and ${p}, got ${scale}`);
      return t('DECIMAL', { precision: p, scale });
    }
    case 'STRING':
      return Types.STRING;
    case 'VARCHAR':
      // Without a length VARCHAR is STRING, as in Flink's SQL (its type system defaults
      // VARCHAR to the maximum length); CHAR defaults to 1.
      return t('VARCHAR', { length: length(MAX_LENGTH) });
    case 'CHAR':
    case 'CHARACTER':
      return t('CHAR', { length: length(1) });
    case 'BYTES':
      return t('VARBINARY', { length: MAX_LENGTH });
    case 'BINARY':
      return t('BINARY', { length: length(1) });
    case 'VARBINARY':
      return t('VARBINARY', { length: length(1) });
    case 'TIME':
      return t('TIME', { precision: precision(0, 9, 0) });
    case 'TIMESTAMP':
      return t(s.withLocalTimeZone ? 'TIMESTAMP_LTZ' : 'TIMESTAMP', { precision: precision(0, 9, 6) });
    case 'TIMESTAMP_LTZ':
      return t('TIMESTAMP_LTZ', { precision: precision(0, 9, 6) });
    case 'INTERVAL': {
      const interval =
        s.intervalUnit === 'YEAR' || s.intervalUnit === 'QUARTER' || s.intervalUnit === 'MONTH'
          ? Types.INTERVAL_YEAR_MONTH
          : Types.INTERVAL_DAY_TIME;
      return s.intervalToUnit === undefined
        ? t(interval.root, { intervalField: s.intervalUnit })
        : t(interval.root, {
            multiField: true,
            intervalField: s.intervalUnit,
            intervalToField: s.intervalToUnit,
          });
    }
    case 'ARRAY':
      if (s.args.length !== 1) throw bad('expected one element type, e.g. ARRAY<STRING>,');
      return t('ARRAY', { element: resolveType(s.args[0]!.type) });
    case 'MULTISET':
      if (s.args.length !== 1) throw bad('expected one element type, e.g. MULTISET<STRING>,');
      return Types.multiset(resolveType(s.args[0]!.type));
    case 'MAP':
      if (s.args.length !== 2) throw bad('expected a key and a value type, e.g. MAP<STRING, INT>,');
      return t('MAP', { key: resolveType(s.args[0]!.type), value: resolveType(s.args[1]!.type) });
    case 'ROW': {
      const fields = s.args.map((a, i) => ({ name: a.name ?? `f${i}`, type: resolveType(a.type) }));
      return t('ROW', { fields: Object.freeze(fields) });
    }
    case 'RAW':
      return Types.RAW;
    case 'NULL':
      return Types.NULL;
    default:
      throw validationError(s.pos, `unknown type '${s.name}'`);
  }
}

/**
 * Whether a value of `from` can be stored in a column of `to` without a CAST (implicit widening),
 * as Flink's implicit-cast rules allow: numbers widen, any string goes into VARCHAR but only a
 * CHAR into CHAR (and only a BINARY into BINARY), whatever the lengths; the cast then cuts or pads.
 * A TIMESTAMP goes into DATE and TIME ({@link narrowsTimestamp}), an interval into an integer type
 * and back ({@link countsInterval}). Nullability is not considered.
 */
export function isAssignable(from: SqlType, to: SqlType): boolean {
  if (from.root === 'NULL') return true;
  if (!sameKind(from, to)) return false;
  if (from.root === to.root) return childrenAll(from, to, isAssignable);
  if (isNumeric(from) && isNumeric(to)) return numericRank(from) <= numericRank(to) || to.root === 'DECIMAL';
  if (isString(from) && isString(to)) return to.root === 'VARCHAR';
  if (isTimestamp(from) && isTimestamp(to)) return true;
  if (isByteString(from) && isByteString(to)) return to.root === 'VARBINARY';
  if (countsInterval(from, to) || countsInterval(to, from)) return true;
  return narrowsTimestamp(from, to);
}

/**
 * Whether `interval` and `integer` are an interval and an integer type, which cast to each other
 * implicitly (and explicitly): the integer is the interval's count of its field
 * ({@link intervalFieldSize}), so `CAST(5 AS INTERVAL HOUR)` is five hours and
 * `CAST(INTERVAL '90' MINUTE AS INT)` is 90, as Calcite's casts (RexBuilder's
 * makeCastExactToInterval and makeCastIntervalToExact) give them in Flink. Flink's LogicalTypeCasts allows this between a single-field
 * interval and any exact numeric, but its planner has run-time casts only between intervals and
 * integers, so DECIMAL is refused here while planning rather than failing in code generation.
 * An interval of two fields (YEAR TO MONTH, DAY TO SECOND: {@link SqlType.multiField}) casts to
 * and from no number, as Calcite's canCastFrom in Flink's planner refuses it.
 */
export function countsInterval(interval: SqlType, integer: SqlType): boolean {
  return isInterval(interval) && interval.multiField !== true && isInteger(integer);
}

/** Months or milliseconds in one unit of each interval field. */
const FIELD_SIZE: Record<TimeUnit, number> = {
  YEAR: 12,
  QUARTER: 3,
  MONTH: 1,
  WEEK: 7 * 86_400_000,
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
  MILLISECOND: 1,
};

/**
 * How many held units (months, or milliseconds) one unit of a single-field interval's field is:
 * 3 600 000 for INTERVAL HOUR, 12 for INTERVAL YEAR. A number cast to the interval is multiplied
 * by it, and the interval cast to a number divided by it, the quotient cut toward zero (Calcite's
 * integer division), so `CAST(INTERVAL '1.5' SECOND AS INT)` is 1.
 */
export function intervalFieldSize(interval: SqlType): number {
  return FIELD_SIZE[interval.intervalField ?? (interval.root === 'INTERVAL_YEAR_MONTH' ? 'MONTH' : 'SECOND')];
}

/**
 * Whether `from` to `to` is the implicit cast of a TIMESTAMP to its DATE or its TIME, which
 * Flink's implicit rules allow (not from TIMESTAMP_LTZ, whose date depends on the zone). The
 * value changes, so a caller that passes a value on where {@link isAssignable} holds must CAST
 * it in this case.
 */
export function narrowsTimestamp(from: SqlType, to: SqlType): boolean {
  return from.root === 'TIMESTAMP' && (to.root === 'DATE' || to.root === 'TIME');
}

/**
 * Whether a value of `from` may be written where `to` is expected without a CAST, as Flink's
 * `supportsAvoidingCast` decides for a sink's columns: a string (or byte string) type must fit
 * inside the target, so VARCHAR(2) goes into VARCHAR(3) as it is, but VARCHAR(2) into CHAR(3)
 * takes a cast, which pads, and STRING into VARCHAR(3) one that cuts. Other types need the same
 * root (and scale); nullability is the NOT NULL enforcer's business.
 */
export function castAvoidable(from: SqlType, to: SqlType): boolean {
  const strings = isString(from) && isString(to);
  if (strings || (isByteString(from) && isByteString(to))) {
    const fixed = strings ? 'CHAR' : 'BINARY';
    if (to.root === fixed) return from.root === fixed && from.length === to.length;
    return (from.length ?? MAX_LENGTH) <= (to.length ?? MAX_LENGTH);
  }
  return (
    from.root === to.root &&
    from.scale === to.scale &&
    sameKind(from, to) &&
    childrenAll(from, to, castAvoidable)
  );
}

/**
 * Whether two types are both multisets or both not. A MULTISET<T> is held as a MAP<T, INT NOT NULL>
 * (see {@link SqlType.multiset}), but it is another type: Flink casts a constructed type only to
 * one of its own root, so neither casts to the other, implicitly or with CAST, and they have no
 * common type.
 */
export function sameKind(a: SqlType, b: SqlType): boolean {
  return (a.multiset === true) === (b.multiset === true);
}

/**
 * Whether `test` holds for each pair of child types of two types of one root: ARRAY and MULTISET
 * elements, MAP keys and values, ROW fields by position (as many on both sides). As in Flink, a
 * constructed type casts implicitly (or as it is) only where its children do, so ARRAY<STRING>
 * does not go into ARRAY<INT>. True for types without children.
 */
function childrenAll(from: SqlType, to: SqlType, test: (a: SqlType, b: SqlType) => boolean): boolean {
  if (from.fields !== undefined || to.fields !== undefined) {
    const a = from.fields ?? [];
    const b = to.fields ?? [];
    return a.length === b.length && a.every((f, i) => test(f.type, b[i]!.type));
  }
  const pairs: [SqlType | undefined, SqlType | undefined][] = [
    [from.element, to.element],
    [from.key, to.key],
    [from.value, to.value],
  ];
  return pairs.every(([a, b]) => a === undefined || b === undefined || test(a, b));
}

/** Widening order of numeric types. */
export function numericRank(type: SqlType): number {
  return ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'DECIMAL', 'FLOAT', 'DOUBLE'].indexOf(type.root);
}

/** The type both operands widen to in arithmetic and comparisons, or undefined if none. */
export function commonType(a: SqlType, b: SqlType): SqlType | undefined {
  const nullable = a.nullable || b.nullable;
  if (a.root === 'NULL') return withNullability(b, true);
  if (b.root === 'NULL') return withNullability(a, true);
  if (!sameKind(a, b)) return undefined;
  if (isNumeric(a) && isNumeric(b)) {
    if (a.root === 'DECIMAL' && b.root === 'DECIMAL') {
      const scale = Math.max(a.scale!, b.scale!);
      const digits = Math.max(a.precision! - a.scale!, b.precision! - b.scale!);
      return t('DECIMAL', { precision: Math.min(38, digits + scale), scale, nullable });
    }
    if (a.root === 'DECIMAL' && isInteger(b)) return withNullability(a, nullable);
    if (b.root === 'DECIMAL' && isInteger(a)) return withNullability(b, nullable);
    return withNullability(numericRank(a) >= numericRank(b) ? a : b, nullable);
  }
  // Strings (and byte strings) widen to the longer length. As in Flink, whose type system turns
  // ragged unions varying, the result stays CHAR (BINARY) only where both are of one length, so
  // CASE WHEN … THEN 'a' ELSE 'abc' END is VARCHAR(3) and 'a' gets no padding.
  if (isString(a) && isString(b)) return raggedToVarying(a, b, 'CHAR', 'VARCHAR', nullable);
  if (isByteString(a) && isByteString(b)) return raggedToVarying(a, b, 'BINARY', 'VARBINARY', nullable);
  // As Flink's LogicalTypeMerging: the wider precision, and a TIMESTAMP with a TIMESTAMP_LTZ is a
  // TIMESTAMP_LTZ (whose values the TIMESTAMP side is cast to, in the session's zone).
  if (isTimestamp(a) && isTimestamp(b)) {
    const root = a.root === 'TIMESTAMP_LTZ' || b.root === 'TIMESTAMP_LTZ' ? 'TIMESTAMP_LTZ' : 'TIMESTAMP';
    return t(root, { precision: Math.max(a.precision ?? 3, b.precision ?? 3), nullable });
  }
  if (a.root === 'TIME' && b.root === 'TIME')
    return t('TIME', { precision: Math.max(a.precision ?? 0, b.precision ?? 0), nullable });
  // Two fields when either has them, or when their fields differ: Calcite's leastRestrictive
  // spans both operands' fields (INTERVAL HOUR with INTERVAL MINUTE is HOUR TO MINUTE).
  if (isInterval(a) && a.root === b.root) {
    if (a.multiField || b.multiField || intervalFieldSize(a) !== intervalFieldSize(b))
      return t(a.root, { nullable, multiField: true });
    const field = a.intervalField ?? b.intervalField;
    return t(a.root, { nullable, ...(field === undefined ? {} : { intervalField: field }) });
  }
  if (a.root === b.root) return withNullability({ ...a, rowtime: undefined, proctime: undefined }, nullable);
  return undefined;
}

/**
 * Whether a branch (of UNION ALL, VALUES, CASE, COALESCE, an IN list) of type `from` must be cast
 * to take the branches' {@link commonType} `to`: a TIMESTAMP becoming a TIMESTAMP_LTZ, whose
 * value is read in the session's zone. Numbers, strings and the rest widen as they are held.
 */
export function branchNeedsCast(from: SqlType, to: SqlType): boolean {
  return from.root === 'TIMESTAMP' && to.root === 'TIMESTAMP_LTZ';
}

/** The common type of two strings (or byte strings): `fixed` when both are it at one length. */
function raggedToVarying(
  a: SqlType,
  b: SqlType,
  fixed: 'CHAR' | 'BINARY',
  varying: 'VARCHAR' | 'VARBINARY',
  nullable: boolean,
): SqlType {
  const length = Math.max(a.length ?? MAX_LENGTH, b.length ?? MAX_LENGTH);
  const same = a.root === fixed && b.root === fixed && a.length === b.length;
  return t(same ? fixed : varying, { length, nullable });
}

/** Types as strings in error messages. */
export function typeForMessage(type: SqlType): string {
  return formatType(type);
}

/** For errors that need a position but concern a whole statement. */
export const NO_POS: SourcePos | undefined = undefined;
