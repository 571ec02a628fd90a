/**
 * The one-phase mini-batch group aggregate (`table.exec.mini-batch.enabled` without a local
 * phase): a keyed operator that buffers each group's input rows for a bundle, then per group
 * reads its state once, applies the rows in arrival order, writes once and emits at most one
 * change (`+I`, `-U`/`+U` or `-D`). Results equal the per-row aggregate's final results; the
 * intermediate changes within a bundle are folded away, which is the point: fewer state
 * accesses and a shorter changelog downstream.
 */
import type { ValueState } from '../../../types/state.js';
import {
  type GroupAggregateSpec,
  type GroupState,
  groupStateDescriptor,
} from '../../aggregates/group-aggregate-function.js';
import { RowAggregates } from '../../aggregates/row-aggregates.js';
import type { Row } from '../../expressions/compiler.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import { emitGroupChange } from './group-changes.js';
import { bundleKey, MiniBatchOperator, type MiniBatchOptions } from './mini-batch.js';

/** One group's buffered input: its key as the key selector gave it, then its elements. */
type Buffered = { key: unknown; elements: unknown[] };

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
    this.state = this.keyedBackend.getOrCreateState(groupStateDescriptor(this.spec));
  }

  protected addToBundle(element: unknown): void {
    const key = this.keyedBackend.getCurrentKey();
    const id = bundleKey(key);
    const buffered = this.bundle.get(id);
    if (buffered === undefined) this.bundle.set(id, { key, elements: [element] });
    else buffered.elements.push(element);
  }

  protected finishBundle(): void {
    const { aggs, spec } = this;
    const backend = this.keyedBackend;
    for (const { key, elements } of this.bundle.values()) {
      backend.setCurrentKey(key);
      let state = this.state.value();
      const before = state !== undefined && state[0] > 0 ? aggs.values(state[1]) : undefined;
      let keyRow: Row | undefined;
      for (const element of elements) {
        let row: Row;
        let add = true;
        if (spec.changelogInput) {
          const change = element as ChangelogRow;
          row = change.row;
          add = change.kind === '+I' || change.kind === '+U';
        } else row = element as Row;
        keyRow ??= row;
        if (state === undefined || state[0] <= 0) {
          // As per row: a retraction for a group that holds nothing is ignored.
          if (!add) continue;
          state = [0, aggs.createAccumulators()];
        }
        if (add) {
          aggs.accumulate(state[1], row);
          state[0]++;
        } else {
          aggs.retract(state[1], row);
          state[0]--;
        }
      }
      if (state === undefined || state[0] <= 0) this.state.clear();
      else this.state.update(state);
      emitGroupChange(spec, aggs, this.output, keyRow!, before, state);
    }
    this.bundle.clear();
  }
}
