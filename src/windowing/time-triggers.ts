/**
 * The default triggers: event-time windows fire when the watermark passes their end,
 * processing-time windows when the clock does, and global windows never fire on their own.
 */
import type { Window } from '../types/functions.js';
import type { OnMergeContext, TriggerContext, TriggerResult } from './trigger.js';
import { Trigger } from './trigger.js';

/**
 * Fires once the watermark passes `window.maxTimestamp()`; the default for event-time
 * assigners. An element that arrives after that (within the allowed lateness) fires the
 * window again at once: a late firing.
 *
 * @example
 * windowed.trigger(EventTimeTrigger.create());
 */
export class EventTimeTrigger extends Trigger<unknown, Window> {
  private static readonly INSTANCE = new EventTimeTrigger();

  /** The shared instance; the trigger has no per-subtask fields. */
  static create(): EventTimeTrigger {
    return EventTimeTrigger.INSTANCE;
  }

  onElement(_element: unknown, _timestamp: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) {
      // The watermark is already past the window: a late element within allowed lateness.
      return 'FIRE';
    }
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return 'CONTINUE';
  }

  onEventTime(time: number, window: Window): TriggerResult {
    return time === window.maxTimestamp() ? 'FIRE' : 'CONTINUE';
  }

  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }

  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(window: Window, ctx: OnMergeContext): void {
    // Only when the watermark has not passed the merged window: otherwise onElement fires it
    // right away, and a timer here would fire it a second time.
    const max = window.maxTimestamp();
    if (max > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(max);
  }

  override toString(): string {
    return 'EventTimeTrigger()';
  }
}

/**
 * Fires when processing time reaches `window.maxTimestamp()`; the default for processing-time
 * assigners.
 */
export class ProcessingTimeTrigger extends Trigger<unknown, Window> {
  private static readonly INSTANCE = new ProcessingTimeTrigger();

  /** The shared instance. */
  static create(): ProcessingTimeTrigger {
    return ProcessingTimeTrigger.INSTANCE;
  }

  onElement(_element: unknown, _timestamp: number, window: Window, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return 'CONTINUE';
  }

  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }

  onProcessingTime(): TriggerResult {
    return 'FIRE';
  }

  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(window: Window, ctx: OnMergeContext): void {
    const max = window.maxTimestamp();
    if (max > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(max);
  }

  override toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}

/**
 * Never fires; the default of {@link GlobalWindows}, which therefore need an explicit trigger
 * (e.g. `CountTrigger.of(n)`) to emit anything.
 */
export class NeverTrigger extends Trigger<unknown, Window> {
  private static readonly INSTANCE = new NeverTrigger();

  /** The shared instance. */
  static create(): NeverTrigger {
    return NeverTrigger.INSTANCE;
  }

  onElement(): TriggerResult {
    return 'CONTINUE';
  }
  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }
  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }
  clear(): void {}
  override canMerge(): boolean {
    return true;
  }
  override onMerge(): void {}
}
