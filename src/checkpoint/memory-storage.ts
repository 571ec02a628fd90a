/**
 * Checkpoint storage in the job's own memory, for jobs that enable checkpointing without a
 * checkpoint directory. It serves failover inside one run of a job (a failed task restarts from
 * the last checkpoint) and is gone when the process exits. Savepoints still need a directory,
 * because a savepoint exists to outlive the process.
 */
import { subtaskStateSize } from '../runtime/snapshot.js';
import { ErrorCodes, userError } from '../types/errors.js';
import type { CheckpointData, CheckpointStorage, StoredCheckpoint } from './checkpoint-data.js';
import { readCheckpointPath, writeSavepointDirectory } from './file-storage.js';

const SCHEME = 'memory://';

/** Keeps checkpoints in memory; see the module comment. Paths look like `memory://<job>/chk-<n>`. */
export class MemoryCheckpointStorage implements CheckpointStorage {
  /** By job name, oldest first. */
  private readonly checkpoints = new Map<string, CheckpointData[]>();
  /** Names of jobs whose latest run finished. */
  private readonly finished = new Set<string>();

  /** Keeps `data` as is: snapshots are immutable bytes, so no copy is needed. */
  async writeCheckpoint(data: CheckpointData): Promise<StoredCheckpoint> {
    const list = this.checkpoints.get(data.jobName) ?? [];
    const kept = list.filter((c) => c.checkpointId !== data.checkpointId);
    kept.push(data);
    kept.sort((a, b) => a.checkpointId - b.checkpointId);
    this.checkpoints.set(data.jobName, kept);
    return { checkpointId: data.checkpointId, path: pathOf(data), sizeBytes: sizeOf(data), savepoint: false };
  }

  /** Writes a savepoint directory under `dir`; without one, rejects saying to pass one. */
  async writeSavepoint(data: CheckpointData, dir?: string): Promise<StoredCheckpoint> {
    if (dir === undefined) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'this job keeps checkpoints in memory, so a savepoint needs a directory; pass one for the savepoint',
      );
    }
    return writeSavepointDirectory(dir, data);
  }

  async setFinished(jobName: string, finished: boolean): Promise<void> {
    if (finished) this.finished.add(jobName);
    else this.finished.delete(jobName);
  }

  async isFinished(jobName: string): Promise<boolean> {
    return this.finished.has(jobName);
  }

  /** The newest checkpoint of the job, or undefined. */
  async readLatest(jobName: string): Promise<CheckpointData | undefined> {
    return this.checkpoints.get(jobName)?.at(-1);
  }

  async highestCheckpointId(jobName: string): Promise<number> {
    return this.checkpoints.get(jobName)?.at(-1)?.checkpointId ?? 0;
  }

  /** Reads a `memory://` checkpoint of this storage, or a checkpoint or savepoint directory. */
  async read(path: string): Promise<CheckpointData> {
    if (!path.startsWith(SCHEME)) return readCheckpointPath(path);
    const match = /^memory:\/\/(.*)\/chk-(\d+)$/.exec(path);
    const jobName = match === null ? undefined : decodeURIComponent(match[1]!);
    const found =
      jobName === undefined
        ? undefined
        : this.checkpoints.get(jobName)?.find((c) => c.checkpointId === Number(match![2]));
    if (found === undefined) {
      throw userError(
        ErrorCodes.CHECKPOINT_UNUSABLE,
        `no in-memory checkpoint ${path} (in-memory checkpoints do not outlive the process); restore from a savepoint or a checkpoint directory`,
      );
    }
    return found;
  }

  /** Keeps the newest `retain` checkpoints of the job. */
  async prune(jobName: string, retain: number): Promise<void> {
    if (!Number.isInteger(retain) || retain < 0) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `checkpoints to retain must be an integer >= 0, got ${retain}`,
      );
    }
    const list = this.checkpoints.get(jobName);
    if (list !== undefined) list.splice(0, Math.max(0, list.length - retain));
  }
}

function pathOf(data: CheckpointData): string {
  return `${SCHEME}${encodeURIComponent(data.jobName)}/chk-${data.checkpointId}`;
}

function sizeOf(data: CheckpointData): number {
  let size = 0;
  for (const op of data.operators) {
    for (const subtask of op.subtasks) size += subtaskStateSize(subtask);
    size += op.coordinatorState?.byteLength ?? 0;
  }
  return size;
}
