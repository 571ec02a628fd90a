/**
 * A {@link TableDescriptor} as the CREATE TABLE statement it stands for. The statement is
 * parsed from `CREATE [TEMPORARY] TABLE path` and the descriptor's text, so a descriptor table
 * is checked and stored exactly as the DDL would be, and SHOW CREATE TABLE and DESCRIBE cannot
 * tell them apart. The schema's types and expressions were each parsed alone when added, so
 * none of them reaches past its own element of the statement.
 */
import { quoteIdentifier } from '../catalog/ddl-text.js';
import { validationError } from '../errors.js';
import type { CreateTable } from '../parser/ast.js';
import { parseStatement } from '../parser/parse.js';
import type { TableDescriptor } from './table-descriptor.js';

/** The CREATE TABLE statement of `descriptor` at `path` (its parts unquoted). */
export function descriptorStatement(
  path: readonly string[],
  descriptor: TableDescriptor,
  temporary: boolean,
): CreateTable {
  const schema = descriptor.schema;
  if (schema === undefined || schema.columns.length === 0)
    throw validationError(
      undefined,
      `the table descriptor for ${path.join('.')} has no ${schema === undefined ? 'schema' : 'columns'}; add .schema(Schema.newBuilder().column(name, type)…build())`,
    );
  if (schema.watermarks.length > 1)
    throw validationError(
      undefined,
      `the schema for ${path.join('.')} declares ${schema.watermarks.length} watermarks, and a table has one; keep a single watermark(…)`,
    );
  const name = path.map(quoteIdentifier).join('.');
  const statement = parseStatement(
    `CREATE ${temporary ? 'TEMPORARY ' : ''}TABLE ${name} ${descriptor.ddlText()}`,
  );
  return statement as CreateTable;
}
