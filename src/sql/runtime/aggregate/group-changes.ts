/**
 * What a group aggregate emits when a group's state moves from one result to another, shared
 * by the mini-batch operators: `+I` for a new group (a plain row for SELECT DISTINCT over an
 * insert-only input), `-D` for a group whose last row left, `-U`/`+U` when the result changed,
 * nothing when it did not (unless idle state retention is on, see {@link skipsUnchanged}). The same rules as the per-row {@link GroupAggregateFunction}, applied
 * once per group and bundle.
 */
import type { Output } from '../../../runtime/operator.js';
import { NO_TIMESTAMP } from '../../../types/elements.js';
import {
  type GroupAggregateSpec,
  type GroupState,
  groupOutputRow,
  skipsUnchanged,
} from '../../aggregates/group-aggregate-function.js';
import type { RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';

/**
 * Emits the change of one group: `before` is its result before the bundle (undefined when it
 * had no rows), `after` its state after (undefined or a zero count when it has none now).
 * `keyRow` holds the group's key columns.
 */
export function emitGroupChange(
  spec: GroupAggregateSpec,
  aggs: RowAggregates,
  output: Output<unknown>,
  keyRow: Row,
  before: readonly unknown[] | undefined,
  after: GroupState | undefined,
): void {
  if (after === undefined || after[0] <= 0) {
    if (before !== undefined)
      output.collect({ kind: '-D', row: groupOutputRow(spec, keyRow, before) }, NO_TIMESTAMP);
    return;
  }
  const values = aggs.values(after[1]);
  if (before === undefined) {
    const row = groupOutputRow(spec, keyRow, values);
    output.collect(spec.insertOnlyOutput ? row : { kind: '+I', row }, NO_TIMESTAMP);
    return;
  }
  if (skipsUnchanged(spec, before, values)) return;
  if (spec.upsertOutput !== true)
    output.collect({ kind: '-U', row: groupOutputRow(spec, keyRow, before) }, NO_TIMESTAMP);
  output.collect({ kind: '+U', row: groupOutputRow(spec, keyRow, values) }, NO_TIMESTAMP);
}
