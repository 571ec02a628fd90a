/**
 * Nexmark q9 (winning bids, updating), q13 (bounded side input join) and q20 (bids expanded with
 * their category-10 auction, and its same-state version): the engine at parallelism 1 and 2, the
 * hand-written loop and DuckDB must give the same rows, for input in order and shuffled within
 * small groups.
 */
import { describe, expect, it } from 'vitest';
import { query as q9 } from '../../bench/nexmark/q9.js';
import { query as q13, SIDE_INPUT, SIDE_INPUT_ROWS } from '../../bench/nexmark/q13.js';
import { joinRow, query as q20 } from '../../bench/nexmark/q20.js';
import { query as q20SameState } from '../../bench/nexmark/q20-same-state.js';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import type { NexmarkEvent } from '../../src/index.js';
import { expectAllAgree, generateEvents, normalise, runEngine } from './harness.js';

const EVENTS = 20_000;
/** 1000 events per second of event time: 20 s of auctions and bids. */
const RATE = 1000;
const inOrder = generateEvents(EVENTS, { firstEventRate: RATE });
/** The same events shuffled within groups spanning 2 s, less than the watermark delay. */
const outOfOrder = generateEvents(EVENTS, { firstEventRate: RATE, outOfOrderGroupSize: 2 * RATE });

describe.each([q9, q13, q20, q20SameState] as NexmarkQuery<unknown>[])('$name', (query) => {
  it('engine, loop and DuckDB agree at parallelism 1 and 2', async () => {
    await expectAllAgree(query, inOrder);
  });

  it('gives the same rows when events arrive out of order within the watermark delay', async () => {
    expect(await expectAllAgree(query, outOfOrder)).toEqual(await runEngine(query, inOrder));
  });
});

describe('q13 side table', () => {
  it('maps every key in [0, 10000) to its decimal string, as the reference file does', () => {
    expect(SIDE_INPUT).toHaveLength(SIDE_INPUT_ROWS);
    for (const key of [0, 1, 42, 9999]) expect(SIDE_INPUT[key]).toBe(String(key));
  });
});

describe.each([q20, q20SameState])('$name on hand-built events', (query) => {
  const T = 1_704_067_200_000;
  const auction = (id: number, at: number, category: number): NexmarkEvent => ({
    type: 1,
    person: null,
    auction: {
      id,
      itemName: `item${id}`,
      description: '',
      initialBid: 1,
      reserve: 2,
      dateTime: T + at,
      expires: T + at + 60_000,
      seller: 7,
      category,
      extra: '',
    },
    bid: null,
  });
  const bid = (auctionId: number, price: number, at: number): NexmarkEvent => ({
    type: 2,
    person: null,
    auction: null,
    bid: { auction: auctionId, bidder: 3, price, channel: 'c', url: 'u', dateTime: T + at, extra: '' },
  });

  it('joins bids that arrive before their auction as well as after, for category 10 only', async () => {
    const events = [
      bid(1, 10, 0),
      bid(1, 11, 100),
      bid(2, 12, 200),
      auction(1, 300, 10),
      auction(2, 400, 11),
      bid(1, 13, 500),
      bid(2, 14, 600),
      bid(3, 15, 700),
    ];
    const rows = await expectAllAgree(query, events);
    const a = events[3]!.auction!;
    const want = [0, 1, 5].map((i) => joinRow(events[i]!.bid!, a));
    expect(rows).toEqual(normalise(want));
  });
});
