/**
 * METADATA columns (`col TYPE METADATA [FROM 'key'] [VIRTUAL]`), checked as Flink checks them:
 * the table's connector must offer the key (the column's name when FROM is absent), the
 * declared type must take the connector's values, and since Weir's connectors offer read-only
 * metadata only, a table with a metadata column that is not VIRTUAL cannot be written.
 */
import type { SourcePos } from '../parser/ast.js';
import { validationError } from '../errors.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { DynamicTableFactory } from '../connectors/factory.js';
import type { CatalogColumn, CatalogTable } from './catalog.js';
import { formatType, isString, type SqlType } from './types.js';

/** The keys a connector offers, for messages. */
const keysOf = (factory: DynamicTableFactory) => Object.keys(factory.readableMetadata ?? {}).join(', ');

/**
 * Whether a column of type `declared` holds the connector's values of type `offered` as they are:
 * any string type takes a string, other types must be the same type (no conversion runs).
 */
const holds = (declared: SqlType, offered: SqlType) =>
  isString(offered)
    ? isString(declared)
    : declared.root === offered.root && declared.precision === offered.precision;

/** Checks every metadata column of a new table against its connector; throws on the first problem. */
export function checkMetadataColumns(
  table: CatalogTable,
  registry: ConnectorRegistry,
  columnPos: (name: string) => SourcePos | undefined,
  tablePos: SourcePos | undefined,
): void {
  const columns = table.columns.filter((c) => c.metadata !== undefined);
  if (columns.length === 0) return;
  const factory = registry.factoryFor(table, tablePos);
  for (const column of columns) {
    const { key } = column.metadata!;
    const pos = columnPos(column.name);
    const offered = factory.readableMetadata;
    if (offered === undefined)
      throw validationError(
        pos,
        `connector '${factory.identifier}' offers no metadata, so '${column.name}' cannot be a METADATA column; declare it as a physical or computed column`,
      );
    const type = Object.hasOwn(offered, key) ? offered[key] : undefined;
    if (type === undefined)
      throw validationError(
        pos,
        `connector '${factory.identifier}' offers no metadata key '${key}' for column '${column.name}'; its keys: ${keysOf(factory)}`,
      );
    if (!holds(column.type, type))
      throw validationError(
        pos,
        `metadata '${key}' of connector '${factory.identifier}' is ${formatType(type)}, which column '${column.name}' of type ${formatType(column.type)} cannot hold; declare it ${formatType(type)}`,
      );
  }
}

/**
 * Refuses to write a table with a metadata column that is not VIRTUAL: the connectors' metadata
 * is read-only, so there is nowhere to put the value.
 */
export function checkMetadataWrite(
  table: CatalogTable,
  registry: ConnectorRegistry,
  pos: SourcePos | undefined,
): void {
  const written = table.columns.find((c) => c.metadata !== undefined && !c.metadata.virtual);
  if (written === undefined) return;
  const factory = registry.factoryFor(table, pos);
  throw validationError(
    pos,
    `cannot write metadata column '${written.name}' of '${table.name}': connector '${factory.identifier}' offers read-only metadata (${keysOf(factory)}); declare the column METADATA … VIRTUAL to read it only`,
  );
}

/** The metadata columns of a source's columns, and the ones its format reads. */
export function splitMetadataColumns(columns: readonly CatalogColumn[]): {
  physical: CatalogColumn[];
  metadata: CatalogColumn[];
} {
  return {
    physical: columns.filter((c) => c.metadata === undefined),
    metadata: columns.filter((c) => c.metadata !== undefined),
  };
}
