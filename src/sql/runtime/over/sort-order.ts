/**
 * Row orderings for Top-N and OVER: a comparator compiled once per operator from the sort keys,
 * and the builder of Top-N's output rows with their rank.
 * NULLs sort first or last as the key says, and values compare as SQL does for their type
 * (numbers and epoch-millisecond timestamps numerically, strings by code unit, booleans with
 * FALSE first).
 */
import type { Row } from '../../expressions/compiler.js';
import { compoundKey } from '../compact-keys.js';

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

/** JavaScript reading `column` of the row in variable `row`. */
function readColumn(row: string, column: string): string {
  return `${row}[${JSON.stringify(column)}]`;
}

/**
 * A comparator of rows by the keys, in order; 0 when all keys are equal (a tie). Generated once
 * with `new Function`, one straight-line block per key, because Top-N calls it several times
 * per row (binary search) and a loop over key objects costs more than the comparisons.
 * `readB` gives the JavaScript that reads a column of the second row, when that row carries
 * columns under other names (a join's right row, see `rank-over-join.ts`); by default the
 * column under its own name, as for the first row.
 */
export function rowComparator(
  keys: readonly SortKeySpec[],
  readB: (b: string, column: string) => string = readColumn,
): (a: Row, b: Row) => number {
  const body = keys
    .map((key, i) => {
      const nullA = key.nullsFirst ? -1 : 1;
      const sign = key.descending ? '-' : '';
      return `
  const x${i} = ${readColumn('a', key.column)}, y${i} = ${readB('b', key.column)};
  if (x${i} === null || x${i} === undefined || y${i} === null || y${i} === undefined) {
    if (!(x${i} === null || x${i} === undefined)) return ${-nullA};
    if (!(y${i} === null || y${i} === undefined)) return ${nullA};
  } else if (x${i} !== y${i}) {
    const c = typeof x${i} === 'number' && typeof y${i} === 'number' ? (x${i} < y${i} ? -1 : x${i} > y${i} ? 1 : 0) : compareValues(x${i}, y${i});
    if (c !== 0) return ${sign}c;
  }`;
    })
    .join('');
  const factory = new Function(
    'compareValues',
    `return (a, b) => {${body}
  return 0;
};`,
  ) as (cmp: typeof compareValues) => (a: Row, b: Row) => number;
  return factory(compareValues);
}

/**
 * A function that copies a row's `columns` into a new row with `rankColumn` set to a rank,
 * generated once so every output row has one shape (a spread with a computed key does not).
 */
export function rankedRowBuilder(
  columns: readonly string[],
  rankColumn: string,
): (row: Row, rank: number) => Row {
  const fields = columns
    .filter((c) => c !== rankColumn)
    .map((c) => `${JSON.stringify(c)}: r[${JSON.stringify(c)}]`);
  fields.push(`${JSON.stringify(rankColumn)}: k`);
  return new Function('r', 'k', `return { ${fields.join(', ')} };`) as (row: Row, rank: number) => Row;
}

/**
 * Whether two rows hold equal values in every listed column: objects (ROW, ARRAY, byte strings)
 * by their compact keys, which compare byte strings by their bytes whether they come as a Buffer
 * or a plain Uint8Array (a restored row's may not be the kind the retraction carries).
 */
export function sameRow(a: Row, b: Row, columns: readonly string[]): boolean {
  for (const c of columns) {
    const x = a[c];
    const y = b[c];
    if (x === y) continue;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
    if (compoundKey([x]) !== compoundKey([y])) return false;
  }
  return true;
}
