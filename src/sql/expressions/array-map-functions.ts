/**
 * Flink's collection functions beyond the constructors and element access: ARRAY_DISTINCT,
 * ARRAY_POSITION, ARRAY_REMOVE, ARRAY_REVERSE, ARRAY_SLICE, ARRAY_UNION, ARRAY_CONCAT,
 * ARRAY_MAX, ARRAY_MIN, ARRAY_JOIN, MAP_KEYS, MAP_VALUES, MAP_ENTRIES and MAP_FROM_ARRAYS, the
 * `ROW(…)` constructor (so `ARRAY[ROW(1, 'a')]` builds an array of rows), and the value equality
 * that `=`/`<>` on ARRAY, MAP and ROW values and the distinct-making functions share.
 *
 * NULL rules follow Flink's function reference: a NULL array, map or (for ARRAY_POSITION,
 * ARRAY_SLICE, ARRAY_JOIN) any NULL argument gives NULL; NULL elements are values like any other
 * (ARRAY_DISTINCT keeps one NULL, ARRAY_REMOVE(arr, NULL) removes them), except that ARRAY_MAX
 * and ARRAY_MIN skip them and ARRAY_JOIN leaves them out unless a replacement is given.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import {
  commonType,
  formatType,
  isInteger,
  isString,
  type SqlType,
  Types,
  withNullability,
} from '../catalog/types.js';
import type { ScalarFunctionDef } from './functions.js';
import type { CallRex, Rex } from './rex.js';

/**
 * SQL value equality for collections as Flink compares them (by value, element by element):
 * arrays in order, maps by their entries whatever their order, rows field by field. Two NULLs
 * inside a collection are equal, as in Flink's binary comparison of collections.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !valuesEqual(v, b.get(k))) return false;
    return true;
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a as object);
    if (keys.length !== Object.keys(b as object).length) return false;
    for (const k of keys)
      if (!valuesEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    return true;
  }
  return false;
}

/**
 * Equality of a value of type `a` with one of type `b` as {@link valuesEqual}, except that rows
 * compare by position, as in Flink: `ROW('pad', 5)` (fields EXPR$0, EXPR$1) equals an element
 * of `ARRAY<ROW<name STRING, qty INT>>`.
 */
export function valueEquality(a: SqlType, b: SqlType): (x: unknown, y: unknown) => boolean {
  if (a.root === 'ROW' && b.root === 'ROW') {
    const left = a.fields!;
    const right = b.fields!;
    if (left.length !== right.length) return () => false;
    const fields = left.map((f, i) => ({
      x: f.name,
      y: right[i]!.name,
      equal: valueEquality(f.type, right[i]!.type),
    }));
    return (x, y) => {
      if (x === null || x === undefined || y === null || y === undefined) return (x ?? null) === (y ?? null);
      const rx = x as Record<string, unknown>;
      const ry = y as Record<string, unknown>;
      return fields.every((f) => f.equal(rx[f.x] ?? null, ry[f.y] ?? null));
    };
  }
  if (a.root === 'ARRAY' && b.root === 'ARRAY') {
    const equal = valueEquality(a.element!, b.element!);
    return (x, y) => {
      if (x === null || x === undefined || y === null || y === undefined) return (x ?? null) === (y ?? null);
      const ax = x as unknown[];
      const ay = y as unknown[];
      if (ax.length !== ay.length) return false;
      for (let i = 0; i < ax.length; i++) if (!equal(ax[i] ?? null, ay[i] ?? null)) return false;
      return true;
    };
  }
  if (a.root === 'MAP' && b.root === 'MAP') {
    const equal = valueEquality(a.value!, b.value!);
    // Keys that are objects (ROW, ARRAY, MAP, bytes) are found by value: two maps built apart,
    // or one cast from the other, hold keys equal in value but not the same objects.
    const keyEqual = valueEquality(a.key!, b.key!);
    const find = (my: Map<unknown, unknown>, k: unknown): [boolean, unknown] => {
      if (k === null || typeof k !== 'object') return [my.has(k), my.get(k)];
      for (const [ky, vy] of my) if (keyEqual(k, ky)) return [true, vy];
      return [false, undefined];
    };
    return (x, y) => {
      if (x === null || x === undefined || y === null || y === undefined) return (x ?? null) === (y ?? null);
      const mx = x as Map<unknown, unknown>;
      const my = y as Map<unknown, unknown>;
      if (mx.size !== my.size) return false;
      for (const [k, v] of mx) {
        const [found, other] = find(my, k);
        if (!found || !equal(v ?? null, other ?? null)) return false;
      }
      return true;
    };
  }
  return valuesEqual;
}

