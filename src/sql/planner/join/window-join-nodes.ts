/**
 * Window joins: both sides are windowed (a windowing table function, or a window aggregate)
 * and the condition equates their `window_start` and `window_end`. Each window's rows are joined
 * once, when the watermark passes the window's end; the output is insert-only.
 */
import type { Rex } from '../../expressions/rex.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import type { WindowSpec } from '../window/window-nodes.js';
import type { JoinType } from './join-nodes.js';

/** The columns of a windowed relation that hold its window's bounds. */
export interface WindowBounds {
  readonly start: string;
  readonly end: string;
}

/** A join recognised as a window join by the WindowJoinRule. */
export interface LogicalWindowJoin {
  readonly kind: 'windowJoin';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
  /** Each side's columns holding its window's start and end (as named below the join). */
  readonly leftWindow: WindowBounds;
  readonly rightWindow: WindowBounds;
  /** Equality columns besides the window bounds, pairwise. */
  readonly leftKeys: readonly string[];
  readonly rightKeys: readonly string[];
  /** The rest of the condition, checked on each joined pair; undefined when there is none. */
  readonly residual: Rex | undefined;
  /**
   * The kind of both sides' window. Outside SESSION a window's end fixes its start, so the
   * join is keyed by the end alone.
   */
  readonly windowKind: WindowSpec['kind'];
  readonly columns: readonly PlanColumn[];
}

/** Physical window join. */
export interface PhysicalWindowJoin extends PhysicalBase {
  readonly kind: 'windowJoin';
  readonly left: PhysicalNode;
  readonly right: PhysicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
  /** Each side's columns holding its window's start and end (as named below the join). */
  readonly leftWindow: WindowBounds;
  readonly rightWindow: WindowBounds;
  /** Equality columns besides the window bounds, pairwise. */
  readonly leftKeys: readonly string[];
  readonly rightKeys: readonly string[];
  /** The rest of the condition, checked on each joined pair; undefined when there is none. */
  readonly residual: Rex | undefined;
  /**
   * The kind of both sides' window. Outside SESSION a window's end fixes its start, so the
   * join is keyed by the end alone.
   */
  readonly windowKind: WindowSpec['kind'];
}
