/**
 * The state cleanup bound of a regular join (watermark-complete.ts) in a session zone with
 * daylight saving, where the zone's offset varies with the instant and so no constant shift
 * of the stored row's time is the bound. The bound is worked out per stored row instead, from
 * the same monotone pieces the condition `X + a <= T + b` is made of: shifts by an interval,
 * the cast of a TIMESTAMP to a TIMESTAMP_LTZ (its wall clock read in the zone), and, for a
 * `window_end` of a window over a TIMESTAMP_LTZ time, the instant that window fires at.
 *
 * A row may leave state only once no future row of the complete side can match it. Its side
 * of the comparison is computed exactly, as the compiled condition computes it. The complete
 * side is inverted the safe way: where a wall clock must be turned back into an instant, the
 * zone's largest offset in the days around it is taken (on the day the clocks change, and the
 * few days near it, a row may stay up to the change's length longer than it has to; never
 * shorter). A window end is then read as the instant its window fires at, the later one where
 * the clocks repeat the hour, as the window operator does (and as Flink's windows over
 * TIMESTAMP_LTZ do in such zones).
 */
import { timeZone } from '../../expressions/time-zone.js';
import { windowFireTime } from '../window/local-time-window.js';

const DAY_MS = 86_400_000;

/** One monotone piece of a comparison operand: a shift, or the cast of a wall clock to an instant. */
export type ZoneStep = { readonly kind: 'shift'; readonly ms: number } | { readonly kind: 'instant' };

/**
 * When a stored row may leave state in a zone with daylight saving (see the module comment):
 * the row's operand is its column through `large`, the complete side's is the complete column
 * through `small` (steps in the order they apply), and `lagMs` is the complete column's lag, or
 * undefined for a local window end, which is complete through its window's fire time. The zone
 * is held by its id, so the plan stays plain data (compiled plans are JSON).
 */
export interface ZonedBound {
  readonly zoneId: string;
  readonly large: readonly ZoneStep[];
  readonly small: readonly ZoneStep[];
  readonly lagMs?: number;
}

/**
 * The watermark from which a stored row whose column holds `t` can match no future row, as a
 * function of `t` (the zone resolved once): every later complete value X fires after the
 * watermark, so X is above the threshold found by inverting `small`, and so `small(X)` exceeds
 * the row's `large(t)`.
 */
export function zonedExpiry(bound: ZonedBound): (t: number) => number {
  const { large, small, lagMs } = bound;
  const zone = timeZone(bound.zoneId);
  return (t) => {
    let v = t;
    for (const step of large) v = step.kind === 'shift' ? v + step.ms : zone.fromLocal(v);
    // Invert the small side outermost first: the least x such that every X above it has small(X) > v.
    let x = v;
    for (let i = small.length - 1; i >= 0; i--) {
      const step = small[i]!;
      // A wall clock above i + (largest offset near i) reads as an instant above i: the reading
      // takes an offset from within a day of that wall clock, so the days around i cover it.
      x = step.kind === 'shift' ? x - step.ms : x + zone.maxOffsetBetween(x - 2 * DAY_MS, x + 4 * DAY_MS);
    }
    // A window ending at a local time fires at its end's instant (the later one where the clocks
    // repeat): windowFireTime is that or later, never earlier.
    return lagMs === undefined ? windowFireTime(x, zone) : x - lagMs;
  };
}

/**
 * The EXPLAIN text of a zoned bound over `column`: `fire(local(ts) + 10000ms) in
 * America/Los_Angeles`, where `instant(e)` is the cast of a wall clock, `local(e)` its safe
 * inverse and `fire(e)` the fire time of a window ending at local `e`.
 */
export function formatZonedBound(column: string, bound: ZonedBound): string {
  let text = column;
  for (const step of bound.large)
    text = step.kind === 'shift' ? shiftText(text, step.ms) : `instant(${text})`;
  for (let i = bound.small.length - 1; i >= 0; i--) {
    const step = bound.small[i]!;
    text = step.kind === 'shift' ? shiftText(text, -step.ms) : `local(${text})`;
  }
  if (bound.lagMs === undefined) text = `fire(${text})`;
  else text = shiftText(text, -bound.lagMs);
  return `${text} in ${bound.zoneId}`;
}

function shiftText(text: string, ms: number): string {
  return ms === 0 ? text : ms > 0 ? `${text} + ${ms}ms` : `${text} - ${-ms}ms`;
}
