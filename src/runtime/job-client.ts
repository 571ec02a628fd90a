/**
 * What a running job gives back: its id, live task metrics, a way to cancel it, and the result
 * once it has finished.
 */
import type { TaskMetrics } from './task.js';

/** The outcome of a finished job. */
export class JobExecutionResult {
  constructor(
    readonly jobId: string,
    readonly jobName: string,
    /** Wall-clock run time in ms. */
    readonly netRuntime: number,
  ) {}

  /** Run time in ms. */
  getNetRuntime(): number {
    return this.netRuntime;
  }

  getJobID(): string {
    return this.jobId;
  }
}

/** The lifecycle states of a job; `restarting` lies between a failure and the next attempt. */
export type JobStatus = 'running' | 'restarting' | 'finished' | 'failed' | 'cancelled';

/** One checkpoint or savepoint, as statistics show it. */
export interface CheckpointSummary {
  readonly id: number;
  readonly savepoint: boolean;
  readonly status: 'in-progress' | 'completed' | 'failed';
  /** When it was triggered, ms since the epoch. */
  readonly triggerTimestamp: number;
  /** Trigger to completion (or failure), ms; undefined while in progress. */
  readonly durationMs: number | undefined;
  /** Bytes of state written; 0 until completed. */
  readonly sizeBytes: number;
  /** Where it was stored, once completed. */
  readonly path: string | undefined;
  /** Why it failed. */
  readonly failureMessage: string | undefined;
}

/** Checkpoint statistics of a job, across its restarts. */
export interface CheckpointStats {
  readonly completed: number;
  readonly failed: number;
  readonly inProgress: number;
  readonly latestCompleted: CheckpointSummary | undefined;
  /** The most recent checkpoints, newest first, at most 10. */
  readonly history: readonly CheckpointSummary[];
  /** The checkpoint or savepoint the job was restored from last, if any. */
  readonly restored: { readonly id: number; readonly path: string | undefined } | undefined;
}

/** Checkpoint statistics of a job that has taken none. */
export const NO_CHECKPOINTS: CheckpointStats = {
  completed: 0,
  failed: 0,
  inProgress: 0,
  latestCompleted: undefined,
  history: [],
  restored: undefined,
};

/** Metrics of one subtask, by vertex. */
export interface TaskSnapshot extends TaskMetrics {
  readonly vertexId: number;
  readonly vertexName: string;
  readonly subtaskIndex: number;
  /** True when the subtask's chain starts with a source. */
  readonly isSource: boolean;
  /** Events waiting in the subtask's input channels: a sign of backpressure from it. */
  readonly inputQueueLength: number;
}

/** A handle on a submitted job. */
export interface JobClient {
  readonly jobId: string;
  readonly jobName: string;
  readonly startTime: number;
  status(): JobStatus;
  /** Current metrics of every subtask. */
  tasks(): TaskSnapshot[];
  /** Stops the job; its result then rejects with a cancellation error. */
  cancel(): void;
  /** Number of restarts after failures so far. */
  restarts(): number;
  /** Checkpoint statistics; all zero when checkpointing is off. */
  checkpoints(): CheckpointStats;
  /**
   * Takes a savepoint into `dir` (or the configured default) and resolves with its path.
   * Rejects with a clear error when the job is not running or no directory is known.
   */
  triggerSavepoint(dir?: string): Promise<string>;
  /**
   * Takes a savepoint, commits the sinks' output up to it, then stops the job, which ends as
   * `finished`. Resolves with the savepoint's path.
   */
  stopWithSavepoint(dir?: string): Promise<string>;
  /** Resolves when the job finishes, rejects when it fails or is cancelled. */
  readonly result: Promise<JobExecutionResult>;
}
