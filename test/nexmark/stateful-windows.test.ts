/**
 * Nexmark q11 (event-time sessions per bidder) and q12 (processing-time windows per bidder).
 * q11: the engine at parallelism 1 and 2, the hand-written loop and DuckDB agree, on input in
 * order and out of order within the watermark delay; a property test checks the loop's session
 * merging against sessions cut from the sorted bid times. q12 depends on the wall clock, so
 * only its invariants are checked: each bidder's counts sum to its number of bids, and every
 * window is a 10 s interval aligned to 10 s; its trigger is checked on its own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GAP, type Q11Row, query as q11 } from '../../bench/nexmark/q11.js';
import {
  ProcessingTimeOrEndOfInputTrigger,
  type Q12Row,
  query as q12,
  WINDOW,
} from '../../bench/nexmark/q12.js';
import {
  type Bid,
  MAX_WATERMARK,
  type NexmarkEvent,
  NexmarkEventType,
  TimeWindow,
  type TriggerContext,
} from '../../src/index.js';
import { generateEvents, normalise, runAllThree, runEngine } from './harness.js';

const EVENTS = 20_000;
/**
 * 100 events per second of event time (200 s in all): cold bidders bid seconds to minutes
 * apart, so their sessions end and new ones start.
 */
const RATE = 100;
const inOrder = generateEvents(EVENTS, { firstEventRate: RATE });
/** The same events shuffled within groups spanning 2 s, less than the watermark delay. */
const outOfOrder = generateEvents(EVENTS, { firstEventRate: RATE, outOfOrderGroupSize: 2 * RATE });

describe('q11', () => {
  it('engine, loop and DuckDB agree at parallelism 1 and 2, with many sessions per bidder', async () => {
    const { engine, loop, duckdb } = await runAllThree(q11, inOrder, { parallelism: 1 });
    expect(loop).toEqual(engine);
    expect(duckdb).toEqual(engine);
    expect(await runEngine(q11, inOrder, { parallelism: 2 })).toEqual(engine);
    const rows = engine.map((row) => JSON.parse(row) as Q11Row);
    const bidders = new Set(rows.map((r) => r.bidder));
    expect(rows.length).toBeGreaterThan(2 * bidders.size);
  });

  it('gives the same sessions when events arrive out of order within the watermark delay', async () => {
    const expected = await runEngine(q11, inOrder);
    const { engine, loop, duckdb } = await runAllThree(q11, outOfOrder, { parallelism: 2 });
    expect(engine).toEqual(expected);
    expect(loop).toEqual(expected);
    expect(duckdb).toEqual(expected);
  });

  it('the loop cuts the same sessions as sorting each bidder’s bid times, for bounded disorder', () => {
    // Each bid arrives at its time plus a delay under 4 s, so no bid is behind the watermark.
    const bidArb = fc.record({
      bidder: fc.integer({ min: 1, max: 3 }),
      step: fc.oneof(fc.integer({ min: 0, max: 700 }), fc.integer({ min: 9_000, max: 12_000 })),
      delay: fc.integer({ min: 0, max: 3_500 }),
    });
    fc.assert(
      fc.property(fc.array(bidArb, { maxLength: 60 }), (bids) => {
        let t = 1_000_000;
        const arrivals = bids.map(({ bidder, step, delay }) => {
          t += step;
          return { event: bidEvent(bidder, t), at: t + delay };
        });
        const events = arrivals.sort((a, b) => a.at - b.at).map((a) => a.event);
        const rows: Q11Row[] = [];
        const loop = q11.loop((row) => rows.push(row));
        for (const e of events) loop.onEvent(e);
        loop.finish();
        expect(normalise(rows)).toEqual(normalise(sessions(events)));
      }),
    );
  });
});

describe('q12', () => {
  it.each([1, 2])(
    'counts every bid once in aligned 10 s windows, engine at parallelism %i',
    async (parallelism) => {
      const events = await generateEvents(EVENTS);
      checkInvariants(
        (await runEngine(q12, events, { parallelism })).map((row) => JSON.parse(row) as Q12Row),
        events,
      );
    },
  );

  it('the trigger fires on the window end in processing time or on the final watermark, and clears both timers', () => {
    const timers: string[] = [];
    const ctx = {
      registerProcessingTimeTimer: (t: number) => timers.push(`+p${t}`),
      registerEventTimeTimer: (t: number) => timers.push(`+e${t}`),
      deleteProcessingTimeTimer: (t: number) => timers.push(`-p${t}`),
      deleteEventTimeTimer: (t: number) => timers.push(`-e${t}`),
    } as unknown as TriggerContext;
    const trigger = new ProcessingTimeOrEndOfInputTrigger();
    const window = new TimeWindow(10_000, 20_000);
    expect(trigger.onElement(null, 0, window, ctx)).toBe('CONTINUE');
    expect(trigger.onProcessingTime()).toBe('FIRE');
    expect(trigger.onEventTime(19_999)).toBe('CONTINUE');
    expect(trigger.onEventTime(MAX_WATERMARK)).toBe('FIRE');
    trigger.clear(window, ctx);
    expect(timers).toEqual(['+p19999', `+e${MAX_WATERMARK}`, '-p19999', `-e${MAX_WATERMARK}`]);
  });

  it('counts every bid once in aligned 10 s windows, hand-written loop', async () => {
    const rows: Q12Row[] = [];
    const loop = q12.loop((row) => rows.push(row));
    for (const e of inOrder) loop.onEvent(e);
    loop.finish();
    checkInvariants(rows, inOrder);
  });
});

/**
 * Each bidder's counts sum to its bids, and every window is an aligned 10 s interval. A bidder
 * may get two rows for one window: a bid processed in the window's last millisecond, after its
 * timer fired, opens it again, as in the reference.
 */
function checkInvariants(rows: readonly Q12Row[], events: readonly NexmarkEvent[]): void {
  const expected = new Map<number, number>();
  for (const e of events)
    if (e.bid !== null) expected.set(e.bid.bidder, (expected.get(e.bid.bidder) ?? 0) + 1);
  const counted = new Map<number, number>();
  for (const row of rows) {
    expect(row.bid_count).toBeGreaterThan(0);
    expect(row.endtime - row.starttime).toBe(WINDOW);
    expect(row.starttime % WINDOW).toBe(0);
    counted.set(row.bidder, (counted.get(row.bidder) ?? 0) + row.bid_count);
  }
  expect(counted).toEqual(expected);
}

function bidEvent(bidder: number, dateTime: number): NexmarkEvent {
  return {
    type: NexmarkEventType.BID,
    person: null,
    auction: null,
    bid: { auction: 1, bidder, price: 1, channel: 'c', url: 'u', dateTime, extra: '' },
  };
}

/** Sessions straight from the definition: sort each bidder's times, cut where the step exceeds GAP. */
function sessions(events: readonly NexmarkEvent[]): Q11Row[] {
  const times = new Map<number, number[]>();
  for (const e of events) {
    const bid = e.bid as Bid;
    times.set(bid.bidder, [...(times.get(bid.bidder) ?? []), bid.dateTime]);
  }
  const rows: Q11Row[] = [];
  for (const [bidder, ts] of times) {
    ts.sort((a, b) => a - b);
    let first = 0;
    for (let i = 1; i <= ts.length; i++) {
      if (i < ts.length && (ts[i] as number) - (ts[i - 1] as number) <= GAP) continue;
      rows.push({
        bidder,
        bid_count: i - first,
        starttime: ts[first] as number,
        endtime: (ts[i - 1] as number) + GAP,
      });
      first = i;
    }
  }
  return rows;
}
