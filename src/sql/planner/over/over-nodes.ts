/**
 * OVER windows and what is recognised from them. The builder makes a {@link LogicalOver} for
 * `agg(…) OVER (PARTITION BY … ORDER BY … ROWS|RANGE …)` and for `ROW_NUMBER() OVER (…)`;
 * rules (`rank-rules.ts`) turn a filter on a ranking column into Top-N ({@link LogicalRank}),
 * a Top-1 ordered by a time attribute into deduplication, and either over windowed input into
 * its window form ({@link LogicalWindowRank}).
 */
import type { SourcePos } from '../../parser/ast.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import type { RankStrategy } from './rank-strategy.js';

/** One key of an ordering: an input column and its direction. */
export interface SortKey {
  readonly column: string;
  readonly descending: boolean;
  /** SQL's default: NULLS FIRST for ascending keys, NULLS LAST for descending ones (as Flink). */
  readonly nullsFirst: boolean;
}

/** The ranking functions. */
export type RankType = 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK';

/**
 * The frame of an OVER aggregate; it always ends at the current row. `preceding` counts rows
 * (ROWS) or milliseconds (RANGE); undefined means UNBOUNDED PRECEDING.
 */
export interface OverFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly preceding?: number;
}

/**
 * The input's columns plus one column per OVER call: either aggregate calls over a frame, or
 * one ranking function (which only a Top-N filter above makes plannable).
 */
export interface LogicalOver {
  readonly kind: 'over';
  readonly input: LogicalNode;
  readonly partitionKeys: readonly string[];
  readonly orderBy: readonly SortKey[];
  readonly frame: OverFrame;
  readonly calls: readonly BoundAggregateCall[];
  /** `ROW_NUMBER()` and its siblings, with their output column. */
  readonly rank?: { readonly type: RankType; readonly name: string; readonly pos?: SourcePos };
  readonly columns: readonly PlanColumn[];
}

/** The rows of each partition whose rank lies in `[rankStart, rankEnd]` (both inclusive). */
export interface RankSpec {
  readonly partitionKeys: readonly string[];
  readonly orderBy: readonly SortKey[];
  readonly rankType: RankType;
  readonly rankStart: number;
  readonly rankEnd: number;
  /** The rank column's name when the query selects it; absent for "no ranking number". */
  readonly rankColumn?: string;
}

/** Top-N: the first rows per partition in an order, by ROW_NUMBER, RANK or DENSE_RANK. */
export interface LogicalRank extends RankSpec {
  readonly kind: 'rank';
  readonly input: LogicalNode;
  readonly columns: readonly PlanColumn[];
}

/** Top-1 by a time attribute: keeps the first (ORDER BY ts ASC) or last (DESC) row per key. */
export interface LogicalDeduplicate {
  readonly kind: 'deduplicate';
  readonly input: LogicalNode;
  readonly keys: readonly string[];
  readonly keepLast: boolean;
  /** The time attribute ordering the rows. */
  readonly timeColumn: string;
  readonly columns: readonly PlanColumn[];
}

/**
 * Top-N or deduplication per window over windowed input (a windowing table function or a
 * window aggregate): each window's rows are ranked once, when the watermark passes the window's
 * end. `windowEnd` is the input column holding it; the partition keys include it.
 */
export interface LogicalWindowRank extends RankSpec {
  readonly kind: 'windowRank';
  readonly input: LogicalNode;
  readonly windowStart: string;
  readonly windowEnd: string;
  /** Top-1 by a time attribute without the rank column: printed as WindowDeduplicate. */
  readonly deduplicate: boolean;
  readonly columns: readonly PlanColumn[];
}

/** Logical nodes of this feature. */
export type OverLogicalNode = LogicalOver | LogicalRank | LogicalDeduplicate | LogicalWindowRank;

/** Physical OVER aggregation over an event-time or processing-time attribute. */
export interface PhysicalOverAggregate extends PhysicalBase {
  readonly kind: 'overAggregate';
  readonly input: PhysicalNode;
  readonly partitionKeys: readonly string[];
  readonly orderBy: readonly SortKey[];
  readonly frame: OverFrame;
  readonly calls: readonly BoundAggregateCall[];
  /** Ordered by a `PROCTIME()` attribute: rows are taken in arrival order. */
  readonly proctime: boolean;
  /** `table.exec.state.ttl` in milliseconds, when set. */
  readonly stateTtlMs?: number;
}
/** Physical Top-N; with RetractStrategy its function keeps every row of a partition, not only the top. */
export interface PhysicalRank extends PhysicalBase, RankSpec {
  readonly kind: 'rank';
  readonly input: PhysicalNode;
  /** The algorithm, from the input's changelog mode and unique keys (see rank-strategy.ts). */
  readonly strategy: RankStrategy;
  /** `table.exec.state.ttl` in milliseconds, when set. */
  readonly stateTtlMs?: number;
}
/** Physical deduplication. */
export interface PhysicalDeduplicate extends PhysicalBase {
  readonly kind: 'deduplicate';
  readonly input: PhysicalNode;
  readonly keys: readonly string[];
  readonly keepLast: boolean;
  readonly timeColumn: string;
  /** Ordered by a `PROCTIME()` attribute: arrival order decides. */
  readonly proctime: boolean;
  /** `table.exec.mini-batch.*` when on and the variant has a bundled form. */
  readonly miniBatch?: { readonly latencyMs: number; readonly size: number };
  /**
   * `table.exec.deduplicate.mini-batch.compact-changes-enabled`: an event-time flush emits one
   * change per key and bundle instead of every replacement.
   */
  readonly compactChanges?: boolean;
  /** `table.exec.state.ttl` in milliseconds, when set. */
  readonly stateTtlMs?: number;
}
/** Physical window Top-N or deduplication. */
export interface PhysicalWindowRank extends PhysicalBase, RankSpec {
  readonly kind: 'windowRank';
  readonly input: PhysicalNode;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly deduplicate: boolean;
}

/** Physical nodes of this feature. */
export type OverPhysicalNode =
  | PhysicalOverAggregate
  | PhysicalRank
  | PhysicalDeduplicate
  | PhysicalWindowRank;
