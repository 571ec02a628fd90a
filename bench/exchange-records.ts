/**
 * The records of the exchange benchmarks: Nexmark-like bids, small objects of four numbers
 * and a short string, the typical shape that crosses a keyBy between threads.
 */

/** One bid. */
export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly dateTime: number;
}

const CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple', 'channel-7', 'channel-42'];
const EPOCH = Date.UTC(2026, 0, 1);

/** Bid number `i`: deterministic, with Nexmark's hot auctions and bidders. */
export function bid(i: number): Bid {
  let h = Math.imul(i ^ (i >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  h = (h ^ (h >>> 16)) >>> 0;
  return {
    auction: 1000 + (h % 100 < 90 ? h % 100 : h % 10_000),
    bidder: 2000 + ((h >>> 8) % 50_000),
    price: 100 + ((h >>> 4) % 1_000_000),
    channel: CHANNELS[h % CHANNELS.length]!,
    dateTime: EPOCH + i,
  };
}
