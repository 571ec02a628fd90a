/**
 * ARRAY and MAP values in expressions, as Flink has them: the value constructors
 * `ARRAY[a, b, …]` and `MAP[k1, v1, k2, v2, …]` (the parser makes them calls of `ARRAY` and
 * `MAP`), element access `arr[i]` and `map[key]` (`ITEM`), `CARDINALITY`, `ELEMENT` and
 * `ARRAY_CONTAINS`; the other functions of Flink's collection list are in `array-map-functions.ts`.
 * Arrays are JavaScript arrays and maps are `Map`s (see `catalog/types.ts`).
 * Array indexes start at 1; an index out of range gives NULL, as in Flink, never an error.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import { userError, ErrorCodes } from '../../types/errors.js';
import { commonType, formatType, isInteger, type SqlType, Types, withNullability } from '../catalog/types.js';
import type { ScalarFunctionDef } from './functions.js';
import type { Rex } from './rex.js';
import { ARRAY_MAP_FUNCTIONS, isCompositeType, valueEquality } from './array-map-functions.js';

function argumentList(args: readonly Rex[]): string {
  return args.map((a) => formatType(a.type)).join(', ');
}

/** The common type of the values, or an error naming the two that do not fit together. */
function common(name: string, values: readonly Rex[], pos: SourcePos | undefined): SqlType {
  let type = values[0]!.type;
  for (const v of values.slice(1)) {
    const next = commonType(type, v.type);
    if (next === undefined)
      throw validationError(
        pos,
        `${name}[…] values have incompatible types ${formatType(type)} and ${formatType(v.type)}; CAST them to one type`,
      );
    type = next;
  }
  // A NULL-only constructor has no element type to speak of: Flink refuses it too.
  if (type.root === 'NULL')
    throw validationError(
      pos,
      `${name}[…] of NULLs only has no element type; CAST one of them, e.g. CAST(NULL AS INT)`,
    );
  return Object.freeze({ ...type, rowtime: undefined, proctime: undefined }) as SqlType;
}

function arrayElement(
  name: string,
  args: readonly Rex[],
  pos: SourcePos | undefined,
  count: number,
): SqlType {
  if (args.length !== count)
    throw validationError(
      pos,
      `${name} takes ${count} argument${count === 1 ? '' : 's'}, got ${args.length}`,
    );
  const type = args[0]!.type;
  if (type.root !== 'ARRAY')
    throw validationError(pos, `cannot apply ${name} to (${argumentList(args)}); expected an ARRAY`);
  return type.element!;
}

/** `ELEMENT(arr)`: the only element, NULL for an empty array, an error for more than one. */
function element(values: readonly unknown[]): unknown {
  if (values.length > 1)
    throw userError(
      ErrorCodes.MALFORMED_RECORD,
      `ELEMENT of an array with ${values.length} elements; it takes arrays of at most one element, so index with arr[1] instead`,
    );
  return values.length === 0 ? null : (values[0] ?? null);
}

/** `ARRAY_CONTAINS(arr, x)`: SQL equality on numbers, strings and booleans; NULL finds NULL. */
function contains(values: readonly unknown[], needle: unknown): boolean {
  return values.includes(needle ?? null);
}

/** `arr[i]` with i from 1, NULL out of range. */
function arrayItem(values: readonly unknown[], index: number): unknown {
  return index >= 1 && index <= values.length ? (values[index - 1] ?? null) : null;
}

/** `map[key]`: NULL for a missing key. */
function mapItem(map: ReadonlyMap<unknown, unknown>, key: unknown): unknown {
  return map.get(key) ?? null;
}

/** The number of elements of a multiset (element → count), duplicates included. */
function multisetCardinality(multiset: Map<unknown, number>): number {
  let n = 0;
  for (const count of multiset.values()) n += count;
  return n;
}

