/**
 * Windows on a zone's wall clock: for instants near DST changes, a row's local windows are the
 * UTC windows of its local time, each held as instants that contain the row's, firing once
 * every instant whose local time lies in the window has passed, and printing the local bounds
 * (also when a bound falls in a skipped hour).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimeWindow } from '../../../windowing/windows.js';
import { timeZone } from '../../expressions/time-zone.js';
import type { WindowSpec } from '../../planner/window/window-nodes.js';
import { LocalTimeWindows, localBounds } from './local-time-windows.js';
import { windowAssigner } from './window-aggregate.js';

type Aligned = Exclude<WindowSpec, { kind: 'SESSION' }>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NO_CLOCK = { getCurrentProcessingTime: () => 0 };

const spec = fc.oneof(
  fc
    .constantFrom(15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 24 * HOUR)
    .map((size): Aligned => ({ kind: 'TUMBLE', timeColumn: 'ts', size, offset: 0 })),
  fc
    .tuple(fc.constantFrom(30 * MINUTE, HOUR), fc.integer({ min: 1, max: 4 }))
    .map(
      ([slide, times]): Aligned => ({ kind: 'HOP', timeColumn: 'ts', slide, size: slide * times, offset: 0 }),
    ),
  fc
    .constantFrom(30 * MINUTE, HOUR, 6 * HOUR)
    .map((step): Aligned => ({ kind: 'CUMULATE', timeColumn: 'ts', step, size: 24 * HOUR, offset: 0 })),
);

/** Instants within two days of a DST change of the zones below. */
const instant = fc
  .tuple(
    fc.constantFrom(
      Date.UTC(2021, 2, 28, 1),
      Date.UTC(2021, 9, 31, 1),
      Date.UTC(2021, 2, 14, 10),
      Date.UTC(2021, 10, 7, 9),
      Date.UTC(2021, 3, 4, 15),
    ),
    fc.integer({ min: -2 * 24 * HOUR, max: 2 * 24 * HOUR }),
  )
  .map(([change, delta]) => change + delta);
const zone = fc.constantFrom('Europe/Berlin', 'America/Los_Angeles', 'Australia/Lord_Howe');

const key = (w: readonly [number, number]) => `${w[0]}-${w[1]}`;

describe('windows on the local wall clock', () => {
  it('hold the row, print the windows of its local time, and fire once all their rows passed', () => {
    fc.assert(
      fc.property(spec, zone, instant, (window, id, ts) => {
        const tz = timeZone(id);
        const assigner = new LocalTimeWindows(windowAssigner(window), tz);
        const assigned = assigner.assignWindows({}, ts, NO_CLOCK);
        const local = assigner.localWindows();
        const windows = assigner.localWindowInstants();
        // The operator gets each window of instants once.
        const keys = assigned.map((w) => key([w.start, w.end]));
        expect(new Set(keys).size).toBe(keys.length);
        expect([...new Set(windows.map((w) => key([w.start, w.end])))].sort()).toEqual([...keys].sort());
        const bounds = localBounds(window, tz);
        const expected = windowAssigner(window).assignWindows({}, tz.toLocal(ts), NO_CLOCK) as TimeWindow[];
        expect(local.map((w) => key([w.start, w.end])).sort()).toEqual(
          expected.map((w) => key([w.start, w.end])).sort(),
        );
        windows.forEach((w, i) => {
          expect(w.start).toBeLessThanOrEqual(ts);
          expect(ts).toBeLessThan(w.end);
          const [start, end] = [local[i]!.start, local[i]!.end];
          // Every instant whose local time is in the window has passed when it fires, and
          // none after it is in the window.
          expect(tz.toLocal(w.end)).toBeGreaterThanOrEqual(end);
          if (end < tz.toLocal(w.end)) expect(tz.toLocal(w.end - 1)).toBeLessThan(end);
          // The printed bounds are the local window's, but for CUMULATE windows ending in a
          // skipped hour, which share their instant with the one ending just after it.
          const printed = bounds(w);
          if (window.kind === 'CUMULATE' && printed[1] !== end) {
            expect(printed[0]).toBe(start);
            expect(endsAtOneInstant(tz, printed[1], end)).toBe(true);
          } else expect(key(printed)).toBe(key([start, end]));
        });
      }),
      { numRuns: 3000 },
    );
  });
});

/** Whether local times `a` and `b` both lie in one skipped hour or at its end. */
function endsAtOneInstant(tz: ReturnType<typeof timeZone>, a: number, b: number): boolean {
  return tz.firstInstantFrom(a) === tz.firstInstantFrom(b);
}