/** Whether `=` on values of this type needs {@link valueEquality} rather than `===`. */
export function isCompositeType(type: SqlType): boolean {
  return type.root === 'ARRAY' || type.root === 'MAP' || type.root === 'ROW';
}

/** The array's elements, each kept once, first occurrences in order. */
function distinct(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  for (const v of values) {
    const value = v ?? null;
    if (value !== null && typeof value === 'object') {
      if (!out.some((o) => valuesEqual(o, value))) out.push(value);
    } else if (!seen.has(value)) {
      seen.add(value);
      out.push(value);
    }
  }
  return out;
}

function position(values: readonly unknown[], needle: unknown, equal: typeof valuesEqual): number {
  for (let i = 0; i < values.length; i++) if (equal(values[i] ?? null, needle)) return i + 1;
  return 0;
}

function remove(values: readonly unknown[], needle: unknown, equal: typeof valuesEqual): unknown[] {
  return values.filter((v) => !equal(v ?? null, needle ?? null));
}

/** The equality of an array call's elements with its second argument. */
const elementEquality = (c: CallRex) => valueEquality(c.args[0]!.type.element!, c.args[1]!.type);

/** 1-based inclusive offsets; 0 is the start, negative ones count from the end. */
function slice(values: readonly unknown[], start: number, end: number | undefined): unknown[] {
  const n = values.length;
  const at = (offset: number) => (offset < 0 ? n + offset + 1 : offset === 0 ? 1 : offset);
  const from = Math.max(at(start), 1);
  const to = Math.min(end === undefined ? n : at(end), n);
  return from > to ? [] : values.slice(from - 1, to);
}

function extreme(values: readonly unknown[], max: boolean): unknown {
  let best: unknown = null;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (best === null || (max ? (v as number) > (best as number) : (v as number) < (best as number)))
      best = v;
  }
  return best;
}

function join(values: readonly unknown[], delimiter: string, nullReplacement?: string): string {
  const parts: string[] = [];
  for (const v of values) {
    if (v !== null && v !== undefined) parts.push(v as string);
    else if (nullReplacement !== undefined) parts.push(nullReplacement);
  }
  return parts.join(delimiter);
}

function mapFromArrays(keys: readonly unknown[], values: readonly unknown[]): Map<unknown, unknown> {
  if (keys.length !== values.length)
    throw userError(
      ErrorCodes.MALFORMED_RECORD,
      `MAP_FROM_ARRAYS got ${keys.length} keys and ${values.length} values; give both arrays the same length`,
    );
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < keys.length; i++) map.set(keys[i] ?? null, values[i] ?? null);
  return map;
}

function arity(name: string, args: readonly Rex[], pos: SourcePos | undefined, min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  const expected = min === max ? `${min}` : `${min} to ${max}`;
  throw validationError(pos, `${name} takes ${expected} arguments, got ${args.length}`);
}

function expectArray(name: string, arg: Rex, pos: SourcePos | undefined): SqlType {
  if (arg.type.root === 'NULL')
    throw validationError(pos, `${name} of an untyped NULL; CAST it to an ARRAY type`);
  if (arg.type.root !== 'ARRAY')
    throw validationError(pos, `cannot apply ${name} to ${formatType(arg.type)}; expected an ARRAY`);
  return arg.type.element!;
}

function expectMap(name: string, arg: Rex, pos: SourcePos | undefined): SqlType {
  if (arg.type.root !== 'MAP')
    throw validationError(pos, `cannot apply ${name} to ${formatType(arg.type)}; expected a MAP`);
  return arg.type;
}

/** The element must fit the array's element type (or be an untyped NULL). */
function expectElement(name: string, element: SqlType, arg: Rex, pos: SourcePos | undefined): void {
  if (arg.type.root !== 'NULL' && commonType(element, arg.type) === undefined)
    throw validationError(
      pos,
      `${name} looks for an element of type ${formatType(element)}, got ${formatType(arg.type)}; CAST it to the element type`,
    );
}

const nullableIfAny = (type: SqlType, args: readonly Rex[]) =>
  withNullability(type, type.nullable || args.some((a) => a.type.nullable));

const arrayOf = (element: SqlType, nullable: boolean): SqlType =>
  Object.freeze({ root: 'ARRAY', nullable, element }) as SqlType;

/** An ARRAY → ARRAY function of the array only (strict: NULL gives NULL). */
function arrayToArray(name: string, fn: (values: readonly unknown[]) => unknown[]): ScalarFunctionDef {
  return {
    type(args, pos) {
      arity(name, args, pos, 1);
      expectArray(name, args[0]!, pos);
      return args[0]!.type;
    },
    emit: ([a], _c, constant) => `${constant(fn)}(${a})`,
  };
}

