/**
 * The state layout of the group aggregates, shared by all of them (per-row, mini-batch, the
 * global phase of local-global, and both phases of split-distinct, which are group aggregates
 * too) so a job may switch mini-batch or local-global on or off across a restore. Layout 2
 * holds accumulators of the compact group keys, the MIN/MAX retract heap of distinct values and
 * the one distinct map shared by the DISTINCT calls (with a FILTER bitmask, created lazily);
 * layout 1, named without a version, held what came before and cannot be read as layout 2.
 */
import { type ValueState, ValueStateDescriptor } from '../../../types/state.js';
import type { GroupAggregateSpec, GroupState } from '../../aggregates/group-aggregate-function.js';
import { StateLayout, type StateGetters } from '../state-layout.js';
import { retainedFor } from '../state-retention.js';

/** The layout of the group aggregates' state, part of its name. */
export const GROUP_AGGREGATE_LAYOUT = new StateLayout('group aggregate', 2);

/** The group state's name without its layout version. */
export const GROUP_STATE = 'group-aggregate';

/**
 * The descriptor of a group's state, shared by every group aggregate operator so their state is
 * interchangeable; with a TTL, expired groups read as absent (Flink's defaults: refreshed on
 * write, expired values never returned). Open it with {@link openGroupState}.
 */
export function groupStateDescriptor(spec: GroupAggregateSpec): ValueStateDescriptor<GroupState> {
  return retainedFor(
    new ValueStateDescriptor<GroupState>(GROUP_AGGREGATE_LAYOUT.stateName(GROUP_STATE)),
    spec.stateTtlMs,
  );
}

/**
 * The group state of `spec`, after refusing a checkpoint of an earlier layout with a one-line
 * error; call once, when the operator opens.
 */
export function openGroupState(store: StateGetters, spec: GroupAggregateSpec): ValueState<GroupState> {
  GROUP_AGGREGATE_LAYOUT.refuseOthers(store, [GROUP_STATE]);
  return store.getState(groupStateDescriptor(spec));
}
