/**
 * Configuration objects of the environment: execution settings, checkpoint settings and
 * restart strategies. Checkpoint and restart settings are recorded with the job.
 */
import type { RestartStrategySpec } from '../checkpoint/restart-strategy.js';
import { ErrorCodes, userError } from '../types/errors.js';

/** Settings of how records flow. */
export class ExecutionConfig {
  private autoWatermarkInterval = 200;
  private taskYoungGenerationMb: number | undefined = undefined;
  private taskOldGenerationInitialMb: number | undefined = undefined;

  /** How often generators are asked for a watermark, ms; 0 disables periodic watermarks. */
  setAutoWatermarkInterval(ms: number): this {
    if (!(ms >= 0))
      throw userError(ErrorCodes.INVALID_ARGUMENT, `autoWatermarkInterval must be >= 0 ms, got ${ms}`);
    this.autoWatermarkInterval = ms;
    return this;
  }

  getAutoWatermarkInterval(): number {
    return this.autoWatermarkInterval;
  }

  /**
   * The young generation (V8's new space) of each worker thread that runs the job's tasks, in
   * MB: Flink's `taskmanager.memory.*` family, here `taskmanager.memory.young-generation.size`.
   * Unset, V8's default (48 MB for a worker on 64-bit). A job whose tasks keep much state may
   * run fewer scavenges with a larger one (96 cut the Nexmark stateful jobs' scavenges by a
   * quarter to a half; see bench/README.md), at the cost of memory per thread. It applies to
   * tasks on worker threads (`weir run`); tasks on the submitting thread keep that process's heap
   * (`node --max-semi-space-size`, a third of the young generation).
   */
  setTaskYoungGenerationSize(mb: number): this {
    if (!Number.isInteger(mb) || mb < 3 || mb > 4096) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `taskmanager.memory.young-generation.size must be a whole number of MB from 3 to 4096, got ${mb}`,
      );
    }
    this.taskYoungGenerationMb = mb;
    return this;
  }

  /** The task threads' young generation in MB; undefined: the engine's default. */
  getTaskYoungGenerationSize(): number | undefined {
    return this.taskYoungGenerationMb;
  }

  /**
   * The old generation each worker thread that runs the job's tasks starts with, in MB:
   * `taskmanager.memory.old-generation.initial-size`, after the JVM's -Xms that Flink sets equal
   * to the TaskManager's heap size; `weir run --task-old-generation MB` sets it for every job of
   * the run. V8 runs no full collection until the old generation reaches this size (memory is
   * still taken only as it is used), so a job whose tasks keep state that grows past V8's small
   * starting size does not mark its whole state several times on the way. The price: garbage
   * that reaches the old generation stays until then too, so a thread's memory may grow to this
   * size before its first full collection.
   *
   * Unset, the engine's default: a quarter of the machine's memory per core (a container's
   * limit counts), at most 512 MB, and V8's own start where that is under 64 MB. Measured on the
   * Nexmark jobs (bench/README.md), it removes every full collection of the task threads of the
   * jobs that keep their input at 1M events, taking their GC time with it, at no measurable
   * memory cost where the state is live anyway; 1024 MB added up to 130 MB of RSS for the same
   * effect. 0 gives V8's own start back. It applies to tasks on worker threads (`weir run`);
   * tasks on the submitting thread keep that process's heap (`node --initial-old-space-size`).
   * V8 takes it from a process-wide flag when a thread starts: task threads started for a job
   * with another setting while this job's threads start may take either.
   */
  setTaskOldGenerationInitialSize(mb: number): this {
    if (!Number.isInteger(mb) || mb < 0 || mb > 65536) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `taskmanager.memory.old-generation.initial-size must be a whole number of MB from 0 (V8's own start) to 65536, got ${mb}`,
      );
    }
    this.taskOldGenerationInitialMb = mb;
    return this;
  }

  /** The task threads' initial old generation in MB; undefined: the engine's default; 0: V8's own. */
  getTaskOldGenerationInitialSize(): number | undefined {
    return this.taskOldGenerationInitialMb;
  }
}