/** More collection functions by upper-case name, merged into the collection functions. */
export const ARRAY_MAP_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  ROW: {
    type(args, pos) {
      if (args.length === 0) throw validationError(pos, 'ROW(…) needs at least one field, e.g. ROW(1, 2)');
      const fields = args.map((a, i) => ({
        name: `EXPR$${i}`,
        type:
          a.type.root === 'NULL'
            ? withNullability(Types.STRING, true)
            : ({ ...a.type, rowtime: undefined, proctime: undefined } as SqlType),
      }));
      return Object.freeze({ root: 'ROW', nullable: false, fields: Object.freeze(fields) }) as SqlType;
    },
    emit: (args) => `{${args.map((a, i) => `"EXPR$${i}": ${a}`).join(', ')}}`,
    strict: false,
  },
  ARRAY_DISTINCT: arrayToArray('ARRAY_DISTINCT', distinct),
  ARRAY_REVERSE: arrayToArray('ARRAY_REVERSE', (values) => [...values].reverse()),
  ARRAY_POSITION: {
    type(args, pos) {
      arity('ARRAY_POSITION', args, pos, 2);
      expectElement('ARRAY_POSITION', expectArray('ARRAY_POSITION', args[0]!, pos), args[1]!, pos);
      return nullableIfAny(withNullability(Types.INT, false), args);
    },
    emit: ([a, x], c, constant) => `${constant(position)}(${a}, ${x}, ${constant(elementEquality(c))})`,
  },
  ARRAY_REMOVE: {
    type(args, pos) {
      arity('ARRAY_REMOVE', args, pos, 2);
      expectElement('ARRAY_REMOVE', expectArray('ARRAY_REMOVE', args[0]!, pos), args[1]!, pos);
      return args[0]!.type;
    },
    // Not strict: a NULL needle removes the NULL elements.
    emit: ([a, x], c, constant) =>
      `(${a} === null ? null : ${constant(remove)}(${a}, ${x}, ${constant(elementEquality(c))}))`,
    strict: false,
  },
  ARRAY_SLICE: {
    type(args, pos) {
      arity('ARRAY_SLICE', args, pos, 2, 3);
      expectArray('ARRAY_SLICE', args[0]!, pos);
      for (const offset of args.slice(1))
        if (offset.type.root !== 'NULL' && !isInteger(offset.type))
          throw validationError(pos, `ARRAY_SLICE offsets must be integers, got ${formatType(offset.type)}`);
      return nullableIfAny(args[0]!.type, args);
    },
    emit: ([a, s, e], _c, constant) => `${constant(slice)}(${a}, ${s}, ${e ?? 'undefined'})`,
  },
  ARRAY_UNION: {
    type(args, pos) {
      arity('ARRAY_UNION', args, pos, 2);
      return concatType('ARRAY_UNION', args, pos);
    },
    emit: ([a, b], _c, constant) => `${constant(distinct)}(${a}.concat(${b}))`,
  },
  ARRAY_CONCAT: {
    type(args, pos) {
      if (args.length === 0) throw validationError(pos, 'ARRAY_CONCAT takes at least one ARRAY');
      return concatType('ARRAY_CONCAT', args, pos);
    },
    emit: ([a, ...rest]) => (rest.length === 0 ? a! : `${a}.concat(${rest.join(', ')})`),
  },
  ARRAY_MAX: extremeFunction('ARRAY_MAX', true),
  ARRAY_MIN: extremeFunction('ARRAY_MIN', false),
  ARRAY_JOIN: {
    type(args, pos) {
      arity('ARRAY_JOIN', args, pos, 2, 3);
      const element = expectArray('ARRAY_JOIN', args[0]!, pos);
      if (!isString(element))
        throw validationError(
          pos,
          `ARRAY_JOIN joins an ARRAY of strings, got ${formatType(args[0]!.type)}; CAST it to ARRAY<STRING>`,
        );
      for (const s of args.slice(1))
        if (s.type.root !== 'NULL' && !isString(s.type))
          throw validationError(
            pos,
            `ARRAY_JOIN's delimiter and NULL replacement are strings, got ${formatType(s.type)}`,
          );
      return nullableIfAny(withNullability(Types.STRING, false), args);
    },
    emit: ([a, d, r], _c, constant) => `${constant(join)}(${a}, ${d}${r === undefined ? '' : `, ${r}`})`,
  },
  MAP_KEYS: {
    type(args, pos) {
      arity('MAP_KEYS', args, pos, 1);
      const map = expectMap('MAP_KEYS', args[0]!, pos);
      return arrayOf(map.key!, map.nullable);
    },
    emit: ([m]) => `[...${m}.keys()]`,
  },
  MAP_VALUES: {
    type(args, pos) {
      arity('MAP_VALUES', args, pos, 1);
      const map = expectMap('MAP_VALUES', args[0]!, pos);
      return arrayOf(map.value!, map.nullable);
    },
    emit: ([m]) => `[...${m}.values()]`,
  },
  MAP_ENTRIES: {
    type(args, pos) {
      arity('MAP_ENTRIES', args, pos, 1);
      const map = expectMap('MAP_ENTRIES', args[0]!, pos);
      const entry = Object.freeze({
        root: 'ROW',
        nullable: false,
        fields: Object.freeze([
          { name: 'key', type: map.key! },
          { name: 'value', type: map.value! },
        ]),
      }) as SqlType;
      return arrayOf(entry, map.nullable);
    },
    emit: ([m]) => `Array.from(${m}, ([key, value]) => ({ key, value }))`,
  },
  MAP_FROM_ARRAYS: {
    type(args, pos) {
      arity('MAP_FROM_ARRAYS', args, pos, 2);
      const key = expectArray('MAP_FROM_ARRAYS', args[0]!, pos);
      const value = expectArray('MAP_FROM_ARRAYS', args[1]!, pos);
      return nullableIfAny(Object.freeze({ root: 'MAP', nullable: false, key, value }) as SqlType, args);
    },
    emit: ([k, v], _c, constant) => `${constant(mapFromArrays)}(${k}, ${v})`,
  },
};

