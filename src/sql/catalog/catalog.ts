/**
 * The catalog: catalogs holding databases holding tables and views, as Flink's CatalogManager
 * keeps them. A session starts in `default_catalog`.`default_database`; `CREATE CATALOG`
 * (in-memory catalogs only) and `CREATE DATABASE` add more, `USE` moves the current ones. A
 * name of one part (`t`) is in the current database, of two (`d.t`) in the current catalog, of
 * three (`c.d.t`) fully qualified. Temporary objects live beside the catalogs, keyed by their
 * full path (whose catalog and database need not exist), and shadow a permanent object of the
 * same path, as in Flink. ALTER CATALOG creates a catalog again from its new options or
 * comment (empty, as Flink's catalog manager does); ALTER DATABASE changes options. Names are
 * case-sensitive. Errors name objects by their full path, `` `c`.`d`.`t` ``, as Flink's do.
 *
 * A worker thread rebuilding a job runs the job file's statements again, USE included, so it
 * resolves every name to the same object the submitting thread did.
 */
import type { Query, SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import type { Rex } from '../expressions/rex.js';
import { FunctionCatalog } from './function-catalog.js';
import type { SqlType } from './types.js';

/** The catalog a session starts in. */
export const DEFAULT_CATALOG = 'default_catalog';
/** The database a session starts in. */
export const DEFAULT_DATABASE = 'default_database';
/** The only catalog type `CREATE CATALOG` makes: catalogs held in memory for the session. */
export const IN_MEMORY_CATALOG_TYPE = 'generic_in_memory';
/** The database a new in-memory catalog has and starts in, unless 'default-database' names another. */
export const IN_MEMORY_DEFAULT_DATABASE = 'default';

/** Where an object lives: catalog, database and name. */
export interface ObjectIdentifier {
  readonly catalog: string;
  readonly database: string;
  readonly name: string;
}

/** `` `c`.`d`.`t` ``, as Flink prints an identifier. */
export function formatIdentifier(id: ObjectIdentifier): string {
  return [id.catalog, id.database, id.name].map(quote).join('.');
}

const quote = (part: string) => `\`${part.replaceAll('`', '``')}\``;

/** A column of a table: physical (read from the connector), metadata, or computed from others. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: SqlType;
  /** For computed columns: the typed expression over the physical columns, and its text. */
  readonly computed?: { readonly rex: Rex; readonly text: string };
  /**
   * For metadata columns (`METADATA [FROM 'key'] [VIRTUAL]`): the connector's key for the value
   * and whether the column is only read. The source fills the column, as it does a physical one.
   */
  readonly metadata?: { readonly key: string; readonly keyWritten: boolean; readonly virtual: boolean };
  readonly comment?: string;
}

/** `WATERMARK FOR column AS expression`. */
export interface WatermarkSpec {
  readonly column: string;
  readonly rex: Rex;
  readonly text: string;
}

/** A table defined with CREATE TABLE, or registered from a DataStream. */
export interface CatalogTable {
  readonly kind: 'table';
  readonly name: string;
  /** Where the catalog keeps it; absent for tables never registered (fromDataStream). */
  readonly identifier?: ObjectIdentifier;
  readonly columns: readonly CatalogColumn[];
  readonly watermark?: WatermarkSpec;
  readonly primaryKey?: { readonly name: string; readonly columns: readonly string[] };
  /** Columns of `PARTITIONED BY (…)`, for connectors that write partitions (filesystem). */
  readonly partitionKeys?: readonly string[];
  /** Connector options from `WITH (…)`. */
  readonly options: Readonly<Record<string, string>>;
  readonly comment?: string;
  /** A table over a DataStream (`fromDataStream`) rather than a connector. */
  readonly dataStream?: unknown;
}

