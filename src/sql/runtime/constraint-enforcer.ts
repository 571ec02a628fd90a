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
  const anyNull = nullColumns.length === 0 ? undefined : anyNullTest(nullColumns);
  return (row) => {
    if (anyNull?.(row) === true) {
      if (dropNulls) return undefined;
      const name = nullColumns.find((n) => row[n] === null || row[n] === undefined);
      throw userError(
        ErrorCodes.MALFORMED_RECORD,
        `column '${name}' of ${target} is NOT NULL, but a row has NULL in it; SET 'table.exec.sink.not-null-enforcer' = 'DROP' to drop such rows instead of failing the job`,
      );
    }
    if (lengthColumns.length === 0) return row;
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

/**
 * Whether a row has null (or undefined) in one of `columns`, as code generated once: every NOT
 * NULL column of a sink is checked on every row, and a row's fixed-name property reads cost next
 * to nothing where a loop over the names reads them by computed key, several times slower.
 */
function anyNullTest(columns: readonly string[]): (row: Row) => boolean {
  const tests = columns.map((c) => `row[${JSON.stringify(c)}] == null`).join(' || ');
  return new Function('row', `return ${tests};`) as (row: Row) => boolean;
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
