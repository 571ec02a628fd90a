/**
 * The planner's stages in one place: build the logical plan, rewrite it, and make the physical
 * plan. EXPLAIN prints all three; execution translates the last one onto DataStream.
 */
import type { TableConfig } from '../config.js';
import type { CatalogTable } from '../catalog/catalog.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { sinkModeOf } from '../connectors/factory.js';
import type { Rex } from '../expressions/rex.js';
import { explainAll } from './explain.js';
import { FILTER_PUSH_DOWN_SOURCE, pushDownSourceFilters } from './filter-push-down-source.js';
import { validateDynamicOptions } from './hints/dynamic-options.js';
import type { LogicalNode } from './logical.js';
import { type PhysicalNode, toPhysical } from './physical.js';
import { PROJECTION_PUSH_DOWN, pushDownProjections } from './projection-push-down.js';
import { optimize, rulesFor } from './rules.js';
import { SCAN_SHARING, shareScans } from './scan-sharing.js';
import { inferUpdateKindsOfSet } from './update-kind-inference.js';

/** All stages of one plan. */
export interface PlannedQuery {
  /** As built from the statement. */
  readonly logical: LogicalNode;
  /** After the rewrite rules. */
  readonly optimized: LogicalNode;
  /** The names of the rules that changed the plan, in order. */
  readonly rulesFired: readonly string[];
  readonly physical: PhysicalNode;
}

/** Rewrites and physically plans a logical plan. */
export function planLogical(
  logical: LogicalNode,
  registry: ConnectorRegistry,
  config?: TableConfig,
): PlannedQuery {
  return planLogicalSet([logical], registry, config)[0]!;
}

/**
 * Rewrites and physically plans the plans of one job (the INSERTs of a statement set): as
 * {@link planLogical} each, except that a table scanned in several ways across them is read by
 * one shared scan (`scan-sharing.ts`).
 */
export function planLogicalSet(
  logicals: readonly LogicalNode[],
  registry: ConnectorRegistry,
  config?: TableConfig,
): PlannedQuery[] {
  validateDynamicOptions(logicals, registry, config);
  const accepts = (table: CatalogTable, condition: Rex) => filterable(table, condition, registry);
  const narrowed = logicals.map((logical) => {
    const { plan: rewritten, fired } = optimize(logical, rulesFor(config));
    // Steps of their own after the rules' fixed point: they only narrow, so nothing undoes them.
    // Filters go first: the CASE branches they decide stop reading columns projection then drops.
    const filtered = pushDownSourceFilters(rewritten, accepts);
    const projected = pushDownProjections(filtered, (table) => projectable(table, registry));
    const rulesFired = [
      ...fired,
      ...(filtered === rewritten ? [] : [FILTER_PUSH_DOWN_SOURCE]),
      ...(projected === filtered ? [] : [PROJECTION_PUSH_DOWN]),
    ];
    return { logical, projected, rulesFired };
  });
  // Only once every scan is as narrow as it gets is it known which reads of a table differ.
  const shared = shareScans(
    narrowed.map((n) => n.projected),
    accepts,
  );
  // Which edges must carry -U is known only from the whole job: a subtree the INSERTs share is
  // translated once, so it serves the needs of all its consumers.
  const physicals = inferUpdateKindsOfSet(
    shared.map((optimized) => toPhysical(optimized, registry, config)),
    (table) => sinkModeOf(registry.factoryFor(table), table),
  );
  return narrowed.map(({ logical, projected, rulesFired }, i) => {
    const optimized = shared[i]!;
    return {
      logical,
      optimized,
      rulesFired: optimized === projected ? rulesFired : [...rulesFired, SCAN_SHARING],
      physical: physicals[i]!,
    };
  });
}

/** Whether the table's source can emit a subset of its columns; unknown connectors fail later, at physical planning. */
function projectable(table: CatalogTable, registry: ConnectorRegistry): boolean {
  if (table.dataStream !== undefined || table.options.connector === undefined) return false;
  try {
    return registry.factoryFor(table).supportsProjectionPushDown === true;
  } catch {
    return false;
  }
}

/** Whether the table's source applies the condition itself (filter push-down). */
function filterable(table: CatalogTable, condition: Rex, registry: ConnectorRegistry): boolean {
  if (table.dataStream !== undefined || table.options.connector === undefined) return false;
  try {
    const factory = registry.factoryFor(table);
    const columns = table.columns.filter((c) => c.computed === undefined);
    return factory.acceptsFilter?.(condition, columns) === true;
  } catch {
    return false;
  }
}

/** The EXPLAIN text of a plan, or of the plans of one job (a statement set) together. */
export function explainPlan(planned: PlannedQuery | readonly PlannedQuery[]): string {
  const all: readonly PlannedQuery[] = Array.isArray(planned) ? planned : [planned as PlannedQuery];
  return explainAll(
    all.map((p) => p.logical),
    all.map((p) => p.optimized),
    all.map((p) => p.physical),
  );
}
