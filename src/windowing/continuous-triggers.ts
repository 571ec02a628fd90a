/**
 * Early firings at a fixed interval before a window ends. The next firing time is kept in
 * reducing state (min) per key and window, so it merges sensibly for session windows: the
 * earliest pending firing wins. The event-time and processing-time forms differ only in the
 * clock they align to and the timers they set.
 */
import type { Window } from '../types/functions.js';
import { ReducingStateDescriptor } from '../types/state.js';
import { requirePositive } from './assigner.js';
import type { OnMergeContext, TriggerContext, TriggerResult } from './trigger.js';
import { Trigger } from './trigger.js';

const min = { reduce: (a: number, b: number) => Math.min(a, b) };

/** What both continuous triggers share: the aligned next firing time and its timer. */
abstract class ContinuousTrigger<W extends Window> extends Trigger<unknown, W> {
  protected readonly stateDesc = new ReducingStateDescriptor<number>('fire-time', min);

  protected constructor(readonly interval: number) {
    super();
  }

  protected abstract registerTimer(ctx: TriggerContext, time: number): void;
  protected abstract deleteTimer(ctx: TriggerContext, time: number): void;

  /** Starts the interval sequence at the multiple of the interval at or before `time`. */
  protected startFiring(time: number, window: W, ctx: TriggerContext): void {
    if (ctx.getPartitionedState(this.stateDesc).get() === undefined) {
      this.registerNext(time - (time % this.interval), window, ctx);
    }
  }

  /** FIRE when `time` is the pending firing time, and schedule the next one. */
  protected fireIfDue(time: number, window: W, ctx: TriggerContext): TriggerResult {
    const fireTime = ctx.getPartitionedState(this.stateDesc);
    if (fireTime.get() !== time) return 'CONTINUE';
    fireTime.clear();
    this.registerNext(time, window, ctx);
    return 'FIRE';
  }

  clear(_window: W, ctx: TriggerContext): void {
    const fireTime = ctx.getPartitionedState(this.stateDesc);
    const next = fireTime.get();
    if (next !== undefined) {
      this.deleteTimer(ctx, next);
      fireTime.clear();
    }
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = ctx.getPartitionedState(this.stateDesc).get();
    if (next !== undefined) this.registerTimer(ctx, next);
  }

  private registerNext(time: number, window: W, ctx: TriggerContext): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    ctx.getPartitionedState(this.stateDesc).add(next);
    this.registerTimer(ctx, next);
  }
}

/**
 * Fires every `interval` ms of event time, aligned to multiples of the interval, and at the
 * end of the window.
 *
 * @example
 * // a one-hour window that also reports every minute of event time
 * keyed.window(TumblingEventTimeWindows.of(3_600_000)).trigger(ContinuousEventTimeTrigger.of(60_000));
 *
 * Gotcha: it never purges; each firing sees all elements so far. Wrap it in PurgingTrigger for deltas.
 */
export class ContinuousEventTimeTrigger<W extends Window = Window> extends ContinuousTrigger<W> {
  /** Fires every `interval` ms (> 0) of event time. */
  static of<W extends Window = Window>(interval: number): ContinuousEventTimeTrigger<W> {
    requirePositive(
      interval,
      'ContinuousEventTimeTrigger.of',
      'interval',
      'pass the firing interval in milliseconds',
    );
    return new ContinuousEventTimeTrigger<W>(interval);
  }

  onElement(_element: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return 'FIRE';
    ctx.registerEventTimeTimer(window.maxTimestamp());
    this.startFiring(timestamp, window, ctx);
    return 'CONTINUE';
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return 'FIRE';
    return this.fireIfDue(time, window, ctx);
  }

  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }

  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerEventTimeTimer(time);
  }

  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteEventTimeTimer(time);
  }

  override toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }
}

/**
 * Fires every `interval` ms of processing time while a window has elements, aligned to
 * multiples of the interval, the last time at the window's end.
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of(60_000)).trigger(ContinuousProcessingTimeTrigger.of(5_000));
 */
export class ContinuousProcessingTimeTrigger<W extends Window = Window> extends ContinuousTrigger<W> {
  /** Fires every `interval` ms (> 0) of processing time. */
  static of<W extends Window = Window>(interval: number): ContinuousProcessingTimeTrigger<W> {
    requirePositive(
      interval,
      'ContinuousProcessingTimeTrigger.of',
      'interval',
      'pass the firing interval in milliseconds',
    );
    return new ContinuousProcessingTimeTrigger<W>(interval);
  }

  onElement(_element: unknown, _timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    this.startFiring(ctx.getCurrentProcessingTime(), window, ctx);
    return 'CONTINUE';
  }

  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return this.fireIfDue(time, window, ctx);
  }

  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerProcessingTimeTimer(time);
  }

  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteProcessingTimeTimer(time);
  }

  override toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }
}
