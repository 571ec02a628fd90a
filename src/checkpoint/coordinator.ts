/**
 * The checkpoint coordinator of one job, across its attempts. It triggers checkpoints every
 * interval (respecting the minimum pause and the bound on concurrent checkpoints), collects
 * every task's acknowledgement, writes the checkpoint to storage, and only once it is durable
 * notifies the tasks, whose sinks then commit. A checkpoint that times out or cannot be written
 * fails; more consecutive failures than tolerated fail the job.
 *
 * When every source has read all its input, a final checkpoint is taken at once (after the one
 * in flight, if any; no periodic checkpoint follows it). Its barrier tells the sources to send
 * end-of-data ahead of it, so every task finishes its operators before its snapshot: the output
 * they emit while finishing is committed by this checkpoint, and their keyed state, garbage by
 * then, is left out of it. After it completes the sources may end, so everything the job
 * produced is committed before it ends.
 */
import type { ExecutionAttempt, AttemptCheckpointListener } from '../runtime/attempt.js';
import type { CheckpointStats, CheckpointSummary } from '../runtime/job-client.js';
import type { JobGraph } from '../runtime/job-graph.js';
import type { CheckpointingMode } from '../runtime/barrier-aligner.js';
import { type OperatorSubtaskState, type TaskCheckpointAck, subtaskStateSize } from '../runtime/snapshot.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import type {
  CheckpointData,
  CheckpointStorage,
  OperatorCheckpointState,
  StoredCheckpoint,
} from './checkpoint-data.js';

/** How a job takes checkpoints. */
export interface CheckpointSettings {
  readonly storage: CheckpointStorage;
  /** Periodic checkpoint interval, ms; 0 or less takes only final checkpoints and savepoints. */
  readonly interval: number;
  readonly mode: CheckpointingMode;
  readonly minPause: number;
  readonly timeout: number;
  readonly tolerableFailures: number;
  readonly maxConcurrent: number;
  readonly maxRetained: number;
  /** Where savepoints go when no directory is given. */
  readonly savepointDir: string | undefined;
}

/** Settings of a coordinator. */
export interface CoordinatorOptions extends CheckpointSettings {
  readonly job: JobGraph;
  /** New checkpoint ids start after this one: the restored id or the highest in storage. */
  readonly lastCheckpointId: number;
  /** Called when checkpoints failed more often than tolerated; the job must fail. */
  readonly onFatal: (error: Error) => void;
}

interface Pending {
  readonly id: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
  readonly final: boolean;
  readonly dir: string | undefined;
  readonly attempt: ExecutionAttempt;
  readonly acks: Map<string, TaskCheckpointAck>;
  coordinatorStates: Map<string, Uint8Array>;
  timer: ReturnType<typeof setTimeout> | undefined;
  writing: boolean;
  readonly waiters: { resolve(stored: StoredCheckpoint): void; reject(error: Error): void }[];
}

const HISTORY_SIZE = 10;

/** Resolves once `pending` completed or failed, either way. */
function settledOf(pending: Pending): Promise<void> {
  return new Promise((resolve) => {
    pending.waiters.push({ resolve: () => resolve(), reject: () => resolve() });
  });
}

/** See the module comment. */
export class CheckpointCoordinator {
  private attempt: ExecutionAttempt | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId: number;
  private periodicTimer: ReturnType<typeof setTimeout> | undefined;
  private periodicStopped = false;
  private lastTrigger = 0;
  private lastCompletion = 0;
  private consecutiveFailures = 0;
  private finalRequested = false;
  private latest: CheckpointData | undefined;
  /**
   * The shared key-group blobs of the newest completed checkpoints, newest first (two, since a
   * task may not have heard of the newest yet when it snapshots): tasks send a blob's bytes
   * only once, and later checkpoints that refer to it get the bytes from here.
   */
  private sharedBlobs: Map<string, Uint8Array>[] = [];
  private readonly history: CheckpointSummary[] = [];
  private completedCount = 0;
  private failedCount = 0;
  private restoredFrom: { id: number; path: string | undefined } | undefined;

  constructor(private readonly options: CoordinatorOptions) {
    this.nextId = options.lastCheckpointId + 1;
  }

  /** The newest completed checkpoint or savepoint, to restore the next attempt from. */
  get latestCompleted(): CheckpointData | undefined {
    return this.latest;
  }

