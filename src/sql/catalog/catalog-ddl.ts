/**
 * CREATE / ALTER CATALOG and CREATE / ALTER DATABASE statements checked the way Flink checks
 * them: a catalog needs a 'type' option, and Weir makes only in-memory catalogs
 * (`generic_in_memory`, whose one other option is 'default-database'); ALTER CATALOG may change
 * any option but 'type', and the catalog is then created again from its new options, as in
 * Flink. Database options are free-form, kept with the database.
 */
import type { AlterCatalog, AlterDatabase, CreateCatalog, CreateDatabase, SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import { type CatalogDescription, IN_MEMORY_CATALOG_TYPE, IN_MEMORY_DEFAULT_DATABASE } from './catalog.js';

/** The options an in-memory catalog takes. */
const IN_MEMORY_OPTIONS = ['type', 'default-database'];

/**
 * What a CREATE CATALOG statement makes: its type, default database and options. The Table
 * API's createCatalog passes the same shape without positions.
 */
export function catalogFromDdl(statement: CatalogDefinition): {
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

/**
 * The new options (and with them the default database) of ALTER CATALOG … SET / RESET, from
 * the catalog's current ones: 'type' cannot change, other keys are those CREATE CATALOG takes,
 * and a reset 'default-database' is an in-memory catalog's 'default' again.
 */
export function alteredCatalogOptions(
  statement: AlterCatalog,
  current: CatalogDescription,
): { options: Record<string, string>; defaultDatabase: string } {
  const action = statement.action;
  const options: Record<string, string> = { ...current.options };
  if (action.kind === 'setOptions') {
    const set: Record<string, string> = {};
    for (const option of action.options) {
      if (option.key in set) throw validationError(option.pos, `option '${option.key}' is given twice`);
      if (option.key === 'type')
        throw validationError(
          option.pos,
          `ALTER CATALOG cannot change 'type'; drop the catalog and create it again to change its type`,
        );
      checkKey(option.key, option.pos);
      if (option.key === 'default-database' && option.value.trim() === '')
        throw validationError(option.pos, "'default-database' must name a database, not be empty");
      set[option.key] = option.value;
    }
    Object.assign(options, set);
  } else if (action.kind === 'resetOptions') {
    for (const { key, pos } of action.keys) {
      if (key === 'type')
        throw validationError(pos, `ALTER CATALOG RESET cannot reset 'type'; every catalog needs one`);
      checkKey(key, pos);
      delete options[key];
    }
  }
  return { options, defaultDatabase: options['default-database'] ?? IN_MEMORY_DEFAULT_DATABASE };
}

function checkKey(key: string, pos: CreateCatalog['pos']): void {
  if (!IN_MEMORY_OPTIONS.includes(key))
    throw validationError(
      pos,
      `unknown option '${key}' for catalog type '${IN_MEMORY_CATALOG_TYPE}'; supported options: ${IN_MEMORY_OPTIONS.join(', ')}`,
    );
}

/** The `WITH (…)` of CREATE DATABASE, or the `SET (…)` of ALTER DATABASE, each key once. */
export function databaseOptions(statement: CreateDatabase | AlterDatabase): Record<string, string> {
  return optionsOf(statement);
}

/** CREATE CATALOG's name and options; positions are absent when the Table API defines one. */
type CatalogDefinition = {
  readonly name: string;
  readonly pos?: SourcePos;
  readonly options: readonly { readonly key: string; readonly value: string; readonly pos?: SourcePos }[];
};

function optionsOf(statement: CatalogDefinition | CreateDatabase | AlterDatabase): Record<string, string> {
  const options: Record<string, string> = {};
  for (const option of statement.options) {
    if (option.key in options) throw validationError(option.pos, `option '${option.key}' is given twice`);
    options[option.key] = option.value;
  }
  return options;
}
