/**
 * The batch global aggregate's row over no rows is emitted once: not when the aggregate's row
 * stands, also after a restore from a checkpoint taken while it stood. For the groups of empty
 * grouping sets, each group's row over no rows is emitted where that group has none standing.
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

  it('watches the groups of empty grouping sets by their keys, without passing rows on', async () => {
    const grouped: GroupAggregateSpec = { ...spec, groupKeys: ['a', '$e'] };
    // Two empty sets (a repeat), told apart by $e; a BIGINT key may arrive as a bigint.
    const groups = [
      { a: null, $e: 1 },
      { a: null, $e: 3 },
    ];
    const op = new EmptyInputAggregateOperator(grouped, true, groups, false);
    const h = harness(op);
    h.processElement({ kind: '+I', row: { a: null, $e: 3n, n: 1 } });
    h.processElement({ kind: '+I', row: { a: 'x', $e: 1, n: 1 } });
    await h.endInput();
    expect(h.extractOutputValues()).toEqual([{ kind: '+I', row: { a: null, $e: 1, n: 0 } }]);

    // A group whose row was taken back gets its row over no rows, also after a restore.
    const retracted = new EmptyInputAggregateOperator(grouped, true, groups, false);
    const r = harness(retracted);
    r.processElement({ kind: '+I', row: { a: null, $e: 1, n: 1 } });
    r.processElement({ kind: '+I', row: { a: null, $e: 3, n: 1 } });
    r.processElement({ kind: '-D', row: { a: null, $e: 3, n: 1 } });
    expect(r.extractOutputValues()).toEqual([]);
    const restored = new EmptyInputAggregateOperator(grouped, true, groups, false);
    expect(await finished(restored, restoredFrom(retracted))).toEqual([
      { kind: '+I', row: { a: null, $e: 3, n: 0 } },
    ]);
  });
});
