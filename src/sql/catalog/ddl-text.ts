/**
 * SHOW CREATE TABLE / VIEW / CATALOG: the DDL text that recreates a catalog object, in Flink's layout
 * (backquoted identifiers, one column per line, `WITH (…)` options one per line). The text is
 * also how CREATE TABLE … LIKE and ALTER TABLE read an existing table back as a statement: they
 * parse it, change the statement and define the table again, so every check of CREATE TABLE
 * applies to the result.
 */
import type { CreateTable, ShowCreate, SourcePos } from '../parser/ast.js';
import { parseExpression, parseStatement } from '../parser/parse.js';
import { unsupported, validationError } from '../errors.js';
import {
  type Catalog,
  type CatalogDescription,
  type CatalogTable,
  type CatalogView,
  DEFAULT_CATALOG,
  DEFAULT_DATABASE,
} from './catalog.js';
import type { StarExpansion } from './star-expansions.js';
import { formatType, withoutTimeAttribute } from './types.js';

/** An identifier in backquotes, with a backquote doubled: `` `a``b` ``. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A string literal in single quotes, with a quote doubled. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The fully qualified, quoted name of an object, in its own catalog and database. */
export function qualifiedName(
  name: string,
  id?: { readonly catalog: string; readonly database: string },
): string {
  return [id?.catalog ?? DEFAULT_CATALOG, id?.database ?? DEFAULT_DATABASE, name]
    .map(quoteIdentifier)
    .join('.');
}

/**
 * `CREATE [TEMPORARY] TABLE … WITH (…)` for a table defined by DDL. A table over a DataStream
 * has no DDL and is refused.
 */
export function showCreateTable(table: CatalogTable, temporary: boolean, pos: SourcePos | undefined): string {
  if (table.dataStream !== undefined)
    throw unsupported(
      pos,
      `SHOW CREATE TABLE of '${table.name}', a table over a DataStream`,
      'only tables created with CREATE TABLE have DDL',
    );
  const elements = table.columns.map((c) => {
    const comment = c.comment === undefined ? '' : ` COMMENT ${quoteString(c.comment)}`;
    if (c.computed !== undefined) return `${quoteIdentifier(c.name)} AS ${c.computed.text}${comment}`;
    if (c.metadata !== undefined) {
      const from = c.metadata.keyWritten ? ` FROM ${quoteString(c.metadata.key)}` : '';
      const metadata = ` METADATA${from}${c.metadata.virtual ? ' VIRTUAL' : ''}`;
      return `${quoteIdentifier(c.name)} ${formatType(withoutTimeAttribute(c.type))}${metadata}${comment}`;
    }
    return `${quoteIdentifier(c.name)} ${formatType(withoutTimeAttribute(c.type))}${comment}`;
  });
  if (table.watermark !== undefined)
    elements.push(`WATERMARK FOR ${quoteIdentifier(table.watermark.column)} AS ${table.watermark.text}`);
  const key = table.primaryKey;
  if (key !== undefined)
    elements.push(
      `CONSTRAINT ${quoteIdentifier(key.name)} PRIMARY KEY (${key.columns.map(quoteIdentifier).join(', ')}) NOT ENFORCED`,
    );
  let text = `CREATE ${temporary ? 'TEMPORARY ' : ''}TABLE ${qualifiedName(table.name, table.identifier)} (\n`;
  text += elements.map((e) => `  ${e}`).join(',\n');
  text += '\n)';
  const clauses: string[] = [];
  if (table.comment !== undefined) clauses.push(`COMMENT ${quoteString(table.comment)}`);
  if (table.partitionKeys !== undefined && table.partitionKeys.length > 0)
    clauses.push(`PARTITIONED BY (${table.partitionKeys.map(quoteIdentifier).join(', ')})`);
  for (const clause of clauses) text += `\n${clause}`;
  const options = Object.entries(table.options);
  if (options.length > 0) {
    text += clauses.length > 0 ? '\nWITH (\n' : ' WITH (\n';
    text += options.map(([k, v]) => `  ${quoteString(k)} = ${quoteString(v)}`).join(',\n');
    text += '\n)';
  }
  return text;
}

/**
 * `CREATE [TEMPORARY] VIEW name(columns) as` and the query on the next line, as Flink prints a
 * view: with its tables' names fully qualified ({@link expandedViewQuery}). A view registered
 * from the Table API has no query text and is refused.
 */
