/**
 * Nexmark q18 (last bid per bidder and auction) and q19 (top 10 bids per auction), both
 * updating: the last row per upsert key from the engine at parallelism 1 and 2 and from the
 * hand-written loop must equal DuckDB's `ROW_NUMBER()` answer, for input in order and shuffled
 * within small groups. A property test checks q19's insertion against sorting all bids.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { query as q18 } from '../../bench/nexmark/q18.js';
import { insertBid, type Q19Row, query as q19, ranksBefore, TOP_N } from '../../bench/nexmark/q19.js';
import type { NexmarkQuery } from '../../bench/nexmark/query.js';
import type { Bid } from '../../src/index.js';
import { expectAllAgree, generateEvents, runEngine } from './harness.js';

const EVENTS = 20_000;
/** 1000 events per second of event time: 20 s of auctions and bids. */
const RATE = 1000;
const inOrder = generateEvents(EVENTS, { firstEventRate: RATE });
/** The same events shuffled within groups spanning 2 s, less than the watermark delay. */
const outOfOrder = generateEvents(EVENTS, { firstEventRate: RATE, outOfOrderGroupSize: 2 * RATE });

describe.each([q18, q19] as NexmarkQuery<unknown>[])('$name', (query) => {
  it('engine, loop and DuckDB agree at parallelism 1 and 2', async () => {
    await expectAllAgree(query, inOrder);
  });

  it('gives the same rows when events arrive out of order', async () => {
    expect(await expectAllAgree(query, outOfOrder)).toEqual(await runEngine(query, inOrder));
  });
});

const bidArb = fc.record({
  auction: fc.constant(1),
  bidder: fc.integer({ min: 0, max: 5 }),
  price: fc.integer({ min: 1, max: 8 }),
  channel: fc.constant('c'),
  url: fc.constant('u'),
  dateTime: fc.integer({ min: 0, max: 20 }),
  extra: fc.string({ maxLength: 2 }),
});

describe('q19 insertBid', () => {
  it('after any sequence of bids, the upserts by rank give the first ten of all bids sorted', () => {
    fc.assert(
      fc.property(fc.array(bidArb, { maxLength: 40 }), (bids: Bid[]) => {
        let top: readonly Bid[] = [];
        const byRank = new Map<number, Q19Row>();
        for (const bid of bids)
          top = insertBid(top, bid, { collect: (row) => byRank.set(row.rank_number, row) });
        const expected = bids
          .slice()
          .sort((a, b) => (ranksBefore(a, b) ? -1 : ranksBefore(b, a) ? 1 : 0))
          .slice(0, TOP_N);
        expect(top).toEqual(expected);
        expect([...byRank.keys()].sort((a, b) => a - b)).toEqual(expected.map((_, i) => i + 1));
        for (const [rank, row] of byRank) {
          const { rank_number, ...bid } = row;
          expect(rank_number).toBe(rank);
          expect(bid).toEqual(expected[rank - 1]);
        }
      }),
    );
  });
});