/** The type of a function of arrays of one element type: their common ARRAY type. */
function concatType(name: string, args: readonly Rex[], pos: SourcePos | undefined): SqlType {
  let element = expectArray(name, args[0]!, pos);
  for (const a of args.slice(1)) {
    const next = commonType(element, expectArray(name, a, pos));
    if (next === undefined)
      throw validationError(
        pos,
        `${name} of arrays of ${formatType(element)} and ${formatType(a.type.element!)}; CAST them to one ARRAY type`,
      );
    element = next;
  }
  return arrayOf(
    element,
    args.some((a) => a.type.nullable),
  );
}

function extremeFunction(name: string, max: boolean): ScalarFunctionDef {
  return {
    type(args, pos) {
      arity(name, args, pos, 1);
      const element = expectArray(name, args[0]!, pos);
      if (isCompositeType(element) || element.root === 'BOOLEAN')
        throw validationError(pos, `${name} compares numbers, strings and times, not ${formatType(element)}`);
      return withNullability(element, true);
    },
    emit: ([a], _c, constant) => `${constant(extreme)}(${a}, ${max})`,
  };
}

/**
 * An element-wise CAST between ARRAY types, between MAP types (`CAST(arr AS ARRAY<STRING>)`) or
 * between ROW types (field by field, by position), each element cast with `castValue`;
 * undefined when the types are not both arrays, both maps or both rows.
 */
export function collectionCast(
  from: SqlType,
  to: SqlType,
  castValue: (value: unknown, from: SqlType, to: SqlType) => unknown,
): ((value: unknown) => unknown) | undefined {
  const element = (f: SqlType, t: SqlType): ((v: unknown) => unknown) => {
    const nested = collectionCast(f, t, castValue);
    if (nested !== undefined) return (v) => (v === null || v === undefined ? null : nested(v));
    if (formatType(withNullability(f, true)) === formatType(withNullability(t, true)))
      return (v) => v ?? null;
    return (v) => (v === null || v === undefined ? null : castValue(v, f, t));
  };
  if (from.root === 'ARRAY' && to.root === 'ARRAY') {
    const cast = element(from.element!, to.element!);
    return (value) => (value as unknown[]).map(cast);
  }
  if (from.root === 'MAP' && to.root === 'MAP') {
    const key = element(from.key!, to.key!);
    const val = element(from.value!, to.value!);
    return (value) => {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of value as Map<unknown, unknown>) out.set(key(k), val(v));
      return out;
    };
  }
  if (from.root === 'ROW' && to.root === 'ROW') {
    // Fields map by position, as in Flink: the target's names replace the source's.
    const fields = to.fields!.map((t, i) => ({
      from: from.fields![i]!.name,
      to: t.name,
      cast: element(from.fields![i]!.type, t.type),
    }));
    return (value) => {
      const row = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const f of fields) out[f.to] = f.cast(row[f.from]);
      return out;
    };
  }
  return undefined;
}
