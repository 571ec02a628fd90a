/**
 * A completed checkpoint or savepoint as it is stored: per operator uid, the state of every
 * subtask at the parallelism it was taken with, plus the source enumerators' state. Restoring
 * maps it onto a job graph by uid (see `state-assignment.ts`).
 */
import type { OperatorSubtaskState } from '../runtime/snapshot.js';

/** The format version written into metadata; a reader refuses versions it does not know. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** The state of one operator across its subtasks. */
export interface OperatorCheckpointState {
  readonly uid: string;
  /** The operator's name, for messages. */
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Index = subtask index at the time of the checkpoint; length = `parallelism`. */
  readonly subtasks: readonly OperatorSubtaskState[];
  /** For a source: its split enumerator's state, encoded. */
  readonly coordinatorState?: Uint8Array;
}

/** Everything a checkpoint holds. */
export interface CheckpointData {
  readonly jobName: string;
  readonly jobId: string;
  readonly checkpointId: number;
  /** When the checkpoint was triggered, ms since the epoch. */
  readonly timestamp: number;
  readonly savepoint: boolean;
  readonly operators: readonly OperatorCheckpointState[];
}

/** A checkpoint that storage holds, with where it lives. */
export interface StoredCheckpoint {
  readonly checkpointId: number;
  /** Directory of the checkpoint or savepoint; `--restore` accepts it. */
  readonly path: string;
  readonly sizeBytes: number;
  readonly savepoint: boolean;
}

/** Where checkpoints are written and found again. */
export interface CheckpointStorage {
  /**
   * Writes a checkpoint of the job; resolves once it is durable (metadata written last).
   * Checkpoint ids of a job must keep increasing across restarts, since the newest id wins.
   */
  writeCheckpoint(data: CheckpointData): Promise<StoredCheckpoint>;
  /** Writes a self-contained savepoint into `dir` (or the default savepoint dir). */
  writeSavepoint(data: CheckpointData, dir?: string): Promise<StoredCheckpoint>;
  /**
   * The newest complete, intact checkpoint of the job, or undefined. Corrupt or partial ones
   * are skipped with a warning naming them.
   */
  readLatest(jobName: string): Promise<CheckpointData | undefined>;
  /** Reads the checkpoint or savepoint at `path`; rejects with a clear error if it is unusable. */
  read(path: string): Promise<CheckpointData>;
  /**
   * The largest checkpoint id the job has in storage, complete or not (0 if none): new
   * checkpoints must take larger ids, so they never replace or sort below older ones.
   */
  highestCheckpointId(jobName: string): Promise<number>;
  /**
   * Deletes all but the newest `retain` complete checkpoints of the job, and incomplete ones
   * older than the newest complete one. Never deletes savepoints.
   */
  prune(jobName: string, retain: number): Promise<void>;
  /**
   * Records that the job's latest run ran to the end of its input (`true`), or clears that
   * record when a new run starts (`false`). A finished job has nothing left to resume, so
   * restoring its 'latest' checkpoint is refused rather than replaying input it already
   * processed; its checkpoints stay, and an explicit path still restores one.
   */
  setFinished(jobName: string, finished: boolean): Promise<void>;
  /** True if the job's latest run ran to the end of its input (see {@link setFinished}). */
  isFinished(jobName: string): Promise<boolean>;
}
