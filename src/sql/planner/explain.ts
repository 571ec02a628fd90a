/**
 * EXPLAIN output in Flink's layout: the logical plan as built from the statement, the plan
 * after the rewrite rules, and the physical plan with each node's changelog mode, as indented
 * trees (`+- ` before each child). Expressions print as `op(args)` with column names.
 */
import { type CatalogTable, DEFAULT_CATALOG, DEFAULT_DATABASE } from '../catalog/catalog.js';
import { formatPlanValue, formatRex } from '../expressions/rex.js';
import { formatChangelogMode } from './changelog.js';
import { inputsOf, type LogicalNode, type LogicalVisitor, visitLogical } from './logical.js';
import { type PhysicalNode, physicalInputs } from './physical.js';
import { explainAggregateLogical, explainAggregatePhysical } from './aggregate/aggregate-planning.js';
import { explainCorrelateLogical, explainCorrelatePhysical } from './correlate/correlate-planning.js';
import { explainExpandLogical, explainExpandPhysical } from './aggregate/expand-planning.js';
import { explainTemporalSortLogical, explainTemporalSortPhysical } from './sort/temporal-sort-planning.js';
import { explainMatchLogical, explainMatchPhysical } from './match/match-planning.js';
import { explainIntervalJoinLogical, explainIntervalJoinPhysical } from './join/interval-join-planning.js';
import { explainJoinLogical, explainJoinPhysical } from './join/join-planning.js';
import { explainTemporalJoinLogical, explainTemporalJoinPhysical } from './join/temporal-join-planning.js';
import { explainWindowJoinLogical, explainWindowJoinPhysical } from './join/window-join-planning.js';
import { explainOverLogical, explainOverPhysical } from './over/over-planning.js';
import { explainWindowLogical, explainWindowPhysical } from './window/window-planning.js';
import { explainTableHints } from './hints/dynamic-options.js';

/**
 * `[[catalog, database, name]]`, with `, filter=[…]` and `, project=[a, b.c]` inside when
 * conditions or a projection were pushed into the scan, as Flink prints them; a ROW column read
 * in part is listed as its fields.
 */
const tableName = (
  table: CatalogTable,
  projection?: readonly string[],
  scan: {
    readonly filters?: readonly Parameters<typeof formatRex>[0][];
    readonly nestedProjection?: Readonly<Record<string, readonly string[]>>;
    readonly columns?: readonly { readonly name: string }[];
  } = {},
) => {
  const { filters, nestedProjection } = scan;
  let suffix = '';
  if (filters !== undefined && filters.length > 0) {
    const texts = filters.map(formatRex);
    suffix += `, filter=[${texts.length === 1 ? texts[0] : `AND(${texts.join(', ')})`}]`;
  }
  const projected =
    projection ?? (nestedProjection === undefined ? undefined : scan.columns?.map((c) => c.name));
  if (projected !== undefined) {
    const items = projected.flatMap((c) => nestedProjection?.[c]?.map((f) => `${c}.${f}`) ?? [c]);
    suffix += `, project=[${items.join(', ')}]`;
  }
  const id = table.identifier;
  return `[[${id?.catalog ?? DEFAULT_CATALOG}, ${id?.database ?? DEFAULT_DATABASE}, ${table.name}${suffix}]]`;
};

/** `catalog.database.name` of a sink or lookup table, as Flink prints it. */
export const qualifiedTableName = (table: CatalogTable): string =>
  `${table.identifier?.catalog ?? DEFAULT_CATALOG}.${table.identifier?.database ?? DEFAULT_DATABASE}.${table.name}`;

const projection = (p: { name: string; rex: Parameters<typeof formatRex>[0] }) => {
  const text = formatRex(p.rex);
  return text === p.name ? text : `${text} AS ${p.name}`;
};

const LOGICAL_LINE: LogicalVisitor<string> = {
  scan: (n) =>
    `LogicalTableScan(table=${tableName(n.table, n.projection, n)}, fields=[${n.columns.map((c) => c.name).join(', ')}]${explainTableHints(n.table)})`,
  values: (n) =>
    `LogicalValues(tuples=[${n.rows.map((r) => `{ ${r.map(formatPlanValue).join(', ')} }`).join(', ')}])`,
  project: (n) => `LogicalProject(${n.projections.map((p) => `${p.name}=[${formatRex(p.rex)}]`).join(', ')})`,
  filter: (n) => `LogicalFilter(condition=[${formatRex(n.condition)}])`,
  watermarkAssigner: (n) =>
    `LogicalWatermarkAssigner(rowtime=[${n.rowtime}], watermark=[${formatRex(n.rex)}])`,
  union: (n) => `LogicalUnion(all=[true], inputs=[${n.inputs.length}])`,
  aggregate: explainAggregateLogical,
  windowTableFunction: explainWindowLogical,
  windowAggregate: explainWindowLogical,
  join: explainJoinLogical,
  intervalJoin: explainIntervalJoinLogical,
  temporalJoin: explainTemporalJoinLogical,
  windowJoin: explainWindowJoinLogical,
  over: explainOverLogical,
  rank: explainOverLogical,
  deduplicate: explainOverLogical,
  windowRank: explainOverLogical,
  correlate: explainCorrelateLogical,
  expand: explainExpandLogical,
  temporalSort: explainTemporalSortLogical,
  match: explainMatchLogical,
  sink: (n) =>
    `LogicalSink(table=[${qualifiedTableName(n.table)}], fields=[${n.columns.map((c) => c.name).join(', ')}]${explainTableHints(n.table)})`,
};

