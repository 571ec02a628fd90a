/**
 * Configuration objects of the environment: execution settings, checkpoint settings and
 * restart strategies. Checkpoint and restart settings are recorded with the job.
 */
import type { RestartStrategySpec } from '../checkpoint/restart-strategy.js';
import { ErrorCodes, userError } from '../types/errors.js';

/** Settings of how records flow. */
export class ExecutionConfig {
  private autoWatermarkInterval = 200;

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
