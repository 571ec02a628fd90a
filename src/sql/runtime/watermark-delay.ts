/**
 * A keyed two-input process operator that holds its output watermark back by a fixed delay, as
 * Flink's SQL interval join does. An interval join emits a pair when its second row arrives, up
 * to the interval's width after the first row's time, so its output rows may carry times that
 * far behind the input watermark; forwarding that watermark unchanged would make them late for
 * an event-time operator downstream (a window over the join would drop them).
 */
import { CoProcessOperator } from '../../runtime/operators/process-operators.js';
import type { KeyedCoProcessFunction } from '../../types/functions.js';
import { MAX_WATERMARK } from '../../types/elements.js';

/** Runs `fn` keyed and emits each watermark minus `delayMs` (the end of time unchanged). */
export class WatermarkDelayingCoProcessOperator<IN1, IN2, OUT> extends CoProcessOperator<IN1, IN2, OUT> {
  constructor(
    fn: KeyedCoProcessFunction<any, IN1, IN2, OUT>,
    private readonly delayMs: number,
  ) {
    super(fn, true);
  }

  protected override advanceWatermark(watermark: number): void {
    if (watermark <= this.currentWatermark) return;
    this.currentWatermark = watermark;
    this.setupInfo.timeServiceManager?.advanceWatermark(watermark);
    this.output.emitWatermark(watermark === MAX_WATERMARK ? watermark : watermark - this.delayMs);
  }
}
