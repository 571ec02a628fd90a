/**
 * `INSERT INTO t PARTITION (dt = '2024-01-01') SELECT …`: the static partition columns of an
 * INSERT, as in Flink. Each named column must be one of the table's partition keys; its value
 * (the literal's text) is read as the column's type once, when the INSERT is planned, and every
 * row written takes it, while the query supplies the other columns.
 */
import type { CatalogTable } from '../catalog/catalog.js';
import { formatType, Types, withNullability, withoutTimeAttribute } from '../catalog/types.js';
import { validationError } from '../errors.js';
import type { StaticPartitionValue } from '../parser/ast.js';
import type { Rex } from '../expressions/rex.js';
import { runtime } from '../expressions/runtime.js';

/** The static partition columns by name, each with its value as a literal of the column's type. */
export function staticPartitionValues(
  table: CatalogTable,
  partition: readonly StaticPartitionValue[],
): Map<string, Rex> {
  const keys = table.partitionKeys ?? [];
  const values = new Map<string, Rex>();
  for (const spec of partition) {
    if (!keys.includes(spec.column))
      throw validationError(
        spec.pos,
        keys.length === 0
          ? `'${table.name}' is not partitioned, so INSERT … PARTITION has no column to set; select every column instead`
          : `'${spec.column}' is not a partition column of '${table.name}'; its partition columns are ${keys.join(', ')}`,
      );
    if (values.has(spec.column))
      throw validationError(spec.pos, `partition column '${spec.column}' is given twice; give it one value`);
    const column = table.columns.find((c) => c.name === spec.column)!;
    const value = runtime.cast(spec.value, Types.STRING, column.type, true);
    if (value === null)
      throw validationError(
        spec.pos,
        `'${spec.value}' is no ${formatType(column.type)} value for partition column '${spec.column}'`,
      );
    values.set(spec.column, {
      kind: 'literal',
      value,
      type: withNullability(withoutTimeAttribute(column.type), false),
    });
  }
  return values;
}
