/**
 * The batch global aggregate's row over no rows is emitted once: not when the aggregate's row
 * stands, also after a restore from a checkpoint taken while it stood.
 */
import { describe, expect, it } from 'vitest';
import type { RestoredOperatorState } from '../../../runtime/snapshot.js';
import { OneInputStreamOperatorTestHarness } from '../../../runtime/testing/harness.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import type { GroupAggregateSpec } from '../../aggregates/group-aggregate-function.js';
import type { ChangelogRow } from '../../planner/changelog.js';
import { EmptyInputAggregateOperator } from './empty-input-aggregate.js';

const definition = BUILTIN_AGGREGATES.get('COUNT')!;
const count: BoundAggregateCall = {
  fn: 'COUNT',
  args: [],
  argTypes: [],
  distinct: false,
  name: 'n',
  type: definition.resultType([]),
  definition,
};
const spec: GroupAggregateSpec = {
  groupKeys: [],
  calls: [count],
  changelogInput: false,
  insertOnlyOutput: false,
};

function harness(op: EmptyInputAggregateOperator) {
  return new OneInputStreamOperatorTestHarness<ChangelogRow, ChangelogRow>(op, undefined, {
    runtimeMode: 'batch',
  });
}

/** What a restore hands the operator from `op`'s snapshot. */
function restoredFrom(op: EmptyInputAggregateOperator): RestoredOperatorState {
  const snapshot = op.snapshotState(1) ?? {};
  return new Map(Object.entries(snapshot).map(([name, state]) => [name, state.entries]));
}

async function finished(
  op: EmptyInputAggregateOperator,
  restored: RestoredOperatorState,
): Promise<ChangelogRow[]> {
  op.initializeState(restored);
  const h = harness(op);
  h.open();
  await h.endInput();
  return h.extractOutputValues();
}

describe('EmptyInputAggregateOperator', () => {
  it('emits the row over no rows when none arrived, and nothing more when one stands', async () => {
    expect(await finished(new EmptyInputAggregateOperator(spec, true), new Map())).toEqual([
      { kind: '+I', row: { n: 0 } },
    ]);
    const op = new EmptyInputAggregateOperator(spec, true);
    const h = harness(op);
    h.processElement({ kind: '+I', row: { n: 1 } });
    await h.endInput();
    expect(h.extractOutputValues()).toEqual([{ kind: '+I', row: { n: 1 } }]);
  });

  it('remembers across a restore whether the row stands', async () => {
    const standing = new EmptyInputAggregateOperator(spec, true);
    harness(standing).processElement({ kind: '+I', row: { n: 1 } });
    expect(await finished(new EmptyInputAggregateOperator(spec, true), restoredFrom(standing))).toEqual([]);

    const retracted = new EmptyInputAggregateOperator(spec, true);
    const h = harness(retracted);
    h.processElement({ kind: '+I', row: { n: 1 } });
    h.processElement({ kind: '-D', row: { n: 1 } });
    expect(await finished(new EmptyInputAggregateOperator(spec, true), restoredFrom(retracted))).toEqual([
      { kind: '+I', row: { n: 0 } },
    ]);
  });
});
