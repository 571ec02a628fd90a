/**
 * The rest of Flink's collection functions: ARRAY_APPEND and ARRAY_PREPEND, ARRAY_SORT,
 * ARRAY_EXCEPT and ARRAY_INTERSECT, and MAP_UNION (the others are in
 * `expressions/array-map-functions.ts`).
 *
 * NULL rules follow Flink's function reference: a NULL array or map gives NULL (for ARRAY_SORT,
 * ARRAY_EXCEPT, ARRAY_INTERSECT and MAP_UNION any NULL argument does), while NULL elements are
 * values like any other: ARRAY_APPEND(arr, NULL) appends one, ARRAY_EXCEPT and ARRAY_INTERSECT
 * keep one NULL like one of any other value, ARRAY_SORT puts them first when ascending and last
 * when descending unless told otherwise. Elements compare by value (`valuesEqual`), so arrays of
 * rows or arrays work too.
 */
import { commonType, formatType, type SqlType, withNullability } from '../catalog/types.js';
import { validationError } from '../errors.js';
import { isCompositeType, valuesEqual } from '../expressions/array-map-functions.js';
import type { ScalarFunctionDef } from '../expressions/functions.js';
import type { Rex } from '../expressions/rex.js';
import type { SourcePos } from '../parser/ast.js';

const arrayOf = (element: SqlType, nullable: boolean): SqlType =>
  Object.freeze({ root: 'ARRAY', nullable, element }) as SqlType;

function arity(name: string, args: readonly Rex[], pos: SourcePos | undefined, min: number, max = min): void {
  if (args.length >= min && args.length <= max) return;
  const expected = min === max ? `${min}` : `${min} to ${max}`;
  throw validationError(pos, `${name} takes ${expected} arguments, got ${args.length}`);
}

/** The element type of argument `i`, which must be an ARRAY. */
function arrayElement(name: string, args: readonly Rex[], i: number, pos: SourcePos | undefined): SqlType {
  const t = args[i]!.type;
  if (t.root === 'ARRAY') return t.element!;
  const what = t.root === 'NULL' ? 'an untyped NULL; CAST it to an ARRAY type' : formatType(t);
  throw validationError(pos, `${name}'s argument ${i + 1} must be an ARRAY, got ${what}`);
}

/** Element type of ARRAY_APPEND/ARRAY_PREPEND: the array's and the element's common type. */
function withElementType(name: string, args: readonly Rex[], pos: SourcePos | undefined): SqlType {
  arity(name, args, pos, 2);
  const element = arrayElement(name, args, 0, pos);
  const added = args[1]!.type;
  if (added.root === 'NULL') return arrayOf(withNullability(element, true), args[0]!.type.nullable);
  const common = commonType(element, added);
  if (common === undefined)
    throw validationError(
      pos,
      `${name} adds an element of type ${formatType(added)} to an ARRAY of ${formatType(element)}; CAST it to the element type`,
    );
  return arrayOf(withNullability(common, element.nullable || added.nullable), args[0]!.type.nullable);
}

/** Whether `values` holds `v` (by value). */
function holds(values: readonly unknown[], v: unknown): boolean {
  if (v === null || typeof v !== 'object') return values.includes(v);
  return values.some((x) => valuesEqual(x ?? null, v));
}

/** The elements of `a` that are (or, with `keep` false, are not) in `b`, each once, in `a`'s order. */
function filterDistinct(a: readonly unknown[], b: readonly unknown[], keep: boolean): unknown[] {
  const out: unknown[] = [];
  for (const raw of a) {
    const v = raw ?? null;
    if (holds(b, v) === keep && !holds(out, v)) out.push(v);
  }
  return out;
}

/**
 * Compares two non-null elements as Flink orders them: numbers and times by value (NaN above
 * every number, as Java's Double.compare), strings by code point (the order of their UTF-8
 * bytes, which Flink compares), booleans false first.
 */
export function compareElements(a: unknown, b: unknown): number {
  if (typeof a === 'string') return compareCodePoints(a, b as string);
  if (typeof a === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'bigint') return a < (b as bigint) ? -1 : a > (b as bigint) ? 1 : 0;
  const x = a as number;
  const y = b as number;
  if (x < y) return -1;
  if (x > y) return 1;
  if (x === y) return 0;
  return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
}

