/**
 * ALTER TABLE and ALTER VIEW, with Flink's rules. ALTER TABLE reads the table back as its
 * CREATE TABLE statement (`tableStatement`), changes the statement and defines the table again
 * with `tableFromDdl`, so the result passes every check of CREATE TABLE: computed columns and
 * the watermark are typed again, options are validated by the connector's factory. On top of
 * those, a column that a computed column, the watermark, the primary key or the partitioning
 * uses cannot be dropped or renamed. Temporary tables and views cannot be altered, as in Flink.
 */
import type { AlterTable, AlterView, CreateTable, SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import { fieldsOf } from '../expressions/rex.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { Catalog, type CatalogObject, type CatalogTable } from './catalog.js';
import { tableFromDdl, viewFromDdl } from './ddl.js';
import { tableStatement } from './ddl-text.js';

type Column = CreateTable['columns'][number];

/** Runs ALTER TABLE: replaces the table in the catalog with the altered one. */
export function alterTable(statement: AlterTable, catalog: Catalog, registry: ConnectorRegistry): void {
  const name = Catalog.objectName(statement.name, statement.namePos);
  if (statement.ifExists && catalog.get(statement.name) === undefined) return;
  const object = catalog.lookup(statement.name, statement.namePos);
  if (object.kind !== 'table')
    throw validationError(statement.namePos, `'${name}' is a view, not a table; use ALTER VIEW`);
  if (catalog.isTemporary(statement.name))
    throw validationError(
      statement.namePos,
      `temporary table '${name}' cannot be altered; drop it and create it again`,
    );
  const action = statement.action;
  const pos = statement.actionPos;
  if (action.kind === 'renameTable') {
    const to = renameTarget(catalog, object, action.to, pos);
    if (catalog.get(pathIn(object, to)) !== undefined)
      throw validationError(pos, `cannot rename '${name}' to '${to}': a table or view named '${to}' exists`);
    replace(catalog, object, { ...object, name: to }, pos);
    return;
  }
  const ddl = alteredStatement(tableStatement(object, pos), object, statement);
  replace(catalog, object, tableFromDdl(ddl, registry), pos);
}

/** Runs ALTER VIEW: renames the view or gives it a new query. */
export function alterView(statement: AlterView, catalog: Catalog): void {
  const name = Catalog.objectName(statement.name, statement.namePos);
  const object = catalog.lookup(statement.name, statement.namePos);
  if (object.kind !== 'view')
    throw validationError(statement.namePos, `'${name}' is a table, not a view; use ALTER TABLE`);
  if (catalog.isTemporary(statement.name))
    throw validationError(
      statement.namePos,
      `temporary view '${name}' cannot be altered; drop it and create it again`,
    );
  if (statement.rename !== undefined) {
    const to = renameTarget(catalog, object, statement.rename, statement.pos);
    if (catalog.get(pathIn(object, to)) !== undefined)
      throw validationError(
        statement.pos,
        `cannot rename '${name}' to '${to}': a table or view named '${to}' exists`,
      );
    replace(catalog, object, { ...object, name: to }, statement.pos);
    return;
  }
  // The new query names the columns, as in Flink: the old column list belonged to the old query.
  const view = viewFromDdl(
    {
      kind: 'createView',
      pos: statement.pos,
      name: statement.name,
      temporary: false,
      ifNotExists: false,
      columns: [],
      // ALTER VIEW … AS replaces the query; the view's comment stays, as in Flink.
      comment: object.comment,
      query: statement.query!,
      queryText: statement.queryText,
    },
    catalog,
  );
  replace(catalog, object, view, statement.pos);
}

/** Swaps a permanent object for its altered version. */
function replace<T extends CatalogObject>(catalog: Catalog, before: T, after: T, pos: SourcePos): void {
  catalog.drop(before.kind, pathIn(before, before.name), false, false, pos);
  catalog.create(after as never, false, false, pos, pathIn(before, after.name));
}

/**
 * The new name of a RENAME TO. A qualified name must point into the object's own database: a
 * rename never moves an object, and taking only the last part would quietly ignore the rest.
 */
function renameTarget(
  catalog: Catalog,
  object: CatalogObject,
  to: readonly string[],
  pos: SourcePos,
): string {
  const name = Catalog.objectName(to, pos);
  if (to.length === 1 || object.identifier === undefined) return name;
  const target = catalog.qualify(to, pos);
  const own = object.identifier;
  if (target.catalog !== own.catalog || target.database !== own.database)
    throw validationError(
      pos,
      `cannot rename '${object.name}' into ${target.catalog}.${target.database}: a rename stays in ${own.catalog}.${own.database}; create the object there and drop this one`,
    );
  return name;
}

/** The path of `name` in the database of `object` (renames stay in their database). */
function pathIn(object: CatalogObject, name: string): readonly string[] {
  const id = object.identifier;
  return id === undefined ? [name] : [id.catalog, id.database, name];
}

/** The CREATE TABLE statement of the table after the ALTER TABLE action. */
function alteredStatement(ddl: CreateTable, table: CatalogTable, statement: AlterTable): CreateTable {
  const action = statement.action;
  const pos = statement.actionPos;
  switch (action.kind) {
    case 'renameTable':
      return ddl;
    case 'setOptions': {
      const options = new Map(ddl.options.map((o) => [o.key, o]));
      for (const option of action.options) options.set(option.key, option);
      return { ...ddl, options: [...options.values()] };
    }
    case 'resetOptions': {
      for (const { key, pos: keyPos } of action.keys)
        if (key === 'connector')
          throw validationError(
            keyPos,
            "ALTER TABLE RESET cannot remove 'connector'; SET it to another connector",
          );
      const keys = new Set(action.keys.map((k) => k.key));
      return { ...ddl, options: ddl.options.filter((o) => !keys.has(o.key)) };
    }
    case 'addSchema':
    case 'modifySchema': {
      const add = action.kind === 'addSchema';
      let columns = [...ddl.columns];
      for (const { column, position } of action.columns) {
        const index = columns.findIndex((c) => c.name === column.name);
        if (add && index >= 0)
          throw validationError(
            column.pos,
            `column '${column.name}' already exists in '${table.name}'; use MODIFY to change it`,
          );
        if (!add && index < 0)
          throw validationError(
            column.pos,
            `column '${column.name}' does not exist in '${table.name}'; use ADD to add it`,
          );
        if (!add) columns.splice(index, 1);
        const at =
          position === undefined
            ? add
              ? columns.length
              : index
            : 'first' in position
              ? 0
              : afterIndex(columns, position.after, table.name, column.pos);
        columns = [...columns.slice(0, at), column, ...columns.slice(at)];
      }
      let { watermark, primaryKey } = ddl;
      if (action.watermark !== undefined) {
        if (add && watermark !== undefined)
          throw validationError(
            action.watermark.pos,
            `'${table.name}' already has a watermark for '${watermark.column}'; use MODIFY WATERMARK, or DROP WATERMARK first`,
          );
        if (!add && watermark === undefined)
          throw validationError(
            action.watermark.pos,
            `'${table.name}' has no watermark to modify; use ADD WATERMARK`,
          );
        watermark = action.watermark;
      }
      if (action.primaryKey !== undefined) {
        if (add && primaryKey !== undefined)
          throw validationError(
            action.primaryKey.pos,
            `'${table.name}' already has a primary key (${primaryKey.columns.join(', ')}); use MODIFY PRIMARY KEY, or DROP PRIMARY KEY first`,
          );
        if (!add && primaryKey === undefined)
          throw validationError(
            action.primaryKey.pos,
            `'${table.name}' has no primary key to modify; use ADD PRIMARY KEY`,
          );
        primaryKey = action.primaryKey;
      }
      return { ...ddl, columns, watermark, primaryKey };
    }
    case 'dropColumns': {
      const names = new Set<string>();
      for (const { name, pos: columnPos } of action.columns) {
        if (names.has(name)) throw validationError(columnPos, `column '${name}' is named twice`);
        names.add(name);
        if (!table.columns.some((c) => c.name === name))
          throw validationError(columnPos, `column '${name}' does not exist in '${table.name}'`);
      }
      for (const { name, pos: columnPos } of action.columns) {
        const user = userOf(table, name, names);
        if (user !== undefined)
          throw validationError(
            columnPos,
            `column '${name}' cannot be dropped: ${user}; drop or change that first`,
          );
      }
      const columns = ddl.columns.filter((c) => !names.has(c.name));
      if (columns.length === 0)
        throw validationError(pos, `cannot drop every column of '${table.name}'; drop the table instead`);
      return { ...ddl, columns };
    }
    case 'dropWatermark':
      if (ddl.watermark === undefined) throw validationError(pos, `'${table.name}' has no watermark to drop`);
      return { ...ddl, watermark: undefined };
    case 'dropPrimaryKey': {
      const key = table.primaryKey;
      if (key === undefined) throw validationError(pos, `'${table.name}' has no primary key to drop`);
      if (action.constraint !== undefined && action.constraint !== key.name)
        throw validationError(
          pos,
          `'${table.name}' has no constraint named '${action.constraint}'; its primary key is '${key.name}'`,
        );
      return { ...ddl, primaryKey: undefined };
    }
    case 'renameColumn': {
      const { from, to } = action;
      if (!table.columns.some((c) => c.name === from))
        throw validationError(pos, `column '${from}' does not exist in '${table.name}'`);
      if (table.columns.some((c) => c.name === to))
        throw validationError(pos, `column '${to}' already exists in '${table.name}'`);
      const user = userOf(table, from, new Set([from]), true);
      if (user !== undefined)
        throw validationError(pos, `column '${from}' cannot be renamed: ${user}; drop or change that first`);
      const rename = (n: string) => (n === from ? to : n);
      const columns = ddl.columns.map((c): Column => (c.name === from ? { ...c, name: to } : c));
      const primaryKey =
        ddl.primaryKey === undefined
          ? undefined
          : { ...ddl.primaryKey, columns: ddl.primaryKey.columns.map(rename) };
      return { ...ddl, columns, primaryKey, partitionedBy: ddl.partitionedBy.map(rename) };
    }
  }
}

/** Where a column goes after `AFTER name`. */
function afterIndex(columns: readonly Column[], after: string, table: string, pos: SourcePos): number {
  const index = columns.findIndex((c) => c.name === after);
  if (index < 0) throw validationError(pos, `AFTER names column '${after}', which '${table}' does not have`);
  return index + 1;
}

/**
 * What keeps a column from being dropped or renamed, in words, or undefined: a computed column
 * (not itself dropped) or the watermark that reads it, the primary key or the partitioning.
 * A rename keeps key and partition columns in step, so only expressions hold it.
 */
function userOf(
  table: CatalogTable,
  name: string,
  dropped: ReadonlySet<string>,
  rename = false,
): string | undefined {
  for (const c of table.columns)
    if (c.computed !== undefined && !dropped.has(c.name) && fieldsOf(c.computed.rex).has(name))
      return `computed column '${c.name}' uses it`;
  const watermark = table.watermark;
  if (watermark !== undefined && (watermark.column === name || fieldsOf(watermark.rex).has(name)))
    return 'the watermark uses it';
  if (rename) return undefined;
  if (table.primaryKey?.columns.includes(name)) return 'it is in the primary key';
  if (table.partitionKeys?.includes(name)) return 'the table is partitioned by it';
  return undefined;
}
