/**
 * Nexmark q18, find last bid: for each bidder and auction, the bid with the latest `dateTime`
 * (`ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY dateTime DESC) = 1`), a
 * deduplication that keeps the last row. The result updates: each bid later than the one held
 * for its bidder and auction replaces it, so rows are upserts keyed by bidder and auction.
 */
import {
  type Bid,
  type Collector,
  type DataStream,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type NexmarkEvent,
  NexmarkEventType,
  type RuntimeContext,
  type MapState,
  MapStateDescriptor,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One result row of q18: the bid itself. */
export type Q18Row = Bid;

/**
 * Whether `bid` replaces `last` as the latest bid of its bidder on its auction. On equal
 * `dateTime` the reference keeps whichever came last; so that the result does not depend on
 * arrival order, ties go to the higher price, then to the greater `extra`, `url` and `channel`.
 */
export function isLater(bid: Bid, last: Bid): boolean {
  if (bid.dateTime !== last.dateTime) return bid.dateTime > last.dateTime;
  if (bid.price !== last.price) return bid.price > last.price;
  if (bid.extra !== last.extra) return bid.extra > last.extra;
  if (bid.url !== last.url) return bid.url > last.url;
  return bid.channel > last.channel;
}

/**
 * Holds the latest bid per (bidder, auction) and emits each bid that replaces it. Keyed by
 * bidder, with the auction as the key of a map state: a number key hashes faster than a string
 * made of both ids, and partitions the same way.
 */
class LastBid extends KeyedProcessFunction<number, Bid, Q18Row> {
  private last!: MapState<number, Bid>;

  override open(ctx: RuntimeContext): void {
    this.last = ctx.getMapState(new MapStateDescriptor<number, Bid>('last-bid'));
  }

  processElement(bid: Bid, _ctx: KeyedProcessContext<number, Q18Row>, out: Collector<Q18Row>): void {
    const last = this.last.get(bid.auction);
    if (last !== undefined && !isLater(bid, last)) return;
    this.last.put(bid.auction, bid);
    out.collect(bid);
  }
}

const upsertKey = (bid: Bid): string => `${bid.bidder}/${bid.auction}`;

/** q18: the last bid of each bidder on each auction, as upserts. */
export const query: NexmarkQuery<Q18Row> = {
  name: 'q18',
  eventTypes: [NexmarkEventType.BID],
  description: 'Find last bid: per bidder and auction, the bid with the latest dateTime',

  build(events: DataStream<NexmarkEvent>): DataStream<Q18Row> {
    return events
      .filter((e) => e.type === NexmarkEventType.BID)
      .map((e) => e.bid as Bid)
      .keyBy((bid) => bid.bidder)
      .process(new LastBid());
  },

  loop(emit) {
    // Bidder, then auction: no key string to build per bid.
    const last = new Map<number, Map<number, Bid>>();
    return {
      onEvent(e) {
        if (e.type !== NexmarkEventType.BID) return;
        const bid = e.bid as Bid;
        let byAuction = last.get(bid.bidder);
        if (byAuction === undefined) {
          byAuction = new Map();
          last.set(bid.bidder, byAuction);
        }
        const held = byAuction.get(bid.auction);
        if (held !== undefined && !isLater(bid, held)) return;
        byAuction.set(bid.auction, bid);
        emit(bid);
      },
      finish() {},
    };
  },

  duckdb: `
    SELECT auction, bidder, price, channel, url, dateTime, extra
    FROM (
      SELECT *, ROW_NUMBER() OVER (
        PARTITION BY bidder, auction
        ORDER BY dateTime DESC, price DESC, extra DESC, url DESC, channel DESC) AS rank_number
      FROM bid)
    WHERE rank_number = 1`,

  upsertKey,
  latencyTime: (row) => row.dateTime,

  notes:
    'Bids with equal dateTime for one bidder and auction, which the reference orders by arrival, ' +
    'are ordered by price, extra, url and channel (greatest last), so the result does not depend on ' +
    'arrival order.',
};
