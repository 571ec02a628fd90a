/**
 * When a FileSink part file is closed and a new one begun, after Flink's RollingPolicy. A
 * rolled part becomes pending and is committed (made visible) with the next checkpoint, or at
 * the end of input, when every part rolls whatever the policy says.
 */
import { ErrorCodes, userError } from '../../types/errors.js';

/** What a rolling policy knows about the part file being written. */
export interface PartFileInfo {
  readonly bucketId: string;
  /** Processing time when the part was opened. */
  readonly creationTime: number;
  /** Processing time of the last record written to it. */
  readonly lastUpdateTime: number;
  /** Bytes written so far, including buffered ones. */
  readonly size: number;
}

/**
 * Decides when to roll. The sink asks `shouldRollOnEvent` and `shouldRollOnProcessingTime`
 * before writing each record, and `shouldRollOnCheckpoint` and `shouldRollOnProcessingTime` when a
 * checkpoint prepares its commit. There is no timer besides: a part that times out between two
 * records rolls at the next record or checkpoint, which changes nothing about when it becomes
 * visible, because only a checkpoint (or the end of input) commits.
 */
export interface RollingPolicy {
  shouldRollOnCheckpoint(part: PartFileInfo): boolean;
  shouldRollOnEvent(part: PartFileInfo): boolean;
  shouldRollOnProcessingTime(part: PartFileInfo, now: number): boolean;
}

/**
 * Rolls on every checkpoint and at end of input, and never in between: each checkpoint commits
 * one file per subtask and bucket. The default of FileSink.
 */
export class OnCheckpointRollingPolicy implements RollingPolicy {
  /** For symmetry with Flink's `OnCheckpointRollingPolicy.build()`. */
  static build(): OnCheckpointRollingPolicy {
    return new OnCheckpointRollingPolicy();
  }
  shouldRollOnCheckpoint(): boolean {
    return true;
  }
  shouldRollOnEvent(): boolean {
    return false;
  }
  shouldRollOnProcessingTime(): boolean {
    return false;
  }
}

/**
 * Rolls by size and time, like Flink's DefaultRollingPolicy: when the part holds at least
 * `maxPartSize` bytes (checked before each record and at checkpoints), when it is older than
 * `rolloverInterval`, or when nothing was written to it for `inactivityInterval`.
 *
 * @example
 * DefaultRollingPolicy.builder().withMaxPartSize(64 * 1024 * 1024).withRolloverInterval(15 * 60_000).build();
 *
 * Gotchas: a part that is not rolled stays in progress (hidden) across checkpoints, so its
 * records become visible only when it rolls. Defaults: 128 MiB, 60 s, 60 s.
 */
export class DefaultRollingPolicy implements RollingPolicy {
  private constructor(
    readonly maxPartSize: number,
    readonly rolloverInterval: number,
    readonly inactivityInterval: number,
  ) {}

  /** Starts a policy with Flink's defaults. */
  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder(
      (size, rollover, inactivity) => new DefaultRollingPolicy(size, rollover, inactivity),
    );
  }

  shouldRollOnCheckpoint(part: PartFileInfo): boolean {
    return part.size >= this.maxPartSize;
  }

  shouldRollOnEvent(part: PartFileInfo): boolean {
    return part.size >= this.maxPartSize;
  }

  shouldRollOnProcessingTime(part: PartFileInfo, now: number): boolean {
    return (
      now - part.creationTime >= this.rolloverInterval || now - part.lastUpdateTime >= this.inactivityInterval
    );
  }
}

/** Builds a {@link DefaultRollingPolicy}. */
export class DefaultRollingPolicyBuilder {
  private maxPartSize = 128 * 1024 * 1024;
  private rolloverInterval = 60_000;
  private inactivityInterval = 60_000;

  constructor(
    private readonly make: (size: number, rollover: number, inactivity: number) => DefaultRollingPolicy,
  ) {}

  /** Bytes after which a part rolls. */
  withMaxPartSize(bytes: number): this {
    this.maxPartSize = positive('withMaxPartSize', bytes, 'bytes');
    return this;
  }

  /** Milliseconds after which a part rolls, however much it holds. */
  withRolloverInterval(ms: number): this {
    this.rolloverInterval = positive('withRolloverInterval', ms, 'milliseconds');
    return this;
  }

  /** Milliseconds without a record after which a part rolls. */
  withInactivityInterval(ms: number): this {
    this.inactivityInterval = positive('withInactivityInterval', ms, 'milliseconds');
    return this;
  }

  build(): DefaultRollingPolicy {
    return this.make(this.maxPartSize, this.rolloverInterval, this.inactivityInterval);
  }
}

function positive(method: string, value: number, unit: string): number {
  if (typeof value === 'number' && value > 0) return value;
  throw userError(
    ErrorCodes.INVALID_ARGUMENT,
    `DefaultRollingPolicy.${method} needs ${unit} > 0, got ${String(value)}`,
  );
}
