/**
 * Shared fixtures for the window operator tests: keyed (key, value) tuples and a window
 * function that renders each firing as a string, so expectations read like the windows.
 */
import type { Collector, Window } from '../../types/functions.js';
import { OneInputStreamOperatorTestHarness } from '../testing/harness.js';
import type { OneInputStreamOperator } from '../operator.js';

/** A keyed test element. */
export type KV = readonly [key: string, value: number];

/** Renders a window as `start-end` for time windows and `global` otherwise. */
export function windowName(w: Window): string {
  const t = w as { start?: number; end?: number };
  return t.start === undefined ? 'global' : `${t.start}-${t.end}`;
}

/** A window function lambda that emits `key@window:[values]` with values in arrival order. */
export function describeWindow(
  key: string,
  window: Window,
  elements: Iterable<KV>,
  out: Collector<string>,
): void {
  out.collect(`${key}@${windowName(window)}:[${Array.from(elements, (e) => e[1]).join(',')}]`);
}

/** A keyed harness over KV elements. */
export function kvHarness<OUT>(
  op: OneInputStreamOperator<KV, OUT>,
): OneInputStreamOperatorTestHarness<KV, OUT> {
  const h = new OneInputStreamOperatorTestHarness<KV, OUT>(op, (e) => e[0]);
  h.open();
  return h;
}
