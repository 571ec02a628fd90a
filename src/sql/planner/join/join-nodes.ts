/**
 * Joins in the plan. The builder makes a {@link LogicalJoin} for every `JOIN`, comma join and
 * `IN`/`EXISTS` subquery (semi and anti joins); rules then recognise the special forms: an
 * interval join when the condition bounds one side's rowtime by the other's, a window join when
 * both sides are windowing table functions joined on their window bounds, and a temporal join
 * for `FOR SYSTEM_TIME AS OF`.
 *
 * Rows are plain objects keyed by column name, so the builder renames right-side columns whose
 * names the left side already uses (projecting `auction` to `auction0` below the join): a join's
 * columns are the left columns followed by the right columns, all distinct, and its output row
 * is both rows' fields side by side. Semi and anti joins output only the left columns.
 */
import { withNullability, withoutTimeAttribute } from '../../catalog/types.js';
import type { Rex } from '../../expressions/rex.js';
import type { JoinHints } from '../hints/operator-hints.js';
import type { LogicalNode, PlanColumn } from '../logical.js';
import type { PhysicalBase, PhysicalNode } from '../physical.js';
import { intervalBounds } from './interval-join-rule.js';
import type { JoinInputSpec } from './unique-keys.js';
import type { StateCleanup } from './watermark-complete.js';
import type { MiniBatchSpec } from '../aggregate/aggregate-nodes.js';
import { windowedColumns } from './window-join-rule.js';

/** SQL join types, plus semi (`IN`, `EXISTS`) and anti (`NOT IN`, `NOT EXISTS`). */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/** A join of two inputs on a condition over both sides' columns (TRUE for a cross join). */
export interface LogicalJoin {
  readonly kind: 'join';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
  /**
   * `FOR SYSTEM_TIME AS OF left.col` on the right table: the right side is a versioned table
   * (primary key and watermark) or a lookup table, joined as of the left row's time.
   */
  readonly temporal?: { readonly leftTime: string };
  readonly columns: readonly PlanColumn[];
  /** Query hints for this join (STATE_TTL per input, LOOKUP): `hints/operator-hints.ts`. */
  readonly hints?: JoinHints;
}

/**
 * Whether a join stays a regular join whatever the rules do: it is not temporal, its condition
 * bounds no rowtime by the other side's (no interval join) and not both inputs are windowed (no
 * window join). A comma or cross join (condition TRUE when built) is undecided until its WHERE
 * clause moves in, so it counts as special here.
 */
function certainlyRegular(left: LogicalNode, right: LogicalNode, condition: Rex, temporal: unknown): boolean {
  if (temporal !== undefined) return false;
  if (condition.kind === 'literal' && condition.value === true) return false;
  if (intervalBounds(condition, left.columns, right.columns) !== undefined) return false;
  return windowedColumns(left) === undefined || windowedColumns(right) === undefined;
}

/**
 * Makes a frozen join node: left columns, then right columns (none for semi and anti joins).
 * An outer join's padded side becomes nullable and loses its time attributes, as in Flink:
 * a null-padded row has no event time. A regular join's output has no time attributes at all,
 * as Flink materialises them: its rows leave in no event-time order (a row joins whenever its
 * match arrives), so a window or interval join over it would drop or misplace rows; its rowtime
 * columns become plain TIMESTAMP(3) and a window over them is refused.
 */
export function join(
  left: LogicalNode,
  right: LogicalNode,
  joinType: JoinType,
  condition: Rex,
  temporal?: { leftTime: string },
): LogicalJoin {
  const regular = certainlyRegular(left, right, condition, temporal);
  const nullable = (columns: readonly PlanColumn[], yes: boolean) =>
    yes
      ? columns.map((c) => ({ name: c.name, type: withNullability(withoutTimeAttribute(c.type), true) }))
      : regular
        ? columns.map((c) => ({ name: c.name, type: withoutTimeAttribute(c.type) }))
        : columns;
  const columns =
    joinType === 'semi' || joinType === 'anti'
      ? nullable(left.columns, false)
      : [
          ...nullable(left.columns, joinType === 'right' || joinType === 'full'),
          ...nullable(right.columns, joinType === 'left' || joinType === 'full'),
        ];
  return Object.freeze({
    kind: 'join',
    left,
    right,
    joinType,
    condition,
    temporal,
    columns: Object.freeze(columns),
  });
}

/** A regular join: both sides kept in keyed state, results retracted as either side changes. */
export interface PhysicalJoin extends PhysicalBase {
  readonly kind: 'join';
  readonly left: PhysicalNode;
  readonly right: PhysicalNode;
  readonly joinType: JoinType;
  readonly condition: Rex;
  /**
   * How each input's rows are stored, from the unique keys known for it; absent (as when an
   * interval join over updating input falls back to a regular join): as a multiset.
   */
  readonly leftInputSpec?: JoinInputSpec;
  readonly rightInputSpec?: JoinInputSpec;
  /** `table.exec.state.ttl` in milliseconds when set above 0: how long stored rows live. */
  readonly stateTtlMs?: number;
  /** The logical join's query hints; a side's STATE_TTL wins over `stateTtlMs`. */
  readonly hints?: JoinHints;
  /**
   * When a side's rows may leave state because the other side's rows are watermark-complete
   * (see `watermark-complete.ts`); absent for a side that keeps its rows.
   */
  readonly leftCleanup?: StateCleanup;
  readonly rightCleanup?: StateCleanup;
  /**
   * `table.exec.mini-batch.*` when the join runs in bundles (`mini-batch-join-operator.ts`);
   * its inputs are then `MiniBatchAssigner` nodes, as in Flink's plan.
   */
  readonly miniBatch?: MiniBatchSpec;
}
