/**
 * Rows from user code (the elements `fromDataStream` gets) may hold a BIGINT in a form Weir does
 * not use inside: a bigint within ±2^53, or a number past it (long.ts keeps one form per value, so
 * `===`, keys and state encodings agree). Such rows are made canonical as they enter, once.
 */
import type { Row } from './compiler.js';
import { toLong } from './long.js';

/**
 * A function giving a row with its `columns` (the BIGINT ones) canonical: the same row when they
 * are already (the common case, no copy), otherwise a copy, since the caller may still hold the
 * row. Undefined when there are no such columns, so no step is added.
 */
export function canonicalLongs(columns: readonly string[]): ((element: unknown) => Row) | undefined {
  if (columns.length === 0) return undefined;
  return (element) => {
    const row = element as Row;
    let out = row;
    for (const column of columns) {
      const value = row[column];
      const canonical = toLong(value);
      if (canonical === value) continue;
      if (out === row) out = { ...row };
      out[column] = canonical;
    }
    return out;
  };
}
