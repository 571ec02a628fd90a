/**
 * Restoring a checkpoint into a job graph: matching by uid, rescaling keyed and operator state,
 * finished subtasks of a final checkpoint, and the errors for state that no longer fits.
 */
import { describe, expect, it } from 'vitest';
import { allEntriesName, FINISHED_STATE, type OperatorSubtaskState } from '../runtime/snapshot.js';
import { keyGroupRangeForSubtask } from '../state/key-groups.js';
import type { CheckpointData, OperatorCheckpointState } from './checkpoint-data.js';
import { bytes, jobGraph } from './checkpoint-test-fixtures.js';
import { assignState } from './state-assignment.js';

function checkpoint(operators: OperatorCheckpointState[]): CheckpointData {
  return { jobName: 'job', jobId: 'old', checkpointId: 42, timestamp: 0, savepoint: false, operators };
}

/** An operator whose old subtask i holds every key group of its range, each as bytes [group]. */
function keyedOperator(uid: string, parallelism: number, maxParallelism = 128): OperatorCheckpointState {
  const subtasks: OperatorSubtaskState[] = [];
  for (let i = 0; i < parallelism; i++) {
    const { start, end } = keyGroupRangeForSubtask(maxParallelism, parallelism, i);
    const keyGroups: [number, Uint8Array][] = [];
    for (let g = start; g <= end; g++) keyGroups.push([g, bytes(g & 0xff, g >> 8)]);
    subtasks.push({ keyGroups, operatorState: {} });
  }
  return { uid, name: `Keyed ${uid}`, parallelism, maxParallelism, subtasks };
}

function listOperator(
  uid: string,
  mode: 'split' | 'union',
  perSubtask: readonly (readonly number[])[],
): OperatorCheckpointState {
  return {
    uid,
    name: `List ${uid}`,
    parallelism: perSubtask.length,
    maxParallelism: 128,
    subtasks: perSubtask.map((values) => ({
      keyGroups: [],
      operatorState: { list: { mode, entries: values.map((v) => bytes(v)) } },
    })),
  };
}

/** The `list` state (and its @all view) of every new subtask of vertex 1, as numbers. */
function lists(data: CheckpointData, parallelism: number, uid = 'op'): { own: number[][]; all: number[][] } {
  const assignment = assignState(data, jobGraph([{ id: 1, parallelism, uids: [uid] }]), {
    allowNonRestoredState: false,
  });
  const tasks = assignment.tasks.get(1)!;
  expect(tasks).toHaveLength(parallelism);
  const values = (name: string) =>
    tasks.map((t) => (t.operators.get(uid)!.operatorState[name]?.entries ?? []).map((e) => e[0]!));
  return { own: values('list'), all: values(allEntriesName('list')) };
}

describe('keyed state', () => {
  for (const [p, q] of [
    [2, 1],
    [2, 3],
    [3, 2],
    [4, 4],
  ] as const) {
    it(`rescaled ${p} → ${q} gives every key group to exactly the subtask whose range holds it`, () => {
      const data = checkpoint([keyedOperator('win', p)]);
      const assignment = assignState(data, jobGraph([{ id: 7, parallelism: q, uids: ['win'] }]), {
        allowNonRestoredState: false,
      });
      const tasks = assignment.tasks.get(7)!;
      expect(tasks).toHaveLength(q);
      const seen: number[] = [];
      tasks.forEach((task, j) => {
        expect(task.checkpointId).toBe(42);
        const { start, end } = keyGroupRangeForSubtask(128, q, j);
        for (const [group, blob] of task.operators.get('win')!.keyGroups) {
          expect(group).toBeGreaterThanOrEqual(start);
          expect(group).toBeLessThanOrEqual(end);
          expect([...(blob as Uint8Array)]).toEqual([group & 0xff, group >> 8]);
          seen.push(group);
        }
      });
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 128 }, (_, g) => g));
    });
  }

  it('cannot change maxParallelism: the error names the operator and both values', () => {
    const data = checkpoint([keyedOperator('win', 2, 128)]);
    const job = jobGraph([{ id: 1, parallelism: 2, maxParallelism: 256, uids: ['win'] }]);
    const error = (() => {
      try {
        assignState(data, job, { allowNonRestoredState: true });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'STATE_MISMATCH', domain: 'user' });
    expect((error as Error).message).toBe(
      "operator 'Keyed win' (uid 'win') has keyed state for maxParallelism 128 but the job sets 256; maxParallelism cannot change across a restore, so set it back to 128",
    );
  });

  it('lets maxParallelism change for an operator without keyed state', () => {
    const data = checkpoint([listOperator('op', 'split', [[1], [2]])]);
    const job = jobGraph([{ id: 1, parallelism: 2, maxParallelism: 256, uids: ['op'] }]);
    expect(() => assignState(data, job, { allowNonRestoredState: false })).not.toThrow();
  });

  it('rejects a key group outside the checkpoint’s maxParallelism', () => {
    const op = { ...keyedOperator('win', 1, 4) };
    const bad = { ...op, subtasks: [{ keyGroups: [[4, bytes(0)] as const], operatorState: {} }] };
    const job = jobGraph([{ id: 1, parallelism: 1, maxParallelism: 4, uids: ['win'] }]);
    expect(() => assignState(checkpoint([bad]), job, { allowNonRestoredState: false })).toThrow(
      /key group 4 .* outside 0\.\.3/,
    );
  });
});

