/**
 * Property: for any old parallelism p, new parallelism q and any state, assignment loses and
 * duplicates nothing. Every key group lands exactly once, in its new owner's range; split
 * entries are spread evenly (or kept in place when p = q); @all and union state hold every
 * entry in old subtask order on every subtask.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allEntriesName, type OperatorSubtaskState } from '../runtime/snapshot.js';
import { keyGroupRangeForSubtask } from '../state/key-groups.js';
import type { OperatorCheckpointState } from './checkpoint-data.js';
import { jobGraph } from './checkpoint-test-fixtures.js';
import { assignState } from './state-assignment.js';

interface Case {
  maxParallelism: number;
  p: number;
  q: number;
  /** Per key group: whether it has state. */
  present: boolean[];
  split: number[][];
  union: number[][];
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    maxParallelism: fc.integer({ min: 1, max: 64 }),
    p: fc.integer({ min: 1, max: 8 }),
    q: fc.integer({ min: 1, max: 8 }),
  })
  .filter(({ maxParallelism, p, q }) => p <= maxParallelism && q <= maxParallelism)
  .chain(({ maxParallelism, p, q }) =>
    fc.record({
      maxParallelism: fc.constant(maxParallelism),
      p: fc.constant(p),
      q: fc.constant(q),
      present: fc.array(fc.boolean(), { minLength: maxParallelism, maxLength: maxParallelism }),
      split: fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }), {
        minLength: p,
        maxLength: p,
      }),
      union: fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 3 }), {
        minLength: p,
        maxLength: p,
      }),
    }),
  );

/** Old subtask i holds the present groups of its range; entries are tagged with their old position. */
function operator(c: Case): OperatorCheckpointState {
  const subtasks: OperatorSubtaskState[] = [];
  let tag = 0;
  for (let i = 0; i < c.p; i++) {
    const { start, end } = keyGroupRangeForSubtask(c.maxParallelism, c.p, i);
    const keyGroups: [number, Uint8Array][] = [];
    for (let g = start; g <= end; g++) if (c.present[g]) keyGroups.push([g, new Uint8Array([g])]);
    subtasks.push({
      keyGroups,
      operatorState: {
        split: { mode: 'split', entries: c.split[i]!.map((v) => new Uint8Array([tag++, v])) },
        union: { mode: 'union', entries: c.union[i]!.map((v) => new Uint8Array([tag++, v])) },
      },
    });
  }
  return { uid: 'op', name: 'Op', parallelism: c.p, maxParallelism: c.maxParallelism, subtasks };
}

describe('state assignment', () => {
  it('neither loses nor duplicates state under any rescaling', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const old = operator(c);
        const job = jobGraph([{ id: 1, parallelism: c.q, maxParallelism: c.maxParallelism, uids: ['op'] }]);
        const tasks = assignState(
          { jobName: 'job', jobId: 'j', checkpointId: 1, timestamp: 0, savepoint: false, operators: [old] },
          job,
          { allowNonRestoredState: false },
        ).tasks.get(1)!;
        expect(tasks).toHaveLength(c.q);
        const shares = tasks.map((t) => t.operators.get('op')!);
        const entriesOf = (states: readonly OperatorSubtaskState[], name: string) =>
          states.map((s) => s.operatorState[name]!.entries);

        const groups: number[] = [];
        shares.forEach((share, j) => {
          const { start, end } = keyGroupRangeForSubtask(c.maxParallelism, c.q, j);
          for (const [g, blob] of share.keyGroups) {
            expect(g >= start && g <= end).toBe(true);
            expect((blob as Uint8Array)[0]).toBe(g);
            groups.push(g);
          }
        });
        const expectedGroups = c.present.flatMap((has, g) => (has ? [g] : []));
        expect(groups.sort((a, b) => a - b)).toEqual(expectedGroups);

        const oldSplit = entriesOf(old.subtasks, 'split');
        const allSplit = oldSplit.flat();
        const newSplit = entriesOf(shares, 'split');
        if (c.p === c.q) expect(newSplit).toEqual(oldSplit);
        else {
          const sizes = newSplit.map((e) => e.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        }
        expect(newSplit.flat().sort((a, b) => a[0]! - b[0]!)).toEqual(allSplit);
        for (const all of entriesOf(shares, allEntriesName('split'))) expect(all).toEqual(allSplit);

        const allUnion = entriesOf(old.subtasks, 'union').flat();
        for (const union of entriesOf(shares, 'union')) expect(union).toEqual(allUnion);
      }),
      { numRuns: 300 },
    );
  });
});
