/**
 * Element-count firing and the purging wrapper. CountTrigger keeps its count in reducing state
 * scoped to the key and window, so counts survive checkpoints and merge with session windows.
 */
import { ErrorCodes, userError } from '../types/errors.js';
import type { Window } from '../types/functions.js';
import { ReducingStateDescriptor } from '../types/state.js';
import type { OnMergeContext, TriggerContext, TriggerResult } from './trigger.js';
import { isFire, Trigger } from './trigger.js';

const sum = { reduce: (a: number, b: number) => a + b };

/**
 * Fires every `maxCount` elements of a window, then restarts counting. It does not purge: the
 * contents keep growing unless it is wrapped in {@link PurgingTrigger}.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100)));
 */
export class CountTrigger<W extends Window = Window> extends Trigger<unknown, W> {
  private readonly countDesc = new ReducingStateDescriptor<number>('count', sum);

  private constructor(readonly maxCount: number) {
    super();
  }

  /** Fires once `maxCount` (a positive integer) elements have arrived since the last firing. */
  static of<W extends Window = Window>(maxCount: number): CountTrigger<W> {
    if (!Number.isInteger(maxCount) || maxCount <= 0) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `CountTrigger.of: count must be a positive integer, got ${maxCount}; pass the number of elements per firing`,
      );
    }
    return new CountTrigger<W>(maxCount);
  }

  onElement(_element: unknown, _timestamp: number, _window: W, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.countDesc);
    count.add(1);
    if (count.get()! >= this.maxCount) {
      count.clear();
      return 'FIRE';
    }
    return 'CONTINUE';
  }

  onEventTime(): TriggerResult {
    return 'CONTINUE';
  }

  onProcessingTime(): TriggerResult {
    return 'CONTINUE';
  }

  clear(_window: W, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.countDesc).clear();
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(_window: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.countDesc);
  }

  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}

/**
 * Turns every FIRE of the wrapped trigger into FIRE_AND_PURGE, so each firing sees only the
 * elements since the previous one.
 *
 * @example
 * PurgingTrigger.of(CountTrigger.of(10)); // tumbling count windows
 */
export class PurgingTrigger<T, W extends Window> extends Trigger<T, W> {
  private constructor(readonly nestedTrigger: Trigger<T, W>) {
    super();
  }

  /** Wraps `nested`. */
  static of<T, W extends Window>(nested: Trigger<T, W>): PurgingTrigger<T, W> {
    return new PurgingTrigger(nested);
  }

  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onElement(element, timestamp, window, ctx));
  }

  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onEventTime(time, window, ctx));
  }

  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onProcessingTime(time, window, ctx));
  }

  clear(window: W, ctx: TriggerContext): void {
    this.nestedTrigger.clear(window, ctx);
  }

  override canMerge(): boolean {
    return this.nestedTrigger.canMerge();
  }

  override onMerge(window: W, ctx: OnMergeContext): void {
    this.nestedTrigger.onMerge(window, ctx);
  }

  override toString(): string {
    return `PurgingTrigger(${String(this.nestedTrigger)})`;
  }
}

function purging(result: TriggerResult): TriggerResult {
  return isFire(result) ? 'FIRE_AND_PURGE' : result;
}
