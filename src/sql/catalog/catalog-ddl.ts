/**
 * CREATE CATALOG and CREATE DATABASE statements checked the way Flink checks them: a catalog
 * needs a 'type' option, and Weir makes only in-memory catalogs (`generic_in_memory`, whose one
 * other option is 'default-database'); database options are free-form, kept with the database.
 */
import type { CreateCatalog, CreateDatabase } from '../parser/ast.js';
import { validationError } from '../errors.js';
import { IN_MEMORY_CATALOG_TYPE, IN_MEMORY_DEFAULT_DATABASE } from './catalog.js';

/** The options an in-memory catalog takes. */
const IN_MEMORY_OPTIONS = ['type', 'default-database'];

/** What a CREATE CATALOG statement makes: its type, default database and options. */
export function catalogFromDdl(statement: CreateCatalog): {
  type: string;
  defaultDatabase: string;
  options: Record<string, string>;
} {
  const options = optionsOf(statement);
  const type = options.type;
  if (type === undefined)
    throw validationError(
      statement.pos,
      `CREATE CATALOG ${statement.name} needs a 'type' option; write WITH ('type' = '${IN_MEMORY_CATALOG_TYPE}')`,
    );
  if (type !== IN_MEMORY_CATALOG_TYPE)
    throw validationError(
      statement.options.find((o) => o.key === 'type')!.pos,
      `catalog type '${type}' is not available; Weir has only '${IN_MEMORY_CATALOG_TYPE}' (catalogs held in memory for the session)`,
    );
  for (const option of statement.options)
    if (!IN_MEMORY_OPTIONS.includes(option.key))
      throw validationError(
        option.pos,
        `unknown option '${option.key}' for catalog type '${IN_MEMORY_CATALOG_TYPE}'; supported options: ${IN_MEMORY_OPTIONS.join(', ')}`,
      );
  const defaultDatabase = options['default-database'] ?? IN_MEMORY_DEFAULT_DATABASE;
  if (defaultDatabase.trim() === '')
    throw validationError(
      statement.options.find((o) => o.key === 'default-database')!.pos,
      "'default-database' must name a database, not be empty",
    );
  return { type, defaultDatabase, options };
}

/** The `WITH (…)` of CREATE DATABASE, each key once. */
export function databaseOptions(statement: CreateDatabase): Record<string, string> {
  return optionsOf(statement);
}

function optionsOf(statement: CreateCatalog | CreateDatabase): Record<string, string> {
  const options: Record<string, string> = {};
  for (const option of statement.options) {
    if (option.key in options) throw validationError(option.pos, `option '${option.key}' is given twice`);
    options[option.key] = option.value;
  }
  return options;
}
