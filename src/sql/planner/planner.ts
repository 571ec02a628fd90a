/**
 * The planner's stages in one place: build the logical plan, rewrite it, and make the physical
 * plan. EXPLAIN prints all three; execution translates the last one onto DataStream.
 */
import type { TableConfig } from '../config.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import { explainAll } from './explain.js';
import type { LogicalNode } from './logical.js';
import { type PhysicalNode, toPhysical } from './physical.js';
import { optimize } from './rules.js';

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
  const { plan: optimized, fired } = optimize(logical);
  return { logical, optimized, rulesFired: fired, physical: toPhysical(optimized, registry, config) };
}

/** The EXPLAIN text of a plan. */
export function explainPlan(planned: PlannedQuery): string {
  return explainAll(planned.logical, planned.optimized, planned.physical);
}