/** A view: a named query, kept as its syntax tree and expanded where it is used. */
export interface CatalogView {
  readonly kind: 'view';
  readonly name: string;
  /** Where the catalog keeps it. */
  readonly identifier?: ObjectIdentifier;
  readonly query: Query;
  readonly columnNames: readonly string[];
  /** The view's output columns, as typed when it was created. */
  readonly columns: readonly CatalogColumn[];
  /** CREATE VIEW's COMMENT. */
  readonly comment?: string;
  /** A Table API view over an already planned table, instead of a query. */
  readonly plan?: unknown;
  /**
   * The query of CREATE VIEW, for SHOW CREATE VIEW, expanded as Flink keeps it: each `*` replaced
   * by the columns it stood for then, tables' names fully qualified. `query` is this text's tree.
   */
  readonly queryText?: string;
  /**
   * The current catalog and database when the view was created: its query's names resolve
   * there wherever the view is used, as Flink expands a view's query when it creates it.
   */
  readonly context?: { readonly catalog: string; readonly database: string };
}

/** A table or a view. */
export type CatalogObject = CatalogTable | CatalogView;

/** A database: its objects, and what CREATE DATABASE (and ALTER DATABASE since) said of it. */
interface Database {
  readonly comment?: string;
  /** Replaced, never changed in place, by ALTER DATABASE. */
  options: Readonly<Record<string, string>>;
  readonly objects: Map<string, CatalogObject>;
}

/** A catalog: its databases and the one USE CATALOG moves to. */
interface CatalogEntry {
  readonly type: string;
  /** ALTER CATALOG replaces the whole entry; `options` holds 'type' and 'default-database' too. */
  readonly defaultDatabase: string;
  readonly comment?: string;
  readonly options: Readonly<Record<string, string>>;
  readonly databases: Map<string, Database>;
  /**
   * The session's built-in catalog, which no CREATE CATALOG made: as in Flink, where only the
   * catalog store's entries have a descriptor, it cannot be described or altered.
   */
  readonly builtIn?: true;
}

/** What DESCRIBE CATALOG and SHOW CREATE CATALOG show of a catalog. */
export interface CatalogDescription {
  readonly name: string;
  readonly type: string;
  readonly comment?: string;
  /** All its options, 'type' included, as CREATE CATALOG would write them. */
  readonly options: Readonly<Record<string, string>>;
}

const newDatabase = (comment?: string, options: Readonly<Record<string, string>> = {}): Database => ({
  comment,
  options: Object.freeze({ ...options }),
  objects: new Map(),
});

/** Catalogs, their databases and objects, the temporary objects, and the current catalog and database. */
export class Catalog {
  /** User-defined functions, which queries resolve next to the built-in ones. */
  readonly functions = new FunctionCatalog();
  private readonly catalogs = new Map<string, CatalogEntry>([
    [
      DEFAULT_CATALOG,
      {
        type: IN_MEMORY_CATALOG_TYPE,
        defaultDatabase: DEFAULT_DATABASE,
        options: Object.freeze({ type: IN_MEMORY_CATALOG_TYPE, 'default-database': DEFAULT_DATABASE }),
        databases: new Map([[DEFAULT_DATABASE, newDatabase()]]),
        builtIn: true,
      },
    ],
  ]);
  /** Temporary tables and views by the key of their full path. */
  private readonly temporary = new Map<string, CatalogObject>();
  private currentCatalogName = DEFAULT_CATALOG;
  private currentDatabaseName = DEFAULT_DATABASE;

  constructor() {
    // Calls upper-case their names, so a call's qualifier matches database names in any case.
    this.functions.qualifierNamesDatabase = (parts) => {
      const [catalog, database] =
        parts.length === 1 ? [this.currentCatalogName.toUpperCase(), parts[0]!] : [parts[0]!, parts[1]!];
      return [...this.catalogs].some(
        ([name, entry]) =>
          name.toUpperCase() === catalog &&
          [...entry.databases.keys()].some((d) => d.toUpperCase() === database),
      );
    };
  }

  /** The object's own name: the last part of a path. */
  static objectName(path: readonly string[], _pos?: SourcePos): string {
    return path[path.length - 1]!;
  }

  /** The catalog names resolve in. */
  currentCatalog(): string {
    return this.currentCatalogName;
  }