describe('split operator state', () => {
  it('is dealt round-robin over the concatenated entries when scaling up', () => {
    const data = checkpoint([listOperator('op', 'split', [[1, 2, 3], [4]])]);
    expect(lists(data, 3).own).toEqual([[1, 4], [2], [3]]);
  });

  it('is dealt round-robin when scaling down', () => {
    const data = checkpoint([listOperator('op', 'split', [[1], [2, 3], [4, 5]])]);
    expect(lists(data, 2).own).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
  });

  it('stays with its subtask at unchanged parallelism, even where round-robin would move it', () => {
    const data = checkpoint([listOperator('op', 'split', [[1, 2], [3], []])]);
    expect(lists(data, 3).own).toEqual([[1, 2], [3], []]);
  });

  it('is also offered whole, in old subtask order, to every subtask under its @all name', () => {
    const data = checkpoint([listOperator('op', 'split', [[1, 2], [3]])]);
    for (const q of [1, 2, 5]) expect(lists(data, q).all).toEqual(Array(q).fill([1, 2, 3]));
  });
});

describe('union operator state', () => {
  it('goes whole to every subtask, whatever the parallelism', () => {
    const data = checkpoint([listOperator('op', 'union', [[1, 2], [3]])]);
    for (const q of [1, 2, 3]) {
      const { own, all } = lists(data, q);
      expect(own).toEqual(Array(q).fill([1, 2, 3]));
      expect(all).toEqual(Array(q).fill([]));
    }
  });
});

describe('matching by uid', () => {
  const source: OperatorCheckpointState = {
    ...listOperator('src', 'split', [[1]]),
    coordinatorState: bytes(9, 9),
  };

  it('routes each uid’s state to its own vertex and reports enumerator state by uid', () => {
    const data = checkpoint([source, keyedOperator('win', 1)]);
    const job = jobGraph([
      { id: 1, parallelism: 1, uids: ['src', 'map'] },
      { id: 2, parallelism: 2, uids: ['win', 'sink'] },
    ]);
    const assignment = assignState(data, job, { allowNonRestoredState: false });
    expect([...assignment.tasks.get(1)![0]!.operators.keys()]).toEqual(['src']);
    for (const task of assignment.tasks.get(2)!) expect([...task.operators.keys()]).toEqual(['win']);
    expect([...assignment.coordinatorStates]).toEqual([['src', bytes(9, 9)]]);
    expect(assignment.nonRestoredUids).toEqual([]);
  });

  it('gives new operators and vertices nothing, but still a task entry', () => {
    const job = jobGraph([
      { id: 1, parallelism: 1, uids: ['src'] },
      { id: 3, parallelism: 2, uids: ['new'] },
    ]);
    const assignment = assignState(checkpoint([source]), job, { allowNonRestoredState: false });
    expect(assignment.tasks.get(3)!.map((t) => t.operators.size)).toEqual([0, 0]);
    expect(assignment.tasks.get(3)![1]!.checkpointId).toBe(42);
  });

  it('fails on state whose uid the job lacks, naming the operator and the flag', () => {
    const data = checkpoint([keyedOperator('gone', 1)]);
    const job = jobGraph([{ id: 1, parallelism: 1, uids: ['other'] }]);
    const run = () => assignState(data, job, { allowNonRestoredState: false });
    expect(run).toThrow(
      "checkpoint 42 has state for operator 'Keyed gone' (uid 'gone') which the job no longer contains; give that operator its uid back (a SQL job: plan it with the options the checkpoint's job had), or drop its state with --allow-non-restored-state (SQL: SET 'execution.savepoint.ignore-unclaimed-state' = 'true')",
    );
    expect(run).toThrow(expect.objectContaining({ code: 'STATE_MISMATCH', domain: 'user' }));
  });

  it('counts enumerator state alone as state', () => {
    const onlyCoordinator = { ...listOperator('src', 'split', [[]]), coordinatorState: bytes(1) };
    const job = jobGraph([{ id: 1, parallelism: 1, uids: ['other'] }]);
    expect(() => assignState(checkpoint([onlyCoordinator]), job, { allowNonRestoredState: false })).toThrow(
      /uid 'src'/,
    );
  });

  it('drops unmatched state when allowed, and reports which', () => {
    const data = checkpoint([keyedOperator('gone', 1), source]);
    const job = jobGraph([{ id: 1, parallelism: 1, uids: ['src'] }]);
    const assignment = assignState(data, job, { allowNonRestoredState: true });
    expect(assignment.nonRestoredUids).toEqual(['gone']);
    expect([...assignment.tasks.get(1)![0]!.operators.keys()]).toEqual(['src']);
  });

  it('ignores unmatched operators that had no state', () => {
    const empty = listOperator('stateless', 'split', [[], []]);
    const job = jobGraph([{ id: 1, parallelism: 1, uids: ['other'] }]);
    const assignment = assignState(checkpoint([empty]), job, { allowNonRestoredState: false });
    expect(assignment.nonRestoredUids).toEqual([]);
  });

  it('rejects a job graph that uses one uid twice', () => {
    const job = jobGraph([
      { id: 1, parallelism: 1, uids: ['a'] },
      { id: 2, parallelism: 1, uids: ['a'] },
    ]);
    expect(() => assignState(checkpoint([]), job, { allowNonRestoredState: false })).toThrow(
      /two operators have uid 'a'/,
    );
  });
});

