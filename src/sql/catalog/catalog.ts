/**
 * The catalog: tables and views by name, permanent and temporary. Weir has one catalog
 * (`default_catalog`) with one database (`default_database`); names may be written plain or
 * fully qualified. A temporary object shadows a permanent one of the same name, as in Flink.
 * Names are case-sensitive.
 */
import type { Query, SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import type { Rex } from '../expressions/rex.js';
import { FunctionCatalog } from './function-catalog.js';
import type { SqlType } from './types.js';

/** The one catalog's name. */
export const DEFAULT_CATALOG = 'default_catalog';
/** The one database's name. */
export const DEFAULT_DATABASE = 'default_database';

/** A column of a table: physical (read from the connector) or computed from other columns. */
export interface CatalogColumn {
  readonly name: string;
  readonly type: SqlType;
  /** For computed columns: the typed expression over the physical columns, and its text. */
  readonly computed?: { readonly rex: Rex; readonly text: string };
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
  readonly query: Query;
  readonly columnNames: readonly string[];
  /** The view's output columns, as typed when it was created. */
  readonly columns: readonly CatalogColumn[];
  /** A Table API view over an already planned table, instead of a query. */
  readonly plan?: unknown;
}

/** A table or a view. */
export type CatalogObject = CatalogTable | CatalogView;

/** Tables and views in the one database. */
export class Catalog {
  /** User-defined functions, which queries resolve next to the built-in ones. */
  readonly functions = new FunctionCatalog();
  private readonly permanent = new Map<string, CatalogObject>();
  private readonly temporary = new Map<string, CatalogObject>();

  /** The object's name without the default catalog and database; other prefixes are errors. */
  static objectName(path: readonly string[], pos: SourcePos | undefined): string {
    const name = path[path.length - 1]!;
    const prefix = path.slice(0, -1);
    const ok =
      prefix.length === 0 ||
      (prefix.length === 1 && prefix[0] === DEFAULT_DATABASE) ||
      (prefix.length === 2 && prefix[0] === DEFAULT_CATALOG && prefix[1] === DEFAULT_DATABASE);
    if (!ok)
      throw validationError(
        pos,
        `unknown catalog or database in ${path.join('.')}; Weir has only ${DEFAULT_CATALOG}.${DEFAULT_DATABASE}`,
      );
    return name;
  }

  get(name: string): CatalogObject | undefined {
    return this.temporary.get(name) ?? this.permanent.get(name);
  }

  /** The object, or an error naming the known tables (and a near miss in case). */
  lookup(path: readonly string[], pos: SourcePos | undefined): CatalogObject {
    const name = Catalog.objectName(path, pos);
    const found = this.get(name);
    if (found !== undefined) return found;
    const names = this.names();
    const nearMiss = names.find((n) => n.toLowerCase() === name.toLowerCase());
    const hint =
      nearMiss !== undefined
        ? `; names are case-sensitive, did you mean ${nearMiss}?`
        : names.length === 0
          ? '; no tables exist yet, create one with CREATE TABLE'
          : `; known tables and views: ${names.join(', ')}`;
    throw validationError(pos, `table or view '${name}' not found${hint}`);
  }

  /** Adds an object; `ifNotExists` makes an existing one a no-op. Returns whether it was added. */
  create(
    object: CatalogObject,
    temporary: boolean,
    ifNotExists: boolean,
    pos: SourcePos | undefined,
  ): boolean {
    const map = temporary ? this.temporary : this.permanent;
    if (map.has(object.name)) {
      if (ifNotExists) return false;
      const what = map.get(object.name)!.kind;
      throw validationError(
        pos,
        `${temporary ? 'temporary ' : ''}${what} '${object.name}' already exists; drop it first or use IF NOT EXISTS`,
      );
    }
    map.set(object.name, object);
    return true;
  }

  /** Removes an object of the given kind; `ifExists` makes a missing one a no-op. */
  drop(
    kind: 'table' | 'view',
    name: string,
    temporary: boolean,
    ifExists: boolean,
    pos: SourcePos | undefined,
  ): boolean {
    const map = temporary ? this.temporary : this.permanent;
    const found = map.get(name);
    if (found === undefined) {
      if (ifExists) return false;
      const other = (temporary ? this.permanent : this.temporary).has(name);
      const hint = other
        ? `; it is ${temporary ? 'not ' : ''}temporary, drop it with DROP ${temporary ? '' : 'TEMPORARY '}${kind.toUpperCase()}`
        : '';
      throw validationError(pos, `${temporary ? 'temporary ' : ''}${kind} '${name}' does not exist${hint}`);
    }
    if (found.kind !== kind)
      throw validationError(
        pos,
        `'${name}' is a ${found.kind}, not a ${kind}; use DROP ${found.kind.toUpperCase()}`,
      );
    map.delete(name);
    return true;
  }

  /** Names of all tables and views, sorted. */
  names(kind?: 'table' | 'view'): string[] {
    const all = new Map([...this.permanent, ...this.temporary]);
    return [...all.values()]
      .filter((o) => kind === undefined || o.kind === kind)
      .map((o) => o.name)
      .sort();
  }
}