  /** The database names resolve in. */
  currentDatabase(): string {
    return this.currentDatabaseName;
  }

  /** A path of one to three parts, completed with the current catalog and database. */
  qualify(path: readonly string[], pos: SourcePos | undefined): ObjectIdentifier {
    if (path.length > 3 || path.length === 0)
      throw validationError(
        pos,
        `'${path.join('.')}' has ${path.length} parts; name an object as name, database.name or catalog.database.name`,
      );
    const name = path[path.length - 1]!;
    const database = path.length >= 2 ? path[path.length - 2]! : this.currentDatabaseName;
    const catalog = path.length === 3 ? path[0]! : this.currentCatalogName;
    return { catalog, database, name };
  }

  /** The table or view at a path (temporary first), if there is one. */
  get(path: string | readonly string[]): CatalogObject | undefined {
    const id = this.qualify(typeof path === 'string' ? [path] : path, undefined);
    return this.temporary.get(key(id)) ?? this.databaseOf(id)?.objects.get(id.name);
  }

  /** Whether the object {@link get} finds at this path is a temporary one. */
  isTemporary(path: string | readonly string[]): boolean {
    return this.temporary.has(key(this.qualify(typeof path === 'string' ? [path] : path, undefined)));
  }

  /** The object, or an error naming its full path and the tables of its database (and a near miss in case). */
  lookup(path: readonly string[], pos: SourcePos | undefined): CatalogObject {
    const id = this.qualify(path, pos);
    const found = this.temporary.get(key(id)) ?? this.databaseOf(id)?.objects.get(id.name);
    if (found !== undefined) return found;
    const where = this.missingDatabase(id);
    if (where !== undefined)
      throw validationError(pos, `table or view ${formatIdentifier(id)} not found: ${where}`);
    const names = this.names(undefined, id.catalog, id.database);
    const nearMiss = names.find((n) => n.toLowerCase() === id.name.toLowerCase());
    const hint =
      nearMiss !== undefined
        ? `; names are case-sensitive, did you mean ${nearMiss}?`
        : names.length === 0
          ? '; no tables exist in its database yet, create one with CREATE TABLE'
          : `; known tables and views: ${names.join(', ')}`;
    throw validationError(pos, `table or view ${formatIdentifier(id)} not found${hint}`);
  }

  /**
   * Adds an object at `path` (by default its own name in the database it was taken from, or in
   * the current one if it was never in the catalog); `ifNotExists`
   * makes an existing one a no-op. Returns whether it was added. A permanent object needs its
   * database to exist; a temporary one does not, as in Flink: temporary objects live beside
   * the catalogs, so `CREATE TEMPORARY TABLE no_such_db.t` is a table that only this session
   * resolves (and drops).
   */
  create(
    object: CatalogObject,
    temporary: boolean,
    ifNotExists: boolean,
    pos: SourcePos | undefined,
    path: readonly string[] = object.identifier === undefined
      ? [object.name]
      : [object.identifier.catalog, object.identifier.database, object.name],
  ): boolean {
    const id = this.qualify(path, pos);
    const database = temporary ? undefined : this.requireDatabase(id, pos);
    const existing = temporary ? this.temporary.get(key(id)) : database!.objects.get(id.name);
    if (existing !== undefined) {
      if (ifNotExists) return false;
      throw validationError(
        pos,
        `${temporary ? 'temporary ' : ''}${existing.kind} ${formatIdentifier(id)} already exists; drop it first or use IF NOT EXISTS`,
      );
    }
    const context =
      object.kind === 'view'
        ? (object.context ?? { catalog: this.currentCatalogName, database: this.currentDatabaseName })
        : undefined;
    const stored = Object.freeze({
      ...object,
      name: id.name,
      identifier: Object.freeze(id),
      ...(context === undefined ? {} : { context: Object.freeze({ ...context }) }),
    });
    if (temporary) this.temporary.set(key(id), stored);
    else database!.objects.set(id.name, stored);
    return true;
  }