export function showCreateView(view: CatalogView, temporary: boolean, pos: SourcePos | undefined): string {
  if (view.queryText === undefined)
    throw unsupported(
      pos,
      `SHOW CREATE VIEW of '${view.name}', a view registered from the Table API`,
      'only views created with CREATE VIEW have DDL',
    );
  const columns = view.columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const comment = view.comment === undefined ? '' : ` COMMENT ${quoteString(view.comment)}`;
  return `CREATE ${temporary ? 'TEMPORARY ' : ''}VIEW ${qualifiedName(view.name, view.identifier)}(${columns})${comment} as\n${expandedViewQuery(view.queryText, view.context)}`;
}

/**
 * A view's query with every table name in it fully qualified and backquoted, as Flink expands
 * a view's query: a name resolves in the catalog and database that were current when the view
 * was created (`context`), so the text means the same wherever it runs again. Each of `stars`
 * (what CREATE VIEW's planning found each `*` and `t.*` to stand for) becomes its column list,
 * `` `t`.`a`, `u`.`a` AS `a0` ``, so the view keeps the columns it had when it was created. The
 * rest of the text stays as written. A single-part name that one of the query's WITH items
 * has stays as written. Should the text at a table reference's or star's position not spell
 * it, the query is returned unchanged rather than mangled.
 */
export function expandedViewQuery(
  queryText: string,
  context: { readonly catalog: string; readonly database: string } | undefined,
  stars: readonly StarExpansion[] = [],
): string {
  const refs: { name: readonly string[]; pos: SourcePos }[] = [];
  const withNames = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const n = value as { kind?: string; name?: readonly string[]; pos?: SourcePos; with?: unknown };
    if ((n.kind === 'tableRef' || n.kind === 'tableArg') && n.pos !== undefined && Array.isArray(n.name))
      refs.push({ name: n.name, pos: n.pos });
    if (n.kind === 'query' && Array.isArray(n.with))
      for (const item of n.with as { name: string }[]) withNames.add(item.name);
    for (const v of Object.values(value)) walk(v);
  };
  walk(parseStatement(queryText));
  const lineStarts = [0];
  for (let i = 0; i < queryText.length; i++) if (queryText[i] === '\n') lineStarts.push(i + 1);
  const catalog = context?.catalog ?? DEFAULT_CATALOG;
  const database = context?.database ?? DEFAULT_DATABASE;
  const edits: { start: number; end: number; text: string }[] = [];
  for (const ref of refs) {
    if (ref.name.length === 1 && withNames.has(ref.name[0]!)) continue;
    let start = lineStarts[ref.pos.line - 1]! + ref.pos.column - 1;
    // A TABLE argument of a table function may be placed at its keyword.
    const keyword = /^TABLE\s+/i.exec(queryText.slice(start));
    if (keyword !== null && ref.name[0]!.toUpperCase() !== 'TABLE') start += keyword[0].length;
    const end = nameEnd(queryText, start, ref.name);
    if (end === undefined) return queryText;
    const full =
      ref.name.length >= 3
        ? ref.name
        : ref.name.length === 2
          ? [catalog, ...ref.name]
          : [catalog, database, ref.name[0]!];
    edits.push({ start, end, text: full.map(quoteIdentifier).join('.') });
  }
  for (const star of stars) {
    const start = lineStarts[star.pos.line - 1]! + star.pos.column - 1;
    const end = starEnd(queryText, start, star.qualifier);
    if (end === undefined) return queryText;
    const columns = star.columns.map((c) => {
      const name = `${c.qualifier === undefined ? '' : `${quoteIdentifier(c.qualifier)}.`}${quoteIdentifier(c.name)}`;
      return c.output === c.name ? name : `${name} AS ${quoteIdentifier(c.output)}`;
    });
    edits.push({ start, end, text: columns.join(', ') });
  }
  let text = queryText;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

/**
 * A computed column's or watermark's expression with its column references backquoted
 * (`` `price` * 0.2 ``, `` `r`.`f` ``), as Flink keeps and prints them; the rest stays as
 * written. Text whose references cannot be found where the parser put them is returned as is.
 */
export function expandedExpression(text: string): string {
  const refs: { path: readonly string[]; pos: SourcePos }[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const n = value as { kind?: string; path?: readonly string[]; pos?: SourcePos };
    if (n.kind === 'column' && n.pos !== undefined && Array.isArray(n.path))
      refs.push({ path: n.path, pos: n.pos });
    for (const v of Object.values(value)) walk(v);
  };
  walk(parseExpression(text));
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const ref of refs) {
    const start = lineStarts[ref.pos.line - 1]! + ref.pos.column - 1;
    const end = nameEnd(text, start, ref.path);
    if (end === undefined) return text;
    edits.push({ start, end, text: ref.path.map(quoteIdentifier).join('.') });
  }
  let result = text;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** Where `*` or `qualifier.*` written at `start` ends, or undefined if the text there is not it. */
