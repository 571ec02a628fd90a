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

/** The lifecycle states of a job. */
export type JobStatus = 'running' | 'finished' | 'failed' | 'cancelled';

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
  /** Resolves when the job finishes, rejects when it fails or is cancelled. */
  readonly result: Promise<JobExecutionResult>;
}