  /** Removes an object of the given kind; `ifExists` makes a missing one a no-op. */
  drop(
    kind: 'table' | 'view',
    path: string | readonly string[],
    temporary: boolean,
    ifExists: boolean,
    pos: SourcePos | undefined,
  ): boolean {
    const id = this.qualify(typeof path === 'string' ? [path] : path, pos);
    const database = this.databaseOf(id);
    const found = temporary ? this.temporary.get(key(id)) : database?.objects.get(id.name);
    if (found === undefined) {
      if (ifExists) return false;
      const other = temporary ? database?.objects.has(id.name) : this.temporary.has(key(id));
      const hint = other
        ? `; it is ${temporary ? 'not ' : ''}temporary, drop it with DROP ${temporary ? '' : 'TEMPORARY '}${kind.toUpperCase()}`
        : '';
      throw validationError(
        pos,
        `${temporary ? 'temporary ' : ''}${kind} ${formatIdentifier(id)} does not exist${hint}`,
      );
    }
    if (found.kind !== kind)
      throw validationError(
        pos,
        `${formatIdentifier(id)} is a ${found.kind}, not a ${kind}; use DROP ${found.kind.toUpperCase()}`,
      );
    const shadow = temporary ? undefined : this.temporary.get(key(id));
    if (shadow !== undefined)
      throw validationError(
        pos,
        `temporary ${shadow.kind} ${formatIdentifier(id)} shadows the permanent ${kind}; drop it first with DROP TEMPORARY ${shadow.kind.toUpperCase()}`,
      );
    if (temporary) this.temporary.delete(key(id));
    else database!.objects.delete(id.name);
    return true;
  }

  /** Names of the temporary tables and views (or of one kind) of the current database, sorted. */
  temporaryNames(kind?: 'table' | 'view'): string[] {
    return [...this.temporary.values()]
      .filter(
        (o) =>
          (kind === undefined || o.kind === kind) &&
          o.identifier?.catalog === this.currentCatalogName &&
          o.identifier.database === this.currentDatabaseName,
      )
      .map((o) => o.name)
      .sort();
  }

  /**
   * Names of the tables and views of a database (the current one by default), permanent and
   * temporary, sorted.
   */
  names(
    kind?: 'table' | 'view',
    catalog = this.currentCatalogName,
    database = this.currentDatabaseName,
  ): string[] {
    const objects = new Map(this.catalogs.get(catalog)?.databases.get(database)?.objects ?? []);
    for (const o of this.temporary.values())
      if (o.identifier?.catalog === catalog && o.identifier.database === database) objects.set(o.name, o);
    return [...objects.values()]
      .filter((o) => kind === undefined || o.kind === kind)
      .map((o) => o.name)
      .sort();
  }

  /**
   * Runs `fn` with names resolving in `context` (a view's, while its query is planned), then
   * restores the current catalog and database.
   */
  within<T>(context: { readonly catalog: string; readonly database: string } | undefined, fn: () => T): T {
    if (context === undefined) return fn();
    const saved = [this.currentCatalogName, this.currentDatabaseName] as const;
    this.currentCatalogName = context.catalog;
    this.currentDatabaseName = context.database;
    try {
      return fn();
    } finally {
      [this.currentCatalogName, this.currentDatabaseName] = saved;
    }
  }

  // ------------------------------------------------------------------------- catalogs

  /** Names of the catalogs, sorted. */
  catalogNames(): string[] {
    return [...this.catalogs.keys()].sort();
  }

  /** Adds an in-memory catalog with its default database. Returns whether it was added. */
  createCatalog(
    name: string,
    type: string,
    defaultDatabase: string,
    options: Readonly<Record<string, string>>,
    comment: string | undefined,
    ifNotExists: boolean,
    pos: SourcePos | undefined,
  ): boolean {
    if (this.catalogs.has(name)) {
      if (ifNotExists) return false;
      throw validationError(pos, `catalog ${quote(name)} already exists; drop it first or use IF NOT EXISTS`);
    }
    this.catalogs.set(name, {
      type,
      defaultDatabase,
      comment,
      options: Object.freeze({ ...options }),
      databases: new Map([[defaultDatabase, newDatabase()]]),
    });
    return true;
  }

