/**
 * Maps a checkpoint onto the job graph that restores from it, which may differ from the one that
 * took it: operators are matched by `uid`, and each operator's state is redistributed from the
 * old parallelism p to the new parallelism q, following Flink's rules:
 *
 * - keyed state moves as whole key groups: new subtask j gets the groups of its key-group range.
 *   `maxParallelism` fixes the number of groups, so it cannot change for an operator with keyed state;
 * - 'split' operator state is dealt out round-robin over the concatenated entries of all old
 *   subtasks; at unchanged parallelism each subtask keeps its own entries instead. Every subtask
 *   also gets all entries under {@link allEntriesName}(name);
 * - 'union' operator state goes whole to every subtask, at any parallelism (as in Flink);
 * - state whose uid the new job lacks is an error unless the user allows dropping it;
 * - a checkpoint taken after the input ended (its subtasks carry {@link FINISHED_STATE}) restores
 *   every task of the new job as finished, at any parallelism: the input is done for all of them.
 */
import type { JobGraph, JobVertex } from '../runtime/job-graph.js';
import {
  allEntriesName,
  FINISHED_STATE,
  isFinishedState,
  type KeyGroupState,
  type OperatorStateEntries,
  type OperatorStateMode,
  type OperatorSubtaskState,
  type TaskRestoreState,
} from '../runtime/snapshot.js';
import { operatorIndexForKeyGroup } from '../state/key-groups.js';
import { ErrorCodes, userError, WeirError } from '../types/errors.js';
import type { CheckpointData, OperatorCheckpointState } from './checkpoint-data.js';

/** Options of {@link assignState}. */
export interface AssignStateOptions {
  /** Drop state of operators the job no longer has instead of failing (`--allow-non-restored-state`). */
  readonly allowNonRestoredState: boolean;
}

/** What every task of the new job starts from. */
export interface RestoreAssignment {
  readonly checkpointId: number;
  /**
   * By vertex id, then subtask index of the new job graph; every task has an entry. A task's
   * `operators` has every uid of its chain that the checkpoint holds, even where this subtask's
   * share is empty, so that operators can tell a restore from a fresh start.
   */
  readonly tasks: ReadonlyMap<number, readonly TaskRestoreState[]>;
  /** The encoded split enumerator state by source uid, for the source coordinators. */
  readonly coordinatorStates: ReadonlyMap<string, Uint8Array>;
  /** Uids whose state was dropped because `allowNonRestoredState` was set, for a log line. */
  readonly nonRestoredUids: readonly string[];
}

/**
 * Assigns the state in `checkpoint` to the tasks of `job`. Throws a one-line user error when
 * state has no operator to go to (unless allowed) or an operator's maxParallelism changed.
 */
export function assignState(
  checkpoint: CheckpointData,
  job: JobGraph,
  options: AssignStateOptions,
): RestoreAssignment {
  const vertexByUid = new Map<string, JobVertex>();
  const tasks = new Map<number, Map<string, OperatorSubtaskState>[]>();
  for (const vertex of job.vertices) {
    tasks.set(
      vertex.id,
      Array.from({ length: vertex.parallelism }, () => new Map()),
    );
    for (const op of vertex.operators) {
      if (vertexByUid.has(op.uid)) {
        throw userError(
          ErrorCodes.INVALID_GRAPH,
          `two operators have uid '${op.uid}'; give each operator its own uid`,
        );
      }
      vertexByUid.set(op.uid, vertex);
    }
  }
  const coordinatorStates = new Map<string, Uint8Array>();
  const nonRestoredUids: string[] = [];
  const finished = isFinalCheckpoint(checkpoint);
  for (const op of checkpoint.operators) {
    const vertex = vertexByUid.get(op.uid);
    if (vertex === undefined) {
      if (!hasState(op)) continue;
      if (!options.allowNonRestoredState) {
        throw userError(
          ErrorCodes.STATE_MISMATCH,
          `checkpoint ${checkpoint.checkpointId} has state for operator '${op.name}' (uid '${op.uid}') which the job no longer contains; give that operator its uid back (a SQL job: plan it with the options the checkpoint's job had), or drop its state with --allow-non-restored-state (SQL: SET 'execution.savepoint.ignore-unclaimed-state' = 'true')`,
        );
      }
      nonRestoredUids.push(op.uid);
      continue;
    }
    const shares = redistribute(op, vertex);
    const subtasks = tasks.get(vertex.id)!;
    for (let j = 0; j < shares.length; j++) subtasks[j]!.set(op.uid, shares[j]!);
    if (op.coordinatorState !== undefined) coordinatorStates.set(op.uid, op.coordinatorState);
  }
  const restore = new Map<number, TaskRestoreState[]>();
  for (const [vertexId, subtasks] of tasks) {
    restore.set(
      vertexId,
      subtasks.map((operators) => ({
        checkpointId: checkpoint.checkpointId,
        operators,
        ...(finished ? { finished: true } : {}),
      })),
    );
  }
  return { checkpointId: checkpoint.checkpointId, tasks: restore, coordinatorStates, nonRestoredUids };
}

/**
 * True if `checkpoint` was taken after every task finished. Tasks finish before the barrier of
 * the final checkpoint reaches them and no other checkpoint follows it, so its subtasks are
 * either all marked or (older checkpoints, every other checkpoint) none; a mix is a damaged
 * or hand-assembled checkpoint, which restoring could not make exact.
 */
