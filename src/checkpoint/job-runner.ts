/**
 * Runs a job to its end across failures: each attempt runs the job graph from the latest
 * completed checkpoint (or the checkpoint or savepoint it was asked to restore), and after a
 * failure the restart strategy decides whether and when the next attempt starts. The job's
 * client stays the same across attempts.
 */
import { randomUUID } from 'node:crypto';
import {
  type JobClient,
  JobExecutionResult,
  NO_CHECKPOINTS,
  type JobStatus,
  type TaskSnapshot,
} from '../runtime/job-client.js';
import type { JobGraph } from '../runtime/job-graph.js';
import {
  type AttemptRestore,
  type ExecutionAttempt,
  startAttempt,
  type ThreadedExecution,
  taskKey,
} from '../runtime/attempt.js';
import type { TaskRestoreState } from '../runtime/snapshot.js';
import { threadCount } from '../runtime/threads/threaded-attempt.js';
import { prewarmWorkers } from '../runtime/threads/worker-pool.js';
import type { Clock } from '../time/clock.js';
import { ErrorCodes, userError, WeirError } from '../types/errors.js';
import type { CheckpointData, CheckpointStorage } from './checkpoint-data.js';
import { CheckpointCoordinator, type CheckpointSettings } from './coordinator.js';
import { createRestartBackoff, type RestartStrategySpec } from './restart-strategy.js';
import { assignState } from './state-assignment.js';

/** Where a run starts from. */
export interface RunRestore {
  /** `latest` (newest complete checkpoint of the job in storage, or fresh) or a path. */
  readonly from: string;
  readonly allowNonRestoredState: boolean;
  /** Reads checkpoints and savepoints by path (needed when checkpointing is off). */
  readonly storage: CheckpointStorage;
}

/** Options of {@link runJob}. */
export interface RunOptions {
  readonly clock?: Clock;
  readonly restartStrategy: RestartStrategySpec;
  readonly checkpointing?: CheckpointSettings;
  readonly restore?: RunRestore;
  /** One-line notices (restarts, restores); defaults to stderr. */
  readonly log?: (message: string) => void;
  /** Set to run every attempt's tasks on worker threads. */
  readonly threads?: ThreadedExecution;
}