  /** Removes a catalog that is not the current one, with everything in it. */
  dropCatalog(name: string, ifExists: boolean, pos: SourcePos | undefined): boolean {
    if (!this.catalogs.has(name)) {
      if (ifExists) return false;
      throw validationError(
        pos,
        `catalog ${quote(name)} does not exist; catalogs: ${this.catalogNames().join(', ')}`,
      );
    }
    if (name === this.currentCatalogName)
      throw validationError(
        pos,
        `catalog ${quote(name)} is the current catalog and cannot be dropped; USE CATALOG another one first`,
      );
    this.catalogs.delete(name);
    for (const [k, o] of this.temporary) if (o.identifier?.catalog === name) this.temporary.delete(k);
    return true;
  }

  /**
   * A catalog's name, type, comment and options, as DESCRIBE CATALOG and SHOW CREATE CATALOG show
   * them, or an error naming the catalogs there are. The session's built-in catalog has none:
   * Flink describes only catalogs from its catalog store, where CREATE CATALOG puts them.
   */
  catalogDescriptor(name: string, pos: SourcePos | undefined): CatalogDescription {
    if (this.requireCatalog(name, pos).builtIn === true)
      throw validationError(
        pos,
        `cannot obtain metadata information from catalog ${quote(name)}: it is the session's built-in catalog, which no CREATE CATALOG made; only catalogs made by CREATE CATALOG can be described`,
      );
    return this.describeCatalog(name, pos);
  }

  /** A catalog's name, type, comment and options, or an error naming the catalogs there are. */
  describeCatalog(name: string, pos: SourcePos | undefined): CatalogDescription {
    const entry = this.requireCatalog(name, pos);
    return Object.freeze({
      name,
      type: entry.type,
      ...(entry.comment === undefined ? {} : { comment: entry.comment }),
      options: entry.options,
    });
  }

  /**
   * ALTER CATALOG: creates the catalog again from its new description, as Flink's
   * CatalogManager does (it closes the catalog and opens a new one from the altered
   * descriptor). For an in-memory catalog that means a new, empty catalog holding only its
   * default database, whether options or only the comment changed. `options` is the catalog's
   * whole new option set, checked by the caller. Temporary objects live outside the catalogs
   * and stay; the current database stays current by name, as in Flink. The session's built-in
   * catalog was never created from a description and cannot be altered (Flink: "does not exist
   * in the catalog store").
   */
  alterCatalog(
    name: string,
    change:
      | { readonly comment: string }
      | { readonly options: Readonly<Record<string, string>>; readonly defaultDatabase: string },
    pos: SourcePos | undefined,
  ): void {
    const entry = this.requireCatalog(name, pos);
    if (entry.builtIn === true)
      throw validationError(
        pos,
        `catalog ${quote(name)} is the session's built-in catalog and cannot be altered; CREATE CATALOG another one with the options it needs`,
      );
    const comment = 'comment' in change ? change.comment : entry.comment;
    const options = 'options' in change ? change.options : entry.options;
    const defaultDatabase = 'options' in change ? change.defaultDatabase : entry.defaultDatabase;
    this.catalogs.set(name, {
      type: entry.type,
      defaultDatabase,
      comment,
      options: Object.freeze({ ...options }),
      databases: new Map([[defaultDatabase, newDatabase()]]),
    });
  }

  /** Makes a catalog current, and its default database. */
  useCatalog(name: string, pos: SourcePos | undefined): void {
    const catalog = this.catalogs.get(name);
    if (catalog === undefined)
      throw validationError(
        pos,
        `catalog ${quote(name)} does not exist; catalogs: ${this.catalogNames().join(', ')}`,
      );
    this.currentCatalogName = name;
    this.currentDatabaseName = catalog.defaultDatabase;
  }

  // ------------------------------------------------------------------------ databases

