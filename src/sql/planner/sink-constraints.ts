/**
 * What a sink checks of each row before writing it, as Flink's sink constraint enforcer does:
 * a NOT NULL column that receives NULL fails the job or drops the row
 * (`table.exec.sink.not-null-enforcer`, ERROR by default), and a CHAR(n), VARCHAR(n), BINARY(n)
 * or VARBINARY(n) value of the wrong length is let through, cut and padded, or fails the job
 * (`table.exec.sink.type-length-enforcer`, IGNORE by default).
 *
 * Decided when the sink is planned and kept in its plan, so a compiled plan runs with the
 * options it was compiled under. A NOT NULL column whose input is NOT NULL by its type is not
 * checked: no row can break it, so the check would only cost time. As in Flink, the rows a
 * query gives its caller (`collect()`, `toDataStream`) get the length checks too: their
 * columns are the query's own, so the NOT NULL ones never need checking.
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
  /** NOT NULL columns whose input may be NULL, and what a NULL in them does. */
  readonly notNull?: { readonly enforcer: NotNullEnforcer; readonly columns: readonly string[] };
  /** Columns with a length, and what a value of another length does. */
  readonly lengths?: {
    readonly enforcer: Exclude<TypeLengthEnforcer, 'ignore'>;
    readonly columns: readonly LengthColumn[];
  };
}

/**
 * The checks a sink of `sinkColumns` (its written columns, in order) makes of rows of `input`
 * (the query's columns, named as the sink's) under the session's options; for a query's result,
 * both are the query's columns.
 */
export function sinkConstraints(
  sinkColumns: readonly PlanColumn[],
  input: readonly PlanColumn[],
  config: TableConfig | undefined,
): SinkConstraints | undefined {
  const notNullEnforcer = config?.get<NotNullEnforcer>('table.exec.sink.not-null-enforcer') ?? 'error';
  const lengthEnforcer = config?.get<TypeLengthEnforcer>('table.exec.sink.type-length-enforcer') ?? 'ignore';
  const mayBeNull = (name: string) => input.find((c) => c.name === name)?.type.nullable ?? true;
  const notNull = sinkColumns.filter((c) => !c.type.nullable && mayBeNull(c.name)).map((c) => c.name);
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
