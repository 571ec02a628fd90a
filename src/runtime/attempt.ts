/**
 * An attempt is one run of a job graph, from a fresh start or a checkpoint, until it finishes
 * or fails. Restarts and checkpoint coordination live above, in the checkpoint layer, which
 * starts a new attempt after a failure. An attempt runs its tasks either on this thread or on
 * worker threads (see {@link ThreadedExecution}); both give the same handle.
 */
import type { Clock } from '../time/clock.js';
import type { BarrierEvent } from '../types/elements.js';
import type { CheckpointingMode } from './barrier-aligner.js';
import type { TaskSnapshot } from './job-client.js';
import type { JobGraph } from './job-graph.js';
import { startLocalAttempt } from './local-executor.js';
import type { TaskCheckpointAck, TaskRestoreState } from './snapshot.js';
import { startThreadedAttempt } from './threads/threaded-attempt.js';

export { taskKey } from './channel-plan.js';

/** What an attempt starts from when it restores a checkpoint. */
export interface AttemptRestore {
  /** By task key (see {@link taskKey}). */
  readonly tasks: ReadonlyMap<string, TaskRestoreState>;
  /** Encoded enumerator state by source operator uid. */
  readonly coordinators: ReadonlyMap<string, Uint8Array>;
}

/** Receives an attempt's checkpoint events; called on the thread that started the attempt. */
export interface AttemptCheckpointListener {
  readonly mode: CheckpointingMode;
  onAcknowledge(ack: TaskCheckpointAck): void;
  /** Every source task has read all its input and waits for a final checkpoint. */
  onSourcesDrained(): void;
}

/**
 * How a worker thread gets the job graph. Operators are closures and cannot be sent to another
 * thread, so each worker rebuilds the graph by importing `module` and calling its
 * `loadJobGraph(args)`; `args` must be structured-cloneable.
 */
export interface GraphProvider {
  readonly module: string;
  readonly args: unknown;
}

/** Run the attempt's tasks on worker threads, one thread per slot. */
export interface ThreadedExecution {
  readonly provider: GraphProvider;
  /** Worker threads to spread subtasks over; subtask `i` of every vertex shares slot `i mod slots`. */
  readonly slots: number;
}

/** Options of {@link startAttempt}. */
export interface AttemptOptions {
  readonly clock?: Clock;
  /** 0 for the first attempt, then counts restarts. */
  readonly attemptNumber?: number;
  /** Unique for this attempt. */
  readonly attemptId?: string;
  readonly restore?: AttemptRestore;
  /** Set when the job takes checkpoints. */
  readonly checkpointing?: AttemptCheckpointListener;
  /** Set to run tasks on worker threads; otherwise they run on this thread. */
  readonly threads?: ThreadedExecution;
}

/** A running attempt of a job. */
export interface ExecutionAttempt {
  /** Current metrics of every subtask. */
  tasks(): TaskSnapshot[];
  /** Number of tasks, each of which acknowledges every checkpoint. */
  readonly taskCount: number;
  /**
   * Snapshots the source enumerators, then injects the barrier at every source task. Returns
   * the enumerators' encoded state by source uid.
   */
  triggerCheckpoint(barrier: BarrierEvent): Map<string, Uint8Array>;
  /** Tells every task that a checkpoint completed; resolves once sinks have committed. */
  notifyCheckpointComplete(checkpointId: number): Promise<void>;
  /** Lets drained sources end, after the final checkpoint. */
  finishSources(): void;
  /** Stops every task with `reason`. */
  cancel(reason: Error): void;
  /** Resolves when every task finished (and every worker thread exited); rejects with the first failure. */
  readonly result: Promise<void>;
}

/** Starts an attempt and returns its handle at once. */
export function startAttempt(job: JobGraph, options: AttemptOptions = {}): ExecutionAttempt {
  return options.threads === undefined
    ? startLocalAttempt(job, options)
    : startThreadedAttempt(job, options, options.threads);
}
