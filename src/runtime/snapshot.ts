/**
 * The shapes of state as tasks snapshot and restore it. Everything in them is already encoded
 * (bytes), so a snapshot taken in the synchronous part of a checkpoint cannot change afterwards,
 * and state can be moved between subtasks without decoding it:
 * - keyed state travels per key group, so rescaling hands each new subtask the groups of its range;
 * - operator state travels per entry, so list entries can be dealt out again ('split') or given
 *   to every subtask ('union').
 */

/** How operator list state is redistributed when parallelism changes. */
export type OperatorStateMode = 'split' | 'union';

/** One named operator list state. */
export interface OperatorStateEntries {
  readonly mode: OperatorStateMode;
  /** Each entry encoded on its own. */
  readonly entries: readonly Uint8Array[];
}

/** The state of one operator on one subtask. */
export interface OperatorSubtaskState {
  /** Keyed state and timers per key group, `[keyGroup, bytes]`; only for the chain's keyed head. */
  readonly keyGroups: readonly (readonly [number, Uint8Array])[];
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
}

/** Total bytes of a subtask state, for statistics. */
export function subtaskStateSize(state: OperatorSubtaskState): number {
  let size = 0;
  for (const [, bytes] of state.keyGroups) size += bytes.byteLength;
  for (const name in state.operatorState) {
    for (const entry of state.operatorState[name]!.entries) size += entry.byteLength;
  }
  return size;
}

/** The name under which restored operator state holds every entry of split state `name`. */
export function allEntriesName(name: string): string {
  return `${name}@all`;
}
