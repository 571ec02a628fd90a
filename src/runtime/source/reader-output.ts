/**
 * The output a source reader writes to. It assigns event timestamps and runs one watermark
 * generator per split (or one for records collected without a split), combining them as the
 * minimum over the splits that are not idle. Generators emit on events (punctuated) or when
 * the task asks periodically; the combined watermark only moves forward.
 */
import type { Clock } from '../../time/clock.js';
import type {
  TimestampAssigner,
  WatermarkGenerator,
  WatermarkOutput,
  WatermarkStrategy,
} from '../../time/watermarks.js';
import { NO_TIMESTAMP } from '../../types/elements.js';
import type { ReaderOutput, SourceOutput } from '../../types/source.js';
import type { Output } from '../operator.js';

/** Per-split watermark bookkeeping; it is itself the split's SourceOutput. */
class SplitOutput<T> implements SourceOutput<T>, WatermarkOutput {
  watermark = Number.NEGATIVE_INFINITY;
  idle = false;

  constructor(
    private readonly parent: SourceReaderOutput<T>,
    readonly generator: WatermarkGenerator<T>,
  ) {}

  collect(value: T, timestamp?: number): void {
    const ts = this.parent.assignTimestamp(value, timestamp === undefined ? NO_TIMESTAMP : timestamp);
    // The record goes first: a punctuated watermark for it must not make it late.
    this.parent.output.collect(value, ts);
    this.generator.onEvent(value, ts, this);
  }

  emitWatermark(timestamp: number): void {
    if (this.idle) this.idle = false;
    if (timestamp > this.watermark) this.watermark = timestamp;
    this.parent.onSplitWatermark();
  }

  markIdle(): void {
    this.idle = true;
    this.parent.onSplitWatermark();
  }

  markActive(): void {
    this.idle = false;
    this.parent.onSplitWatermark();
  }
}

/** The {@link ReaderOutput} of one source subtask. */
export class SourceReaderOutput<T> implements ReaderOutput<T> {
  private readonly assigner: TimestampAssigner<T>;
  private readonly splits = new Map<string, SplitOutput<T>>();
  private readonly main: SplitOutput<T>;
  private mainUsed = false;
  private emittedWatermark = Number.NEGATIVE_INFINITY;
  private emittedIdle = false;
  recordsOut = 0;

  constructor(
    readonly output: Output<T>,
    private readonly strategy: WatermarkStrategy<T>,
    private readonly clock: Clock,
    /** False in batch mode: only the final watermark at end of input counts. */
    private readonly watermarksEnabled: boolean,
  ) {
    this.assigner = strategy.createTimestampAssigner();
    this.main = new SplitOutput(this, strategy.createWatermarkGenerator({ clock }));
  }

  /** The last watermark emitted. */
  get currentWatermark(): number {
    return this.emittedWatermark;
  }

  /** @internal */
  assignTimestamp(value: T, recordTimestamp: number): number {
    this.recordsOut++;
    return this.assigner(value, recordTimestamp);
  }

  collect(value: T, timestamp?: number): void {
    this.mainUsed = true;
    this.main.collect(value, timestamp);
  }

  createOutputForSplit(splitId: string): SourceOutput<T> {
    let split = this.splits.get(splitId);
    if (split === undefined) {
      split = new SplitOutput(this, this.strategy.createWatermarkGenerator({ clock: this.clock }));
      this.splits.set(splitId, split);
    }
    return split;
  }

  releaseOutputForSplit(splitId: string): void {
    this.splits.delete(splitId);
    this.onSplitWatermark();
  }

  /** Asks every generator for its periodic watermark. */
  emitPeriodicWatermark(): void {
    if (this.mainUsed) this.main.generator.onPeriodicEmit(this.main);
    for (const split of this.splits.values()) split.generator.onPeriodicEmit(split);
  }

  /** @internal recomputes the combined watermark after a split's changed */
  onSplitWatermark(): void {
    if (!this.watermarksEnabled) return;
    let min = Number.POSITIVE_INFINITY;
    let active = 0;
    if (this.mainUsed && !this.main.idle) {
      min = this.main.watermark;
      active++;
    }
    for (const split of this.splits.values()) {
      if (split.idle) continue;
      active++;
      if (split.watermark < min) min = split.watermark;
    }
    const total = this.splits.size + (this.mainUsed ? 1 : 0);
    if (total > 0 && active === 0) {
      if (!this.emittedIdle) {
        this.emittedIdle = true;
        this.output.emitWatermarkStatus(true);
      }
      return;
    }
    if (active === 0) return;
    if (this.emittedIdle) {
      this.emittedIdle = false;
      this.output.emitWatermarkStatus(false);
    }
    if (min > this.emittedWatermark && min !== Number.NEGATIVE_INFINITY) {
      this.emittedWatermark = min;
      this.output.emitWatermark(min);
    }
  }
}
