/**
 * Nexmark q15, bidding statistics report: per (UTC) day, the number of bids, of distinct
 * bidders and of distinct auctions, in total and for each of three price ranks (below 10,000,
 * below 1,000,000, and from 1,000,000 up). The reference is a regular `GROUP BY` of the day with
 * filtered `COUNT(DISTINCT …)`s, so the day's row updates with every bid: rows here are upserts
 * keyed by day.
 *
 * Also home of the per-rank counting q16 reuses per channel.
 */
import {
  type Bid,
  type Collector,
  type DataStream,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type MapState,
  MapStateDescriptor,
  type NexmarkEvent,
  NexmarkEventType,
  type RuntimeContext,
  type StreamExecutionEnvironment,
  type ValueState,
  ValueStateDescriptor,
} from '../../src/index.js';
import { DAY_MS, formatDay, minuteOfDay } from './q10.js';
import type { NexmarkQuery } from './query.js';

/** Bids, distinct bidders and distinct auctions, in total and per price rank. */
export interface RankedCounts {
  readonly total_bids: number;
  readonly rank1_bids: number;
  readonly rank2_bids: number;
  readonly rank3_bids: number;
  readonly total_bidders: number;
  readonly rank1_bidders: number;
  readonly rank2_bidders: number;
  readonly rank3_bidders: number;
  readonly total_auctions: number;
  readonly rank1_auctions: number;
  readonly rank2_auctions: number;
  readonly rank3_auctions: number;
}

/** One day's statistics. */
export interface Q15Row extends RankedCounts {
  /** `yyyy-MM-dd`, UTC. */
  readonly day: string;
}

/** The price rank of the reports: 1 below 10,000, 2 below 1,000,000, 3 from there up. */
export function priceRank(price: number): number {
  return price < 10_000 ? 1 : price < 1_000_000 ? 2 : 3;
}

/**
 * Where each count sits in a counts array: bids at 0 (total) and 1–3 (per rank), distinct
 * bidders at 4–7 and distinct auctions at 8–11 in the same way (the order of {@link RankedCounts}),
 * then the latest minute of the day among the bids (q16's `minute`).
 */
const BIDS = 0;
const BIDDERS = 4;
const AUCTIONS = 8;
/** Index of the latest minute of the (UTC) day, as {@link minuteOfDay} gives it, in a counts array. */
export const LATEST_MINUTE = 12;

function newCounts(): number[] {
  return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1];
}

/** Counts `bid` in the bid counts and the latest minute of `counts`; returns its price rank. */
function countBid(counts: number[], bid: Bid): number {
  const rank = priceRank(bid.price);
  counts[BIDS]++;
  counts[BIDS + rank]++;
  const minute = minuteOfDay(bid.dateTime);
  if (minute > counts[LATEST_MINUTE]!) counts[LATEST_MINUTE] = minute;
  return rank;
}

/**
 * Counts a bid of rank `rank` by an id (bidder or auction) whose earlier bids had the ranks in
 * `seen` (a bit per rank; undefined for a new id) into the distinct counts at `at`. Returns the
 * id's new bits. One bitmask per id answers all four distinct counts, as Flink's distinct
 * aggregates share one map of per-filter counts.
 */
function countDistinct(counts: number[], at: number, seen: number | undefined, rank: number): number {
  const bit = 1 << rank;
  if (seen === undefined) {
    counts[at]++;
    counts[at + rank]++;
    return bit;
  }
  if ((seen & bit) === 0) {
    counts[at + rank]++;
    return seen | bit;
  }
  return seen;
}

/** The day's row from its counts. */
function toRow(day: string, c: readonly number[]): Q15Row {
  return {
    day,
    total_bids: c[0]!,
    rank1_bids: c[1]!,
    rank2_bids: c[2]!,
    rank3_bids: c[3]!,
    total_bidders: c[4]!,
    rank1_bidders: c[5]!,
    rank2_bidders: c[6]!,
    rank3_bidders: c[7]!,
    total_auctions: c[8]!,
    rank1_auctions: c[9]!,
    rank2_auctions: c[10]!,
    rank3_auctions: c[11]!,
  };
}

/**
 * The ranked counts of the current key in keyed state: the counts (and latest minute), and per
 * bidder and per auction the ranks it has bid in. Create it in `open`.
 */
export class RankedCountsState {
  private readonly counts: ValueState<number[]>;
  private readonly bidders: MapState<number, number>;
  private readonly auctions: MapState<number, number>;

