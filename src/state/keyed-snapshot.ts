/**
 * Checkpointing of a keyed operator's state layer: the backend's entries and the timers are
 * encoded together, one blob per key group. Key groups are the unit of redistribution, so a
 * snapshot taken at one parallelism restores at another by handing each subtask the blobs of
 * the groups in its range (see `keyGroupRangeForSubtask`).
 *
 * The snapshot is taken in the synchronous part of a checkpoint and encoded on the spot: the
 * backend and timer service hand out live objects, and encoding before the next record is what
 * keeps later state changes out of the checkpoint. Each blob has a buffer of its own (see
 * `key-group-encoder.ts`). Deferring the encoding to an asynchronous part, as Flink's heap
 * backend does, would not take it off this thread: the state lives in this thread's heap, and
 * handing it to another one is a copy that costs about what encoding does. It would shorten the
 * barrier's pause but not the CPU, and would need a copy-on-write of every value a record
 * touches while a snapshot is pending (lists grow and TTL stamps change in place).
 */
import { decode } from '../types/codec.js';
import { ErrorCodes, userError, WeirError } from '../types/errors.js';
import type { KeyedStateBackend } from './backend.js';
import { encodeKeyGroup } from './key-group-encoder.js';
import type { TimeServiceManager } from './timers.js';

/** What one key group's bytes decode to; null where that part has nothing in the group. */
interface KeyGroupBlob {
  readonly state: unknown;
  readonly timers: unknown;
}

function internal(message: string, cause?: unknown): WeirError {
  return new WeirError(ErrorCodes.INTERNAL, message, { domain: 'internal', cause });
}

/**
 * Keyed state and timers of one subtask, one encoded blob per non-empty key group, sorted by
 * key group; with `keyGroups`, only those of them. Call it between records; the result does not
 * change when state changes later. Throws a user error when a state value cannot be encoded.
 */
export function snapshotKeyedState(
  backend: KeyedStateBackend,
  timers: TimeServiceManager | undefined,
  keyGroups?: ReadonlySet<number>,
): Array<[number, Uint8Array]> {
  const state = backend.snapshotKeyGroups(keyGroups);
  const timerGroups = timers?.snapshotKeyGroups(keyGroups);
  const nonEmpty = new Set(state.keys());
  if (timerGroups !== undefined) for (const keyGroup of timerGroups.keys()) nonEmpty.add(keyGroup);
  const out: Array<[number, Uint8Array]> = [];
  for (const keyGroup of [...nonEmpty].sort((a, b) => a - b)) {
    const blob: KeyGroupBlob = {
      state: state.get(keyGroup) ?? null,
      timers: timerGroups?.get(keyGroup) ?? null,
    };
    out.push([keyGroup, encodeGroup(keyGroup, blob)]);
  }
  return out;
}

function encodeGroup(keyGroup: number, blob: KeyGroupBlob): Uint8Array {
  try {
    return encodeKeyGroup(blob);
  } catch (error) {
    throw userError(
      ErrorCodes.STATE_ACCESS,
      `keyed state or timers of key group ${keyGroup} cannot be encoded for a checkpoint (${String(error)}); keep state values, keys and namespaces to plain data`,
      error,
    );
  }
}

/**
 * Loads key groups into a fresh backend and time service manager, before the operator opens
 * (states and timer services register in `open()` and then pick up what was restored). Every
 * key group must lie in `backend.keyGroupRange` and appear once; otherwise, and for bytes that
 * do not decode, it throws an internal error before loading anything.
 */
export function restoreKeyedState(
  backend: KeyedStateBackend,
  timers: TimeServiceManager | undefined,
  groups: Iterable<readonly [number, Uint8Array]>,
): void {
  const { start, end } = backend.keyGroupRange;
  const seen = new Set<number>();
  const blobs: Array<[number, KeyGroupBlob]> = [];
  for (const [keyGroup, bytes] of groups) {
    if (!Number.isInteger(keyGroup) || keyGroup < start || keyGroup > end) {
      throw internal(`key group ${keyGroup} was assigned to a subtask with key group range ${start}..${end}`);
    }
    if (seen.has(keyGroup)) throw internal(`key group ${keyGroup} was assigned twice to one subtask`);
    seen.add(keyGroup);
    blobs.push([keyGroup, decodeGroup(keyGroup, bytes)]);
  }
  for (const [keyGroup, blob] of blobs) {
    if (blob.timers !== null && timers === undefined) {
      throw internal(
        `key group ${keyGroup} holds timers but there is no timer service manager to restore them into`,
      );
    }
  }
  for (const [keyGroup, blob] of blobs) {
    if (blob.state !== null) backend.restoreKeyGroup(keyGroup, blob.state);
    if (blob.timers !== null) timers!.restoreKeyGroup(keyGroup, blob.timers);
  }
}

function decodeGroup(keyGroup: number, bytes: Uint8Array): KeyGroupBlob {
  let blob: unknown;
  try {
    blob = decode(bytes);
  } catch (error) {
    throw internal(`key group ${keyGroup} of the snapshot does not decode`, error);
  }
  const { state, timers } = (blob ?? {}) as Partial<KeyGroupBlob>;
  if (typeof blob !== 'object' || blob === null || state === undefined || timers === undefined) {
    throw internal(`key group ${keyGroup} of the snapshot is not a keyed state blob`);
  }
  return { state, timers };
}
