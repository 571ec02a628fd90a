/**
 * Compact keys for SQL operators: a number or string for one column, one string for several,
 * computed once per row. `keyBy` hashes a string or number as it is, where an array key is
 * serialised into a canonical form on every record, so the join, the OVER family and the
 * mini-batch bundles key rows by these instead of arrays of values.
 */
import type { Row } from '../expressions/compiler.js';

/** A value that stands for a combination of column values: equal inputs give equal keys. */
export type CompactKey = string | number | boolean | bigint | null;

/**
 * A byte string (BINARY, VARBINARY, BYTES) as key text: `x` and its bytes in hex. SQL's `=`
 * compares byte strings by their bytes, and they come both as Buffers (literals, casts) and
 * as plain Uint8Arrays (concatenation, padding, decoded files), which JSON writes differently.
 */
function bytesPart(bytes: Uint8Array): string {
  return `x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** JSON.stringify's replacer for values nested in a ROW, ARRAY…: byte strings by their bytes. */
function nestedBytes(this: Record<string, unknown>, name: string, value: unknown): unknown {
  const raw = this[name];
  return raw instanceof Uint8Array ? bytesPart(raw) : value;
}

/**
 * One part of a compound key: a string is `s<length>:` and the string, so `'1'` and `1` and a
 * string holding a separator stay apart (no other part starts with `s`), without the escaping
 * scan JSON quoting costs per row; -0 is 0, as keyBy keys treat it. A byte string is `x` and
 * its hex bytes (no number, null, boolean or object part starts with `x`).
 */
function keyPart(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`;
    case 'number':
      return value === 0 ? '0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'null';
    case 'object':
      if (value === null) return 'null';
      return value instanceof Uint8Array ? bytesPart(value) : `#${JSON.stringify(value, nestedBytes)}`;
    default:
      return String(value);
  }
}

/** A key of several values, as one string (see {@link keyPart}). */
export function compoundKey(values: readonly unknown[]): string {
  let key = keyPart(values[0]);
  for (let i = 1; i < values.length; i++) key += `,${keyPart(values[i])}`;
  return key;
}

/**
 * The compact key of a row's values in these columns: the value itself for one column.
 *
 * Each call builds its own function, reading its columns by constant names: a closure shared
 * by every key of a job would read `row[column]` for all their columns and row shapes through
 * one inline cache, which goes megamorphic and costs a generic lookup per row (about four times
 * the time of a monomorphic read). Column names enter the source only as JSON string literals.
 */
export function columnsKey(columns: readonly string[]): (row: Row) => CompactKey {
  if (columns.length === 0) return () => 0;
  const read = (c: string) => `row[${JSON.stringify(c)}]`;
  const body =
    columns.length === 1
      ? `const v = ${read(columns[0]!)};
         return v === undefined ? null : typeof v === 'object' && v !== null ? compoundKey([v]) : v;`
      : // One template literal: it builds the key as fast as the loop did, a chain of + slower.
        `return \`${columns.map((c) => `\${keyPart(${read(c)})}`).join(',')}\`;`;
  return new Function('compoundKey', 'keyPart', `return (row) => { ${body} };`)(compoundKey, keyPart) as (
    row: Row,
  ) => CompactKey;
}
