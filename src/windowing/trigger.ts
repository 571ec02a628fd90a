/**
 * Triggers decide when a window is evaluated (FIRE) and when its contents are dropped (PURGE).
 * A trigger is asked on every element, on every timer it registered, and when windows merge.
 * Its timers and state are scoped to the current key and window through the
 * {@link TriggerContext}; whatever it registers it must undo in `clear`, which the operator
 * calls when the window is cleaned up.
 */
import type { Window } from '../types/functions.js';
import type { State, StateDescriptor } from '../types/state.js';

/**
 * What a trigger asks the operator to do.
 * - CONTINUE: nothing.
 * - FIRE: evaluate the window function; keep the contents.
 * - PURGE: drop the contents without evaluating.
 * - FIRE_AND_PURGE: evaluate, then drop.
 * Purging removes the window's contents only, not the trigger's own state or timers.
 */
export type TriggerResult = 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE';

/** Named values of {@link TriggerResult}, for readers coming from Flink. */
export const TriggerResult = {
  CONTINUE: 'CONTINUE',
  FIRE: 'FIRE',
  PURGE: 'PURGE',
  FIRE_AND_PURGE: 'FIRE_AND_PURGE',
} as const;

/** True for FIRE and FIRE_AND_PURGE. */
export function isFire(result: TriggerResult): boolean {
  return result === 'FIRE' || result === 'FIRE_AND_PURGE';
}

/** True for PURGE and FIRE_AND_PURGE. */
export function isPurge(result: TriggerResult): boolean {
  return result === 'PURGE' || result === 'FIRE_AND_PURGE';
}

/**
 * Timers, time and state for a trigger, all scoped to the current key and window. Timers are
 * deduplicated per (key, window, time), and a timer fires the trigger for the window it was
 * registered in.
 */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  /** Keyed state in the namespace of the current window. Ask for it on each call; do not keep it. */
  getPartitionedState<S extends State>(descriptor: StateDescriptor<S, any>): S;
}

/** The context of {@link Trigger.onMerge}; the current window is the merge result. */
export interface OnMergeContext extends TriggerContext {
  /**
   * Merges the state of `descriptor` from all merged windows into the merge result. Only
   * list, reducing and aggregating state can be merged.
   */
  mergePartitionedState<S extends State>(descriptor: StateDescriptor<S, any>): void;
}

/**
 * Decides when a window fires. Extend it for a custom trigger.
 *
 * @example
 * class FireOnRed extends Trigger<Light, TimeWindow> {
 *   onElement(e: Light) { return e.color === 'red' ? 'FIRE' : 'CONTINUE'; }
 *   onEventTime() { return 'CONTINUE' as const; }
 *   onProcessingTime() { return 'CONTINUE' as const; }
 *   clear() {}
 * }
 *
 * Gotchas: a trigger object is copied per parallel subtask, so keep per-window data in
 * partitioned state, never in fields. Session windows need `canMerge()` to return true.
 */
export abstract class Trigger<T, W extends Window> {
  /** Called for every element added to `window`. */
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Called when an event-time timer registered for `window` fires. */
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Called when a processing-time timer registered for `window` fires. */
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Removes the trigger's timers and state for `window`; called when the window is cleaned up. */
  abstract clear(window: W, ctx: TriggerContext): void;

  /** Whether the trigger supports merging windows (required by session windows). */
  canMerge(): boolean {
    return false;
  }

  /** Called when windows merged into `window`; re-register timers and merge state here. */
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new Error(
      `${this.constructor.name} does not support merging windows; override canMerge and onMerge`,
    );
  }
}
