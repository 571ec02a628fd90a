/**
 * Preparing state for a trip to another thread. Encoders and file reads hand out views into
 * larger buffers, and cloning a view across threads copies its whole underlying buffer, so
 * every blob is first copied into a buffer of its own (unless it already is one).
 */
import type { OperatorSubtaskState, TaskRestoreState } from '../snapshot.js';

/** The same states, each blob in a buffer of its own. */
export function compactStates(
  operators: ReadonlyMap<string, OperatorSubtaskState>,
): Map<string, OperatorSubtaskState> {
  const compacted = new Map<string, OperatorSubtaskState>();
  for (const [uid, state] of operators) {
    const operatorState: Record<string, OperatorSubtaskState['operatorState'][string]> = {};
    for (const name in state.operatorState) {
      const { mode, entries } = state.operatorState[name]!;
      operatorState[name] = { mode, entries: entries.map(ownBuffer) };
    }
    compacted.set(uid, {
      keyGroups: state.keyGroups.map(
        ([group, part]) =>
          [
            group,
            part instanceof Uint8Array
              ? ownBuffer(part)
              : part.bytes === undefined
                ? part
                : { ...part, bytes: ownBuffer(part.bytes) },
          ] as const,
      ),
      operatorState,
    });
  }
  return compacted;
}

/** A restore state ready to be sent to a worker. */
export function compactRestore(restore: TaskRestoreState | undefined): TaskRestoreState | undefined {
  return restore === undefined
    ? undefined
    : {
        checkpointId: restore.checkpointId,
        operators: compactStates(restore.operators),
        ...(restore.finished === true ? { finished: true } : {}),
      };
}

function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
