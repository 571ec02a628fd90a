/**
 * OVER windows and what is recognised from them. The builder makes a {@link LogicalOver} for
 * `agg(…) OVER (PARTITION BY … ORDER BY … ROWS|RANGE …)` and for `ROW_NUMBER() OVER (…)`;
 * rules turn a filter on a ROW_NUMBER column into Top-N ({@link LogicalRank}), a Top-1 ordered
 * by a time attribute into deduplication, and either over windowed input into its window form.
 */
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';

/** The input's columns plus one column per OVER call. */
export interface LogicalOver {
  readonly kind: 'over';
  readonly input: LogicalNode;
  readonly columns: readonly PlanColumn[];
}

/** Top-N: the first rows per partition in an order, by ROW_NUMBER, RANK or DENSE_RANK. */
export interface LogicalRank {
  readonly kind: 'rank';
  readonly input: LogicalNode;
  readonly columns: readonly PlanColumn[];
}

/** Top-1 by a time attribute: keeps the first (or last) row per key. */
export interface LogicalDeduplicate {
  readonly kind: 'deduplicate';
  readonly input: LogicalNode;
  readonly columns: readonly PlanColumn[];
}

/** Top-N or deduplication per window, over windowed input; emitted when the window closes. */
export interface LogicalWindowRank {
  readonly kind: 'windowRank';
  readonly input: LogicalNode;
  readonly columns: readonly PlanColumn[];
}

/** Logical nodes of this feature. */
export type OverLogicalNode = LogicalOver | LogicalRank | LogicalDeduplicate | LogicalWindowRank;

/** Physical OVER aggregation. */
export interface PhysicalOverAggregate extends PhysicalBase {
  readonly kind: 'overAggregate';
  readonly input: PhysicalNode;
}
/** Physical Top-N. */
export interface PhysicalRank extends PhysicalBase {
  readonly kind: 'rank';
  readonly input: PhysicalNode;
}
/** Physical deduplication. */
export interface PhysicalDeduplicate extends PhysicalBase {
  readonly kind: 'deduplicate';
  readonly input: PhysicalNode;
}
/** Physical window Top-N or deduplication. */
export interface PhysicalWindowRank extends PhysicalBase {
  readonly kind: 'windowRank';
  readonly input: PhysicalNode;
}

/** Physical nodes of this feature. */
export type OverPhysicalNode =
  | PhysicalOverAggregate
  | PhysicalRank
  | PhysicalDeduplicate
  | PhysicalWindowRank;
