/**
 * Turns CREATE TABLE and CREATE VIEW statements into catalog objects, checking them the way
 * Flink does: column names unique, computed columns typed over the physical ones, the
 * watermark on a TIMESTAMP(3) or TIMESTAMP_LTZ(3) column with an expression of the same type,
 * a NOT ENFORCED primary key over existing columns (which become NOT NULL), and the `WITH`
 * options accepted by the connector.
 */
import type { CreateTable, CreateView, Query, SourcePos } from '../parser/ast.js';
import { parseStatement } from '../parser/parse.js';
import { unsupported, validationError } from '../errors.js';
import { typeExpression } from '../expressions/typer.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { fromLegacyFilesystemOptions } from '../connectors/filesystem-options.js';
import { PlanBuilder } from '../planner/builder.js';
import { ColumnScope, scopeOf } from '../planner/scope.js';
import { Catalog, type CatalogColumn, type CatalogTable, type CatalogView } from './catalog.js';
import { expandedExpression, expandedViewQuery } from './ddl-text.js';
import { recordStarExpansions, type StarExpansion } from './star-expansions.js';
import { checkMetadataColumns } from './metadata-columns.js';
import {
  formatType,
  isTimestamp,
  resolveType,
  type SqlType,
  withNullability,
  withoutIntervalField,
} from './types.js';

/** The catalog table a CREATE TABLE statement defines; throws on the first problem. */
export function tableFromDdl(ddl: CreateTable, registry: ConnectorRegistry): CatalogTable {
  const name = Catalog.objectName(ddl.name, ddl.pos);
  const seen = new Set<string>();
  for (const c of ddl.columns) {
    if (seen.has(c.name))
      throw validationError(c.pos, `column '${c.name}' is defined twice in table '${name}'`);
    seen.add(c.name);
  }
  const key = ddl.primaryKey;
  if (key !== undefined) {
    if (key.enforced)
      throw validationError(
        key.pos,
        'PRIMARY KEY must be declared NOT ENFORCED: Weir, like Flink, does not check keys, it relies on them',
      );
    for (const column of key.columns)
      if (
        !ddl.columns.some((c) => c.name === column && c.kind === 'physicalColumn' && c.metadata === undefined)
      )
        throw validationError(
          key.pos,
          `PRIMARY KEY column '${column}' is not a physical column of '${name}'`,
        );
  }
  const keyColumns = new Set(key?.columns ?? []);
  const physical: CatalogColumn[] = [];
  for (const c of ddl.columns) {
    if (c.kind !== 'physicalColumn') continue;
    const type = withoutIntervalField(resolveType(c.type));
    const metadata =
      c.metadata === undefined
        ? undefined
        : {
            key: c.metadata.key ?? c.name,
            keyWritten: c.metadata.key !== undefined,
            virtual: c.metadata.virtual,
          };
    physical.push({
      name: c.name,
      type: keyColumns.has(c.name) ? withNullability(type, false) : type,
      comment: c.comment,
      ...(metadata === undefined ? {} : { metadata }),
    });
  }
  // Computed columns may read metadata columns, but options and partitions name stored ones.
  const stored = physical.filter((c) => c.metadata === undefined);
  const physicalScope = new ColumnScope(scopeOf(physical));
  const columns: CatalogColumn[] = ddl.columns.map((c) => {
    if (c.kind === 'physicalColumn') return physical.find((p) => p.name === c.name)!;
    const rex = typeExpression(c.expr, physicalScope);
    return {
      name: c.name,
      type: rex.type,
      computed: { rex, text: expandedExpression(c.text) },
      comment: c.comment,
    };
  });
  let watermark: CatalogTable['watermark'];
  if (ddl.watermark !== undefined) {
    const w = ddl.watermark;
    const index = columns.findIndex((c) => c.name === w.column);
    if (index < 0)
      throw validationError(
        w.pos,
        `WATERMARK FOR names column '${w.column}', which '${name}' does not have; columns: ${columns.map((c) => c.name).join(', ')}`,
      );
    const rowtime = columns[index]!;
    if (!isTimestamp(rowtime.type) || (rowtime.type.precision ?? 3) > 3)
      throw validationError(
        w.pos,
        `the watermark column '${w.column}' must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), not ${formatType(rowtime.type)}`,
      );
    const rex = typeExpression(w.expr, new ColumnScope(scopeOf(columns)));
    if (rex.type.root !== rowtime.type.root)
      throw validationError(
        w.expr.pos,
        `the watermark expression must be ${rowtime.type.root} like '${w.column}', not ${formatType(rex.type)}`,
      );
    watermark = { column: w.column, rex, text: expandedExpression(w.text) };
    columns[index] = { ...rowtime, type: Object.freeze({ ...rowtime.type, rowtime: true }) };
  }
  const options: Record<string, string> = {};
  const positions = new Map<string, SourcePos>();
  for (const option of ddl.options) {
    if (option.key in options) throw validationError(option.pos, `option '${option.key}' is given twice`);
    options[option.key] = option.value;
    positions.set(option.key, option.pos);
  }
  const legacy = fromLegacyFilesystemOptions(options, (k) => positions.get(k));
  if (legacy !== undefined) {
    for (const key of Object.keys(options)) delete options[key];
    Object.assign(options, legacy.options);
    for (const [target, key] of legacy.legacyKeys) positions.set(target, positions.get(key)!);
  }
  const table: CatalogTable = Object.freeze({
    kind: 'table',
    name,
    columns: Object.freeze(columns),
    watermark,
    primaryKey:
      key === undefined
        ? undefined
        : { name: key.name ?? `PK_${key.columns.join('_')}`, columns: key.columns },
    options: Object.freeze(options),
    comment: ddl.comment,
    partitionKeys: ddl.partitionedBy.length > 0 ? Object.freeze([...ddl.partitionedBy]) : undefined,
  });
  if (ddl.partitionedBy.length > 0) checkPartitionKeys(ddl, table, stored, registry);
  registry.validate(table, stored, (k) => positions.get(k), ddl.pos);
  checkMetadataColumns(table, registry, (c) => ddl.columns.find((d) => d.name === c)?.pos, ddl.pos);
  return table;
}

