/**
 * User functions inside operators. A function object is copied for each parallel subtask
 * (Flink serializes it; we copy its own fields onto an object with the same prototype), so that
 * state handles assigned in `open` do not leak between subtasks running on the same thread.
 * Plain lambdas are shared: they hold no per-subtask fields.
 */
import type { AbstractRichFunction, RichFunction, RuntimeContext } from '../../types/functions.js';

/** A per-subtask copy of a function object; lambdas are returned as they are. */
export function cloneUserFunction<F>(fn: F): F {
  if (fn === null || typeof fn !== 'object') return fn;
  return Object.assign(Object.create(Object.getPrototypeOf(fn)), fn) as F;
}

/** Calls `setRuntimeContext` (for AbstractRichFunction) and `open`, if the function has them. */
export function openUserFunction(fn: unknown, ctx: RuntimeContext): void {
  if (fn === null || typeof fn !== 'object') return;
  const rich = fn as RichFunction & Partial<Pick<AbstractRichFunction, 'setRuntimeContext'>>;
  rich.setRuntimeContext?.(ctx);
  rich.open?.(ctx);
}

/** Calls `close` if the function has it. */
export function closeUserFunction(fn: unknown): void {
  if (fn === null || typeof fn !== 'object') return;
  (fn as RichFunction).close?.();
}