/** The collection functions by upper-case name, merged into `FUNCTIONS`. */
export const COLLECTION_FUNCTIONS: Record<string, ScalarFunctionDef> = {
  ARRAY: {
    type(args, pos) {
      if (args.length === 0)
        throw validationError(pos, 'ARRAY[…] needs at least one element, e.g. ARRAY[1, 2]');
      return Object.freeze({
        root: 'ARRAY',
        nullable: false,
        element: common('ARRAY', args, pos),
      }) as SqlType;
    },
    emit: (args) => `[${args.join(', ')}]`,
    strict: false,
  },
  MAP: {
    type(args, pos) {
      if (args.length === 0 || args.length % 2 !== 0)
        throw validationError(
          pos,
          `MAP[…] takes keys and values in pairs, e.g. MAP['a', 1, 'b', 2], got ${args.length} values`,
        );
      const keys = args.filter((_, i) => i % 2 === 0);
      const values = args.filter((_, i) => i % 2 === 1);
      return Object.freeze({
        root: 'MAP',
        nullable: false,
        key: common('MAP key', keys, pos),
        value: common('MAP value', values, pos),
      }) as SqlType;
    },
    emit(args) {
      const pairs: string[] = [];
      for (let i = 0; i < args.length; i += 2) pairs.push(`[${args[i]}, ${args[i + 1]}]`);
      return `new Map([${pairs.join(', ')}])`;
    },
    strict: false,
  },
  ITEM: {
    type(args, pos) {
      const [value, index] = args as [Rex, Rex];
      if (value.type.root === 'ARRAY') {
        if (!isInteger(index.type) && index.type.root !== 'NULL')
          throw validationError(pos, `an ARRAY index must be an integer, got ${formatType(index.type)}`);
        return withNullability(value.type.element!, true);
      }
      if (value.type.root === 'MAP') {
        if (index.type.root !== 'NULL' && commonType(value.type.key!, index.type) === undefined)
          throw validationError(
            pos,
            `a key of ${formatType(value.type)} must be ${formatType(value.type.key!)}, got ${formatType(index.type)}`,
          );
        return withNullability(value.type.value!, true);
      }
      throw validationError(
        pos,
        `[…] applies to an ARRAY or a MAP, not ${formatType(value.type)}; use a ROW field by name: r.field`,
      );
    },
    emit: ([v, i], c, constant) =>
      `${constant(c.args[0]!.type.root === 'ARRAY' ? arrayItem : mapItem)}(${v}, ${i})`,
  },
  CARDINALITY: {
    type(args, pos) {
      if (args.length !== 1 || (args[0]!.type.root !== 'ARRAY' && args[0]!.type.root !== 'MAP'))
        throw validationError(
          pos,
          `cannot apply CARDINALITY to (${argumentList(args)}); expected an ARRAY, a MAP or a MULTISET`,
        );
      return withNullability(Types.INT, args[0]!.type.nullable);
    },
    // A multiset's cardinality counts every element with its multiplicity, as SQL defines it.
    emit: ([v], c, constant) =>
      c.args[0]!.type.root === 'ARRAY'
        ? `${v}.length`
        : c.args[0]!.type.multiset
          ? `${constant(multisetCardinality)}(${v})`
          : `${v}.size`,
  },
  ELEMENT: {
    type(args, pos) {
      return withNullability(arrayElement('ELEMENT', args, pos, 1), true);
    },
    emit: ([v], _c, constant) => `${constant(element)}(${v})`,
  },
  ARRAY_CONTAINS: {
    type(args, pos) {
      const elementType = arrayElement('ARRAY_CONTAINS', args, pos, 2);
      if (args[1]!.type.root !== 'NULL' && commonType(elementType, args[1]!.type) === undefined)
        throw validationError(
          pos,
          `ARRAY_CONTAINS looks for a ${formatType(elementType)} in ${formatType(args[0]!.type)}, got ${formatType(args[1]!.type)}`,
        );
      return withNullability(Types.BOOLEAN, args[0]!.type.nullable);
    },
    emit: ([v, x], c, constant) => {
      const [array, needle] = [c.args[0]!.type, c.args[1]!.type];
      // Collections and rows compare by value, as = does.
      if (array.root === 'ARRAY' && (isCompositeType(array.element!) || isCompositeType(needle))) {
        const equal = valueEquality(array.element!, needle);
        const find = (values: readonly unknown[], n: unknown) =>
          values.some((e) => equal(e ?? null, n ?? null));
        return `(${v} === null ? null : ${constant(find)}(${v}, ${x}))`;
      }
      return `(${v} === null ? null : ${constant(contains)}(${v}, ${x}))`;
    },
    strict: false,
  },
  ...ARRAY_MAP_FUNCTIONS,
};
