/**
 * Nexmark q9, winning bids: for each auction, its highest bid among those placed between the
 * auction's `dateTime` and its `expires` (both included), the earlier bid winning a tie on
 * price (`ROW_NUMBER() OVER (PARTITION BY auction.id ORDER BY price DESC, bid.dateTime) = 1`
 * over the inner join of auctions and bids). The result updates: a better bid replaces the
 * winner, so rows are upserts keyed by auction id.
 *
 * Per auction id the join keeps the auction, its current winner, and the bids that came before
 * the auction (the generator may bid on an auction a few ids ahead); it needs no other bid.
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

/** One result row of q9: the auction's columns, then its winning bid's. */
export interface Q9Row {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly bid_dateTime: number;
  readonly bid_extra: string;
}

/** Whether `bid` was placed while auction `a` was open. */
export function inAuction(bid: Bid, a: Auction): boolean {
  return bid.dateTime >= a.dateTime && bid.dateTime <= a.expires;
}

/**
 * Whether `bid` beats `winner`: a higher price, or the same price earlier. Bids equal on both,
 * which the reference orders by arrival, go to the lower bidder, then the smaller `extra`, so
 * the winner does not depend on arrival order.
 */
export function beats(bid: Bid, winner: Bid): boolean {
  if (bid.price !== winner.price) return bid.price > winner.price;
  if (bid.dateTime !== winner.dateTime) return bid.dateTime < winner.dateTime;
  if (bid.bidder !== winner.bidder) return bid.bidder < winner.bidder;
  return bid.extra < winner.extra;
}

/** The result row of auction `a` won by `bid`. */
export function winningRow(a: Auction, bid: Bid): Q9Row {
  return {
    id: a.id,
    itemName: a.itemName,
    description: a.description,
    initialBid: a.initialBid,
    reserve: a.reserve,
    dateTime: a.dateTime,
    expires: a.expires,
    seller: a.seller,
    category: a.category,
    extra: a.extra,
    auction: bid.auction,
    bidder: bid.bidder,
    price: bid.price,
    bid_dateTime: bid.dateTime,
    bid_extra: bid.extra,
  };
}

/** Per auction id: the auction, its winning bid, and bids that came before the auction. */
class WinningBid extends KeyedCoProcessFunction<number, Auction, Bid, Q9Row> {
  private auction!: ValueState<Auction>;
  private winner!: ValueState<Bid>;
  private early!: ListState<Bid>;

  override open(ctx: RuntimeContext): void {
    this.auction = ctx.getState(new ValueStateDescriptor<Auction>('auction'));
    this.winner = ctx.getState(new ValueStateDescriptor<Bid>('winner'));
    this.early = ctx.getListState(new ListStateDescriptor<Bid>('early-bids'));
  }

  processElement1(a: Auction, _ctx: KeyedProcessContext<number, Q9Row>, out: Collector<Q9Row>): void {
    this.auction.update(a);
    let winner: Bid | undefined;
    for (const bid of this.early.get()) {
      if (inAuction(bid, a) && (winner === undefined || beats(bid, winner))) winner = bid;
    }
    this.early.clear();
    if (winner === undefined) return;
    this.winner.update(winner);
    out.collect(winningRow(a, winner));
  }

  processElement2(bid: Bid, _ctx: KeyedProcessContext<number, Q9Row>, out: Collector<Q9Row>): void {
    const a = this.auction.value();
    if (a === undefined) {
      this.early.add(bid);
      return;
    }
    if (!inAuction(bid, a)) return;
    const winner = this.winner.value();
    if (winner !== undefined && !beats(bid, winner)) return;
    this.winner.update(bid);
    out.collect(winningRow(a, bid));
  }
}

interface AuctionEntry {
  auction: Auction | undefined;
  winner: Bid | undefined;
  early: Bid[] | undefined;
}

/** q9: the winning bid of each auction, as upserts keyed by auction id. */
export const query: NexmarkQuery<Q9Row> = {
  name: 'q9',
  eventTypes: [NexmarkEventType.AUCTION, NexmarkEventType.BID],
  description: 'Winning bids: per auction, the highest bid placed while it was open, the earliest on ties',

  build(events: DataStream<NexmarkEvent>): DataStream<Q9Row> {
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
      .process(new WinningBid());
  },

  loop(emit) {
    const entries = new Map<number, AuctionEntry>();
    const entryOf = (id: number): AuctionEntry => {
      let entry = entries.get(id);
      if (entry === undefined) {
        entry = { auction: undefined, winner: undefined, early: undefined };
        entries.set(id, entry);
      }
      return entry;
    };
    return {
      onEvent(e) {
        if (e.type === NexmarkEventType.BID) {
          const bid = e.bid as Bid;
          const entry = entryOf(bid.auction);
          const a = entry.auction;
          if (a === undefined) {
            if (entry.early === undefined) entry.early = [bid];
            else entry.early.push(bid);
          } else if (inAuction(bid, a) && (entry.winner === undefined || beats(bid, entry.winner))) {
            entry.winner = bid;
            emit(winningRow(a, bid));
          }
        } else if (e.type === NexmarkEventType.AUCTION) {
          const a = e.auction as Auction;
          const entry = entryOf(a.id);
          entry.auction = a;
          if (entry.early === undefined) return;
          for (const bid of entry.early) {
            if (inAuction(bid, a) && (entry.winner === undefined || beats(bid, entry.winner)))
              entry.winner = bid;
          }
          entry.early = undefined;
          if (entry.winner !== undefined) emit(winningRow(a, entry.winner));
        }
      },
      finish() {},
    };
  },

  duckdb: `
    SELECT id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra,
      auction, bidder, price, bid_dateTime, bid_extra
    FROM (
      SELECT A.*, B.auction, B.bidder, B.price, B.dateTime AS bid_dateTime, B.extra AS bid_extra,
        ROW_NUMBER() OVER (
          PARTITION BY A.id ORDER BY B.price DESC, B.dateTime, B.bidder, B.extra) AS rownum
      FROM auction A JOIN bid B ON A.id = B.auction
      WHERE B.dateTime BETWEEN A.dateTime AND A.expires)
    WHERE rownum = 1`,

  upsertKey: (row) => String(row.id),
  latencyTime: (row) => row.bid_dateTime,

  notes:
    'Bids equal on price and dateTime, which the reference orders by arrival, go to the lower bidder, ' +
    'then the smaller extra, so the winner does not depend on arrival order. A new winner is an upsert; ' +
    'the reference would retract the old row first. Auctions and winners stay in state for good, as ' +
    'in the reference join, whose state is larger still (it keeps every bid).',
};
