/**
 * Nexmark q19, auction top-10 price: for each auction, its 10 highest bids
 * (`ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) <= 10`), each with its rank.
 * The result updates: a bid that enters an auction's top 10 takes a rank and moves every lower
 * bid down one, so rows are upserts keyed by auction and rank, and the last row for each key is
 * the final ranking. Bids only arrive, so ranks only fill up and no row is ever deleted.
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
  type ValueState,
  ValueStateDescriptor,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One result row of q19: a bid and its rank (1 to 10) among its auction's bids. */
export interface Q19Row extends Bid {
  readonly rank_number: number;
}

/** How many bids each auction keeps. */
export const TOP_N = 10;

/**
 * Whether `a` ranks before `b`: the higher price first. Equal prices, which the reference ranks
 * by arrival, go to the earlier bid, then the lower bidder, then the smaller `extra`, so the
 * ranking does not depend on arrival order.
 */
export function ranksBefore(a: Bid, b: Bid): boolean {
  if (a.price !== b.price) return a.price > b.price;
  if (a.dateTime !== b.dateTime) return a.dateTime < b.dateTime;
  if (a.bidder !== b.bidder) return a.bidder < b.bidder;
  return a.extra < b.extra;
}

/**
 * Inserts `bid` into `top` (sorted, at most {@link TOP_N} long) and emits the rows whose bid
 * changed: the new one and every one it moved down. Returns the new list, or `top` itself if
 * the bid ranks below all ten.
 */
export function insertBid(top: readonly Bid[], bid: Bid, out: Collector<Q19Row>): readonly Bid[] {
  let rank = top.length;
  while (rank > 0 && ranksBefore(bid, top[rank - 1] as Bid)) rank--;
  if (rank >= TOP_N) return top;
  const next = top.slice(0, TOP_N - 1);
  next.splice(rank, 0, bid);
  for (let i = rank; i < next.length; i++) out.collect(withRank(next[i] as Bid, i + 1));
  return next;
}

function withRank(b: Bid, rank: number): Q19Row {
  return {
    auction: b.auction,
    bidder: b.bidder,
    price: b.price,
    channel: b.channel,
    url: b.url,
    dateTime: b.dateTime,
    extra: b.extra,
    rank_number: rank,
  };
}

/** Keeps each auction's top bids; the list is replaced, not changed in place, on every update. */
class TopBids extends KeyedProcessFunction<number, Bid, Q19Row> {
  private top!: ValueState<readonly Bid[]>;

  override open(ctx: RuntimeContext): void {
    this.top = ctx.getState(new ValueStateDescriptor<readonly Bid[]>('top-bids'));
  }

  processElement(bid: Bid, _ctx: KeyedProcessContext<number, Q19Row>, out: Collector<Q19Row>): void {
    const top = this.top.value() ?? [];
    const next = insertBid(top, bid, out);
    if (next !== top) this.top.update(next);
  }
}

/** q19: the ten highest bids of each auction, as upserts keyed by auction and rank. */
export const query: NexmarkQuery<Q19Row> = {
  name: 'q19',
  eventTypes: [NexmarkEventType.BID],
  description: 'Auction top-10 price: per auction, the 10 highest bids with their rank',

  build(events: DataStream<NexmarkEvent>): DataStream<Q19Row> {
    return events
      .filter((e) => e.type === NexmarkEventType.BID)
      .map((e) => e.bid as Bid)
      .keyBy((bid) => bid.auction)
      .process(new TopBids());
  },

  loop(emit) {
    const tops = new Map<number, readonly Bid[]>();
    const empty: readonly Bid[] = [];
    const out: Collector<Q19Row> = { collect: emit };
    return {
      onEvent(e) {
        if (e.type !== NexmarkEventType.BID) return;
        const bid = e.bid as Bid;
        const top = tops.get(bid.auction) ?? empty;
        const next = insertBid(top, bid, out);
        if (next !== top) tops.set(bid.auction, next);
      },
      finish() {},
    };
  },

  duckdb: `
    SELECT * FROM (
      SELECT *, ROW_NUMBER() OVER (
        PARTITION BY auction ORDER BY price DESC, dateTime, bidder, extra) AS rank_number
      FROM bid)
    WHERE rank_number <= ${TOP_N}`,

  upsertKey: (row) => `${row.auction}/${row.rank_number}`,

  notes:
    'Equal prices, which the reference ranks by arrival, rank the earlier bid first, then the lower ' +
    'bidder, then the smaller extra, so the ranking does not depend on arrival order. A bid moving down ' +
    'a rank is an upsert of the lower rank; the reference would retract and re-insert. No latencyTime: ' +
    'the rows of the bids a new bid moves down carry their own, older dateTime, not that of the new bid ' +
    'that made them, so latency would be overstated.',
};