  /** Records what the job was restored from, for statistics. */
  setRestoredFrom(id: number, path: string | undefined): void {
    this.restoredFrom = { id, path };
  }

  /** The listener an attempt reports to; events of earlier attempts are ignored. */
  listenerFor(attempt: () => ExecutionAttempt | undefined): AttemptCheckpointListener {
    return {
      mode: this.options.mode,
      onAcknowledge: (ack) => {
        const current = attempt();
        if (current !== undefined && current === this.attempt) this.acknowledge(ack);
      },
      onSourcesDrained: () => {
        const current = attempt();
        if (current !== undefined && current === this.attempt) this.requestFinal();
      },
    };
  }

  /** Starts coordinating `attempt`. */
  attach(attempt: ExecutionAttempt): void {
    this.attempt = attempt;
    this.finalRequested = false;
    this.lastTrigger = Date.now();
    this.schedulePeriodic();
  }

  /** The attempt ended: pending checkpoints fail, savepoint requests reject. */
  detach(reason: string): void {
    this.attempt = undefined;
    this.clearPeriodic();
    for (const pending of [...this.pending.values()]) {
      this.abort(pending, `the job attempt ended (${reason})`, false);
    }
  }

  /**
   * Triggers the savepoint once no regular checkpoint is in flight. One that every task
   * acknowledged is being written or committed: abandoning it there would record as failed a
   * checkpoint whose sinks committed (or are committing) it, and a two-phase sink would take its
   * transaction for an aborted one at the savepoint's barrier. So the savepoint waits for those,
   * and abandons the others (again after each wait: the periodic trigger may have started one).
   */
  private async savepointAfterCompleting(target: string): Promise<StoredCheckpoint> {
    for (;;) {
      const completing: Promise<void>[] = [];
      for (const pending of [...this.pending.values()]) {
        if (pending.savepoint) continue;
        if (pending.writing) completing.push(settledOf(pending));
        else this.abort(pending, 'subsumed by a savepoint', false);
      }
      if (completing.length === 0) break;
      await Promise.all(completing);
    }
    return new Promise((resolve, reject) => {
      const pending = this.trigger(true, false, target);
      if (pending === undefined) {
        reject(new WeirError(ErrorCodes.CHECKPOINT_FAILED, 'the savepoint could not be triggered; retry'));
        return;
      }
      pending.waiters.push({ resolve, reject });
    });
  }

  /** No more periodic checkpoints (before stop-with-savepoint, and at shutdown). */
  stopPeriodic(): void {
    this.periodicStopped = true;
    this.clearPeriodic();
  }

  /**
   * Takes a savepoint into `dir` (or the default) and resolves once it is written and the
   * sinks have committed up to it. A regular checkpoint still in progress is abandoned, unless
   * every task acknowledged it: the savepoint then follows its completion.
   */
  triggerSavepoint(dir: string | undefined): Promise<StoredCheckpoint> {
    const target = dir ?? this.options.savepointDir;
    if (this.attempt === undefined) {
      return Promise.reject(
        new WeirError(
          ErrorCodes.CHECKPOINT_FAILED,
          'the job is not running, so no savepoint can be taken; retry once it runs',
        ),
      );
    }
    if (target === undefined) {
      return Promise.reject(
        new WeirError(
          ErrorCodes.INVALID_ARGUMENT,
          'no savepoint directory: pass one (weir savepoint <job-id> DIR) or run the job with --checkpoint-dir',
        ),
      );
    }
    return this.savepointAfterCompleting(target);
  }

  /** Statistics for the REST API. */
  stats(): CheckpointStats {
    const latestCompleted = this.history.find((c) => c.status === 'completed');
    return {
      completed: this.completedCount,
      failed: this.failedCount,
      inProgress: this.pending.size,
      latestCompleted,
      history: [...this.history],
      restored: this.restoredFrom,
    };
  }

  /** Stops everything; pending checkpoints fail. */
  shutdown(): void {
    this.stopPeriodic();
    this.detach('job ended');
  }

  private schedulePeriodic(): void {
    this.clearPeriodic();
    if (this.periodicStopped || this.options.interval <= 0 || this.attempt === undefined) return;
    const now = Date.now();
    const delay = Math.max(
      this.options.interval - (now - this.lastTrigger),
      this.options.minPause - (now - this.lastCompletion),
      0,
    );
    this.periodicTimer = setTimeout(() => {
      this.periodicTimer = undefined;
      if (this.pending.size >= Math.max(1, this.options.maxConcurrent)) return;
      if (this.finalRequested) return;
      this.trigger(false, false, undefined);
      this.schedulePeriodic();
    }, delay);
  }