/** Starts a job and returns its client at once. */
export function runJob(job: JobGraph, options: RunOptions): JobClient {
  const log = options.log ?? ((message: string) => process.stderr.write(`weir: ${message}\n`));
  const startTime = Date.now();
  let status: JobStatus = 'running';
  let attempt: ExecutionAttempt | undefined;
  let lastTasks: TaskSnapshot[] = [];
  let restarts = 0;
  let cancelled: WeirError | undefined;
  let stopping = false;
  let wakeFromBackoff: (() => void) | undefined;
  let coordinator: CheckpointCoordinator | undefined;
  // The coordinator is created only after the restore point and the highest stored checkpoint id
  // are read, asynchronously; a savepoint asked for before then (`weir savepoint` right after
  // the job was submitted) waits for it instead of failing as if checkpointing were off.
  let coordinatorCreated!: (created: CheckpointCoordinator | undefined) => void;
  const coordinatorReady = new Promise<CheckpointCoordinator | undefined>((resolve) => {
    coordinatorCreated = resolve;
  });
  const backoff = createRestartBackoff(options.restartStrategy, () => Date.now());

  const initialRestore = async (): Promise<
    { data: CheckpointData; path: string | undefined } | undefined
  > => {
    const restore = options.restore;
    if (restore === undefined) return undefined;
    if (restore.from === 'latest') {
      // As in Flink, a job that finished is not resumed: its input is done. Its newest
      // checkpoint is the final one, taken after every operator finished, so resuming it would
      // only commit again what is committed (which a crash before this record needs, and gets).
      if (await restore.storage.isFinished(job.jobName)) {
        throw userError(
          ErrorCodes.CHECKPOINT_UNUSABLE,
          `job '${job.jobName}' ran to the end of its input in its last run, so there is nothing to resume; run it again without --restore latest, or restore an explicit checkpoint path`,
        );
      }
      const data = await restore.storage.readLatest(job.jobName);
      if (data === undefined) {
        log(`no completed checkpoint of job '${job.jobName}' found; starting fresh`);
        return undefined;
      }
      log(`restoring job '${job.jobName}' from checkpoint ${data.checkpointId}`);
      return { data, path: undefined };
    }
    const data = await restore.storage.read(restore.from);
    log(
      `restoring job '${job.jobName}' from ${data.savepoint ? 'savepoint' : 'checkpoint'} ${data.checkpointId} at ${restore.from}`,
    );
    return { data, path: restore.from };
  };

  const toAttemptRestore = (data: CheckpointData): AttemptRestore => {
    const assignment = assignState(data, job, {
      allowNonRestoredState: options.restore?.allowNonRestoredState ?? false,
    });
    if (assignment.nonRestoredUids.length > 0) {
      log(
        `skipping checkpointed state of operators no longer in the job: ${assignment.nonRestoredUids.join(', ')}`,
      );
    }
    const tasks = new Map<string, TaskRestoreState>();
    for (const [vertexId, states] of assignment.tasks) {
      states.forEach((state, subtask) => {
        tasks.set(taskKey(vertexId, subtask), state);
      });
    }
    return { tasks, coordinators: assignment.coordinatorStates };
  };

  const result = (async (): Promise<JobExecutionResult> => {
    let restoreFrom = await initialRestore();
    const checkpointing = options.checkpointing;
    if (checkpointing !== undefined) {
      coordinator = new CheckpointCoordinator({
        ...checkpointing,
        job,
        lastCheckpointId: Math.max(
          restoreFrom?.data.checkpointId ?? 0,
          await checkpointing.storage.highestCheckpointId(job.jobName),
        ),
        onFatal: (error) => attempt?.cancel(error),
      });
      if (restoreFrom !== undefined)
        coordinator.setRestoredFrom(restoreFrom.data.checkpointId, restoreFrom.path);
    }
    // This run's checkpoints are resumable again until it, too, finishes. Cleared before the
    // coordinator is published, so a savepoint asked for right after submission finds the
    // first attempt started rather than a gap in which the job seems not to run.
    await checkpointing?.storage.setFinished(job.jobName, false);
    coordinatorCreated(coordinator);
    for (let attemptNumber = 0; ; attemptNumber++) {
      const restore = restoreFrom === undefined ? undefined : toAttemptRestore(restoreFrom.data);
      const current = startAttempt(job, {
        clock: options.clock,
        attemptNumber,
        attemptId: randomUUID(),
        restore,
        checkpointing: coordinator?.listenerFor(() => current),
        threads: options.threads,
      });
      attempt = current;
      if (cancelled !== undefined) current.cancel(cancelled);
      coordinator?.attach(current);
      try {
        await current.result;
        lastTasks = current.tasks();
        // Finished from here on, while the mark is written: the coordinator is shut down, so a
        // savepoint asked for now must hear that the job ended, not that it does not run yet.
        status = 'finished';
        coordinator?.shutdown();
        await recordFinished(checkpointing?.storage, job.jobName, log);
        return new JobExecutionResult(job.jobId, job.jobName, Date.now() - startTime);
      } catch (error) {
        lastTasks = current.tasks();
        coordinator?.detach(error instanceof Error ? error.message : String(error));
        if (stopping && error instanceof WeirError && error.code === ErrorCodes.CANCELLED) {
          coordinator?.shutdown();
          status = 'finished';
          return new JobExecutionResult(job.jobId, job.jobName, Date.now() - startTime);
        }
        if (cancelled !== undefined) {
          coordinator?.shutdown();
          status = 'cancelled';
          throw cancelled;
        }
        const decision = isRestartable(error) ? backoff.onFailure() : { restart: false as const, reason: '' };
        if (!decision.restart) {
          coordinator?.shutdown();
          status = 'failed';
          throw error;
        }
        restarts++;
        status = 'restarting';
        // The next attempt's threads load the engine during the restart delay; a cancel in the
        // delay terminates them, as no attempt will take them.
        const releasePrewarmed =
          options.threads === undefined
            ? undefined
            : prewarmWorkers(
                threadCount(job, options.threads.slots),
                options.threads.provider.module,
                job.config.taskYoungGenerationMb,
                job.config.taskOldGenerationInitialMb,
              );
        const latest = coordinator?.latestCompleted;
        log(
          `job '${job.jobName}' failed: ${error instanceof Error ? error.message : String(error)}; restarting in ${decision.delayMs} ms from ${latest === undefined ? (restoreFrom === undefined ? 'the beginning' : `checkpoint ${restoreFrom.data.checkpointId}`) : `checkpoint ${latest.checkpointId}`} (restart ${restarts})`,
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, decision.delayMs);
          wakeFromBackoff = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wakeFromBackoff = undefined;
        if (cancelled !== undefined) {
          coordinator?.shutdown();
          await releasePrewarmed?.();
          status = 'cancelled';
          throw cancelled;
        }
        if (latest !== undefined) restoreFrom = { data: latest, path: undefined };
        status = 'running';
      }
    }
  })();
  result.catch(() => {
    coordinatorCreated(undefined);
    if (status === 'running' || status === 'restarting') status = 'failed';
  });

  const requireCoordinator = async (): Promise<CheckpointCoordinator> => {
    if (hasEnded()) throw jobEnded();
    if (options.checkpointing === undefined) {
      throw new WeirError(
        ErrorCodes.INVALID_ARGUMENT,
        'savepoints need checkpointing; run the job with --checkpoint-dir DIR (or enableCheckpointing and setCheckpointStorage)',
      );
    }
    const created = coordinator ?? (await coordinatorReady);
    if (hasEnded()) throw jobEnded();
    if (created === undefined) {
      throw new WeirError(
        ErrorCodes.CHECKPOINT_FAILED,
        'the job is not running, so no savepoint can be taken; retry once it runs',
      );
    }
    return created;
  };

  const hasEnded = () => status === 'finished' || status === 'failed' || status === 'cancelled';

  /** The error for a savepoint asked of a job that has ended, whichever way. */
  const jobEnded = (): WeirError =>
    new WeirError(
      ErrorCodes.CHECKPOINT_FAILED,
      `job ${job.jobName} (${job.jobId}) has ${status === 'finished' ? 'finished' : status === 'failed' ? 'failed' : 'been cancelled'}, so no savepoint can be taken; savepoints are of running jobs`,
    );

  /**
   * Takes a savepoint; if the job ends while it is being taken (a bounded job reaching the end
   * of its input), the rejection says so rather than that the job does not run yet.
   */
  const takeSavepoint = async (c: CheckpointCoordinator, dir: string | undefined): Promise<string> => {
    try {
      return (await c.triggerSavepoint(dir)).path;
    } catch (error) {
      if (hasEnded()) throw jobEnded();
      throw error;
    }
  };

  return {
    jobId: job.jobId,
    jobName: job.jobName,
    startTime,
    status: () => status,
    tasks: () => (attempt !== undefined && status === 'running' ? attempt.tasks() : lastTasks),
    cancel: () => {
      if (cancelled !== undefined || status === 'finished' || status === 'failed') return;
      cancelled = new WeirError(ErrorCodes.CANCELLED, `job ${job.jobName} (${job.jobId}) was cancelled`);
      attempt?.cancel(cancelled);
      wakeFromBackoff?.();
    },
    restarts: () => restarts,
    checkpoints: () => coordinator?.stats() ?? NO_CHECKPOINTS,
    triggerSavepoint: async (dir) => takeSavepoint(await requireCoordinator(), dir),
    stopWithSavepoint: async (dir) => {
      const c = await requireCoordinator();
      c.stopPeriodic();
      const path = await takeSavepoint(c, dir);
      stopping = true;
      attempt?.cancel(
        new WeirError(ErrorCodes.CANCELLED, `job ${job.jobName} stopped with savepoint ${path}`),
      );
      return path;
    },
    result,
  };
}

/** User errors in restoring (state that does not fit the job) are not fixed by a restart. */
function isRestartable(error: unknown): boolean {
  return !(error instanceof WeirError && error.code === ErrorCodes.STATE_MISMATCH);
}

/**
 * Marks in checkpoint storage that the job ran to the end of its input. Its output is complete
 * by now, so a storage that cannot take the mark costs a warning, not the job.
 */
async function recordFinished(
  storage: CheckpointStorage | undefined,
  jobName: string,
  log: (message: string) => void,
): Promise<void> {
  try {
    await storage?.setFinished(jobName, true);
  } catch (error) {
    log(
      `warning: could not record that job '${jobName}' finished (${error instanceof Error ? error.message : String(error)}); --restore latest would resume its last checkpoint`,
    );
  }
}
