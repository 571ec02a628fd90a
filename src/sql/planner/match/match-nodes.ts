/**
 * `MATCH_RECOGNIZE`, as Flink's Match node: pattern recognition over each partition's rows in
 * time order, one output row per match (the partition columns, then the measures). The
 * runtime's {@link MatchSpec} carries what the operator runs; `text` keeps the clauses as the
 * query wrote them, for EXPLAIN.
 */
import type { MatchSpec } from '../../runtime/match/match-spec.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import type { SortKey } from '../over/over-nodes.js';

/** The clauses' source text, as EXPLAIN prints them. */
export interface MatchText {
  readonly measures: readonly string[];
  readonly after: string;
  readonly pattern: string;
  readonly within?: string;
  readonly define: readonly string[];
}

/** Pattern recognition over `input`, ordered by `orderBy` (an ascending time attribute first). */
export interface LogicalMatch {
  readonly kind: 'match';
  readonly input: LogicalNode;
  readonly spec: MatchSpec;
  readonly orderBy: readonly SortKey[];
  readonly text: MatchText;
  readonly columns: readonly PlanColumn[];
}

/** Physical pattern recognition: insert-only in and out. */
export interface PhysicalMatch extends PhysicalBase {
  readonly kind: 'match';
  readonly input: PhysicalNode;
  readonly spec: MatchSpec;
  readonly orderBy: readonly SortKey[];
  readonly text: MatchText;
}
