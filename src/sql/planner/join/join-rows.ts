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
import { NO_RENAMES, readRight } from './right-row-names.js';

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

/**
 * The merge of rows with these columns; columns are distinct across both sides. `rowNames`: the
 * right row's name of each right column it does not carry under the join's (`right-row-names.ts`).
 */
export function rowMerger(
  leftColumns: readonly string[],
  rightColumns: readonly string[],
  rowNames: ReadonlyMap<string, string> = NO_RENAMES,
): RowMerger {
  return projectedMerger(
    [
      ...leftColumns.map((c) => ({ name: c, column: c, right: false })),
      ...rightColumns.map((c) => ({ name: c, column: c, right: true })),
    ],
    rowNames,
  );
}

/**
 * The output row of exactly these columns, in this order, from a left and a right row; right
 * columns are read as `rowNames` says (see {@link rowMerger}).
 */
export function projectedMerger(
  output: readonly JoinOutputColumn[],
  rowNames: ReadonlyMap<string, string> = NO_RENAMES,
): RowMerger {
  const fields = output.map(
    ({ name, column, right }) =>
      `${JSON.stringify(name)}: ${right ? readRight('r', column, rowNames) : `l${property(column)}`}`,
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
  rowNames: ReadonlyMap<string, string> = NO_RENAMES,
): PairCondition {
  const left = new Set(leftColumns.map((c) => c.name));
  const l = field('l', rowType(leftColumns));
  const r = field(
    'r',
    rowType([
      ...rightColumns,
      ...rightColumns.flatMap((c) => {
        const rowName = rowNames.get(c.name);
        return rowName === undefined ? [] : [{ name: rowName, type: c.type }];
      }),
    ]),
  );
  const name = withNullability(Types.STRING, false);
  const read = (f: { name: string; type: SqlType }): Rex => {
    if (left.has(f.name)) return call('FIELD', [l, literal(f.name, name)], f.type);
    const rowName = rowNames.get(f.name);
    const own = call('FIELD', [r, literal(f.name, name)], f.type);
    // A row stored by an earlier version carries the join's name (see `right-row-names.ts`).
    return rowName === undefined
      ? own
      : call('COALESCE', [call('FIELD', [r, literal(rowName, name)], f.type), own], f.type);
  };
  const rex = substitute(condition, read);
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
