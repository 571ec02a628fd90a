/**
 * The sink contract, after Flink's Sink V2: a writer per parallel subtask, and for
 * transactional sinks a committer. The writer turns records into committables when asked to
 * prepare a commit (on a checkpoint barrier, or at end of input); the committer makes them
 * visible once the checkpoint is complete. A commit must be safe to repeat, because after a
 * crash the last committables are committed again.
 */

/** What a writer knows about a record. */
export interface SinkWriterContext {
  /** The record's timestamp, or undefined. */
  timestamp(): number | undefined;
  currentWatermark(): number;
}

/** What a writer knows about where it runs. */
export interface SinkInitContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  /** 0 on the first run, incremented on each restart. */
  readonly attemptNumber: number;
  currentProcessingTime(): number;
  /** The job's id; file names and transaction ids use it to stay unique across jobs. */
  readonly jobId: string;
  /**
   * Unique for this run of the job: a new value for every attempt and every process start.
   * Names of files or transactions a writer creates should contain it, so that recovery can
   * tell what an earlier attempt left behind from what this attempt is writing. Never reuse
   * one; a short file-name-safe string such as a UUID is best.
   */
  readonly attemptId: string;
  /** The checkpoint this attempt was restored from, or undefined on a fresh start. */
  readonly restoredCheckpointId: number | undefined;
  /**
   * The job's name and the sink operator's uid: unlike `jobId`, both stay the same across
   * restarts and resubmissions of one job, so together they tell this sink's leftovers (e.g.
   * prepared transactions of a crashed run) from another job's. Undefined outside the runtime
   * (test harnesses).
   */
  readonly jobName?: string;
  readonly operatorUid?: string;
  /**
   * Runs `callback` in the task loop once processing time has reached `time`, never
   * concurrently with `write`, `flush` or a barrier, and not after end of input has been
   * flushed; returns a function that cancels it. For flushing a buffer on a quiet stream.
   * Undefined outside the runtime (test harnesses).
   */
  scheduleProcessingTime?(time: number, callback: (time: number) => void): () => void;
}

/** Writes records. Called from the task loop, never concurrently. */
export interface SinkWriter<T> {
  write(value: T, context: SinkWriterContext): void;
  /**
   * For writers that send asynchronously (`write` cannot wait): undefined while the writer takes
   * more records, or a promise that resolves once it does again (e.g. while too many batches
   * are in flight). The task checks it before each input step (a batch of records, so a step
   * may overshoot by one batch) and meanwhile feeds nothing, counting the wait as backpressure,
   * which then reaches the sources like a lack of credit does. Checkpoint barriers queue behind
   * records, so the promise must resolve by the writer's own progress, never wait for a
   * barrier, and also resolve when the writer fails (the next `write` then throws). Leave it
   * out when `write` does its work at once: a writer without it costs the task nothing.
   */
  isAvailable?(): Promise<void> | undefined;
  /** Pushes buffered data out; `endOfInput` is true for the last call. */
  flush(endOfInput: boolean): void | Promise<void>;
  writeWatermark?(watermark: number): void;
  close(): void | Promise<void>;
}

/**
 * A writer that produces committables for a two-phase commit. On a barrier the runtime calls
 * `flush(false)`, `prepareCommit()` and `snapshotState(id)`, in that order and with no write in
 * between. Checkpoint `id` stores the writer state and, per subtask, every committable not yet
 * committed: the new ones and those of earlier checkpoints that did not complete or whose
 * commit has not run, because completing `id` must commit them all.
 */
export interface CommittingSinkWriter<T, C> extends SinkWriter<T> {
  /** Called after `flush`, on a barrier or at end of input: what the committer should commit. */
  prepareCommit(): C[] | Promise<C[]>;
  /**
   * The writer's own state (e.g. in-progress files) for a checkpoint, called after
   * `prepareCommit`: what that returned is in the committables, not in this state. Each entry is
   * restored into exactly one subtask (redistributed like split operator state, never as union).
   */
  snapshotState?(checkpointId: number): unknown[];
}

/** Makes committables visible. `commit` must be idempotent. */
export interface Committer<C> {
  commit(committables: C[]): void | Promise<void>;
  close(): void | Promise<void>;
}

/** Where records leave the job. */
export interface Sink<T> {
  createWriter(context: SinkInitContext, restoredState?: unknown[]): SinkWriter<T>;
}

/** A sink with a two-phase commit. */
export interface TwoPhaseCommittingSink<T, C> extends Sink<T> {
  createWriter(context: SinkInitContext, restoredState?: unknown[]): CommittingSinkWriter<T, C>;
  createCommitter(): Committer<C>;
  /**
   * Removes what earlier attempts left behind that the restored checkpoint does not reference
   * (e.g. in-progress files written after it). Called once per restored attempt, by subtask 0,
   * with the writer state and committables of every subtask of the checkpoint, before subtask 0
   * writes. Anything named with `currentAttemptId` belongs to the running attempt and must stay.
   * After a failure before any checkpoint completed, call it with empty lists, so that what the
   * failed attempt wrote goes too. `context` is subtask 0's, as its writer will get it (the
   * runtime passes it; test harnesses may not).
   */
  cleanupAfterRestore?(
    writerState: readonly unknown[],
    committables: readonly C[],
    currentAttemptId: string,
    context?: SinkInitContext,
  ): void | Promise<void>;
}

/** Whether a sink commits in two phases. */
export function isTwoPhaseCommittingSink<T>(sink: Sink<T>): sink is TwoPhaseCommittingSink<T, unknown> {
  return typeof (sink as Partial<TwoPhaseCommittingSink<T, unknown>>).createCommitter === 'function';
}
