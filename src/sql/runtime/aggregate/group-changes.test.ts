/**
 * What a mini-batch group aggregate emits per group and bundle: nothing when the group's result
 * did not change (a split-distinct partial group whose bucket saw only known values stays
 * silent) unless idle state retention is on, as in Flink, `-U`/`+U` when it did, `+I` and `-D`
 * at a group's first and last row.
 */
import { describe, expect, it } from 'vitest';
import type { Output } from '../../../runtime/operator.js';
import { BUILTIN_AGGREGATES } from '../../aggregates/builtins.js';
import type { BoundAggregateCall } from '../../aggregates/aggregate-function.js';
import type { GroupAggregateSpec, GroupState } from '../../aggregates/group-aggregate-function.js';
import { RowAggregates } from '../../aggregates/row-aggregates.js';
import { Types } from '../../catalog/types.js';
import { emitGroupChange } from './group-changes.js';

const definition = BUILTIN_AGGREGATES.get('COUNT')!;
const distinctCount: BoundAggregateCall = {
  fn: 'COUNT',
  args: ['bidder'],
  argTypes: [Types.BIGINT],
  distinct: true,
  name: 'bidders',
  type: definition.resultType([Types.BIGINT]),
  definition,
};
const spec: GroupAggregateSpec = {
  groupKeys: ['channel'],
  calls: [distinctCount],
  changelogInput: false,
  insertOnlyOutput: false,
};

function collector(): { out: Output<unknown>; seen: unknown[] } {
  const seen: unknown[] = [];
  const out = {
    collect: (v: unknown) => seen.push(v),
    collectSide: () => {},
    emitWatermark: () => {},
    emitWatermarkStatus: () => {},
  } as Output<unknown>;
  return { out, seen };
}

describe('emitGroupChange', () => {
  const aggs = new RowAggregates(spec.calls);
  const keyRow = { channel: 'a', bidder: 1 };

  it('emits nothing for a bundle that left the result as it was', () => {
    const accs = aggs.createAccumulators();
    aggs.accumulate(accs, keyRow);
    const before = aggs.values(accs);
    aggs.accumulate(accs, keyRow); // a bidder the group had seen: COUNT(DISTINCT) stays 1
    const { out, seen } = collector();
    emitGroupChange(spec, aggs, out, keyRow, before, [2, accs] as GroupState);
    expect(seen).toEqual([]);
  });

  it('with table.exec.state.ttl emits an unchanged result too, as Flink does to keep downstream state alive', () => {
    const accs = aggs.createAccumulators();
    aggs.accumulate(accs, keyRow);
    const before = aggs.values(accs);
    aggs.accumulate(accs, keyRow);
    const { out, seen } = collector();
    emitGroupChange({ ...spec, stateTtlMs: 60_000 }, aggs, out, keyRow, before, [2, accs] as GroupState);
    emitGroupChange({ ...spec, stateTtlMs: 60_000, upsertOutput: true }, aggs, out, keyRow, before, [
      2,
      accs,
    ] as GroupState);
    expect(seen).toEqual([
      { kind: '-U', row: { channel: 'a', bidders: 1 } },
      { kind: '+U', row: { channel: 'a', bidders: 1 } },
      { kind: '+U', row: { channel: 'a', bidders: 1 } },
    ]);
  });

  it('emits -U old, +U new for a changed result, +I for a new group, -D for an emptied one', () => {
    const accs = aggs.createAccumulators();
    aggs.accumulate(accs, keyRow);
    const before = aggs.values(accs);
    aggs.accumulate(accs, { channel: 'a', bidder: 2 });
    const { out, seen } = collector();
    emitGroupChange(spec, aggs, out, keyRow, before, [2, accs] as GroupState);
    emitGroupChange(spec, aggs, out, keyRow, undefined, [2, accs] as GroupState);
    emitGroupChange(spec, aggs, out, keyRow, before, undefined);
    expect(seen).toEqual([
      { kind: '-U', row: { channel: 'a', bidders: 1 } },
      { kind: '+U', row: { channel: 'a', bidders: 2 } },
      { kind: '+I', row: { channel: 'a', bidders: 2 } },
      { kind: '-D', row: { channel: 'a', bidders: 1 } },
    ]);
  });
});
