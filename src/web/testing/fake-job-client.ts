/**
 * A scripted {@link JobClient} for testing what talks to jobs (the REST API, the CLI) without
 * running one. Tests set its status, metrics and checkpoint statistics directly, choose how a
 * savepoint turns out, and read back which calls it received.
 */
import {
  type CheckpointStats,
  JobExecutionResult,
  type JobClient,
  type JobStatus,
  NO_CHECKPOINTS,
  type TaskSnapshot,
} from '../../runtime/job-client.js';

export { NO_CHECKPOINTS };

/** What a fake job starts as; everything is optional. */
export interface FakeJobOptions {
  readonly jobId?: string;
  readonly jobName?: string;
  readonly startTime?: number;
  readonly status?: JobStatus;
  readonly tasks?: TaskSnapshot[];
  readonly restarts?: number;
  readonly checkpoints?: CheckpointStats;
  /** Where savepoints go when no directory is given; without it, a savepoint without one fails. */
  readonly defaultSavepointDir?: string;
}

/** A {@link JobClient} whose answers the test sets. */
export class FakeJobClient implements JobClient {
  readonly jobId: string;
  readonly jobName: string;
  readonly startTime: number;
  readonly result: Promise<JobExecutionResult>;
  currentStatus: JobStatus;
  currentTasks: TaskSnapshot[];
  restartCount: number;
  checkpointStats: CheckpointStats;
  defaultSavepointDir: string | undefined;
  /** When set, the next savepoint or stop rejects with it. */
  savepointFailure: Error | undefined;
  /** Calls received, in order. */
  readonly calls: string[] = [];
  private savepoints = 0;
  private settle!: { resolve: (r: JobExecutionResult) => void; reject: (e: unknown) => void };

  constructor(options: FakeJobOptions = {}) {
    this.jobId = options.jobId ?? 'job-1';
    this.jobName = options.jobName ?? 'fake-job';
    this.startTime = options.startTime ?? 0;
    this.currentStatus = options.status ?? 'running';
    this.currentTasks = options.tasks ?? [];
    this.restartCount = options.restarts ?? 0;
    this.checkpointStats = options.checkpoints ?? NO_CHECKPOINTS;
    this.defaultSavepointDir = options.defaultSavepointDir;
    this.result = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Tests that never await the result must not see an unhandled rejection.
    this.result.catch(() => {});
  }

  status(): JobStatus {
    return this.currentStatus;
  }

  tasks(): TaskSnapshot[] {
    return this.currentTasks;
  }

  restarts(): number {
    return this.restartCount;
  }

  checkpoints(): CheckpointStats {
    return this.checkpointStats;
  }

  cancel(): void {
    this.calls.push('cancel');
    this.currentStatus = 'cancelled';
    this.settle.reject(new Error(`job ${this.jobName} (${this.jobId}) was cancelled`));
  }

  async triggerSavepoint(dir?: string): Promise<string> {
    this.calls.push(`savepoint ${dir ?? '(default)'}`);
    return this.takeSavepoint(dir);
  }

  async stopWithSavepoint(dir?: string): Promise<string> {
    this.calls.push(`stop ${dir ?? '(default)'}`);
    const path = this.takeSavepoint(dir);
    this.finish();
    return path;
  }

  /** Ends the job successfully. */
  finish(runtime = 1000): void {
    this.currentStatus = 'finished';
    this.settle.resolve(new JobExecutionResult(this.jobId, this.jobName, runtime));
  }

  /** Ends the job with a failure. */
  fail(error: Error): void {
    this.currentStatus = 'failed';
    this.settle.reject(error);
  }

  private takeSavepoint(dir: string | undefined): string {
    if (this.savepointFailure !== undefined) throw this.savepointFailure;
    const base = dir ?? this.defaultSavepointDir;
    if (base === undefined) throw new Error('no savepoint directory given and none configured');
    this.savepoints++;
    return `${base}/savepoint-${this.jobId}-${this.savepoints}`;
  }
}

/** One subtask's metrics, with zeros wherever `overrides` says nothing. */
export function taskSnapshot(overrides: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return {
    vertexId: 1,
    vertexName: 'Source: numbers',
    subtaskIndex: 0,
    isSource: false,
    recordsIn: 0,
    recordsOut: 0,
    watermark: Number.NEGATIVE_INFINITY,
    backpressuredMs: 0,
    backpressureRatio: 0,
    inputBufferUsage: 0,
    sinkRecordsIn: 0,
    inputQueueLength: 0,
    ...overrides,
  };
}
