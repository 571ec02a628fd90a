/**
 * `CREATE TABLE t WITH (…) AS query` (CTAS): the sink table's columns are the query's, each a
 * physical column of the query column's type, with time attributes as plain timestamps (a
 * rowtime column becomes TIMESTAMP(3), a proctime one TIMESTAMP_LTZ(3)), as in Flink. The
 * table is checked as any CREATE TABLE, so its connector must accept its options and columns.
 */
import type { ColumnDef, CreateTable } from '../parser/ast.js';
import { node } from '../parser/ast.js';
import { parseDataType } from '../parser/parse.js';
import { validationError } from '../errors.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { CatalogTable } from './catalog.js';
import { tableFromDdl } from './ddl.js';
import { formatType, type SqlType, withoutTimeAttribute } from './types.js';

/** The table a CTAS statement creates, from the columns of its planned query. */
export function tableFromQuery(
  ddl: CreateTable,
  columns: readonly { readonly name: string; readonly type: SqlType }[],
  registry: ConnectorRegistry,
): CatalogTable {
  const pos = ddl.asQuery?.pos ?? ddl.pos;
  const definitions: ColumnDef[] = columns.map((c) => {
    if (c.type.root === 'NULL' || c.type.root === 'RAW')
      throw validationError(
        pos,
        `column '${c.name}' of the query has type ${c.type.root}, which a table cannot store; CAST it to a SQL type`,
      );
    const type = parseDataType(formatType(withoutTimeAttribute(c.type)));
    return node({ kind: 'physicalColumn', pos, name: c.name, type });
  });
  return tableFromDdl({ ...ddl, columns: definitions, asQuery: undefined }, registry);
}