  /** Names of the databases of a catalog (the current one by default), sorted. */
  databaseNames(catalog = this.currentCatalogName): string[] {
    return [...(this.catalogs.get(catalog)?.databases.keys() ?? [])].sort();
  }

  /** `[catalog.]database` completed with the current catalog; errors on a missing catalog. */
  qualifyDatabase(
    path: readonly string[],
    pos: SourcePos | undefined,
  ): { catalog: string; database: string } {
    if (path.length > 2)
      throw validationError(
        pos,
        `'${path.join('.')}' has ${path.length} parts; name a database as database or catalog.database`,
      );
    const catalog = path.length === 2 ? path[0]! : this.currentCatalogName;
    if (!this.catalogs.has(catalog))
      throw validationError(
        pos,
        `catalog ${quote(catalog)} does not exist; catalogs: ${this.catalogNames().join(', ')}`,
      );
    return { catalog, database: path[path.length - 1]! };
  }

  /** Adds a database. Returns whether it was added. */
  createDatabase(
    path: readonly string[],
    comment: string | undefined,
    options: Readonly<Record<string, string>>,
    ifNotExists: boolean,
    pos: SourcePos | undefined,
  ): boolean {
    const { catalog, database } = this.qualifyDatabase(path, pos);
    const databases = this.catalogs.get(catalog)!.databases;
    if (databases.has(database)) {
      if (ifNotExists) return false;
      throw validationError(
        pos,
        `database ${quote(catalog)}.${quote(database)} already exists; drop it first or use IF NOT EXISTS`,
      );
    }
    databases.set(database, newDatabase(comment, options));
    return true;
  }

  /** A database's comment and options (Flink shows them through its Java API, not in SQL). */
  describeDatabase(
    path: readonly string[],
    pos: SourcePos | undefined,
  ): { readonly comment?: string; readonly options: Readonly<Record<string, string>> } {
    const { catalog, database } = this.existingDatabase(path, pos);
    const found = this.catalogs.get(catalog)!.databases.get(database)!;
    return { ...(found.comment === undefined ? {} : { comment: found.comment }), options: found.options };
  }

  /** ALTER DATABASE … SET: adds the options, replacing those of the same keys. */
  alterDatabase(
    path: readonly string[],
    options: Readonly<Record<string, string>>,
    pos: SourcePos | undefined,
  ): void {
    const { catalog, database } = this.existingDatabase(path, pos);
    const found = this.catalogs.get(catalog)!.databases.get(database)!;
    found.options = Object.freeze({ ...found.options, ...options });
  }

  /**
   * Removes a database that is not the current one: RESTRICT refuses one that holds tables or
   * views, CASCADE drops them with it. Temporary objects in it go too.
   */
  dropDatabase(
    path: readonly string[],
    ifExists: boolean,
    cascade: boolean,
    pos: SourcePos | undefined,
  ): boolean {
    const { catalog, database } = this.qualifyDatabase(path, pos);
    const id = `${quote(catalog)}.${quote(database)}`;
    const found = this.catalogs.get(catalog)!.databases.get(database);
    if (found === undefined) {
      if (ifExists) return false;
      throw validationError(
        pos,
        `database ${id} does not exist; databases of ${quote(catalog)}: ${this.databaseNames(catalog).join(', ') || 'none'}`,
      );
    }
    if (catalog === this.currentCatalogName && database === this.currentDatabaseName)
      throw validationError(
        pos,
        `database ${id} is the current database and cannot be dropped; USE another one first`,
      );
    if (!cascade && found.objects.size > 0)
      throw validationError(
        pos,
        `database ${id} is not empty (${[...found.objects.keys()].sort().join(', ')}); drop its tables and views first, or use DROP DATABASE … CASCADE`,
      );
    this.catalogs.get(catalog)!.databases.delete(database);
    for (const [k, o] of this.temporary)
      if (o.identifier?.catalog === catalog && o.identifier.database === database) this.temporary.delete(k);
    return true;
  }

