/**
 * Which time zone the window bounds of a windowed input are local to. Operators over windowed
 * rows (window Top-N, deduplication, join) fire when the watermark passes a row's
 * `window_end`; over a TIMESTAMP_LTZ time that column holds the session zone's wall clock
 * (see `runtime/window/local-time-windows.ts`), so they map it back to an instant first.
 */
import { sessionTimeZone, type TimeZone } from '../../expressions/time-zone.js';
import type { PhysicalNode } from '../physical.js';
import type { WindowSpec } from './window-nodes.js';

/** The window whose bounds `node`'s rows carry: the nearest windowing node below it. */
function windowBelow(node: PhysicalNode): WindowSpec | undefined {
  if (node.kind === 'windowTableFunction' || node.kind === 'windowAggregate') return node.window;
  const input = (node as { readonly input?: PhysicalNode }).input;
  return input === undefined ? undefined : windowBelow(input);
}

/**
 * The zone the window bounds of `node`'s rows are local to, when it is not UTC: the session
 * zone (read while translating) for windows over a TIMESTAMP_LTZ time, else undefined (the
 * bounds are instants already).
 */
export function windowBoundsZone(node: PhysicalNode): TimeZone | undefined {
  if (windowBelow(node)?.localTime !== true) return undefined;
  const zone = sessionTimeZone();
  return zone.isUtc ? undefined : zone;
}

/** The instant a window ending at `end` (a local time in `zone`, if given) fires at: its last millisecond. */
export function windowFireTime(end: number, zone: TimeZone | undefined): number {
  // A local end the clocks repeat takes the later instant, so the window waits for all its rows.
  return (zone === undefined ? end : zone.fromLocal(end, true)) - 1;
}
