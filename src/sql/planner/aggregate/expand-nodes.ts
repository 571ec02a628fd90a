/**
 * Expand, as Flink's Expand node: each input row becomes one output row per projection list, so
 * one group aggregate above it computes every grouping set of `GROUPING SETS`, `ROLLUP` and
 * `CUBE` at once. A grouping set's projection keeps its own keys, sets the other keys to NULL
 * and tags the row with the set's id (`$e`), which the aggregate groups by too, so a NULL key of
 * one set never merges with a real NULL of another.
 */
import type { Rex } from '../../expressions/rex.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';

/** What logical and physical expands share: one projection list per output row of an input row. */
interface ExpandShape {
  /** Each list has one expression per output column, in column order. */
  readonly projects: readonly (readonly Rex[])[];
}

/** One output row per projection list for every input row. */
export interface LogicalExpand extends ExpandShape {
  readonly kind: 'expand';
  readonly input: LogicalNode;
  readonly columns: readonly PlanColumn[];
}

/** Physical expand: stateless, so it passes its input's changes through, each one expanded. */
export interface PhysicalExpand extends PhysicalBase, ExpandShape {
  readonly kind: 'expand';
  readonly input: PhysicalNode;
}

/** Makes a frozen logical expand; `columns` names the outputs every projection list computes. */
export function expand(
  input: LogicalNode,
  columns: readonly PlanColumn[],
  projects: readonly (readonly Rex[])[],
): LogicalExpand {
  return Object.freeze({
    kind: 'expand',
    input,
    columns: Object.freeze([...columns]),
    projects: Object.freeze(projects.map((p) => Object.freeze([...p]))),
  });
}