/** PARTITIONED BY names distinct physical columns, not all of them, of a connector that writes partitions. */
function checkPartitionKeys(
  ddl: CreateTable,
  table: CatalogTable,
  physical: readonly CatalogColumn[],
  registry: ConnectorRegistry,
): void {
  const factory = registry.factoryFor(table, ddl.pos);
  if (factory.supportsPartitioning !== true)
    throw unsupported(
      ddl.pos,
      `PARTITIONED BY with connector '${factory.identifier}'`,
      "use 'connector' = 'filesystem'",
    );
  const keys = ddl.partitionedBy;
  for (const [i, key] of keys.entries()) {
    if (!physical.some((c) => c.name === key))
      throw validationError(
        ddl.pos,
        `PARTITIONED BY names '${key}', which is not a physical column of '${table.name}'`,
      );
    if (keys.indexOf(key) !== i) throw validationError(ddl.pos, `PARTITIONED BY names '${key}' twice`);
  }
  if (keys.length === physical.length)
    throw validationError(
      ddl.pos,
      `PARTITIONED BY cannot take every column of '${table.name}'; leave at least one for the files`,
    );
}

/**
 * The catalog view a CREATE VIEW statement defines, with its columns typed now. As in Flink,
 * the view keeps its query expanded ({@link expandedView}): `*` stands for the columns it meant
 * when the view was created, so a table created again with more columns leaves the view as it was.
 */
export function viewFromDdl(ddl: CreateView, catalog: Catalog): CatalogView {
  const name = Catalog.objectName(ddl.name, ddl.pos);
  const plan = new PlanBuilder(catalog).query(ddl.query);
  if (ddl.columns.length > 0 && ddl.columns.length !== plan.columns.length)
    throw validationError(
      ddl.pos,
      `view '${name}' lists ${ddl.columns.length} column names but its query has ${plan.columns.length} columns`,
    );
  const columns = plan.columns.map((c, i) => ({ name: ddl.columns[i] ?? c.name, type: c.type }));
  return Object.freeze({
    kind: 'view',
    name,
    columnNames: ddl.columns,
    columns,
    ...(ddl.comment === undefined ? {} : { comment: ddl.comment }),
    ...expandedView(ddl, catalog, plan.columns),
  });
}

/**
 * The query and text the view keeps: its text with the stars expanded and the tables' names
 * qualified, and that text's query. The stars are found by planning the query read again from
 * its text, so that their positions are positions in that text (errors were reported already,
 * at the statement's positions). Should the expanded text not plan to the very columns the
 * query has (it always should), the view keeps the query as written.
 */
function expandedView(
  ddl: CreateView,
  catalog: Catalog,
  planned: readonly { readonly name: string; readonly type: SqlType }[],
): { query: Query; queryText?: string } {
  const asWritten = { query: ddl.query, queryText: ddl.queryText };
  if (ddl.queryText?.includes('*') !== true) return asWritten;
  let stars: StarExpansion[];
  try {
    const statement = parseStatement(ddl.queryText);
    if (statement.kind !== 'queryStatement') return asWritten;
    stars = recordStarExpansions(() => new PlanBuilder(catalog).query(statement.query)).stars;
  } catch {
    return asWritten;
  }
  if (stars.length === 0) return asWritten;
  const context = { catalog: catalog.currentCatalog(), database: catalog.currentDatabase() };
  const text = expandedViewQuery(ddl.queryText, context, stars);
  if (text === ddl.queryText) return asWritten;
  try {
    const statement = parseStatement(text);
    if (statement.kind !== 'queryStatement') return asWritten;
    const again = new PlanBuilder(catalog).query(statement.query).columns;
    const same =
      again.length === planned.length &&
      again.every(
        (c, i) => c.name === planned[i]!.name && formatType(c.type) === formatType(planned[i]!.type),
      );
    return same ? { query: statement.query, queryText: text } : asWritten;
  } catch {
    return asWritten;
  }
}
