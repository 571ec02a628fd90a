/**
 * Where a windowing table function's bounds are in a plan above it: grouping sets over windows
 * check that every set groups by them, and the WindowAggregateRule finds them again under the
 * sets' Expand, whose rows then carry their window (as a window aggregate's rows do).
 */
import type { LogicalNode } from '../logical.js';
import { WINDOW_END, WINDOW_START, type WindowSpec } from './window-nodes.js';

/** The window whose bounds a plan's rows carry, and the columns that carry them, unchanged. */
export interface WindowBounds {
  readonly window: WindowSpec;
  /** Columns equal to the function's `window_start` (a projection may copy or rename it). */
  readonly start: readonly string[];
  /** Columns equal to the function's `window_end`. */
  readonly end: readonly string[];
}

/**
 * When rows come from a windowing table function through filters and projections only: the
 * window, and the columns of `plan` that carry its `window_start` and `window_end` unchanged.
 */
export function windowBoundsOf(plan: LogicalNode): WindowBounds | undefined {
  if (plan.kind === 'windowTableFunction')
    return { window: plan.window, start: [WINDOW_START], end: [WINDOW_END] };
  if (plan.kind === 'filter') return windowBoundsOf(plan.input);
  if (plan.kind !== 'project') return undefined;
  const below = windowBoundsOf(plan.input);
  if (below === undefined) return undefined;
  const carried = (names: readonly string[]) =>
    plan.projections.filter((p) => p.rex.kind === 'field' && names.includes(p.rex.name)).map((p) => p.name);
  return { window: below.window, start: carried(below.start), end: carried(below.end) };
}
