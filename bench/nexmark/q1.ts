/**
 * Nexmark q1, currency conversion: every bid with its price turned from dollars into euros
 * (times 0.908). A stateless map over all bids.
 */
import { type Bid, type NexmarkEvent, NexmarkEventType } from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** q1's row: a bid with the price in euros. */
export interface Q1Row {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** Dollars to euros, as in the reference query. */
export const EUROS_PER_DOLLAR = 0.908;

const isBid = (e: NexmarkEvent): boolean => e.type === NexmarkEventType.BID;

function toEuros(e: NexmarkEvent): Q1Row {
  const b = e.bid as Bid;
  return {
    auction: b.auction,
    bidder: b.bidder,
    price: b.price * EUROS_PER_DOLLAR,
    dateTime: b.dateTime,
    extra: b.extra,
  };
}

/** q1: bids priced in euros. */
export const query: NexmarkQuery<Q1Row> = {
  name: 'q1',
  eventTypes: [NexmarkEventType.BID],
  description: 'Currency conversion: every bid with its price in euros (× 0.908)',
  build: (events) => events.filter(isBid).map(toEuros),
  loop(emit) {
    return {
      onEvent(e) {
        if (e.type === NexmarkEventType.BID) emit(toEuros(e));
      },
      finish() {},
    };
  },
  duckdb: 'SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid',
  latencyTime: (row) => row.dateTime,
  notes:
    'The price is a double (price × 0.908) where the reference has DECIMAL(23, 3); the tests ' +
    'compare it to 9 significant digits.',
};
