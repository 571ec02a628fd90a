import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_TIMESTAMP } from '../types/elements.js';
import { WeirError } from '../types/errors.js';
import { GlobalWindows } from './global-windows.js';
import { EventTimeSessionWindows, ProcessingTimeSessionWindows } from './sessions.js';
import { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from './sliding.js';
import { EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger } from './time-triggers.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from './tumbling.js';
import { GlobalWindow, TimeWindow } from './windows.js';

const noClock = { getCurrentProcessingTime: () => 0 };
const ts = fc.integer({ min: -1e12, max: 1e12 });

describe('TimeWindow', () => {
  it('has an exclusive end and maxTimestamp = end - 1', () => {
    const w = new TimeWindow(10, 20);
    expect(w.maxTimestamp()).toBe(19);
    expect(w.namespaceKey).toBe(new TimeWindow(10, 20).namespaceKey);
    expect(w.namespaceKey).not.toBe(new TimeWindow(10, 21).namespaceKey);
  });

  it('getWindowStartWithOffset handles negative timestamps and offsets', () => {
    expect(TimeWindow.getWindowStartWithOffset(7, 0, 5)).toBe(5);
    expect(TimeWindow.getWindowStartWithOffset(-1, 0, 5)).toBe(-5);
    expect(TimeWindow.getWindowStartWithOffset(-5, 0, 5)).toBe(-5);
    expect(TimeWindow.getWindowStartWithOffset(7, 3, 5)).toBe(3);
    expect(TimeWindow.getWindowStartWithOffset(2, 3, 5)).toBe(-2);
    expect(TimeWindow.getWindowStartWithOffset(2, -3, 5)).toBe(2);
  });

  it('touching windows intersect and cover spans both', () => {
    expect(new TimeWindow(0, 5).intersects(new TimeWindow(5, 9))).toBe(true);
    expect(new TimeWindow(0, 5).intersects(new TimeWindow(6, 9))).toBe(false);
    expect(new TimeWindow(0, 5).cover(new TimeWindow(3, 9)).equals(new TimeWindow(0, 9))).toBe(true);
  });

  it('GlobalWindow is a singleton that never ends', () => {
    expect(GlobalWindow.get()).toBe(GlobalWindow.get());
    expect(GlobalWindow.get().maxTimestamp()).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('tumbling windows', () => {
  it('puts every timestamp in exactly the one aligned window containing it', () => {
    fc.assert(
      fc.property(
        ts,
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: -0.999, max: 0.999, noNaN: true }),
        (t, size, f) => {
          const offset = Math.trunc(f * size);
          const windows = TumblingEventTimeWindows.of(size, offset).assignWindows(null, t, noClock);
          expect(windows).toHaveLength(1);
          const w = windows[0]!;
          expect(w.end - w.start).toBe(size);
          expect(w.start <= t && t < w.end).toBe(true);
          // aligned: start - offset is a multiple of size
          expect(Math.abs((w.start - offset) % size)).toBe(0);
        },
      ),
    );
  });

  it('processing-time tumbling uses the clock, not the record timestamp', () => {
    const w = TumblingProcessingTimeWindows.of(10).assignWindows(null, 999, {
      getCurrentProcessingTime: () => 23,
    });
    expect(w[0]!.start).toBe(20);
    expect(TumblingProcessingTimeWindows.of(10).isEventTime()).toBe(false);
    expect(TumblingProcessingTimeWindows.of(10).getDefaultTrigger()).toBe(ProcessingTimeTrigger.create());
  });
});

describe('sliding windows', () => {
  it('assigns a timestamp to exactly the windows [s, s+size) with aligned s containing it', () => {
    fc.assert(
      fc.property(
        ts,
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -49, max: 49 }),
        (t, size, slide, off) => {
          fc.pre(Math.abs(off) < slide);
          const got = SlidingEventTimeWindows.of(size, slide, off).assignWindows(null, t, noClock);
          const expected: string[] = [];
          // brute force: aligned starts near t
          const base = TimeWindow.getWindowStartWithOffset(t, off, slide);
          for (let s = base + slide * 2; s > t - size - slide * 2; s -= slide) {
            if (s <= t && t < s + size) expected.push(new TimeWindow(s, s + size).namespaceKey);
          }
          expect(got.map((w) => w.namespaceKey).sort()).toEqual(expected.sort());
        },
      ),
    );
  });

  it('one assigner asked about a sequence of timestamps answers each as a fresh one would', () => {
    // The assigner hands out its last answer again when it still applies; near and repeated
    // timestamps exercise that, including slides that do not divide the size.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -60, max: 60 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        (times, size, slide) => {
          const reused = SlidingEventTimeWindows.of(size, slide);
          for (const t of times) {
            const fresh = SlidingEventTimeWindows.of(size, slide).assignWindows(null, t, noClock);
            const got = reused.assignWindows(null, t, noClock);
            expect(got.map((w) => w.namespaceKey)).toEqual(fresh.map((w) => w.namespaceKey));
          }
        },
      ),
    );
  });

  it('overlapping windows: size 10 slide 5 gives two windows', () => {
    const got = SlidingEventTimeWindows.of(10, 5).assignWindows(null, 7, noClock);
    expect(got.map((w) => [w.start, w.end])).toEqual([
      [5, 15],
      [0, 10],
    ]);
    const pt = SlidingProcessingTimeWindows.of(10, 5).assignWindows(null, 0, {
      getCurrentProcessingTime: () => -3,
    });
    expect(pt.map((w) => [w.start, w.end])).toEqual([
      [-5, 5],
      [-10, 0],
    ]);
  });
});

