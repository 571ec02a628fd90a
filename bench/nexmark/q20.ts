/**
 * Nexmark q20, expand bid with auction: every bid joined with its auction, for auctions of
 * category 10 (`bid INNER JOIN auction ON bid.auction = auction.id WHERE category = 10`).
 *
 * Auction ids are unique, so each bid matches at most once and the result is insert-only: a bid
 * whose auction is known joins at once; one that arrives first (the generator may bid on an
 * auction a few ids ahead) waits in state for it. All auctions enter the join, not only those of
 * category 10, so that the join knows which bids will never match and need not keep them.
 */
import {
  type Auction,
  type Bid,
  type Collector,
  type DataStream,
  KeyedCoProcessFunction,
  type KeyedProcessContext,
  type ListState,
  ListStateDescriptor,
  type NexmarkEvent,
  NexmarkEventType,
  type RuntimeContext,
  type ValueState,
  ValueStateDescriptor,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One result row of q20: the bid's columns, then its auction's. */
export interface Q20Row {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly bid_dateTime: number;
  readonly bid_extra: string;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly auction_dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly auction_extra: string;
}

/** The category whose auctions the query keeps. */
export const CATEGORY = 10;

/** The joined row of `bid` and its auction `a`. */
export function joinRow(bid: Bid, a: Auction): Q20Row {
  return {
    auction: bid.auction,
    bidder: bid.bidder,
    price: bid.price,
    channel: bid.channel,
    url: bid.url,
    bid_dateTime: bid.dateTime,
    bid_extra: bid.extra,
    itemName: a.itemName,
    description: a.description,
    initialBid: a.initialBid,
    reserve: a.reserve,
    auction_dateTime: a.dateTime,
    expires: a.expires,
    seller: a.seller,
    category: a.category,
    auction_extra: a.extra,
  };
}

/**
 * Per auction id: the auction once it came (`null` for one of another category, which no bid
 * joins), and the bids that came before it.
 */
class ExpandBid extends KeyedCoProcessFunction<number, Auction, Bid, Q20Row> {
  private auction!: ValueState<Auction | null>;
  private waiting!: ListState<Bid>;

  override open(ctx: RuntimeContext): void {
    this.auction = ctx.getState(new ValueStateDescriptor<Auction | null>('auction'));
    this.waiting = ctx.getListState(new ListStateDescriptor<Bid>('waiting-bids'));
  }

  processElement1(a: Auction, _ctx: KeyedProcessContext<number, Q20Row>, out: Collector<Q20Row>): void {
    if (a.category !== CATEGORY) {
      this.auction.update(null);
    } else {
      this.auction.update(a);
      for (const bid of this.waiting.get()) out.collect(joinRow(bid, a));
    }
    this.waiting.clear();
  }

  processElement2(bid: Bid, _ctx: KeyedProcessContext<number, Q20Row>, out: Collector<Q20Row>): void {
    const a = this.auction.value();
    if (a === undefined) this.waiting.add(bid);
    else if (a !== null) out.collect(joinRow(bid, a));
  }
}

/** q20: bids with their auction's columns, for auctions of category 10. */
export const query: NexmarkQuery<Q20Row> = {
  name: 'q20',
  eventTypes: [NexmarkEventType.AUCTION, NexmarkEventType.BID],
  description: 'Expand bid with auction: each bid joined with its auction, where the category is 10',

  build(events: DataStream<NexmarkEvent>): DataStream<Q20Row> {
    const auctions = events
      .filter((e) => e.type === NexmarkEventType.AUCTION)
      .map((e) => e.auction as Auction);
    const bids = events.filter((e) => e.type === NexmarkEventType.BID).map((e) => e.bid as Bid);
    return auctions
      .connect(bids)
      .keyBy(
        (a) => a.id,
        (b) => b.auction,
      )
      .process(new ExpandBid());
  },

  loop(emit) {
    const auctions = new Map<number, Auction | null>();
    const waiting = new Map<number, Bid[]>();
    return {
      onEvent(e) {
        if (e.type === NexmarkEventType.BID) {
          const bid = e.bid as Bid;
          const a = auctions.get(bid.auction);
          if (a === undefined) {
            const list = waiting.get(bid.auction);
            if (list === undefined) waiting.set(bid.auction, [bid]);
            else list.push(bid);
          } else if (a !== null) {
            emit(joinRow(bid, a));
          }
        } else if (e.type === NexmarkEventType.AUCTION) {
          const a = e.auction as Auction;
          const keep = a.category === CATEGORY;
          auctions.set(a.id, keep ? a : null);
          const list = waiting.get(a.id);
          if (list === undefined) return;
          waiting.delete(a.id);
          if (keep) for (const bid of list) emit(joinRow(bid, a));
        }
      },
      finish() {},
    };
  },

  duckdb: `
    SELECT
      B.auction, B.bidder, B.price, B.channel, B.url, B.dateTime AS bid_dateTime, B.extra AS bid_extra,
      A.itemName, A.description, A.initialBid, A.reserve, A.dateTime AS auction_dateTime, A.expires,
      A.seller, A.category, A.extra AS auction_extra
    FROM bid B JOIN auction A ON B.auction = A.id
    WHERE A.category = ${CATEGORY}`,

  latencyTime: (row) => Math.max(row.bid_dateTime, row.auction_dateTime),
};
