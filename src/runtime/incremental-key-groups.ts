/**
 * Incremental checkpoints at the granularity of key groups. Every key group's snapshot blob is
 * named by its SHA-256; a blob that the last completed checkpoint already holds goes out as its
 * name alone, so a checkpoint carries (and storage writes) only the key groups that changed.
 *
 * "Already holds" means the last checkpoint this task was told completed: only then is the blob
 * known to be in storage. A checkpoint that fails or is never confirmed changes nothing here, so
 * the next one refers only to blobs of a completed checkpoint.
 *
 * The snapshot itself is incremental too: the backend and the timer service report which key
 * groups changed since the previous snapshot (`takeChangedKeyGroups`), and only those are
 * encoded and hashed; every other group keeps the blob of the previous snapshot, without being
 * read. Such a blob is sent by name when the last completed checkpoint holds it, and otherwise
 * with its bytes, which are kept here until a completed checkpoint holds them, since the
 * checkpoint that first carried them may be aborted.
 */
import { createHash } from 'node:crypto';
import type { KeyedStateBackend } from '../state/backend.js';
import { snapshotKeyedState } from '../state/keyed-snapshot.js';
import type { TimeServiceManager } from '../state/timers.js';
import type { SharedKeyGroupState } from './snapshot.js';

/** A key group's blob as of the previous snapshot. */
interface Blob {
  readonly sha256: string;
  readonly length: number;
  /** The checkpoint whose snapshot encoded it. */
  readonly since: number;
  /** Kept until a checkpoint completes that holds the blob and is not older than it. */
  bytes: Uint8Array | undefined;
}

/** The blobs of one task's keyed state across its checkpoints. */
export class IncrementalKeyGroups {
  private stored = new Set<string>();
  private readonly pending = new Map<number, Set<string>>();
  /** Each non-empty key group's blob as of the previous {@link snapshot}. */
  private readonly blobs = new Map<number, Blob>();
  /** A snapshot failed after taking the changed key groups: the next one encodes everything. */
  private failed = false;

  /**
   * The keyed state and timers of checkpoint `checkpointId` as shared blobs, sorted by key
   * group, encoding only the key groups that changed since the previous call. Call it between
   * records, as `snapshotKeyedState`.
   */
  snapshot(
    checkpointId: number,
    backend: KeyedStateBackend,
    timers: TimeServiceManager | undefined,
  ): Array<readonly [number, SharedKeyGroupState]> {
    const blobs = this.blobs;
    let changed = changedKeyGroups(backend, timers);
    if (this.failed) changed = undefined;
    if (changed !== undefined) {
      // A blob without bytes that storage may not hold is encoded again (see `completed`: it
      // does not happen, but costs nothing to rule out).
      for (const [keyGroup, blob] of blobs) {
        if (blob.bytes === undefined && !this.stored.has(blob.sha256) && !changed.has(keyGroup)) {
          changed = new Set(changed).add(keyGroup);
        }
      }
    }
    // Until this snapshot is through, the marks it took exist nowhere else.
    this.failed = true;
    const encoded = snapshotKeyedState(backend, timers, changed);
    if (changed === undefined) blobs.clear();
    else for (const keyGroup of changed) blobs.delete(keyGroup);
    for (const [keyGroup, bytes] of encoded) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      blobs.set(keyGroup, { sha256, length: bytes.byteLength, since: checkpointId, bytes });
    }
    this.failed = false;
    const names = new Set<string>();
    const out: Array<readonly [number, SharedKeyGroupState]> = [];
    for (const keyGroup of [...blobs.keys()].sort((a, b) => a - b)) {
      const blob = blobs.get(keyGroup)!;
      const { sha256, length } = blob;
      names.add(sha256);
      if (this.stored.has(sha256)) {
        out.push([keyGroup, { sha256, length }]);
      } else {
        out.push([keyGroup, { sha256, length, bytes: blob.bytes! }]);
      }
    }
    this.pending.set(checkpointId, names);
    return out;
  }

  /** Checkpoint `checkpointId` completed: its blobs are in storage from now on. */
  completed(checkpointId: number): void {
    const names = this.pending.get(checkpointId);
    if (names !== undefined) {
      this.stored = names;
      // Only a blob encoded by this checkpoint or an earlier one: its group has kept it since,
      // so every later checkpoint holds it too, and the bytes are not needed again. A blob
      // encoded later with the same content (a group changed back) may be left out of a
      // checkpoint completing next, between the two.
      for (const blob of this.blobs.values()) {
        if (blob.since <= checkpointId && names.has(blob.sha256)) blob.bytes = undefined;
      }
    }
    for (const id of this.pending.keys()) if (id <= checkpointId) this.pending.delete(id);
  }
}

/** The union of what the backend and the timers changed; undefined when either cannot tell. */
function changedKeyGroups(
  backend: KeyedStateBackend,
  timers: TimeServiceManager | undefined,
): ReadonlySet<number> | undefined {
  // Both are taken, whatever the other says, so that both start tracking afresh.
  const state = backend.takeChangedKeyGroups?.();
  const timerGroups = timers === undefined ? new Set<number>() : timers.takeChangedKeyGroups?.();
  if (state === undefined || timerGroups === undefined) return undefined;
  if (timerGroups.size === 0) return state;
  const union = new Set(state);
  for (const keyGroup of timerGroups) union.add(keyGroup);
  return union;
}