function isFinalCheckpoint(checkpoint: CheckpointData): boolean {
  let marked = 0;
  let unmarked = 0;
  for (const op of checkpoint.operators) {
    for (const subtask of op.subtasks) {
      if (isFinishedState(subtask)) marked++;
      else if (subtask.keyGroups.length > 0 || Object.keys(subtask.operatorState).length > 0) unmarked++;
    }
  }
  if (marked > 0 && unmarked > 0) {
    throw userError(
      ErrorCodes.CHECKPOINT_UNUSABLE,
      `checkpoint ${checkpoint.checkpointId} mixes finished and running subtasks, so it cannot be restored exactly; restore from another checkpoint or savepoint`,
    );
  }
  return marked > 0;
}

function hasState(op: OperatorCheckpointState): boolean {
  if (op.coordinatorState !== undefined && op.coordinatorState.byteLength > 0) return true;
  for (const subtask of op.subtasks) {
    if (subtask.keyGroups.length > 0) return true;
    for (const name in subtask.operatorState) {
      // The finished marker alone is no state the job could lose.
      if (name !== FINISHED_STATE && subtask.operatorState[name]!.entries.length > 0) return true;
    }
  }
  return false;
}

/** The state of `op` for each subtask of `vertex`. */
function redistribute(op: OperatorCheckpointState, vertex: JobVertex): OperatorSubtaskState[] {
  if (op.subtasks.length !== op.parallelism) {
    throw userError(
      ErrorCodes.CHECKPOINT_UNUSABLE,
      `the checkpoint holds ${op.subtasks.length} subtask states for operator '${op.name}' (uid '${op.uid}') at parallelism ${op.parallelism}; restore from another checkpoint or savepoint`,
    );
  }
  const q = vertex.parallelism;
  const keyGroups = redistributeKeyGroups(op, vertex);
  const operatorState = redistributeOperatorState(op, q);
  return Array.from({ length: q }, (_, j) => ({
    keyGroups: keyGroups[j]!,
    operatorState: operatorState[j]!,
  }));
}

function redistributeKeyGroups(
  op: OperatorCheckpointState,
  vertex: JobVertex,
): (readonly [number, KeyGroupState])[][] {
  const shares: (readonly [number, KeyGroupState])[][] = Array.from({ length: vertex.parallelism }, () => []);
  const hasKeyedState = op.subtasks.some((s) => s.keyGroups.length > 0);
  if (!hasKeyedState) return shares;
  if (vertex.maxParallelism !== op.maxParallelism) {
    throw userError(
      ErrorCodes.STATE_MISMATCH,
      `operator '${op.name}' (uid '${op.uid}') has keyed state for maxParallelism ${op.maxParallelism} but the job sets ${vertex.maxParallelism}; maxParallelism cannot change across a restore, so set it back to ${op.maxParallelism}`,
    );
  }
  for (const subtask of op.subtasks) {
    for (const entry of subtask.keyGroups) {
      const group = entry[0];
      if (!Number.isInteger(group) || group < 0 || group >= op.maxParallelism) {
        throw userError(
          ErrorCodes.CHECKPOINT_UNUSABLE,
          `the checkpoint holds key group ${group} for operator '${op.name}' (uid '${op.uid}'), outside 0..${op.maxParallelism - 1}; restore from another checkpoint or savepoint`,
        );
      }
      // Same owner as keyGroupRangeForSubtask(maxParallelism, q, j), in O(1) per group.
      shares[operatorIndexForKeyGroup(op.maxParallelism, vertex.parallelism, group)]!.push(entry);
    }
  }
  return shares;
}

function redistributeOperatorState(
  op: OperatorCheckpointState,
  q: number,
): Record<string, OperatorStateEntries>[] {
  const shares: Record<string, OperatorStateEntries>[] = Array.from({ length: q }, () => ({}));
  for (const [name, mode] of operatorStateModes(op)) {
    const perOldSubtask = op.subtasks.map((s) => s.operatorState[name]?.entries ?? []);
    const all = perOldSubtask.flat();
    if (mode === 'union') {
      for (const share of shares) share[name] = { mode, entries: all };
      continue;
    }
    // Round-robin would reshuffle entries even at unchanged parallelism (subtask 0's second entry
    // would move to subtask 1), so then each subtask keeps exactly what it had.
    const dealt = op.parallelism === q ? perOldSubtask : roundRobin(all, q);
    for (let j = 0; j < q; j++) {
      shares[j]![name] = { mode, entries: dealt[j]! };
      shares[j]![allEntriesName(name)] = { mode: 'union', entries: all };
    }
  }
  return shares;
}

/** Entry i of `entries` goes to share i % q. */
function roundRobin(entries: readonly Uint8Array[], q: number): Uint8Array[][] {
  const shares: Uint8Array[][] = Array.from({ length: q }, () => []);
  for (let i = 0; i < entries.length; i++) shares[i % q]!.push(entries[i]!);
  return shares;
}

/** Every operator state name of `op` with its mode, in order of first appearance. */
function operatorStateModes(op: OperatorCheckpointState): Map<string, OperatorStateMode> {
  const modes = new Map<string, OperatorStateMode>();
  for (const subtask of op.subtasks) {
    for (const name in subtask.operatorState) {
      const mode = subtask.operatorState[name]!.mode;
      const seen = modes.get(name);
      if (seen === undefined) modes.set(name, mode);
      else if (seen !== mode) {
        throw new WeirError(
          ErrorCodes.INTERNAL,
          `operator state '${name}' of '${op.uid}' was snapshotted as both '${seen}' and '${mode}'`,
          { domain: 'internal' },
        );
      }
    }
  }
  return modes;
}