  private clearPeriodic(): void {
    if (this.periodicTimer !== undefined) clearTimeout(this.periodicTimer);
    this.periodicTimer = undefined;
  }

  private requestFinal(): void {
    this.finalRequested = true;
    this.clearPeriodic();
    // With a checkpoint in flight, the final one follows its completion or failure.
    if (this.pending.size === 0) this.trigger(false, true, undefined);
  }

  private trigger(savepoint: boolean, final: boolean, dir: string | undefined): Pending | undefined {
    const attempt = this.attempt;
    if (attempt === undefined) return undefined;
    const id = this.nextId++;
    const timestamp = Date.now();
    this.lastTrigger = timestamp;
    const pending: Pending = {
      id,
      timestamp,
      savepoint,
      final,
      dir,
      attempt,
      acks: new Map(),
      coordinatorStates: new Map(),
      timer: undefined,
      writing: false,
      waiters: [],
    };
    this.pending.set(id, pending);
    this.record(pending, 'in-progress');
    pending.timer = setTimeout(
      () => this.abort(pending, `timed out after ${this.options.timeout} ms`, true),
      this.options.timeout,
    );
    try {
      pending.coordinatorStates = attempt.triggerCheckpoint({
        kind: 'barrier',
        checkpointId: id,
        timestamp,
        savepoint,
        ...(final ? { final: true } : {}),
      });
    } catch (error) {
      this.abort(pending, `triggering failed: ${message(error)}`, true);
      return undefined;
    }
    return pending;
  }

  private acknowledge(ack: TaskCheckpointAck): void {
    const pending = this.pending.get(ack.checkpointId);
    if (pending === undefined) return;
    pending.acks.set(`${ack.vertexId}/${ack.subtaskIndex}`, ack);
    if (pending.acks.size === pending.attempt.taskCount) void this.complete(pending);
  }

  private async complete(pending: Pending): Promise<void> {
    pending.writing = true;
    let data: CheckpointData;
    let blobs: Map<string, Uint8Array>;
    try {
      ({ data, blobs } = this.resolveShared(this.assemble(pending)));
    } catch (error) {
      // A task referred to a blob of a checkpoint older than the two kept here: it had not heard
      // of the newer ones yet. The next checkpoint refers to newer blobs; nothing is lost.
      this.abort(pending, message(error), false);
      return;
    }
    let stored: StoredCheckpoint;
    try {
      stored = pending.savepoint
        ? await this.options.storage.writeSavepoint(data, pending.dir)
        : await this.options.storage.writeCheckpoint(data);
    } catch (error) {
      this.abort(pending, `writing it failed: ${message(error)}`, true);
      return;
    }
    if (this.pending.get(pending.id) !== pending) return;
    clearTimeout(pending.timer);
    this.latest = data;
    if (!pending.savepoint) this.sharedBlobs = [blobs, ...this.sharedBlobs.slice(0, 1)];
    try {
      await pending.attempt.notifyCheckpointComplete(pending.id);
    } catch {
      // The task that failed to commit fails the attempt; the restart commits again.
    }
    this.pending.delete(pending.id);
    this.consecutiveFailures = 0;
    this.completedCount++;
    this.lastCompletion = Date.now();
    this.record(pending, 'completed', stored);
    for (const waiter of pending.waiters) waiter.resolve(stored);
    if (!pending.savepoint) {
      this.options.storage.prune(this.options.job.jobName, this.options.maxRetained).catch(() => {});
    }
    if (pending.final) {
      pending.attempt.finishSources();
      return;
    }
    if (this.finalRequested && this.pending.size === 0) {
      this.trigger(false, true, undefined);
      return;
    }
    if (this.pending.size === 0 || this.periodicTimer === undefined) this.schedulePeriodic();
  }