describe('session and global assigners', () => {
  it('sessions open [t, t + gap) and merge touching windows', () => {
    const a = EventTimeSessionWindows.withGap(10);
    expect(a.assignWindows(null, 5, noClock)[0]!.equals(new TimeWindow(5, 15))).toBe(true);
    const merges: Array<[string[], string]> = [];
    a.mergeWindows(
      [new TimeWindow(0, 10), new TimeWindow(20, 30), new TimeWindow(10, 20), new TimeWindow(40, 50)],
      (m, r) => merges.push([m.map((w) => w.namespaceKey), r.namespaceKey]),
    );
    expect(merges).toEqual([[['0:10', '10:20', '20:30'], '0:30']]);
    expect(a.getDefaultTrigger()).toBe(EventTimeTrigger.create());
  });

  it('dynamic gaps come from the element', () => {
    const a = EventTimeSessionWindows.withDynamicGap((e: { gap: number }) => e.gap);
    expect(a.assignWindows({ gap: 7 }, 3, noClock)[0]!.equals(new TimeWindow(3, 10))).toBe(true);
    expect(() => a.assignWindows({ gap: 0 }, 3, noClock)).toThrow(/dynamic session gap must be > 0/);
    const p = ProcessingTimeSessionWindows.withDynamicGap({ extract: (e: number) => e });
    expect(
      p.assignWindows(4, 0, { getCurrentProcessingTime: () => 100 })[0]!.equals(new TimeWindow(100, 104)),
    ).toBe(true);
  });

  it('GlobalWindows puts everything in the global window and never fires by default', () => {
    const g = GlobalWindows.create();
    expect(g.assignWindows()).toEqual([GlobalWindow.get()]);
    expect(g.getDefaultTrigger()).toBe(NeverTrigger.create());
    expect(g.isEventTime()).toBe(false);
  });
});

describe('bad arguments', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [
      () => TumblingEventTimeWindows.of(-5),
      /TumblingEventTimeWindows\.of: size must be > 0 ms, got -5; pass a positive/,
    ],
    [() => TumblingEventTimeWindows.of(0), /size must be > 0/],
    [() => TumblingEventTimeWindows.of(10, 10), /\|offset\| < size/],
    [() => TumblingProcessingTimeWindows.of(10, -12), /\|offset\| < size/],
    [() => SlidingEventTimeWindows.of(10, 0), /slide must be > 0/],
    [() => SlidingEventTimeWindows.of(10, 5, 5), /\|offset\| < slide/],
    [() => SlidingProcessingTimeWindows.of(-1, 5), /size must be > 0/],
    [() => EventTimeSessionWindows.withGap(0), /gap must be > 0/],
    [() => ProcessingTimeSessionWindows.withGap(-3), /gap must be > 0/],
    [() => EventTimeSessionWindows.withDynamicGap(42 as never), /gap extractor/],
  ];
  it.each(cases)('%s throws a one-line INVALID_ARGUMENT user error', (fn, re) => {
    try {
      fn();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WeirError);
      const err = e as WeirError;
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.domain).toBe('user');
      expect(err.message).toMatch(re);
      expect(err.message).not.toContain('\n');
    }
  });

  it('event-time assigners reject records without timestamps with MISSING_TIMESTAMP', () => {
    for (const a of [
      TumblingEventTimeWindows.of(5),
      SlidingEventTimeWindows.of(10, 5),
      EventTimeSessionWindows.withGap(5),
    ]) {
      try {
        a.assignWindows(null, NO_TIMESTAMP, noClock);
        expect.unreachable();
      } catch (e) {
        expect((e as WeirError).code).toBe('MISSING_TIMESTAMP');
        expect((e as Error).message).toMatch(/assignTimestampsAndWatermarks.*WatermarkStrategy.*fromSource/);
      }
    }
  });
});
