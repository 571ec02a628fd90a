/**
 * A global aggregate (no GROUP BY) over a bounded input in batch mode gives one row even when
 * no row reached it, as Flink's batch aggregate does: COUNT 0, SUM/MAX/MIN/AVG NULL. On a stream
 * the aggregate emits nothing until a row arrives (Flink's streaming), so this operator sits after
 * it only in batch mode: it passes the aggregate's changes on and, at the end of input, emits the
 * row over no rows when none is left standing.
 */
import { AbstractStreamOperator, type OneInputStreamOperator } from '../../../runtime/operator.js';
import type { OperatorStateSnapshot, RestoredOperatorState } from '../../../runtime/snapshot.js';
import { NO_TIMESTAMP } from '../../../types/elements.js';
import { type GroupAggregateSpec, groupOutputRow } from '../../aggregates/group-aggregate-function.js';
import { RowAggregates } from '../../aggregates/row-aggregates.js';
import type { ChangelogRow } from '../../planner/changelog.js';

/** Operator state holding `true` while the aggregate's row stands, so a restore knows it. */
const STANDING_STATE = 'empty-input-aggregate-standing';

/** Passes a global aggregate's output on and ends it with its row over no rows if it left none. */
export class EmptyInputAggregateOperator
  extends AbstractStreamOperator<unknown>
  implements OneInputStreamOperator<unknown, unknown>
{
  /**
   * Whether the aggregate's one row stands: its last change added it (+I, +U) rather than took
   * it back (-U, -D). One flag fits retract and upsert output alike, as the aggregate has one key.
   */
  private standing = false;

  /**
   * @param spec the aggregate's spec: its calls give the row over no rows
   * @param changelog whether the aggregate emits changelog envelopes rather than plain rows
   */
  constructor(
    private readonly spec: GroupAggregateSpec,
    private readonly changelog: boolean,
  ) {
    super();
  }

  processElement(value: unknown, timestamp: number): void {
    const kind = this.changelog ? (value as ChangelogRow).kind : '+I';
    this.standing = kind === '+I' || kind === '+U';
    this.output.collect(value, timestamp);
  }

  initializeState(restored: RestoredOperatorState): void {
    this.standing = (restored.get(STANDING_STATE) ?? []).includes(true);
  }

  snapshotState(_checkpointId: number): OperatorStateSnapshot | undefined {
    return this.standing ? { [STANDING_STATE]: { mode: 'union', entries: [true] } } : undefined;
  }

  override finish(): void {
    if (this.standing) return;
    const aggs = new RowAggregates(this.spec.calls, { retraction: false });
    const row = groupOutputRow(this.spec, {}, aggs.values(aggs.createAccumulators()));
    this.output.collect(this.changelog ? ({ kind: '+I', row } satisfies ChangelogRow) : row, NO_TIMESTAMP);
  }
}
