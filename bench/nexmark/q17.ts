/**
 * Nexmark q17, auction statistics report: per auction and (UTC) day, the number of bids in
 * total and per price rank (below 10,000, below 1,000,000, from 1,000,000 up), and the
 * minimum, maximum, average and total price. A regular `GROUP BY` in the reference, so rows are
 * upserts keyed by auction and day.
 */
import {
  type Collector,
  type DataStream,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type NexmarkEvent,
  NexmarkEventType,
  type RuntimeContext,
  type StreamExecutionEnvironment,
  type ValueState,
  ValueStateDescriptor,
} from '../../src/index.js';
import { DAY_MS, formatDay } from './q10.js';
import { priceRank } from './q15.js';
import type { NexmarkQuery } from './query.js';

/** One auction's statistics for one day. */
export interface Q17Row {
  readonly auction: number;
  /** `yyyy-MM-dd`, UTC. */
  readonly day: string;
  readonly total_bids: number;
  readonly rank1_bids: number;
  readonly rank2_bids: number;
  readonly rank3_bids: number;
  readonly min_price: number;
  readonly max_price: number;
  /** The average price rounded toward zero, as the reference's `AVG` of a `BIGINT` is. */
  readonly avg_price: number;
  readonly sum_price: number;
}

/** Positions in a statistics array: bids in total and per rank 1–3, then prices. */
const TOTAL = 0;
const MIN = 4;
const MAX = 5;
const SUM = 6;

/** Days since the epoch stay below this for the next two centuries. */
const DAYS = 100_000;

/**
 * The group of a bid as one number, `auction × 100,000 + day since the epoch`: exact (auction
 * ids stay far below 2^53 / 100,000) and cheaper to hash than a string of both.
 */
function auctionDay(e: NexmarkEvent): number {
  const bid = e.bid!;
  return bid.auction * DAYS + Math.floor(bid.dateTime / DAY_MS);
}

/** A new statistics array holding the one bid of `price`. */
function firstBid(price: number): number[] {
  const stats = [1, 0, 0, 0, price, price, price];
  stats[priceRank(price)] = 1;
  return stats;
}

/** Adds a bid of `price` to `stats`. */
function addBid(stats: number[], price: number): void {
  stats[TOTAL]++;
  stats[priceRank(price)]++;
  if (price < stats[MIN]!) stats[MIN] = price;
  if (price > stats[MAX]!) stats[MAX] = price;
  stats[SUM] += price;
}

function toRow(auction: number, dateTime: number, s: readonly number[]): Q17Row {
  const count = s[TOTAL]!;
  const sum = s[SUM]!;
  return {
    auction,
    day: formatDay(dateTime),
    total_bids: count,
    rank1_bids: s[1]!,
    rank2_bids: s[2]!,
    rank3_bids: s[3]!,
    min_price: s[MIN]!,
    max_price: s[MAX]!,
    // Integer division without a float quotient that could round up to the next integer.
    avg_price: (sum - (sum % count)) / count,
    sum_price: sum,
  };
}

function isBid(e: NexmarkEvent): boolean {
  return e.type === NexmarkEventType.BID;
}

/** Adds each bid to its auction's statistics for the day and emits the updated row. */
class AuctionDailyStats extends KeyedProcessFunction<number, NexmarkEvent, Q17Row> {
  private stats!: ValueState<number[]>;

  override open(ctx: RuntimeContext): void {
    this.stats = ctx.getState(new ValueStateDescriptor<number[]>('stats'));
  }

  processElement(e: NexmarkEvent, _ctx: KeyedProcessContext<number, Q17Row>, out: Collector<Q17Row>): void {
    const bid = e.bid!;
    let stats = this.stats.value();
    if (stats === undefined) stats = firstBid(bid.price);
    else addBid(stats, bid.price);
    this.stats.update(stats);
    out.collect(toRow(bid.auction, bid.dateTime, stats));
  }
}

/** Nexmark q17. */
export const query: NexmarkQuery<Q17Row> = {
  name: 'q17',
  eventTypes: [NexmarkEventType.BID],
  description:
    'Auction statistics report: per auction and day, bids per price rank and min, max, average and total price',

  build(events: DataStream<NexmarkEvent>, _env: StreamExecutionEnvironment): DataStream<Q17Row> {
    return events.filter(isBid).keyBy(auctionDay).process(new AuctionDailyStats());
  },

  loop(emit) {
    const groups = new Map<number, number[]>();
    return {
      onEvent(e) {
        if (e.type !== NexmarkEventType.BID) return;
        const bid = e.bid!;
        const key = auctionDay(e);
        let stats = groups.get(key);
        if (stats === undefined) groups.set(key, (stats = firstBid(bid.price)));
        else addBid(stats, bid.price);
        emit(toRow(bid.auction, bid.dateTime, stats));
      },
      finish() {},
    };
  },

  duckdb: `
    SELECT auction,
           strftime(dateTime, '%Y-%m-%d') AS day,
           count(*) AS total_bids,
           count(*) FILTER (WHERE price < 10000) AS rank1_bids,
           count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
           count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
           min(price) AS min_price,
           max(price) AS max_price,
           CAST(sum(price) // count(*) AS BIGINT) AS avg_price,
           CAST(sum(price) AS BIGINT) AS sum_price
    FROM bid
    GROUP BY auction, day`,

  upsertKey: (row) => `${row.auction} ${row.day}`,

  notes:
    'An updating result: one upsert per bid, keyed by auction and day (the reference emits the ' +
    'same updates as a retraction stream). The day is that of the event time in UTC, as in the ' +
    'reference; avg_price truncates like the reference AVG over BIGINT.',
};
