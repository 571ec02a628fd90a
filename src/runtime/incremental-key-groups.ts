/**
 * Incremental checkpoints at the granularity of key groups. Every key group's snapshot blob is
 * named by its SHA-256; a blob that the last completed checkpoint already holds goes out as its
 * name alone, so a checkpoint carries (and storage writes) only the key groups that changed.
 *
 * "Already holds" means the last checkpoint this task was told completed: only then is the blob
 * known to be in storage. A checkpoint that fails or is never confirmed changes nothing here, so
 * the next one refers only to blobs of a completed checkpoint.
 */
import { createHash } from 'node:crypto';
import type { SharedKeyGroupState } from './snapshot.js';

/** The blobs of one task's keyed state across its checkpoints. */
export class IncrementalKeyGroups {
  private stored = new Set<string>();
  private readonly pending = new Map<number, Set<string>>();

  /** The key groups of checkpoint `checkpointId`, as shared blobs. */
  share(
    checkpointId: number,
    keyGroups: readonly (readonly [number, Uint8Array])[],
  ): Array<readonly [number, SharedKeyGroupState]> {
    const names = new Set<string>();
    const out: Array<readonly [number, SharedKeyGroupState]> = [];
    for (const [keyGroup, bytes] of keyGroups) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      names.add(sha256);
      out.push([
        keyGroup,
        this.stored.has(sha256)
          ? { sha256, length: bytes.byteLength }
          : { sha256, length: bytes.byteLength, bytes },
      ]);
    }
    this.pending.set(checkpointId, names);
    return out;
  }

  /** Checkpoint `checkpointId` completed: its blobs are in storage from now on. */
  completed(checkpointId: number): void {
    const names = this.pending.get(checkpointId);
    if (names !== undefined) this.stored = names;
    for (const id of this.pending.keys()) if (id <= checkpointId) this.pending.delete(id);
  }
}