/** Exactly-once aligns barriers; at-least-once does not block channels. */
export type CheckpointingMode = 'exactly-once' | 'at-least-once';

/** Checkpoint settings. */
export class CheckpointConfig {
  interval = -1;
  mode: CheckpointingMode = 'exactly-once';
  storage: string | undefined;
  minPauseBetweenCheckpoints = 0;
  maxRetainedCheckpoints = 1;
  checkpointTimeout = 600_000;
  tolerableFailures = 0;
  maxConcurrentCheckpoints = 1;
  /** Unset: incremental with the disk state backend, full with heap. */
  incremental: boolean | undefined;

  /** True once `enableCheckpointing` was called with a positive interval. */
  isCheckpointingEnabled(): boolean {
    return this.interval > 0;
  }

  /**
   * Incremental checkpoints write only the key groups whose state changed since the last
   * completed checkpoint; unchanged ones stay shared with earlier checkpoints. On by default
   * with the disk state backend. Savepoints are always full.
   */
  enableIncrementalCheckpointing(enabled = true): this {
    this.incremental = enabled;
    return this;
  }

  /** Where checkpoints are written: `file:///abs/dir` or `/abs/dir`. */
  setCheckpointStorage(location: string): this {
    const path = location.startsWith('file://') ? location.slice('file://'.length) : location;
    if (!path.startsWith('/')) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `checkpoint storage must be an absolute path or file:// URI, got '${location}'; e.g. file:///var/weir/checkpoints`,
      );
    }
    this.storage = path;
    return this;
  }

  setMinPauseBetweenCheckpoints(ms: number): this {
    this.minPauseBetweenCheckpoints = nonNegative('minPauseBetweenCheckpoints', ms);
    return this;
  }

  setMaxRetainedCheckpoints(n: number): this {
    if (!Number.isInteger(n) || n < 1) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `maxRetainedCheckpoints must be an integer >= 1, got ${n}`,
      );
    }
    this.maxRetainedCheckpoints = n;
    return this;
  }

  setCheckpointTimeout(ms: number): this {
    this.checkpointTimeout = nonNegative('checkpointTimeout', ms);
    return this;
  }

  setTolerableCheckpointFailureNumber(n: number): this {
    this.tolerableFailures = nonNegative('tolerableCheckpointFailureNumber', n);
    return this;
  }

  setMaxConcurrentCheckpoints(n: number): this {
    this.maxConcurrentCheckpoints = nonNegative('maxConcurrentCheckpoints', n);
    return this;
  }
}

function nonNegative(name: string, value: number): number {
  if (!(value >= 0)) throw userError(ErrorCodes.INVALID_ARGUMENT, `${name} must be >= 0, got ${value}`);
  return value;
}

/** How a failed job is restarted. */
export type RestartStrategy = RestartStrategySpec;

/** Factories for {@link RestartStrategy}. */
export const RestartStrategies = {
  noRestart: (): RestartStrategy => ({ kind: 'none' }),
  fixedDelay: (attempts: number, delayMs: number): RestartStrategy => {
    if (!Number.isInteger(attempts) || attempts < 0) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `fixedDelay attempts must be an integer >= 0, got ${attempts}`,
      );
    }
    return { kind: 'fixed-delay', attempts, delayMs: nonNegative('delayMs', delayMs) };
  },
  exponentialDelay: (initialDelayMs: number, maxDelayMs: number, multiplier = 2): RestartStrategy => ({
    kind: 'exponential-delay',
    initialDelayMs: nonNegative('initialDelayMs', initialDelayMs),
    maxDelayMs: nonNegative('maxDelayMs', maxDelayMs),
    multiplier,
  }),
  failureRate: (maxFailures: number, intervalMs: number, delayMs: number): RestartStrategy => ({
    kind: 'failure-rate',
    maxFailures: nonNegative('maxFailures', maxFailures),
    intervalMs: nonNegative('intervalMs', intervalMs),
    delayMs: nonNegative('delayMs', delayMs),
  }),
};
