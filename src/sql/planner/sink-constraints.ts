/**
 * What a sink checks of each row before writing it, as Flink's sink constraint enforcer does:
 * a NOT NULL column that receives NULL fails the job or drops the row
 * (`table.exec.sink.not-null-enforcer`, ERROR by default), and a CHAR(n), VARCHAR(n), BINARY(n)
 * or VARBINARY(n) value of the wrong length is let through, cut and padded, or fails the job
 * (`table.exec.sink.type-length-enforcer`, IGNORE by default).
 *
 * Decided when the sink is planned and kept in its plan, so a compiled plan runs with the
 * options it was compiled under. As in Flink, every NOT NULL column is checked, also one whose
 * input is NOT NULL by its type: a user function or a source can still give NULL there (a
 * function declared to return INT NOT NULL that returns null, a JSON row without the field).
 * The check is one comparison per column and row. The rows a query gives its caller
 * (`collect()`, `toDataStream`) get the length checks against the query's own columns, but not
 * the NOT NULL one: a CAST to a DECIMAL too narrow for its value is NULL though typed NOT NULL
 * (as Flink types CAST), and a SELECT showing that NULL must not fail.
 */
import { MAX_LENGTH } from '../catalog/types.js';
import type { TableConfig } from '../config.js';
import type { PlanColumn } from './logical.js';

/** `table.exec.sink.not-null-enforcer`: fail the job, or drop the row. */
export type NotNullEnforcer = 'error' | 'drop';
/** `table.exec.sink.type-length-enforcer`: let values through, cut and pad them, or fail the job. */
export type TypeLengthEnforcer = 'ignore' | 'trim_pad' | 'error';

/** A CHAR/VARCHAR (`chars`) or BINARY/VARBINARY (`bytes`) column with a length to keep. */
export interface LengthColumn {
  readonly name: string;
  readonly kind: 'chars' | 'bytes';
  readonly length: number;
  /** CHAR and BINARY: shorter values are padded (spaces, zero bytes), not only longer ones cut. */
  readonly fixed: boolean;
}

/** The checks of one sink; absent when it has none. */
export interface SinkConstraints {
  /** The NOT NULL columns, and what a NULL in them does. */
  readonly notNull?: { readonly enforcer: NotNullEnforcer; readonly columns: readonly string[] };
  /** Columns with a length, and what a value of another length does. */
  readonly lengths?: {
    readonly enforcer: Exclude<TypeLengthEnforcer, 'ignore'>;
    readonly columns: readonly LengthColumn[];
  };
}

/**
 * The checks a sink of `sinkColumns` (its written columns, in order) makes of each row under the
 * session's options; for a query's result (`result`), the query's columns.
 */
export function sinkConstraints(
  sinkColumns: readonly PlanColumn[],
  config: TableConfig | undefined,
  result = false,
): SinkConstraints | undefined {
  const notNullEnforcer = config?.get<NotNullEnforcer>('table.exec.sink.not-null-enforcer') ?? 'error';
  const lengthEnforcer = config?.get<TypeLengthEnforcer>('table.exec.sink.type-length-enforcer') ?? 'ignore';
  const notNull = result ? [] : sinkColumns.filter((c) => !c.type.nullable).map((c) => c.name);
  const lengths = lengthEnforcer === 'ignore' ? [] : sinkColumns.flatMap(lengthColumn);
  if (notNull.length === 0 && lengths.length === 0) return undefined;
  return Object.freeze({
    ...(notNull.length > 0 ? { notNull: { enforcer: notNullEnforcer, columns: notNull } } : {}),
    ...(lengths.length > 0 && lengthEnforcer !== 'ignore'
      ? { lengths: { enforcer: lengthEnforcer, columns: lengths } }
      : {}),
  });
}

/** The length check of a column, if its type has a length below the maximum. */
function lengthColumn(column: PlanColumn): LengthColumn[] {
  const { root, length } = column.type;
  if (length === undefined || length >= MAX_LENGTH) return [];
  const name = column.name;
  switch (root) {
    case 'CHAR':
    case 'VARCHAR':
      return [{ name, kind: 'chars', length, fixed: root === 'CHAR' }];
    case 'BINARY':
    case 'VARBINARY':
      return [{ name, kind: 'bytes', length, fixed: root === 'BINARY' }];
    default:
      return [];
  }
}

/** Flink's operator name for the checks, e.g. `ConstraintEnforcer[NotNullEnforcer(fields=[id])]`. */
export function constraintEnforcerName(constraints: SinkConstraints): string {
  const parts = [
    ...(constraints.notNull ? [`NotNullEnforcer(fields=[${constraints.notNull.columns.join(', ')}])`] : []),
    ...(constraints.lengths
      ? [`LengthEnforcer(fields=[${constraints.lengths.columns.map((c) => c.name).join(', ')}])`]
      : []),
  ];
  return `ConstraintEnforcer[${parts.join(', ')}]`;
}