function starEnd(text: string, start: number, qualifier: readonly string[]): number | undefined {
  let i = start;
  if (qualifier.length > 0) {
    const after = nameEnd(text, start, qualifier);
    if (after === undefined) return undefined;
    i = after;
    while (/\s/.test(text[i] ?? '')) i++;
    if (text[i] !== '.') return undefined;
    i++;
    while (/\s/.test(text[i] ?? '')) i++;
  }
  return text[i] === '*' ? i + 1 : undefined;
}

/** Where the dotted name `parts` written at `start` ends, or undefined if the text there is not it. */
function nameEnd(text: string, start: number, parts: readonly string[]): number | undefined {
  let i = start;
  for (let p = 0; p < parts.length; p++) {
    if (p > 0) {
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] !== '.') return undefined;
      i++;
      while (/\s/.test(text[i] ?? '')) i++;
    }
    let part = '';
    if (text[i] === '`') {
      for (i++; ; i++) {
        if (i >= text.length) return undefined;
        if (text[i] === '`') {
          if (text[i + 1] !== '`') break;
          i++;
        }
        part += text[i];
      }
      i++;
    } else {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i));
      if (word === null) return undefined;
      part = word[0];
      i += part.length;
    }
    if (part !== parts[p]) return undefined;
  }
  return i;
}

/**
 * The table as the CREATE TABLE statement that defines it, every node placed at `pos` (where
 * the statement that reads it back is), so that an error about a part of it points there and
 * not into text the user never wrote.
 */
export function tableStatement(table: CatalogTable, pos: SourcePos): CreateTable {
  const statement = parseStatement(showCreateTable(table, false, pos));
  return relocate(statement, pos) as CreateTable;
}

/** A copy of a syntax tree with every position (`pos`, `…Pos`) replaced by `pos`. */
function relocate(value: unknown, pos: SourcePos): unknown {
  if (Array.isArray(value)) return Object.freeze(value.map((v) => relocate(v, pos)));
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    copy[key] = key === 'pos' || key.endsWith('Pos') ? pos : relocate(v, pos);
  return Object.freeze(copy);
}

/**
 * `CREATE CATALOG name [COMMENT '…'] WITH (…)` with every option (sorted), 'type' included,
 * as Flink prints a catalog; running it recreates the catalog (empty).
 */
export function showCreateCatalog(catalog: CatalogDescription): string {
  // Flink's layout: a comment ends its line, WITH follows the name otherwise.
  const comment = catalog.comment === undefined ? ' ' : ` COMMENT ${quoteString(catalog.comment)}\n`;
  const options = Object.entries(catalog.options)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `  ${quoteString(k)} = ${quoteString(v)}`);
  return `CREATE CATALOG ${quoteIdentifier(catalog.name)}${comment}WITH (\n${options.join(',\n')}\n)`;
}

/**
 * DESCRIBE CATALOG's rows, as Flink's: name, type and comment (empty when there is none), then
 * with EXTENDED each option but 'type' as `option:key`, sorted by key.
 */
export function describeCatalogRows(
  catalog: CatalogDescription,
  extended: boolean,
): { 'info name': string; 'info value': string }[] {
  const rows = [
    { 'info name': 'name', 'info value': catalog.name },
    { 'info name': 'type', 'info value': catalog.type },
    { 'info name': 'comment', 'info value': catalog.comment ?? '' },
  ];
  if (extended)
    for (const [k, v] of Object.entries(catalog.options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      if (k !== 'type') rows.push({ 'info name': `option:${k}`, 'info value': v });
  return rows;
}

/** The text of SHOW CREATE TABLE / VIEW / CATALOG; naming a view as a table (or the reverse) is an error. */
export function showCreate(statement: ShowCreate, catalog: Catalog): string {
  if (statement.object === 'CATALOG')
    return showCreateCatalog(catalog.catalogDescriptor(statement.name[0]!, statement.namePos));
  const object = catalog.lookup(statement.name, statement.namePos);
  const temporary = catalog.isTemporary(statement.name);
  const asked = statement.object === 'TABLE' ? 'table' : 'view';
  if (object.kind !== asked)
    throw validationError(
      statement.namePos,
      `'${object.name}' is a ${object.kind}, not a ${asked}; use SHOW CREATE ${object.kind.toUpperCase()}`,
    );
  return object.kind === 'table'
    ? showCreateTable(object, temporary, statement.namePos)
    : showCreateView(object, temporary, statement.namePos);
}
