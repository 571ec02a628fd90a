/**
 * Nexmark q3–q8 on small hand-built inputs that reach the edges of their definitions, which
 * generated events hit rarely: bids exactly at an auction's opening and closing time, a bid
 * before its auction, equal highest prices, people who register after their auction, events at
 * window boundaries. Engine (parallelism 1 and 2), loop and DuckDB must agree, and equal the
 * rows worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import { query as q3 } from '../../bench/nexmark/q3.js';
import { query as q4 } from '../../bench/nexmark/q4.js';
import { query as q5 } from '../../bench/nexmark/q5.js';
import { query as q6 } from '../../bench/nexmark/q6.js';
import { query as q7 } from '../../bench/nexmark/q7.js';
import { query as q7SameState } from '../../bench/nexmark/q7-same-state.js';
import { query as q8 } from '../../bench/nexmark/q8.js';
import type { NexmarkEvent } from '../../src/index.js';
import { normalise, runDuckdb, runEngine, runLoop } from './harness.js';

const T = 1_704_067_200_000;

function person(id: number, at: number, state = 'OR'): NexmarkEvent {
  const p = {
    id,
    name: `p${id}`,
    emailAddress: '',
    creditCard: '',
    city: 'Bend',
    state,
    dateTime: T + at,
    extra: '',
  };
  return { type: 0, person: p, auction: null, bid: null };
}

function auction(id: number, seller: number, at: number, closesAt: number, category = 10): NexmarkEvent {
  const a = {
    id,
    itemName: '',
    description: '',
    initialBid: 1,
    reserve: 1,
    dateTime: T + at,
    expires: T + closesAt,
    seller,
    category,
    extra: '',
  };
  return { type: 1, person: null, auction: a, bid: null };
}

function bid(auctionId: number, price: number, at: number, bidder = 1): NexmarkEvent {
  const b = { auction: auctionId, bidder, price, channel: '', url: '', dateTime: T + at, extra: '' };
  return { type: 2, person: null, auction: null, bid: b };
}

async function expectAll<Out>(
  query: NexmarkQuery<Out>,
  events: NexmarkEvent[],
  expected: Out[],
): Promise<void> {
  const want = normalise(expected, query.upsertKey);
  expect(await runDuckdb(query, events)).toEqual(want);
  expect(runLoop(query, events)).toEqual(want);
  expect(await runEngine(query, events, { parallelism: 1 })).toEqual(want);
  expect(await runEngine(query, events, { parallelism: 2 })).toEqual(want);
}

describe('q3', () => {
  it('joins auctions with sellers that register before or after them, in OR, ID or CA only', async () => {
    await expectAll(
      q3,
      [
        auction(1, 100, 0, 9000), // seller 100 registers later
        person(100, 10),
        auction(2, 100, 20, 9000),
        auction(3, 100, 30, 9000, 11), // another category
        person(101, 40, 'WA'),
        auction(4, 101, 50, 9000), // seller elsewhere
        person(102, 60, 'CA'),
        auction(5, 102, 70, 9000),
      ],
      [
        { name: 'p100', city: 'Bend', state: 'OR', id: 1 },
        { name: 'p100', city: 'Bend', state: 'OR', id: 2 },
        { name: 'p102', city: 'Bend', state: 'CA', id: 5 },
      ],
    );
  });
});

describe('q4', () => {
  it('takes the highest bid made while the auction was open, both ends included', async () => {
    await expectAll(
      q4,
      [
        bid(1, 1200, 1500), // before its auction arrives, made while it is open: wins auction 1
        person(100, 0),
        auction(1, 100, 1000, 5000),
        auction(2, 100, 1000, 5000),
        auction(3, 100, 1000, 3000, 11),
        bid(2, 10_000, 999), // before auction 2 opened
        bid(2, 500, 1000),
        bid(2, 1000, 5000), // at the closing time: wins auction 2
        bid(2, 20_000, 5001), // too late
        bid(3, 300, 2000),
        bid(3, 700, 3000),
        bid(4, 50_000, 2000), // an auction that never comes
        person(200, 12_000), // moves the watermark past every closing
      ],
      [
        { category: 10, avgPrice: 1100 },
        { category: 11, avgPrice: 700 },
      ],
    );
  });
});

describe('q6', () => {
  it("averages the seller's ten most recent sales, ties for the highest price going to the earliest bid", async () => {
    const events: NexmarkEvent[] = [person(100, 0)];
    // Eleven auctions open at 1 s, the k-th of the first ten sold at 100 * k by a bid at
    // 1000 + k ms; auction 11's highest price comes twice, and the earlier bid, at 1000 ms, makes
    // it the oldest sale, so the ten most recent are auctions 1 to 10.
    for (let k = 1; k <= 11; k++) events.push(auction(k, 100, 1000, 1000 + 60_000));
    for (let k = 1; k <= 10; k++) events.push(bid(k, 100 * k, 1000 + k));
    events.push(bid(11, 1100, 1050), bid(11, 1100, 1000), bid(11, 5, 1060));
    events.push(person(200, 70_000));
    await expectAll(q6, events, [{ seller: 100, avgPrice: 550 }]);
  });
});

describe('q5', () => {
  it('keeps every auction tied for the most bids of each sliding window', async () => {
    const events = [bid(1, 1, 1900), bid(2, 1, 1900), bid(1, 1, 2000), bid(2, 1, 2000), bid(3, 1, 11_900)];
    const w = (start: number, auction: number, num: number) => ({
      auction,
      num,
      windowStart: T + start,
      windowEnd: T + start + 10_000,
    });
    await expectAll(q5, events, [
      // [-8 s, 2 s) holds only the 1.9 s bids; the next four windows all four bids of 1 and 2.
      w(-8000, 1, 1),
      w(-8000, 2, 1),
      ...[-6000, -4000, -2000, 0].flatMap((start) => [w(start, 1, 2), w(start, 2, 2)]),
      // [2 s, 12 s) holds one bid on each auction; the later windows only auction 3's.
      w(2000, 1, 1),
      w(2000, 2, 1),
      w(2000, 3, 1),
      ...[4000, 6000, 8000, 10_000].map((start) => w(start, 3, 1)),
    ]);
  });
});

describe.each([q7, q7SameState])('$name', (query) => {
  const row = (e: NexmarkEvent) => {
    const b = e.bid!;
    return { auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra };
  };

  it('gives all bids at the highest price of each window, a bid at a window end starting the next', async () => {
    const events = [
      bid(1, 50, 0),
      bid(2, 70, 4000),
      bid(3, 70, 9999),
      bid(4, 70, 10_000),
      bid(5, 10, 15_000),
    ];
    await expectAll(query, events, [row(events[1]), row(events[2]), row(events[3])]);
  });

  it('drops the ties of a price a higher bid passes, and keeps three tied at the highest', async () => {
    const events = [
      bid(1, 70, 0),
      bid(2, 70, 1000),
      bid(3, 90, 2000),
      bid(4, 90, 3000),
      bid(5, 50, 4000),
      bid(6, 20, 10_000),
      bid(7, 20, 11_000),
      bid(8, 20, 12_000),
    ];
    await expectAll(
      query,
      events,
      [3, 4, 6, 7, 8].map((i) => row(events[i - 1]!)),
    );
  });
});

describe('q8', () => {
  it('finds people who opened an auction in the 10 s window they registered in', async () => {
    await expectAll(
      q8,
      [
        auction(1, 100, 9000, 20_000), // before the person, same window
        person(100, 9500),
        person(101, 9999),
        auction(2, 101, 10_000, 20_000), // the next window
        person(102, 10_000),
        auction(3, 102, 19_999, 30_000),
        auction(4, 102, 19_999, 30_000),
      ],
      [
        { id: 100, name: 'p100', starttime: T },
        { id: 102, name: 'p102', starttime: T + 10_000 },
      ],
    );
  });
});
