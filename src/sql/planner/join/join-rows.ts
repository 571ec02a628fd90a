/**
 * The rows of the regular join, generated once per operator: the merged row, a left and a right
 * row as one object literal (a fixed shape V8 builds fast, where spreading two rows builds a
 * dictionary-mode object field by field), or only the columns a Calc above the join picks; and
 * the join's non-equi condition read from the two rows as they are, so a pair is tested before
 * (and without) building its merged row.
 */
import { type SqlType, Types, withNullability } from '../../catalog/types.js';
import { compileExpression, type Row } from '../../expressions/compiler.js';
import { call, field, literal, type Rex, substitute } from '../../expressions/rex.js';
import type { PlanColumn } from '../logical.js';

/** Builds the joined row from a left and a right row (or a row of NULLs for a padded side). */
export type RowMerger = (left: Row, right: Row) => Row;

/** A column of the join's output row: `column` of the left or the right row, named `name`. */
export interface JoinOutputColumn {
  readonly name: string;
  readonly column: string;
  readonly right: boolean;
}

/** Whether a pair of rows meets a join's remaining condition (NULL does not). */
export type PairCondition = (left: Row, right: Row) => boolean;

const property = (name: string) => `[${JSON.stringify(name)}]`;

/** The merge of rows with these columns; columns are distinct across both sides. */
export function rowMerger(leftColumns: readonly string[], rightColumns: readonly string[]): RowMerger {
  return projectedMerger([
    ...leftColumns.map((c) => ({ name: c, column: c, right: false })),
    ...rightColumns.map((c) => ({ name: c, column: c, right: true })),
  ]);
}

/** The output row of exactly these columns, in this order, from a left and a right row. */
export function projectedMerger(output: readonly JoinOutputColumn[]): RowMerger {
  const fields = output.map(
    ({ name, column, right }) => `${JSON.stringify(name)}: ${right ? 'r' : 'l'}${property(column)}`,
  );
  // Built once per operator from column names (JSON-quoted), never from data.
  return new Function('l', 'r', `"use strict"; return { ${fields.join(', ')} };`) as RowMerger;
}

const rowType = (columns: readonly PlanColumn[]): SqlType =>
  Object.freeze({
    root: 'ROW',
    nullable: false,
    fields: Object.freeze(columns.map(({ name, type }) => ({ name, type }))),
  });

/**
 * A condition over the merged row, compiled to read each column from the left or the right row
 * instead: a column `c` becomes `FIELD(l, 'c')` or `FIELD(r, 'c')` of one reused pair object.
 * The function is not re-entrant (one pair per operator instance, which runs one row at a time).
 */
export function pairCondition(
  condition: Rex,
  leftColumns: readonly PlanColumn[],
  rightColumns: readonly PlanColumn[],
): PairCondition {
  const left = new Set(leftColumns.map((c) => c.name));
  const l = field('l', rowType(leftColumns));
  const r = field('r', rowType(rightColumns));
  const name = withNullability(Types.STRING, false);
  const rex = substitute(condition, (f) =>
    call('FIELD', [left.has(f.name) ? l : r, literal(f.name, name)], f.type),
  );
  const test = compileExpression(rex);
  const pair: { l: Row | null; r: Row | null } = { l: null, r: null };
  return (leftRow, rightRow) => {
    pair.l = leftRow;
    pair.r = rightRow;
    const result = test(pair as Row) === true;
    // Not kept: the pair must not hold rows past the test.
    pair.l = null;
    pair.r = null;
    return result;
  };
}
