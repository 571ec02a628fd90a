/**
 * Runs a sink's {@link SinkConstraints} on each row before the connector sees it: a NULL in a
 * NOT NULL column fails the job with one line naming the column and the option, or drops the
 * row; a value of the wrong length passes, is cut and padded, or fails the job. A change of a
 * changelog (+I, -U, +U, -D) is checked as its row, and a dropped row drops the change.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { FlatMapFunction } from '../../types/functions.js';
import type { Row } from '../expressions/compiler.js';
import type { ChangelogRow } from '../planner/changelog.js';
import type { LengthColumn, SinkConstraints } from '../planner/sink-constraints.js';
import { fitBytes, fitChars } from '../expressions/fit-length.js';

/** The row as the sink must get it, or undefined when it is to be dropped; throws for ERROR. */
export type RowEnforcer = (row: Row) => Row | undefined;

/**
 * The checks of `constraints` for rows written to `target`, which errors name as the column's
 * owner: `table 'out'`, or `the query's result`.
 */
export function rowEnforcer(constraints: SinkConstraints, target: string): RowEnforcer {
  const notNull = constraints.notNull;
  const lengths = constraints.lengths;
  const nullColumns = notNull?.columns ?? [];
  const dropNulls = notNull?.enforcer === 'drop';
  const lengthColumns = lengths?.columns ?? [];
  const trimPad = lengths?.enforcer === 'trim_pad';
  return (row) => {
    for (const name of nullColumns) {
      const value = row[name];
      if (value !== null && value !== undefined) continue;
      if (dropNulls) return undefined;
      throw userError(
        ErrorCodes.MALFORMED_RECORD,
        `column '${name}' of ${target} is NOT NULL, but a row has NULL in it; SET 'table.exec.sink.not-null-enforcer' = 'DROP' to drop such rows instead of failing the job`,
      );
    }
    let out = row;
    for (const column of lengthColumns) {
      const value = row[column.name];
      if (value === null || value === undefined) continue;
      const fitted =
        column.kind === 'chars'
          ? fitChars(String(value), column.length, column.fixed)
          : fitBytes(value as Uint8Array, column.length, column.fixed);
      if (fitted === value) continue;
      if (!trimPad) throw lengthError(column, target, lengthOf(value, column));
      if (out === row) out = { ...row };
      out[column.name] = fitted;
    }
    return out;
  };
}

/** The enforcer as a function over the stream a sink reads: rows, or changes when `changelog`. */
export function constraintEnforcerFunction(
  enforce: RowEnforcer,
  changelog: boolean,
): FlatMapFunction<unknown, unknown> {
  if (!changelog)
    return {
      flatMap(row, out) {
        const checked = enforce(row as Row);
        if (checked !== undefined) out.collect(checked);
      },
    };
  return {
    flatMap(element, out) {
      const change = element as ChangelogRow;
      const checked = enforce(change.row);
      if (checked === change.row) out.collect(change);
      else if (checked !== undefined) out.collect({ kind: change.kind, row: checked });
    },
  };
}

/** The value's length as the error reports it: code points of text, bytes of a byte string. */
function lengthOf(value: unknown, column: LengthColumn): number {
  return column.kind === 'chars' ? [...String(value)].length : (value as Uint8Array).length;
}

function lengthError(column: LengthColumn, target: string, actual: number) {
  const type = `${column.kind === 'chars' ? (column.fixed ? 'CHAR' : 'VARCHAR') : column.fixed ? 'BINARY' : 'VARBINARY'}(${column.length})`;
  return userError(
    ErrorCodes.MALFORMED_RECORD,
    `column '${column.name}' of ${target} is ${type}, but a value of length ${actual} reached it; SET 'table.exec.sink.type-length-enforcer' = 'TRIM_PAD' to cut or pad such values instead of failing the job`,
  );
}