/** String order by code point: UTF-16 order except that surrogates sort above U+E000–U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** ARRAY_SORT: a sorted copy; NULLs first or last as `nullsFirst` says. */
export function sortArray(values: readonly unknown[], ascending = true, nullsFirst = ascending): unknown[] {
  const present: unknown[] = [];
  let nulls = 0;
  for (const v of values) {
    if (v === null || v === undefined) nulls++;
    else present.push(v);
  }
  present.sort(ascending ? compareElements : (x, y) => compareElements(y, x));
  const gap: null[] = new Array(nulls).fill(null);
  return nullsFirst ? [...gap, ...present] : [...present, ...gap];
}

/** MAP_UNION: the maps' entries, a later map's value replacing an earlier one's for a key. */
function mapUnion(...maps: readonly Map<unknown, unknown>[]): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  for (const m of maps) for (const [k, v] of m) out.set(k, v);
  return out;
}

/** The common ARRAY type of ARRAY_EXCEPT's or ARRAY_INTERSECT's two arrays. */
function twoArrays(name: string, args: readonly Rex[], pos: SourcePos | undefined): SqlType {
  arity(name, args, pos, 2);
  const a = arrayElement(name, args, 0, pos);
  const b = arrayElement(name, args, 1, pos);
  if (commonType(a, b) === undefined)
    throw validationError(
      pos,
      `${name} of arrays of ${formatType(a)} and ${formatType(b)}; CAST them to one ARRAY type`,
    );
  return arrayOf(
    a,
    args.some((x) => x.type.nullable),
  );
}

/** Two MAP types' common MAP type: the common key type and the common value type. */
function commonMapType(a: SqlType, b: SqlType): SqlType | undefined {
  const key = commonType(a.key!, b.key!);
  const value = commonType(a.value!, b.value!);
  if (key === undefined || value === undefined) return undefined;
  return Object.freeze({ root: 'MAP', nullable: a.nullable || b.nullable, key, value }) as SqlType;
}

/** The collection functions of this module by upper-case name. */
export const ARRAY_SET_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  ARRAY_APPEND: {
    type: (args, pos) => withElementType('ARRAY_APPEND', args, pos),
    // Not strict: a NULL element is appended; only a NULL array gives NULL.
    emit: ([a, x]) => `(${a} === null ? null : [...${a}, ${x}])`,
    strict: false,
  },
  ARRAY_PREPEND: {
    type: (args, pos) => withElementType('ARRAY_PREPEND', args, pos),
    emit: ([a, x]) => `(${a} === null ? null : [${x}, ...${a}])`,
    strict: false,
  },
  ARRAY_SORT: {
    type(args, pos) {
      arity('ARRAY_SORT', args, pos, 1, 3);
      const element = arrayElement('ARRAY_SORT', args, 0, pos);
      if (isCompositeType(element))
        throw validationError(
          pos,
          `ARRAY_SORT sorts arrays of numbers, strings, booleans and times, not of ${formatType(element)}`,
        );
      args.slice(1).forEach((a, i) => {
        if (a.type.root !== 'BOOLEAN' && a.type.root !== 'NULL')
          throw validationError(
            pos,
            `ARRAY_SORT's argument ${i + 2} (${i === 0 ? 'ascending order' : 'nulls first'}) must be a BOOLEAN, got ${formatType(a.type)}`,
          );
      });
      return withNullability(
        args[0]!.type,
        args.some((a) => a.type.nullable),
      );
    },
    emit: (args, _c, constant) => `${constant(sortArray)}(${args.join(', ')})`,
  },
  ARRAY_EXCEPT: {
    type: (args, pos) => twoArrays('ARRAY_EXCEPT', args, pos),
    emit: ([a, b], _c, constant) => `${constant(filterDistinct)}(${a}, ${b}, false)`,
  },
  ARRAY_INTERSECT: {
    type: (args, pos) => twoArrays('ARRAY_INTERSECT', args, pos),
    emit: ([a, b], _c, constant) => `${constant(filterDistinct)}(${a}, ${b}, true)`,
  },
  MAP_UNION: {
    type(args, pos) {
      if (args.length === 0) throw validationError(pos, 'MAP_UNION takes at least one MAP');
      let type: SqlType | undefined;
      args.forEach((a, i) => {
        if (a.type.root !== 'MAP')
          throw validationError(
            pos,
            `MAP_UNION's argument ${i + 1} must be a MAP, got ${formatType(a.type)}`,
          );
        const next = type === undefined ? a.type : commonMapType(type, a.type);
        if (next === undefined)
          throw validationError(
            pos,
            `MAP_UNION of ${formatType(type!)} and ${formatType(a.type)}; CAST the maps to one MAP type`,
          );
        type = next;
      });
      return withNullability(
        type!,
        args.some((a) => a.type.nullable),
      );
    },
    emit: (args, _c, constant) => `${constant(mapUnion)}(${args.join(', ')})`,
  },
};
