/**
 * Watermark generation. A watermark at time t says that no record with a timestamp at or below
 * t should follow; event-time windows and timers fire on it. Generators see each event and are
 * asked periodically (every `autoWatermarkInterval`, 200 ms by default) for a watermark. The
 * formulas follow Flink: bounded out-of-orderness emits `maxTimestamp - maxDelay - 1`.
 */
import { MIN_WATERMARK } from '../types/elements.js';
import type { Clock } from './clock.js';

/** Where a generator emits watermarks and idleness. */
export interface WatermarkOutput {
  emitWatermark(timestamp: number): void;
  /** No events for a while: leave this output out of the watermark minimum downstream. */
  markIdle(): void;
  /** Events flow again. Emitting a watermark also marks the output active. */
  markActive(): void;
}

/** Generates watermarks from events and on a period. */
export interface WatermarkGenerator<T> {
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** Extracts the event time of a record; `recordTimestamp` is the source's own, if any. */
export type TimestampAssigner<T> = (event: T, recordTimestamp: number) => number;

/** What a generator supplier can use. */
export interface WatermarkGeneratorContext {
  readonly clock: Clock;
}

/** Emits `maxTimestamp - maxDelayMs - 1` periodically. */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;

  constructor(private readonly maxDelayMs: number) {
    if (!(maxDelayMs >= 0)) {
      throw new RangeError(`maximum out-of-orderness must be >= 0 ms, got ${maxDelayMs}`);
    }
    this.maxTimestamp = MIN_WATERMARK;
  }

  onEvent(_event: T, eventTimestamp: number): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.maxTimestamp !== MIN_WATERMARK) output.emitWatermark(this.maxTimestamp - this.maxDelayMs - 1);
  }
}

/** Never emits a watermark; event time never advances (except at end of input). */
export class NoWatermarksGenerator<T> implements WatermarkGenerator<T> {
  onEvent(): void {}
  onPeriodicEmit(): void {}
}

/**
 * Marks the output idle when no event arrived for `idleTimeoutMs` of processing time, so that
 * a quiet split or partition does not hold back the watermark of the whole job.
 */
export class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private activity = 0;
  private lastSeenActivity = 0;
  private inactiveSince = -1;
  private idle = false;

  constructor(
    private readonly inner: WatermarkGenerator<T>,
    private readonly idleTimeoutMs: number,
    private readonly clock: Clock,
  ) {
    if (!(idleTimeoutMs > 0)) throw new RangeError(`idle timeout must be > 0 ms, got ${idleTimeoutMs}`);
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.inner.onEvent(event, eventTimestamp, output);
    this.activity++;
    if (this.idle) {
      this.idle = false;
      output.markActive();
    }
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.activity !== this.lastSeenActivity) {
      this.lastSeenActivity = this.activity;
      this.inactiveSince = -1;
    } else if (this.inactiveSince < 0) {
      this.inactiveSince = this.clock.now();
    }
    if (this.inactiveSince >= 0 && this.clock.now() - this.inactiveSince >= this.idleTimeoutMs) {
      if (!this.idle) {
        this.idle = true;
        output.markIdle();
      }
      return;
    }
    this.inner.onPeriodicEmit(output);
  }
}

/**
 * How a stream gets timestamps and watermarks.
 *
 * @example
 * WatermarkStrategy.forBoundedOutOfOrderness<Bid>(5_000)
 *   .withTimestampAssigner((bid) => bid.dateTime)
 *   .withIdleness(60_000);
 */
export class WatermarkStrategy<T> {
  private constructor(
    private readonly generatorFactory: (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>,
    private readonly assigner: TimestampAssigner<T> | undefined,
    readonly idleTimeoutMs: number | undefined,
  ) {}

  /** Watermarks trail the largest timestamp seen by `maxDelayMs`. */
  static forBoundedOutOfOrderness<T>(maxDelayMs: number): WatermarkStrategy<T> {
    if (!(maxDelayMs >= 0)) {
      throw new RangeError(
        `forBoundedOutOfOrderness needs a delay >= 0 ms, got ${maxDelayMs}; pass the largest lateness you expect`,
      );
    }
    return new WatermarkStrategy<T>(
      () => new BoundedOutOfOrdernessWatermarks<T>(maxDelayMs),
      undefined,
      undefined,
    );
  }

  /** For timestamps that never decrease within a split. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forBoundedOutOfOrderness<T>(0);
  }

  /** No watermarks: for processing-time jobs. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator<T>(), undefined, undefined);
  }

  /** A custom generator, e.g. one that emits a watermark on certain events (punctuated). */
  static forGenerator<T>(
    factory: (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>,
  ): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(factory, undefined, undefined);
  }

  /** Takes event time from the records. Without it, the source's own timestamps are used. */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.generatorFactory, assigner, this.idleTimeoutMs);
  }

  /** Marks a split or input idle after `idleTimeoutMs` without events. */
  withIdleness(idleTimeoutMs: number): WatermarkStrategy<T> {
    if (!(idleTimeoutMs > 0))
      throw new RangeError(`withIdleness needs a timeout > 0 ms, got ${idleTimeoutMs}`);
    return new WatermarkStrategy<T>(this.generatorFactory, this.assigner, idleTimeoutMs);
  }

  /** @internal a fresh generator, one per split or subtask */
  createWatermarkGenerator(ctx: WatermarkGeneratorContext): WatermarkGenerator<T> {
    const generator = this.generatorFactory(ctx);
    return this.idleTimeoutMs === undefined
      ? generator
      : new WatermarksWithIdleness(generator, this.idleTimeoutMs, ctx.clock);
  }

  /** @internal the timestamp assigner, or the identity on the source's timestamp */
  createTimestampAssigner(): TimestampAssigner<T> {
    return this.assigner ?? recordTimestampAssigner;
  }
}

function recordTimestampAssigner(_event: unknown, recordTimestamp: number): number {
  return recordTimestamp;
}
