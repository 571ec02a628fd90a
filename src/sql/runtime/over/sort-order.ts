/**
 * Row orderings for Top-N and OVER: a comparator compiled once per operator from the sort keys.
 * NULLs sort first or last as the key says, and values compare as SQL does for their type
 * (numbers and epoch-millisecond timestamps numerically, strings by code unit, booleans with
 * FALSE first).
 */
import type { Row } from '../../expressions/compiler.js';

/** One key of an ordering over row columns. */
export interface SortKeySpec {
  readonly column: string;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** Compares two non-null SQL values of the same type. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A comparator of rows by the keys, in order; 0 when all keys are equal (a tie). */
export function rowComparator(keys: readonly SortKeySpec[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const key of keys) {
      const x = a[key.column];
      const y = b[key.column];
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      if (xNull || yNull) {
        if (xNull && yNull) continue;
        return xNull === key.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return key.descending ? -c : c;
    }
    return 0;
  };
}

/** Whether two rows hold equal values in every listed column. */
export function sameRow(a: Row, b: Row, columns: readonly string[]): boolean {
  for (const c of columns) {
    const x = a[c];
    const y = b[c];
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (JSON.stringify(x) !== JSON.stringify(y)) return false;
  }
  return true;
}
