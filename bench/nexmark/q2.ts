/**
 * Nexmark q2, selection: the auction and price of the bids on every 123rd auction (auction id
 * divisible by 123). A stateless filter.
 */
import { type Bid, type NexmarkEvent, NexmarkEventType } from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** q2's row. */
export interface Q2Row {
  readonly auction: number;
  readonly price: number;
}

const selected = (e: NexmarkEvent): boolean =>
  e.type === NexmarkEventType.BID && (e.bid as Bid).auction % 123 === 0;

function toRow(e: NexmarkEvent): Q2Row {
  const b = e.bid as Bid;
  return { auction: b.auction, price: b.price };
}

/** q2: bids on auctions whose id is a multiple of 123. */
export const query: NexmarkQuery<Q2Row> = {
  name: 'q2',
  eventTypes: [NexmarkEventType.BID],
  description: 'Selection: auction and price of the bids whose auction id mod 123 = 0',
  build: (events) => events.filter(selected).map(toRow),
  loop(emit) {
    return {
      onEvent(e) {
        if (e.type === NexmarkEventType.BID && (e.bid as Bid).auction % 123 === 0) emit(toRow(e));
      },
      finish() {},
    };
  },
  duckdb: 'SELECT auction, price FROM bid WHERE auction % 123 = 0',
};