describe('a checkpoint taken after every task finished', () => {
  /** `op` as a finished task snapshots it: its list state plus the finished marker, no keyed state. */
  function finished(op: OperatorCheckpointState): OperatorCheckpointState {
    return {
      ...op,
      subtasks: op.subtasks.map((s) => ({
        keyGroups: [],
        operatorState: { ...s.operatorState, [FINISHED_STATE]: { mode: 'union', entries: [bytes(1)] } },
      })),
    };
  }

  for (const [p, q] of [
    [1, 1],
    [2, 3],
    [3, 1],
  ] as const) {
    it(`restores every task finished at ${p} → ${q}, with its operator state dealt out as usual`, () => {
      const data = checkpoint([
        finished(
          listOperator(
            'sink',
            'split',
            Array.from({ length: p }, (_, i) => [i]),
          ),
        ),
      ]);
      const job = jobGraph([
        { id: 1, parallelism: q, uids: ['sink'] },
        { id: 2, parallelism: 2, uids: ['added later'] },
      ]);
      const assignment = assignState(data, job, { allowNonRestoredState: false });
      for (const tasks of assignment.tasks.values())
        for (const task of tasks) expect(task.finished).toBe(true);
      const own = assignment.tasks
        .get(1)!
        .flatMap((t) => t.operators.get('sink')!.operatorState.list!.entries);
      expect(own.map((e) => e[0]).sort()).toEqual(Array.from({ length: p }, (_, i) => i));
    });
  }

  it('restores tasks of an older checkpoint, which has no marker, unfinished', () => {
    const data = checkpoint([keyedOperator('win', 2), listOperator('sink', 'split', [[1], [2]])]);
    const job = jobGraph([{ id: 1, parallelism: 2, uids: ['win', 'sink'] }]);
    const assignment = assignState(data, job, { allowNonRestoredState: false });
    for (const task of assignment.tasks.get(1)!) expect(task.finished).toBeUndefined();
  });

  it('does not count the marker of an operator the job lacks as state it would lose', () => {
    const data = checkpoint([
      finished(listOperator('gone', 'split', [[]])),
      finished(listOperator('sink', 'split', [[1]])),
    ]);
    const job = jobGraph([{ id: 1, parallelism: 1, uids: ['sink'] }]);
    expect(assignState(data, job, { allowNonRestoredState: false }).nonRestoredUids).toEqual([]);
  });

  it('refuses a checkpoint that mixes finished and running subtasks', () => {
    const data = checkpoint([finished(listOperator('sink', 'split', [[1]])), keyedOperator('win', 1)]);
    const job = jobGraph([{ id: 1, parallelism: 1, uids: ['win', 'sink'] }]);
    expect(() => assignState(data, job, { allowNonRestoredState: false })).toThrow(
      /mixes finished and running subtasks.*restore from another checkpoint/,
    );
  });
});
