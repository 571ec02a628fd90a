/**
 * `assignTimestampsAndWatermarks`: assigns event timestamps and generates watermarks in the
 * middle of a pipeline. Watermarks from upstream are swallowed (this operator decides event
 * time from here on), except the final maximum watermark, which must pass so that bounded
 * jobs fire every window. Idleness is generated here too.
 */
import type { Clock } from '../../time/clock.js';
import type {
  TimestampAssigner,
  WatermarkGenerator,
  WatermarkOutput,
  WatermarkStrategy,
} from '../../time/watermarks.js';
import { MAX_WATERMARK } from '../../types/elements.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../operator.js';

/** Assigns timestamps and emits watermarks per subtask. */
export class TimestampsAndWatermarksOperator<T>
  extends AbstractStreamOperator<T>
  implements OneInputStreamOperator<T, T>, WatermarkOutput
{
  private assigner!: TimestampAssigner<T>;
  private generator!: WatermarkGenerator<T>;
  private emitted = Number.NEGATIVE_INFINITY;
  private idle = false;
  private enabled = true;
  private cancelPeriodic: (() => void) | undefined;

  constructor(private readonly strategy: WatermarkStrategy<T>) {
    super();
  }

  override open(): void {
    const service = this.setupInfo.processingTime;
    const clock: Clock = { now: () => service.now() };
    this.assigner = this.strategy.createTimestampAssigner();
    this.generator = this.strategy.createWatermarkGenerator({ clock });
    this.enabled = this.setupInfo.runtimeMode === 'streaming';
    const interval = this.setupInfo.autoWatermarkInterval;
    if (this.enabled && interval > 0) {
      const tick = (time: number): void => {
        this.generator.onPeriodicEmit(this);
        this.cancelPeriodic = service.schedule(time + interval, tick);
      };
      this.cancelPeriodic = service.schedule(service.now() + interval, tick);
    }
  }

  processElement(value: T, timestamp: number): void {
    const ts = this.assigner(value, timestamp);
    // The record goes first: a punctuated watermark for it must not make it late.
    this.output.collect(value, ts);
    this.generator.onEvent(value, ts, this);
  }

  override processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK) this.emitWatermark(MAX_WATERMARK, true);
  }

  override processWatermarkStatus(): void {}

  emitWatermark(timestamp: number, force = false): void {
    if (!this.enabled && !force) return;
    if (timestamp <= this.emitted) return;
    this.emitted = timestamp;
    if (this.idle) this.markActive();
    this.output.emitWatermark(timestamp);
  }

  markIdle(): void {
    if (!this.enabled || this.idle) return;
    this.idle = true;
    this.output.emitWatermarkStatus(true);
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.output.emitWatermarkStatus(false);
  }

  override close(): void {
    this.cancelPeriodic?.();
  }
}