  constructor(ctx: RuntimeContext) {
    this.counts = ctx.getState(new ValueStateDescriptor<number[]>('counts'));
    this.bidders = ctx.getMapState(new MapStateDescriptor<number, number>('bidder-ranks'));
    this.auctions = ctx.getMapState(new MapStateDescriptor<number, number>('auction-ranks'));
  }

  /** Counts `bid` for the current key; returns the key's counts (read them before the next add). */
  add(bid: Bid): readonly number[] {
    const counts = this.counts.value() ?? newCounts();
    const rank = countBid(counts, bid);
    const bidder = this.bidders.get(bid.bidder);
    const bidderNow = countDistinct(counts, BIDDERS, bidder, rank);
    if (bidderNow !== bidder) this.bidders.put(bid.bidder, bidderNow);
    const auction = this.auctions.get(bid.auction);
    const auctionNow = countDistinct(counts, AUCTIONS, auction, rank);
    if (auctionNow !== auction) this.auctions.put(bid.auction, auctionNow);
    this.counts.update(counts);
    return counts;
  }
}

/** The same counts in plain maps, for the hand-written loops. */
export class RankedCountsTally {
  readonly counts: number[] = newCounts();
  private readonly bidders = new Map<number, number>();
  private readonly auctions = new Map<number, number>();

  /** Counts `bid`. */
  add(bid: Bid): void {
    const counts = this.counts;
    const rank = countBid(counts, bid);
    const bidder = this.bidders.get(bid.bidder);
    const bidderNow = countDistinct(counts, BIDDERS, bidder, rank);
    if (bidderNow !== bidder) this.bidders.set(bid.bidder, bidderNow);
    const auction = this.auctions.get(bid.auction);
    const auctionNow = countDistinct(counts, AUCTIONS, auction, rank);
    if (auctionNow !== auction) this.auctions.set(bid.auction, auctionNow);
  }
}

function isBid(e: NexmarkEvent): boolean {
  return e.type === NexmarkEventType.BID;
}

/** The day as a number (days since the epoch): cheaper to hash than its text. */
function dayOf(e: NexmarkEvent): number {
  return Math.floor(e.bid!.dateTime / DAY_MS);
}

/** Counts each bid into its day's statistics and emits the day's updated row. */
class DailyStats extends KeyedProcessFunction<number, NexmarkEvent, Q15Row> {
  private stats!: RankedCountsState;

  override open(ctx: RuntimeContext): void {
    this.stats = new RankedCountsState(ctx);
  }

  processElement(e: NexmarkEvent, _ctx: KeyedProcessContext<number, Q15Row>, out: Collector<Q15Row>): void {
    const bid = e.bid!;
    out.collect(toRow(formatDay(bid.dateTime), this.stats.add(bid)));
  }
}

/** Nexmark q15. */
export const query: NexmarkQuery<Q15Row> = {
  name: 'q15',
  eventTypes: [NexmarkEventType.BID],
  description:
    'Bidding statistics report: per day, bids, distinct bidders and distinct auctions, total and per price rank',

  build(events: DataStream<NexmarkEvent>, _env: StreamExecutionEnvironment): DataStream<Q15Row> {
    return events.filter(isBid).keyBy(dayOf).process(new DailyStats());
  },

  loop(emit) {
    const days = new Map<number, RankedCountsTally>();
    return {
      onEvent(e) {
        if (e.type !== NexmarkEventType.BID) return;
        const bid = e.bid!;
        const day = dayOf(e);
        let tally = days.get(day);
        if (tally === undefined) days.set(day, (tally = new RankedCountsTally()));
        tally.add(bid);
        emit(toRow(formatDay(bid.dateTime), tally.counts));
      },
      finish() {},
    };
  },

  duckdb: `
    SELECT strftime(dateTime, '%Y-%m-%d') AS day,
           count(*) AS total_bids,
           count(*) FILTER (WHERE price < 10000) AS rank1_bids,
           count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
           count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
           count(DISTINCT bidder) AS total_bidders,
           count(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,
           count(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bidders,
           count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders,
           count(DISTINCT auction) AS total_auctions,
           count(DISTINCT auction) FILTER (WHERE price < 10000) AS rank1_auctions,
           count(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_auctions,
           count(DISTINCT auction) FILTER (WHERE price >= 1000000) AS rank3_auctions
    FROM bid
    GROUP BY day`,

  upsertKey: (row) => row.day,

  notes:
    'An updating result: one upsert per bid, keyed by day (the reference emits the same updates ' +
    'as a retraction stream). The day is that of the event time in UTC, as in the reference.',
};
