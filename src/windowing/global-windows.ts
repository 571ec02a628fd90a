/**
 * The global window assigner: every element of a key goes to the single {@link GlobalWindow}.
 * Nothing fires until a custom trigger says so, and nothing is cleaned up by time.
 */
import { type WindowAssignerContext, WindowAssigner } from './assigner.js';
import { NeverTrigger } from './time-triggers.js';
import type { Trigger } from './trigger.js';
import { GlobalWindow } from './windows.js';

/**
 * Puts all elements of a key into one window; pair it with a trigger.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(3)));
 *
 * Gotcha: with the default NeverTrigger the window never fires, and the state only grows.
 */
export class GlobalWindows extends WindowAssigner<unknown, GlobalWindow> {
  private static readonly INSTANCE = new GlobalWindows();
  private static readonly WINDOWS: readonly GlobalWindow[] = Object.freeze([GlobalWindow.get()]);

  private constructor() {
    super();
  }

  /** The assigner (a shared instance). */
  static create(): GlobalWindows {
    return GlobalWindows.INSTANCE;
  }

  assignWindows(_element?: unknown, _timestamp?: number, _context?: WindowAssignerContext): GlobalWindow[] {
    // The operator only reads the array, so one frozen array serves every record.
    return GlobalWindows.WINDOWS as GlobalWindow[];
  }

  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return NeverTrigger.create();
  }

  isEventTime(): boolean {
    return false;
  }

  override toString(): string {
    return 'GlobalWindows()';
  }
}
