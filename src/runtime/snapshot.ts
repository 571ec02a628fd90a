/**
 * The shapes of state as tasks snapshot and restore it. Everything in them is already encoded
 * (bytes), so a snapshot taken in the synchronous part of a checkpoint cannot change afterwards,
 * and state can be moved between subtasks without decoding it:
 * - keyed state travels per key group, so rescaling hands each new subtask the groups of its range;
 * - operator state travels per entry, so list entries can be dealt out again ('split') or given
 *   to every subtask ('union').
 */

import { ErrorCodes, WeirError } from '../types/errors.js';

/** How operator list state is redistributed when parallelism changes. */
export type OperatorStateMode = 'split' | 'union';

/** One named operator list state. */
export interface OperatorStateEntries {
  readonly mode: OperatorStateMode;
  /** Each entry encoded on its own. */
  readonly entries: readonly Uint8Array[];
}

/**
 * A key group's bytes under their SHA-256, for incremental checkpoints: checkpoint storage
 * keeps each such blob once, in a file named after its hash, and a later checkpoint whose key
 * group did not change refers to it instead of writing it again. A task leaves `bytes` out for
 * a blob the last completed checkpoint already holds; the coordinator fills them back in from
 * that checkpoint, so what storage and restores see always has them.
 */
export interface SharedKeyGroupState {
  readonly sha256: string;
  readonly length: number;
  readonly bytes?: Uint8Array;
}

/** A key group's state: its bytes inline (savepoints, full checkpoints) or a shared blob. */
export type KeyGroupState = Uint8Array | SharedKeyGroupState;

/** The state of one operator on one subtask. */
export interface OperatorSubtaskState {
  /** Keyed state and timers per key group, `[keyGroup, state]`; only for the chain's keyed head. */
  readonly keyGroups: readonly (readonly [number, KeyGroupState])[];
  /** Operator (non-keyed) list states by name. */
  readonly operatorState: Readonly<Record<string, OperatorStateEntries>>;
}

/** An operator's non-keyed state as it snapshots it (before encoding). */
export type OperatorStateSnapshot = Readonly<
  Record<string, { readonly mode: OperatorStateMode; readonly entries: readonly unknown[] }>
>;

/**
 * An operator's non-keyed state as restored into one subtask (after redistribution, decoded).
 * Besides its share of split state `name`, every subtask also finds all of that state's entries
 * under {@link allEntriesName}(name), for work one subtask does for all of them, such as removing
 * files no checkpoint references.
 */
export type RestoredOperatorState = ReadonlyMap<string, readonly unknown[]>;

/** What a task reports once it has taken its part of a checkpoint. */
export interface TaskCheckpointAck {
  readonly checkpointId: number;
  readonly vertexId: number;
  readonly subtaskIndex: number;
  /** By operator uid. Operators without state are omitted. */
  readonly operators: ReadonlyMap<string, OperatorSubtaskState>;
  /** Time spent in the synchronous part, ms. */
  readonly syncDurationMs: number;
  /** Time spent between the first barrier and the last one (exactly-once alignment), ms. */
  readonly alignmentDurationMs: number;
}

/** The state one task starts from: by operator uid, already redistributed to this subtask. */
export interface TaskRestoreState {
  readonly checkpointId: number;
  readonly operators: ReadonlyMap<string, OperatorSubtaskState>;
  /**
   * The checkpoint was taken after the job's input ended (its final checkpoint): the task's
   * operators finished before it and must not finish again, nor read or emit anything.
   */
  readonly finished?: boolean;
}

/**
 * The operator state that marks an operator subtask as finished in a checkpoint: a finished
 * task (see {@link TaskRestoreState.finished}) adds one entry to every operator of its chain
 * and leaves out keyed state and timers, which nothing reads any more. It is ordinary 'union'
 * operator state so that every checkpoint format carries it, rescaling hands it to every new
 * subtask, and checkpoints without it (older ones) restore as unfinished.
 */
export const FINISHED_STATE = 'weir.finished';

/** True if `state` carries the {@link FINISHED_STATE} marker. */
export function isFinishedState(state: OperatorSubtaskState): boolean {
  return (state.operatorState[FINISHED_STATE]?.entries.length ?? 0) > 0;
}

/** The bytes of a key group's state; throws if a shared blob was never filled back in. */
export function keyGroupBytes(keyGroup: number, state: KeyGroupState): Uint8Array {
  if (state instanceof Uint8Array) return state;
  if (state.bytes === undefined) {
    throw new WeirError(
      ErrorCodes.INTERNAL,
      `key group ${keyGroup} refers to shared state ${state.sha256} whose bytes were not resolved`,
      { domain: 'internal' },
    );
  }
  return state.bytes;
}

/** Bytes a subtask state carries (a shared blob counts only where its bytes travel with it). */
export function subtaskStateSize(state: OperatorSubtaskState): number {
  let size = 0;
  for (const [, part] of state.keyGroups) {
    if (part instanceof Uint8Array) size += part.byteLength;
    else if (part.bytes !== undefined) size += part.bytes.byteLength;
  }
  for (const name in state.operatorState) {
    for (const entry of state.operatorState[name]!.entries) size += entry.byteLength;
  }
  return size;
}

/** The name under which restored operator state holds every entry of split state `name`. */
export function allEntriesName(name: string): string {
  return `${name}@all`;
}
