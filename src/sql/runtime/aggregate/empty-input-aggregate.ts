/**
 * A global aggregate (no GROUP BY) over a bounded input in batch mode gives one row even when
 * no row reached it, as Flink's batch aggregate does: COUNT 0, SUM/MAX/MIN/AVG NULL. So does the
 * group of an empty grouping set (ROLLUP's grand total). On a stream the aggregate emits nothing
 * until a row arrives (Flink's streaming), so this operator sits after it only in batch mode: it
 * watches the aggregate's changes to those groups and, at the end of input, emits the row over
 * no rows of each one that has none standing.
 */
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import type { OperatorStateSnapshot, RestoredOperatorState } from '../../../runtime/snapshot.js';
import { NO_TIMESTAMP } from '../../../types/elements.js';
import { type GroupAggregateSpec, groupOutputRow } from '../../aggregates/group-aggregate-function.js';
import { RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';

/**
 * Operator state listing the watched groups whose row stands (their indexes), so a restore knows
 * them; `true` is the one group of a global aggregate, as earlier snapshots wrote it.
 */
const STANDING_STATE = 'empty-input-aggregate-standing';

/** Passes an aggregate's output on (or only watches it) and ends it with the rows over no rows it lacks. */
export class EmptyInputAggregateOperator
  extends AbstractStreamOperator<unknown>
  implements OneInputStreamOperator<unknown, unknown>
{
  /**
   * The watched groups whose row stands: their last change added it (+I, +U) rather than took it
   * back (-U, -D). Per group, this fits retract and upsert output alike.
   */
  private readonly standing = new Set<number>();

  /**
   * @param spec the aggregate's spec: its calls give the row over no rows, its keys name the
   *   group key columns of its output rows
   * @param changelog whether the aggregate emits changelog envelopes rather than plain rows
   * @param groups the watched groups' keys, by key column (one empty group for a global aggregate)
   * @param forward whether the aggregate's rows pass on here; otherwise they reach the output by
   *   another way and this operator only watches those of its groups
   */
  constructor(
    private readonly spec: GroupAggregateSpec,
    private readonly changelog: boolean,
    private readonly groups: readonly Row[] = [{}],
    private readonly forward = true,
  ) {
    super();
  }

  processElement(value: unknown, timestamp: number): void {
    const change = this.changelog ? (value as ChangelogRow) : { kind: '+I', row: value as Row };
    const group = groupOf(this.spec.groupKeys, this.groups, change.row);
    if (group >= 0) {
      if (change.kind === '+I' || change.kind === '+U') this.standing.add(group);
      else this.standing.delete(group);
    }
    if (this.forward) this.output.collect(value, timestamp);
  }

  initializeState(restored: RestoredOperatorState): void {
    for (const entry of restored.get(STANDING_STATE) ?? [])
      this.standing.add(entry === true ? 0 : (entry as number));
  }

  snapshotState(_checkpointId: number): OperatorStateSnapshot | undefined {
    return this.standing.size === 0
      ? undefined
      : { [STANDING_STATE]: { mode: 'union', entries: [...this.standing] } };
  }

  override finish(): void {
    this.groups.forEach((keys, group) => {
      if (this.standing.has(group)) return;
      const aggs = new RowAggregates(this.spec.calls, { retraction: false });
      const row = groupOutputRow(this.spec, keys, aggs.values(aggs.createAccumulators()));
      this.output.collect(this.changelog ? ({ kind: '+I', row } satisfies ChangelogRow) : row, NO_TIMESTAMP);
    });
  }
}

/** The index of the group among `groups` whose keys a row holds, or -1. */
export function groupOf(keys: readonly string[], groups: readonly Row[], row: Row): number {
  return groups.findIndex((g) => keys.every((k) => sameKey(row[k], g[k])));
}

/** Whether a key column holds a group's key value (a BIGINT may be a number or a bigint). */
function sameKey(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return (
    (typeof a === 'bigint' || typeof b === 'bigint') && a !== null && b !== null && String(a) === String(b)
  );
}