  /** Makes `[catalog.]database` current. */
  useDatabase(path: readonly string[], pos: SourcePos | undefined): void {
    const { catalog, database } = this.qualifyDatabase(path, pos);
    if (!this.catalogs.get(catalog)!.databases.has(database))
      throw validationError(
        pos,
        `database ${quote(catalog)}.${quote(database)} does not exist; databases of ${quote(catalog)}: ${this.databaseNames(catalog).join(', ') || 'none'}`,
      );
    this.currentCatalogName = catalog;
    this.currentDatabaseName = database;
  }

  /** Whether `[catalog.]database` exists (an unknown catalog is an error). */
  existingDatabase(
    path: readonly string[],
    pos: SourcePos | undefined,
  ): { catalog: string; database: string } {
    const qualified = this.qualifyDatabase(path, pos);
    if (!this.catalogs.get(qualified.catalog)!.databases.has(qualified.database))
      throw validationError(
        pos,
        `database ${quote(qualified.catalog)}.${quote(qualified.database)} does not exist; databases of ${quote(qualified.catalog)}: ${this.databaseNames(qualified.catalog).join(', ') || 'none'}`,
      );
    return qualified;
  }

  private requireCatalog(name: string, pos: SourcePos | undefined): CatalogEntry {
    const entry = this.catalogs.get(name);
    if (entry === undefined)
      throw validationError(
        pos,
        `catalog ${quote(name)} does not exist; catalogs: ${this.catalogNames().join(', ')}`,
      );
    return entry;
  }

  private databaseOf(id: ObjectIdentifier): Database | undefined {
    return this.catalogs.get(id.catalog)?.databases.get(id.database);
  }

  /** Why an object's database is missing, or undefined when it exists. */
  private missingDatabase(id: ObjectIdentifier): string | undefined {
    if (!this.catalogs.has(id.catalog))
      return `catalog ${quote(id.catalog)} does not exist; catalogs: ${this.catalogNames().join(', ')}`;
    if (this.databaseOf(id) === undefined)
      return `database ${quote(id.catalog)}.${quote(id.database)} does not exist; databases of ${quote(id.catalog)}: ${this.databaseNames(id.catalog).join(', ') || 'none'}`;
    return undefined;
  }

  private requireDatabase(id: ObjectIdentifier, pos: SourcePos | undefined): Database {
    const missing = this.missingDatabase(id);
    if (missing !== undefined)
      throw validationError(pos, `cannot create ${formatIdentifier(id)}: ${missing}; create it first`);
    return this.databaseOf(id)!;
  }
}

/**
 * The parts of a path the Table API takes as text, as Flink reads it: `v`, `db.v` or `c.db.v`,
 * a part in backquotes holding any character (a backquote doubled).
 */
export function parsePath(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ') i++;
    let part = '';
    if (text[i] === '`') {
      for (i++; ; i++) {
        if (i >= text.length) throw validationError(undefined, `path '${text}' has an unclosed backquote`);
        if (text[i] === '`') {
          if (text[i + 1] !== '`') break;
          i++;
        }
        part += text[i];
      }
      i++;
      while (text[i] === ' ') i++;
    } else {
      const end = text.indexOf('.', i);
      part = text.slice(i, end === -1 ? text.length : end).trim();
      i = end === -1 ? text.length : end;
      if (part === '' || part.includes('`'))
        throw validationError(
          undefined,
          `path '${text}' is not name, database.name or catalog.database.name; quote a part that holds dots or spaces in backquotes`,
        );
    }
    parts.push(part);
    if (i >= text.length) break;
    if (text[i] !== '.')
      throw validationError(
        undefined,
        `path '${text}' has '${text[i]}' after a quoted part; separate parts with '.'`,
      );
    i++;
  }
  if (parts.length > 3)
    throw validationError(
      undefined,
      `path '${text}' has ${parts.length} parts; name an object as name, database.name or catalog.database.name`,
    );
  return parts;
}

/** The temporary map's key of a path: its parts joined by a character names cannot hold. */
const key = (id: ObjectIdentifier) => `${id.catalog}\u0000${id.database}\u0000${id.name}`;
