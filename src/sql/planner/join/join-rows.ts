/**
 * The merged row of the regular join, generated once per operator: a left and a right row as
 * one object literal (a fixed shape V8 builds fast, where spreading two rows builds a
 * dictionary-mode object field by field).
 */
import type { Row } from '../../expressions/compiler.js';

/** Builds the joined row from a left and a right row (or a row of NULLs for a padded side). */
export type RowMerger = (left: Row, right: Row) => Row;

const property = (name: string) => `[${JSON.stringify(name)}]`;

/** The merge of rows with these columns; columns are distinct across both sides. */
export function rowMerger(leftColumns: readonly string[], rightColumns: readonly string[]): RowMerger {
  const fields = [
    ...leftColumns.map((c) => `${JSON.stringify(c)}: l${property(c)}`),
    ...rightColumns.map((c) => `${JSON.stringify(c)}: r${property(c)}`),
  ];
  // Built once per operator from column names (JSON-quoted), never from data.
  return new Function('l', 'r', `"use strict"; return { ${fields.join(', ')} };`) as RowMerger;
}
