/**
 * The one-phase mini-batch group aggregate (`table.exec.mini-batch.enabled` without a local
 * phase): a keyed operator that, per group and bundle, reads its state once (at the group's
 * first row), applies the group's rows in arrival order as they come, then writes once and
 * emits at most one change (`+I`, `-U`/`+U` or `-D`) when the bundle closes. Results equal the
 * per-row aggregate's final results; the intermediate changes within a bundle are folded away,
 * which is the point: fewer state accesses and a shorter changelog downstream.
 */
import type { ValueState } from '../../../types/state.js';
import {
  applyRow,
  type GroupAggregateSpec,
  type GroupState,
} from '../../aggregates/group-aggregate-function.js';
import { openGroupState } from './group-state.js';
import { stateGettersOf } from '../state-layout.js';
import { RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import { emitGroupChange } from './group-changes.js';
import { bundleKey, MiniBatchOperator, type MiniBatchOptions } from './mini-batch.js';

/**
 * One group's part of the open bundle: its key as the key selector gave it, its state as read
 * at the group's first row in the bundle (the rows since applied to it), its result before the
 * bundle, and a row holding its key columns.
 */
type Buffered = {
  key: unknown;
  state: GroupState | undefined;
  before: unknown[] | undefined;
  keyRow: Row;
};

/** The keyed one-phase mini-batch group aggregate; see the module comment. */
export class MiniBatchGroupAggregateOperator extends MiniBatchOperator<unknown, unknown> {
  private aggs!: RowAggregates;
  private state!: ValueState<GroupState>;
  private readonly bundle = new Map<unknown, Buffered>();

  constructor(
    private readonly spec: GroupAggregateSpec,
    miniBatch: MiniBatchOptions,
  ) {
    super(miniBatch);
  }

  override open(): void {
    super.open();
    this.aggs = new RowAggregates(this.spec.calls, { retraction: this.spec.changelogInput });
    this.state = openGroupState(stateGettersOf(this.keyedBackend), this.spec);
  }

  // Rows are applied as they arrive, to the state read at the group's first row of the bundle,
  // instead of being buffered and replayed: the same arrival order, no per-row buffer. The state
  // is written back (and the change emitted) once, when the bundle closes, which always happens
  // before a checkpoint, so the snapshot never sees a half-applied bundle.
  protected addToBundle(element: unknown): void {
    const { aggs, spec } = this;
    let row: Row;
    let add = true;
    if (spec.changelogInput) {
      const change = element as ChangelogRow;
      row = change.row;
      add = change.kind === '+I' || change.kind === '+U';
    } else row = element as Row;
    const key = this.keyedBackend.getCurrentKey();
    const id = bundleKey(key);
    let group = this.bundle.get(id);
    if (group === undefined) {
      const state = this.state.value();
      const before = state !== undefined && state[0] > 0 ? aggs.values(state[1]) : undefined;
      group = { key, state, before, keyRow: row };
      this.bundle.set(id, group);
    }
    let state = group.state;
    if (state === undefined || state[0] <= 0) {
      // As per row: a retraction for a group that holds nothing is ignored.
      if (!add) return;
      state = [0, aggs.createAccumulators()];
      group.state = state;
    }
    applyRow(aggs, state, row, add);
  }

  protected finishBundle(): void {
    const { spec, aggs } = this;
    const backend = this.keyedBackend;
    for (const { key, state, before, keyRow } of this.bundle.values()) {
      backend.setCurrentKey(key);
      if (state === undefined || state[0] <= 0) this.state.clear();
      else this.state.update(state);
      emitGroupChange(spec, aggs, this.output, keyRow, before, state);
    }
    this.bundle.clear();
  }
}
