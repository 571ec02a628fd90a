/**
 * `CREATE TABLE t (…) WITH (…) LIKE source (options)`: the new table starts from the source
 * table's columns, watermark, primary key, partitions and options, merged with its own as
 * Flink merges them. Each feature has a strategy: INCLUDING takes the source's and fails on a
 * clash, EXCLUDING leaves it out, OVERWRITING takes it and lets the new table's replace it.
 * Without options the strategy is INCLUDING for every feature except OPTIONS, which is
 * OVERWRITING; `… ALL` sets every feature, and the features named after it change that.
 * Physical columns are always taken, and a physical column of the same name is an error.
 *
 * The merged statement is then checked and defined as any CREATE TABLE (`tableFromDdl`).
 */
import type { CreateTable, LikeClause, LikeFeature, LikeOption } from '../parser/ast.js';
import { validationError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { tableStatement } from './ddl-text.js';

type Strategy = LikeOption['strategy'];
type Feature = Exclude<LikeFeature, 'ALL'>;
type Column = CreateTable['columns'][number];

const FEATURES: readonly Feature[] = [
  'CONSTRAINTS',
  'GENERATED',
  'METADATA',
  'OPTIONS',
  'PARTITIONS',
  'WATERMARKS',
];

/** The strategy of each feature: Flink's defaults, then ALL, then each feature named. */
export function likeStrategies(options: readonly LikeOption[]): Record<Feature, Strategy> {
  const result: Record<Feature, Strategy> = {
    CONSTRAINTS: 'INCLUDING',
    GENERATED: 'INCLUDING',
    METADATA: 'INCLUDING',
    OPTIONS: 'OVERWRITING',
    PARTITIONS: 'INCLUDING',
    WATERMARKS: 'INCLUDING',
  };
  const seen = new Set<LikeFeature>();
  for (const option of options) {
    if (seen.has(option.feature))
      throw validationError(
        option.pos,
        `LIKE option ${option.feature} is given twice; give each feature once`,
      );
    seen.add(option.feature);
    if (
      option.strategy === 'OVERWRITING' &&
      (option.feature === 'CONSTRAINTS' || option.feature === 'PARTITIONS')
    )
      throw validationError(
        option.pos,
        `OVERWRITING ${option.feature} is not allowed, a table has one ${option.feature === 'CONSTRAINTS' ? 'primary key' : 'partitioning'}; use INCLUDING or EXCLUDING`,
      );
  }
  const all = options.find((o) => o.feature === 'ALL');
  if (all !== undefined) for (const feature of FEATURES) result[feature] = all.strategy;
  for (const option of options) if (option.feature !== 'ALL') result[option.feature] = option.strategy;
  return result;
}

/** The CREATE TABLE statement with its LIKE clause merged in; the statement itself if it has none. */
export function mergeLike(ddl: CreateTable, catalog: Catalog): CreateTable {
  const like = ddl.like;
  if (like === undefined) return ddl;
  const strategies = likeStrategies(like.options);
  const object = catalog.lookup(like.source, like.sourcePos);
  if (object.kind !== 'table')
    throw validationError(
      like.sourcePos,
      `the LIKE source '${object.name}' is a view; LIKE takes the schema and options of a table`,
    );
  const source = tableStatement(object, like.pos);
  const sourceName = object.name;
  return {
    ...ddl,
    columns: mergeColumns(ddl, source, strategies, sourceName),
    watermark: mergeWatermark(ddl, source, strategies, sourceName),
    primaryKey: mergePrimaryKey(ddl, source, strategies, sourceName),
    partitionedBy: mergePartitions(ddl, source, strategies, like),
    options: mergeOptions(ddl, source, strategies, sourceName),
    like: undefined,
  };
}

/** The feature that decides whether a column of the source is taken: none for physical columns. */
function featureOf(column: Column): Feature | undefined {
  if (column.kind === 'physicalColumn') return undefined;
  return column.kind === 'computedColumn' ? 'GENERATED' : 'METADATA';
}

function mergeColumns(
  ddl: CreateTable,
  source: CreateTable,
  strategies: Record<Feature, Strategy>,
  sourceName: string,
): Column[] {
  const columns = new Map<string, Column>();
  for (const column of source.columns) {
    const feature = featureOf(column);
    if (feature === undefined || strategies[feature] !== 'EXCLUDING') columns.set(column.name, column);
  }
  for (const column of ddl.columns) {
    const existing = columns.get(column.name);
    const feature = featureOf(column);
    if (existing !== undefined) {
      if (feature === undefined)
        throw validationError(
          column.pos,
          `column '${column.name}' is already a column of the LIKE source '${sourceName}'; rename it or leave it out`,
        );
      const kind = feature === 'GENERATED' ? 'computed' : 'metadata';
      if (existing.kind !== column.kind)
        throw validationError(
          column.pos,
          `column '${column.name}' of the LIKE source '${sourceName}' is not a ${kind} column; a ${kind} column can only overwrite another ${kind} column`,
        );
      if (strategies[feature] !== 'OVERWRITING')
        throw validationError(
          column.pos,
          `the LIKE source '${sourceName}' already has a ${kind} column '${column.name}'; add EXCLUDING ${feature} or OVERWRITING ${feature} to the LIKE options`,
        );
    }
    // A replaced column keeps its place, as in Flink.
    columns.set(column.name, column);
  }
  return [...columns.values()];
}

function mergeWatermark(
  ddl: CreateTable,
  source: CreateTable,
  strategies: Record<Feature, Strategy>,
  sourceName: string,
): CreateTable['watermark'] {
  const inherited = strategies.WATERMARKS === 'EXCLUDING' ? undefined : source.watermark;
  const own = ddl.watermark;
  if (own === undefined) return inherited;
  if (inherited === undefined) return own;
  if (inherited.column !== own.column)
    throw validationError(
      own.pos,
      `the LIKE source '${sourceName}' has a watermark for '${inherited.column}' and a table has one watermark; add EXCLUDING WATERMARKS to the LIKE options`,
    );
  if (strategies.WATERMARKS !== 'OVERWRITING')
    throw validationError(
      own.pos,
      `the LIKE source '${sourceName}' already has a watermark for column '${own.column}'; add EXCLUDING WATERMARKS or OVERWRITING WATERMARKS to the LIKE options`,
    );
  return own;
}

function mergePrimaryKey(
  ddl: CreateTable,
  source: CreateTable,
  strategies: Record<Feature, Strategy>,
  sourceName: string,
): CreateTable['primaryKey'] {
  const inherited = strategies.CONSTRAINTS === 'INCLUDING' ? source.primaryKey : undefined;
  if (ddl.primaryKey !== undefined && inherited !== undefined)
    throw validationError(
      ddl.primaryKey.pos,
      `the LIKE source '${sourceName}' already has a primary key; add EXCLUDING CONSTRAINTS to the LIKE options`,
    );
  return ddl.primaryKey ?? inherited;
}

function mergePartitions(
  ddl: CreateTable,
  source: CreateTable,
  strategies: Record<Feature, Strategy>,
  like: LikeClause,
): readonly string[] {
  const inherited = strategies.PARTITIONS === 'EXCLUDING' ? [] : source.partitionedBy;
  if (ddl.partitionedBy.length > 0 && inherited.length > 0)
    throw validationError(
      like.pos,
      `the LIKE source '${like.source.join('.')}' is already PARTITIONED BY (${inherited.join(', ')}); add EXCLUDING PARTITIONS to the LIKE options`,
    );
  return ddl.partitionedBy.length > 0 ? ddl.partitionedBy : inherited;
}

function mergeOptions(
  ddl: CreateTable,
  source: CreateTable,
  strategies: Record<Feature, Strategy>,
  sourceName: string,
): CreateTable['options'] {
  const strategy = strategies.OPTIONS;
  const options = new Map((strategy === 'EXCLUDING' ? [] : source.options).map((o) => [o.key, o]));
  for (const option of ddl.options) {
    const existing = options.get(option.key);
    if (existing !== undefined && strategy !== 'OVERWRITING')
      throw validationError(
        option.pos,
        `the LIKE source '${sourceName}' already sets option '${option.key}' = '${existing.value}'; add EXCLUDING OPTIONS or OVERWRITING OPTIONS to the LIKE options`,
      );
    // An overwritten option keeps its place, so SHOW CREATE lists options in a stable order.
    options.set(option.key, option);
  }
  return [...options.values()];
}