/** Flink's tree layout: `:- ` before a child with siblings after it, `+- ` before the last. */
function tree<N>(
  node: N,
  line: (n: N) => string,
  children: (n: N) => readonly N[],
  indent = '',
  marker = '',
  out: string[] = [],
): string[] {
  out.push(`${indent}${marker}${line(node)}`);
  const kids = children(node);
  const childIndent = marker === '' ? indent : `${indent}${marker === ':- ' ? ':  ' : '   '}`;
  kids.forEach((kid, i) => {
    tree(kid, line, children, childIndent, i === kids.length - 1 ? '+- ' : ':- ', out);
  });
  return out;
}

/** The logical plan as an indented tree. */
export function explainLogical(plan: LogicalNode): string {
  return tree(plan, (n) => visitLogical(n, LOGICAL_LINE), inputsOf).join('\n');
}

function physicalLine(n: PhysicalNode): string {
  const mode = `changelogMode=[${formatChangelogMode(n.changelogMode)}]`;
  switch (n.kind) {
    case 'groupAggregate':
    case 'miniBatchAssigner':
    case 'localGroupAggregate':
    case 'globalGroupAggregate':
    case 'emptyGroupingSets':
    case 'globalOverNoRows':
      return explainAggregatePhysical(n, mode);
    case 'windowTableFunction':
    case 'windowAggregate':
    case 'localWindowAggregate':
      return explainWindowPhysical(n, mode);
    case 'join':
      return explainJoinPhysical(n, mode);
    case 'intervalJoin':
      return explainIntervalJoinPhysical(n, mode);
    case 'temporalJoin':
      return explainTemporalJoinPhysical(n, mode);
    case 'windowJoin':
      return explainWindowJoinPhysical(n, mode);
    case 'overAggregate':
    case 'rank':
    case 'deduplicate':
    case 'windowRank':
      return explainOverPhysical(n, mode);
    case 'correlate':
      return explainCorrelatePhysical(n, mode);
    case 'expand':
      return explainExpandPhysical(n, mode);
    case 'temporalSort':
      return explainTemporalSortPhysical(n, mode);
    case 'match':
      return explainMatchPhysical(n, mode);
    case 'sourceScan':
      return `TableSourceScan(table=${tableName(n.table, n.projection, n)}, fields=[${n.columns.map((c) => c.name).join(', ')}]${explainTableHints(n.table)}, ${mode})`;
    case 'values':
      return `Values(tuples=[${n.rows.map((r) => `{ ${r.map(formatPlanValue).join(', ')} }`).join(', ')}], ${mode})`;
    case 'calc':
      return `Calc(select=[${n.projections.map(projection).join(', ')}]${n.condition === undefined ? '' : `, where=[${formatRex(n.condition)}]`}, ${mode})`;
    case 'watermarkAssigner':
      return `WatermarkAssigner(rowtime=[${n.rowtime}], watermark=[${formatRex(n.rex)}], ${mode})`;
    case 'union':
      return `Union(all=[true], union=[${n.columns.map((c) => c.name).join(', ')}], ${mode})`;
    case 'sink':
      return `Sink(table=[${qualifiedTableName(n.table)}], fields=[${n.columns.map((c) => c.name).join(', ')}]${explainTableHints(n.table)}, ${mode})`;
  }
}

/** The physical plan as an indented tree, with changelog modes. */
export function explainPhysical(plan: PhysicalNode): string {
  return tree(plan, physicalLine, physicalInputs).join('\n');
}

/**
 * The physical plans of one job as trees, as Flink prints sub-plan reuse: a subtree that occurs
 * more than once (translation makes it one stream, see `translate.ts`) is printed in full where
 * it first occurs, with `reuse_id=[N]`, and as `Reused(reference_id=[N])` everywhere else.
 */
export function explainPhysicalReused(plans: readonly PhysicalNode[]): string {
  const digests = new Map<PhysicalNode, string>();
  const digestOf = (n: PhysicalNode): string => {
    let digest = digests.get(n);
    if (digest === undefined) digests.set(n, (digest = explainPhysical(n)));
    return digest;
  };
  const seen = new Set<string>();
  const reused = new Set<string>();
  const find = (n: PhysicalNode): void => {
    const digest = digestOf(n);
    if (seen.has(digest)) reused.add(digest);
    else {
      seen.add(digest);
      physicalInputs(n).forEach(find);
    }
  };
  plans.forEach(find);
  const ids = new Map<string, number>();
  // `tree` asks for a node's children right after its line: the line decides whether it has any.
  let reference = false;
  const line = (n: PhysicalNode): string => {
    const digest = digestOf(n);
    const id = ids.get(digest);
    reference = id !== undefined;
    if (id !== undefined) return `Reused(reference_id=[${id}])`;
    const text = physicalLine(n);
    if (!reused.has(digest)) return text;
    ids.set(digest, ids.size + 1);
    return `${text.slice(0, -1)}, reuse_id=[${ids.size}])`;
  };
  const children = (n: PhysicalNode) => (reference ? [] : physicalInputs(n));
  return plans.map((plan) => tree(plan, line, children).join('\n')).join('\n\n');
}

/** The three sections of EXPLAIN; for a statement set, each lists all its INSERTs' plans. */
export function explainAll(
  ast: LogicalNode | readonly LogicalNode[],
  optimized: LogicalNode | readonly LogicalNode[],
  physical: PhysicalNode | readonly PhysicalNode[],
): string {
  const list = <T>(x: T | readonly T[]): readonly T[] => (Array.isArray(x) ? x : [x as T]);
  return [
    '== Abstract Syntax Tree ==',
    list(ast).map(explainLogical).join('\n\n'),
    '',
    '== Optimized Logical Plan ==',
    list(optimized).map(explainLogical).join('\n\n'),
    '',
    '== Physical Plan ==',
    explainPhysicalReused(list(physical)),
  ].join('\n');
}
