/**
 * The window operator of a processing-time window aggregate (`TUMBLE(TABLE t,
 * DESCRIPTOR(p_time), …)` over a `PROCTIME()` column, grouped by its window). It is the
 * DataStream window operator with a processing-time assigner: each row goes to the window of
 * the operator's clock when it arrives, the window's accumulators are keyed state under the
 * window as namespace, and a processing-time timer fires it. Contents and timers are in every
 * checkpoint, so after a restore each window fires when its timer says (at once if its end
 * passed while the job was down), as in Flink.
 *
 * The timer is at the window's end, not its last millisecond as with the DataStream
 * processing-time trigger: timers fire when the clock reaches their time, and a row arriving
 * later in that same millisecond would belong to the window again and make it fire twice.
 * Flink's processing-time service avoids the same race by firing each timer 1 ms late.
 *
 * End of input: a bounded input ends long before the clock reaches the end of its last windows.
 * Flink's streaming runtime quiesces processing-time timers at end of input, which drops those
 * windows; here they fire when the final watermark arrives (before it is passed on), so every
 * row of a bounded input is counted, as in Weir's batch mode, where processing time jumps to the
 * end.
 */
import type { AggregateFunction, Collector } from '../../../types/functions.js';
import { MAX_WATERMARK } from '../../../types/elements.js';
import { AggregatingStateDescriptor } from '../../../types/state.js';
import { WindowOperator } from '../../../runtime/operators/window-operator.js';
import { SingleValueWindowFunction } from '../../../runtime/operators/window-functions.js';
import type { WindowAssigner } from '../../../windowing/assigner.js';
import { Trigger, type TriggerContext, type TriggerResult } from '../../../windowing/trigger.js';
import type { TimeWindow } from '../../../windowing/windows.js';

/**
 * Processing time past every window's end: the final watermark fires the timers up to it. It
 * is finite, so that a timer registered relative to it still lies beyond it.
 */
const END_OF_PROCESSING_TIME = Number.MAX_SAFE_INTEGER;

/**
 * A keyed processing-time window operator that pre-aggregates with `aggregate` and hands each
 * window's single result to `windowFn`; it fires the windows left open when the input ends.
 * Create one per subtask; the assigner must be a processing-time one.
 *
 * @example
 * new ProcessingTimeWindowAggregateOperator(TumblingProcessingTimeWindows.of(10_000), fn, emit);
 */
export class ProcessingTimeWindowAggregateOperator<IN, ACC, R, OUT, K> extends WindowOperator<
  IN,
  R,
  OUT,
  K,
  TimeWindow
> {
  constructor(
    assigner: WindowAssigner<IN, TimeWindow>,
    aggregate: AggregateFunction<IN, ACC, R>,
    windowFn: (key: K, window: TimeWindow, results: Iterable<R>, out: Collector<OUT>) => void,
  ) {
    if (assigner.isEventTime())
      throw new Error(
        `ProcessingTimeWindowAggregateOperator needs a processing-time assigner, got ${String(assigner)}`,
      );
    super({
      assigner,
      trigger: new WindowEndTrigger() as Trigger<IN, TimeWindow>,
      stateDescriptor: new AggregatingStateDescriptor<IN, ACC, R>('window-contents', aggregate),
      windowFunction: new SingleValueWindowFunction<R, OUT, K, TimeWindow>(windowFn, [aggregate]),
      allowedLateness: 0,
    });
  }

  /** A window is cleaned up when it fires, at its end (see the module comment). */
  protected override cleanupTime(window: TimeWindow): number {
    return window.end;
  }

  /**
   * The final watermark means the input ended: the open windows fire now, in timer order, and
   * their rows go out ahead of the watermark.
   */
  override processWatermark(watermark: number, input: number): void {
    if (watermark === MAX_WATERMARK)
      this.setupInfo.timeServiceManager?.onProcessingTime(END_OF_PROCESSING_TIME);
    super.processWatermark(watermark, input);
  }
}

/** Fires a window once, when processing time reaches its end (the first instant past it). */
class WindowEndTrigger extends Trigger<unknown, TimeWindow> {
  onElement(_element: unknown, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.end);
    return 'CONTINUE';
  }

  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }

  onProcessingTime(): TriggerResult {
    return 'FIRE';
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.end);
  }

  override toString(): string {
    return 'WindowEndTrigger()';
  }
}
