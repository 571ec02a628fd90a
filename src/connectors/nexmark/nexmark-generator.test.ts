import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Auction, type Bid, type NexmarkEvent, nexmarkEventTime, type Person } from './model.js';
import { DEFAULT_BASE_TIME } from './nexmark-config.js';
import {
  FIRST_AUCTION_ID,
  FIRST_PERSON_ID,
  HOT_BATCH,
  ID_LEAD,
  NexmarkGenerator,
} from './nexmark-generator.js';

function run(gen: NexmarkGenerator, n: number): NexmarkEvent[] {
  return Array.from({ length: n }, (_, i) => gen.event(i));
}

/** Walks events in index order, tracking the newest person and auction ids seen so far. */
function* withNewest(events: NexmarkEvent[]) {
  let person = FIRST_PERSON_ID - 1;
  let auction = FIRST_AUCTION_ID - 1;
  for (const e of events) {
    if (e.person !== null) person = e.person.id;
    if (e.auction !== null) auction = e.auction.id;
    yield { e, person, auction };
  }
}

describe('NexmarkGenerator', () => {
  it('makes the same events from the same config, whatever the order of the calls', () => {
    const a = run(new NexmarkGenerator({ events: 3000 }), 3000);
    const b = run(new NexmarkGenerator({ events: 3000 }), 3000);
    expect(b).toEqual(a);
    const gen = new NexmarkGenerator();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2999 }), { maxLength: 50 }), (indexes) => {
        for (const i of indexes) expect(gen.event(i)).toEqual(a[i]);
      }),
    );
  });

  it('gives every event the one shape, with objects built in one property order', () => {
    const keys = new Set<string>();
    for (const e of run(new NexmarkGenerator(), 500)) {
      keys.add(`event:${Object.keys(e).join(',')}`);
      const inner = e.person ?? e.auction ?? e.bid;
      keys.add(`${e.type}:${Object.keys(inner!).join(',')}`);
    }
    expect([...keys].sort()).toEqual([
      '0:id,name,emailAddress,creditCard,city,state,dateTime,extra',
      '1:id,itemName,description,initialBid,reserve,dateTime,expires,seller,category,extra',
      '2:auction,bidder,price,channel,url,dateTime,extra',
      'event:type,person,auction,bid',
    ]);
  });

  it("tells an event's kind without building it, shuffled ids included", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }),
        (person, auction, bid, outOfOrderGroupSize, indexes) => {
          const gen = new NexmarkGenerator({
            personProportion: person,
            auctionProportion: auction,
            bidProportion: bid,
            outOfOrderGroupSize,
          });
          for (const index of indexes) expect(gen.eventType(index)).toBe(gen.event(index).type);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('collects from collectAs the parts of event(index), with its event time, in any call order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }),
        (person, auction, bid, outOfOrderGroupSize, indexes) => {
          const config = {
            personProportion: person,
            auctionProportion: auction,
            bidProportion: bid,
            outOfOrderGroupSize,
          };
          const parts = new NexmarkGenerator(config);
          const events = new NexmarkGenerator(config);
          const collected: { record: NexmarkEvent; timestamp: number }[] = [];
          const output = {
            collect: (record: NexmarkEvent, timestamp: number) => collected.push({ record, timestamp }),
          };
          const asEvent = (
            type: NexmarkEvent['type'],
            p: Person | null,
            a: Auction | null,
            b: Bid | null,
          ): NexmarkEvent => ({ type, person: p, auction: a, bid: b });
          for (const index of indexes) parts.collectAs(index, asEvent, output);
          expect(collected).toEqual(
            indexes.map((index) => {
              const event = events.event(index);
              return { record: event, timestamp: nexmarkEventTime(event) };
            }),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps the proportions exactly in every block, people first, then auctions, then bids', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 20 }),
        (person, auction, bid, block) => {
          const total = person + auction + bid;
          const gen = new NexmarkGenerator({
            personProportion: person,
            auctionProportion: auction,
            bidProportion: bid,
          });
          const types = Array.from({ length: total }, (_, k) => gen.event(block * total + k).type);
          const expected = [...Array(person).fill(0), ...Array(auction).fill(1), ...Array(bid).fill(2)];
          expect(types).toEqual(expected);
        },
      ),
      { numRuns: 50 },
    );
    const counts = [0, 0, 0];
    for (const e of run(new NexmarkGenerator(), 50)) counts[e.type]++;
    expect(counts).toEqual([1, 3, 46]);
  });

  it('numbers people and auctions consecutively from 1000 in index order', () => {
    const events = run(new NexmarkGenerator(), 5000);
    const people = events.flatMap((e) => (e.person === null ? [] : [e.person.id]));
    const auctions = events.flatMap((e) => (e.auction === null ? [] : [e.auction.id]));
    expect(people).toEqual(Array.from({ length: 100 }, (_, k) => FIRST_PERSON_ID + k));
    expect(auctions).toEqual(Array.from({ length: 300 }, (_, k) => FIRST_AUCTION_ID + k));
  });

  it('refers only to people and auctions that exist or come within the next ten ids', () => {
    let bids = 0;
    let ahead = 0;
    const wrong: unknown[] = [];
    for (const { e, person, auction } of withNewest(run(new NexmarkGenerator(), 100_000))) {
      if (e.bid !== null) {
        bids++;
        const b = e.bid;
        if (b.auction < FIRST_AUCTION_ID || b.auction > auction + ID_LEAD) wrong.push(e);
        if (b.bidder < FIRST_PERSON_ID || b.bidder > person + ID_LEAD) wrong.push(e);
        if (b.auction > auction || b.bidder > person) ahead++;
      }
      if (e.auction !== null) {
        const a = e.auction;
        if (a.seller < FIRST_PERSON_ID || a.seller > person + ID_LEAD) wrong.push(e);
        if (a.category < 10 || a.category >= 15) wrong.push(e);
      }
    }
    expect(wrong).toEqual([]);
    // Leads happen only on cold choices (10 ids of 110 or 1010), and then rarely.
    expect(ahead / bids).toBeGreaterThan(0.02);
    expect(ahead / bids).toBeLessThan(0.08);
  });

  it('sends the configured share of bids to the hot auction and bidder, and of auctions to the hot seller', () => {
    for (const [config, auctionShare, bidderShare, sellerShare] of [
      [{}, 0.5, 0.75, 0.75],
      [{ hotAuctionRatio: 10, hotBiddersRatio: 2, hotSellersRatio: 1 }, 0.9, 0.5, 0],
    ] as const) {
      let bids = 0;
      let hotAuction = 0;
      let hotBidder = 0;
      let auctions = 0;
      let hotSeller = 0;
      for (const { e, person, auction } of withNewest(run(new NexmarkGenerator(config), 200_000))) {
        const hotBase = Math.floor((person - FIRST_PERSON_ID) / HOT_BATCH) * HOT_BATCH + FIRST_PERSON_ID;
        if (e.bid !== null) {
          bids++;
          const hot = Math.floor((auction - FIRST_AUCTION_ID) / HOT_BATCH) * HOT_BATCH + FIRST_AUCTION_ID;
          if (e.bid.auction === hot) hotAuction++;
          if (e.bid.bidder === hotBase + 1) hotBidder++;
        } else if (e.auction !== null) {
          auctions++;
          if (e.auction.seller === hotBase) hotSeller++;
        }
      }
      // A cold choice lands on the hot id now and then too, hence the one-sided slack.
      expect(hotAuction / bids).toBeGreaterThan(auctionShare - 0.02);
      expect(hotAuction / bids).toBeLessThan(auctionShare + 0.03);
      expect(hotBidder / bids).toBeGreaterThan(bidderShare - 0.02);
      expect(hotBidder / bids).toBeLessThan(bidderShare + 0.03);
      expect(hotSeller / auctions).toBeGreaterThan(sellerShare - 0.03);
      expect(hotSeller / auctions).toBeLessThan(sellerShare + 0.04);
    }
  });

  it('draws prices log-uniformly from 1.00 to 1,000,000.00 and pads to the average sizes', () => {
    const bids: Bid[] = [];
    const people: Person[] = [];
    const auctions: Auction[] = [];
    for (const e of run(new NexmarkGenerator(), 100_000)) {
      if (e.bid !== null) bids.push(e.bid);
      if (e.person !== null) people.push(e.person);
      if (e.auction !== null) auctions.push(e.auction);
    }
    expect(Math.min(...bids.map((b) => b.price))).toBeGreaterThanOrEqual(100);
    expect(Math.max(...bids.map((b) => b.price))).toBeLessThanOrEqual(100_000_000);
    for (const b of bids.slice(0, 2000)) {
      expect(b.price).toBeGreaterThanOrEqual(100);
      expect(b.price).toBeLessThanOrEqual(100_000_000);
      expect(b.url.startsWith('https://www.nexmark.com/')).toBe(true);
      // 100 bytes on average, 32 of them the numbers: the padding is 68 ± 14 (20%, rounded).
      expect(b.extra.length).toBeGreaterThanOrEqual(54);
      expect(b.extra.length).toBeLessThan(82);
    }
    // Log-uniform: a sixth of the prices in each decade.
    const belowTenDollars = bids.filter((b) => b.price < 1000).length / bids.length;
    expect(belowTenDollars).toBeGreaterThan(0.15);
    expect(belowTenDollars).toBeLessThan(0.18);
    const hotChannels = bids.filter((b) => !b.channel.startsWith('channel-')).length / bids.length;
    expect(hotChannels).toBeGreaterThan(0.48);
    expect(hotChannels).toBeLessThan(0.52);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const personSize = mean(
      people.map(
        (p) =>
          8 +
          p.name.length +
          p.emailAddress.length +
          p.creditCard.length +
          p.city.length +
          p.state.length +
          p.extra.length,
      ),
    );
    expect(Math.abs(personSize - 200)).toBeLessThan(3);
    const auctionSize = mean(
      auctions.map((a) => 48 + a.itemName.length + a.description.length + a.extra.length),
    );
    expect(Math.abs(auctionSize - 500)).toBeLessThan(6);
    for (const a of auctions) {
      expect(a.reserve).toBeGreaterThan(a.initialBid);
      expect(a.expires).toBeGreaterThan(a.dateTime);
    }
    for (const p of people) expect(p.creditCard).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
  });

  it('spaces event times at the first event rate from the base time', () => {
    const gen = new NexmarkGenerator({ firstEventRate: 1000, baseTime: 5000 });
    for (let i = 0; i < 2000; i++) {
      expect(gen.timestamp(i)).toBe(5000 + i);
      const e = gen.event(i);
      expect((e.bid ?? e.auction ?? e.person)!.dateTime).toBe(5000 + i);
    }
    const fast = new NexmarkGenerator();
    expect(fast.timestamp(0)).toBe(DEFAULT_BASE_TIME);
    expect(fast.timestamp(10_000_000)).toBe(DEFAULT_BASE_TIME + 1000);
    expect(fast.timestamp(9_999)).toBe(DEFAULT_BASE_TIME);
    expect(fast.timestamp(10_000)).toBe(DEFAULT_BASE_TIME + 1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 1e12 }), (rate, i) => {
        const g = new NexmarkGenerator({ firstEventRate: rate, baseTime: 0 });
        expect(g.timestamp(i + 1)).toBeGreaterThanOrEqual(g.timestamp(i));
        expect(Math.abs(g.timestamp(i) - (i * 1000) / rate)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('alternates between the two rates in a square shape, and moves between them in a sine', () => {
    // Steps of 5 s: 5000 events 1 ms apart, then 10,000 events 0.5 ms apart, then again.
    const square = new NexmarkGenerator({
      firstEventRate: 1000,
      nextEventRate: 2000,
      ratePeriodSec: 10,
      baseTime: 0,
    });
    expect(square.timestamp(4999)).toBe(4999);
    expect(square.timestamp(5000)).toBe(5000);
    expect(square.timestamp(5002)).toBe(5001);
    expect(square.timestamp(15_000)).toBe(10_000);
    expect(square.timestamp(15_001)).toBe(10_001);
    expect(square.timestamp(30_000)).toBe(20_000);
    const sine = new NexmarkGenerator({
      firstEventRate: 1000,
      nextEventRate: 3000,
      rateShape: 'sine',
      ratePeriodSec: 100,
      baseTime: 0,
    });
    let last = 0;
    for (let i = 0; i < 400_000; i += 97) {
      const t = sine.timestamp(i);
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    // Over whole periods the mean rate lies between the two rates.
    const perPeriod = sine.timestamp(400_000) / 400_000;
    expect(perPeriod).toBeGreaterThan(1 / 3);
    expect(perPeriod).toBeLessThan(1);
  });

  it('shuffles ids and times within out-of-order groups, and only there', () => {
    // 953 is 3 modulo 10, so (i * 953) % 10 permutes each group (modulo 7 it would be 1: no change).
    const g = 10;
    const gen = new NexmarkGenerator({ firstEventRate: 1000, outOfOrderGroupSize: g, baseTime: 0 });
    const inOrder = new NexmarkGenerator({ firstEventRate: 1000, baseTime: 0 });
    let moved = 0;
    for (let group = 0; group < 200; group++) {
      const times: number[] = [];
      const events: string[] = [];
      const expected: string[] = [];
      for (let k = 0; k < g; k++) {
        const i = group * g + k;
        times.push(gen.timestamp(i));
        events.push(JSON.stringify(gen.event(i)));
        expected.push(JSON.stringify(inOrder.event(i)));
        if (gen.timestamp(i) !== i) moved++;
      }
      expect(times.sort((a, b) => a - b)).toEqual(Array.from({ length: g }, (_, k) => group * g + k));
      expect(events.sort()).toEqual(expected.sort());
    }
    expect(moved).toBeGreaterThan(100);
  });

  it('rejects bad configs with one-line errors that name the fix', () => {
    const bad: unknown[] = [
      { personProportion: -1 },
      { bidProportion: 1.5 },
      { firstEventRate: 0 },
      { nextEventRate: -3 },
      { events: 2.5 },
      { events: -1 },
      { eventz: 10 },
      { personProportion: 0, auctionProportion: 0, bidProportion: 0 },
      { auctionProportion: 0 },
      { rateShape: 'triangle' },
      { ratePerSecond: 0 },
      { wallClockBaseTime: true },
      { hotAuctionRatio: 0 },
      'fast',
    ];
    for (const config of bad) {
      let error: unknown;
      try {
        new NexmarkGenerator(config as never);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(config)).toBeDefined();
      const message = String((error as Error).message);
      expect(message).toMatch(/^NexmarkGenerator: .*; pass /);
      expect(message).not.toContain('\n');
      expect((error as { code: string }).code).toBe('INVALID_ARGUMENT');
    }
    expect(() => new NexmarkGenerator({ eventz: 1 } as never)).toThrow(/unknown option 'eventz'/);
  });
});