  private abort(pending: Pending, reason: string, countsAsFailure: boolean): void {
    if (this.pending.get(pending.id) !== pending) return;
    this.pending.delete(pending.id);
    clearTimeout(pending.timer);
    this.failedCount++;
    this.record(pending, 'failed', undefined, reason);
    const kind = pending.savepoint ? 'savepoint' : 'checkpoint';
    const error = new WeirError(ErrorCodes.CHECKPOINT_FAILED, `${kind} ${pending.id} failed: ${reason}`);
    for (const waiter of pending.waiters) waiter.reject(error);
    if (this.attempt === undefined) return;
    if (countsAsFailure) {
      this.consecutiveFailures++;
      if (this.consecutiveFailures > this.options.tolerableFailures) {
        this.options.onFatal(
          new WeirError(
            ErrorCodes.CHECKPOINT_FAILED,
            `${kind} ${pending.id} failed (${reason}) and ${this.consecutiveFailures} checkpoints failed in a row, more than the ${this.options.tolerableFailures} tolerated; raise setTolerableCheckpointFailureNumber or fix the cause`,
          ),
        );
        return;
      }
    }
    if (pending.final || this.finalRequested) {
      if (this.pending.size === 0) this.trigger(false, true, undefined);
      return;
    }
    this.schedulePeriodic();
  }

  /**
   * Fills in the bytes of shared key-group blobs that tasks sent by name only, from the newest
   * completed checkpoints, so what is stored and restored always has them. Returns the data
   * and every shared blob it holds.
   */
  private resolveShared(data: CheckpointData): { data: CheckpointData; blobs: Map<string, Uint8Array> } {
    const blobs = new Map<string, Uint8Array>();
    const lookup = (sha256: string): Uint8Array | undefined => {
      for (const generation of this.sharedBlobs) {
        const bytes = generation.get(sha256);
        if (bytes !== undefined) return bytes;
      }
      return undefined;
    };
    const operators = data.operators.map((op) => ({
      ...op,
      subtasks: op.subtasks.map((state) => ({
        ...state,
        keyGroups: state.keyGroups.map(([group, part]) => {
          if (part instanceof Uint8Array) return [group, part] as const;
          const bytes = part.bytes ?? lookup(part.sha256);
          if (bytes === undefined) {
            throw new Error(
              `key group ${group} of '${op.name}' refers to state ${part.sha256.slice(0, 12)} that no recent checkpoint holds`,
            );
          }
          blobs.set(part.sha256, bytes);
          return [group, { sha256: part.sha256, length: part.length, bytes }] as const;
        }),
      })),
    }));
    return { data: { ...data, operators }, blobs };
  }

  /** Gathers the acknowledged states into the stored form, by operator uid. */
  private assemble(pending: Pending): CheckpointData {
    const { job } = this.options;
    const operators: OperatorCheckpointState[] = [];
    for (const vertex of job.vertices) {
      vertex.operators.forEach((spec, index) => {
        const subtasks: OperatorSubtaskState[] = [];
        let hasState = false;
        for (let s = 0; s < vertex.parallelism; s++) {
          const state = pending.acks.get(`${vertex.id}/${s}`)?.operators.get(spec.uid);
          if (state !== undefined) hasState = true;
          subtasks.push(state ?? { keyGroups: [], operatorState: {} });
        }
        const coordinatorState = index === 0 ? pending.coordinatorStates.get(spec.uid) : undefined;
        if (!hasState && coordinatorState === undefined) return;
        operators.push({
          uid: spec.uid,
          name: spec.name,
          parallelism: vertex.parallelism,
          maxParallelism: vertex.maxParallelism,
          subtasks,
          ...(coordinatorState === undefined ? {} : { coordinatorState }),
        });
      });
    }
    return {
      jobName: job.jobName,
      jobId: job.jobId,
      checkpointId: pending.id,
      timestamp: pending.timestamp,
      savepoint: pending.savepoint,
      operators,
    };
  }

  private record(
    pending: Pending,
    status: CheckpointSummary['status'],
    stored?: StoredCheckpoint,
    failureMessage?: string,
  ): void {
    let size = 0;
    if (status === 'completed') {
      for (const ack of pending.acks.values())
        for (const state of ack.operators.values()) size += subtaskStateSize(state);
    }
    const summary: CheckpointSummary = {
      id: pending.id,
      savepoint: pending.savepoint,
      status,
      triggerTimestamp: pending.timestamp,
      durationMs: status === 'in-progress' ? undefined : Date.now() - pending.timestamp,
      sizeBytes: stored?.sizeBytes ?? size,
      path: stored?.path,
      failureMessage,
    };
    const index = this.history.findIndex((c) => c.id === pending.id);
    if (index >= 0) this.history[index] = summary;
    else this.history.unshift(summary);
    if (this.history.length > HISTORY_SIZE) this.history.length = HISTORY_SIZE;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
