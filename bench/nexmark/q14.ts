/**
 * Nexmark q14, calculation: the bids whose price converted at 0.908 lies strictly between
 * 1,000,000 and 50,000,000, with the converted price, whether the bid came in the day (hours
 * 8–18), the night (up to 6 or from 20) or in between, and how many `c` characters its `extra`
 * holds (a user-defined function in the reference).
 */
import {
  type Bid,
  type DataStream,
  type NexmarkEvent,
  NexmarkEventType,
  type StreamExecutionEnvironment,
} from '../../src/index.js';
import { DAY_MS } from './q10.js';
import type { NexmarkQuery } from './query.js';

/** When in the (UTC) day a bid was made. */
export type BidTimeType = 'dayTime' | 'nightTime' | 'otherTime';

/** One converted bid. */
export interface Q14Row {
  readonly auction: number;
  readonly bidder: number;
  /** `0.908 × price`. */
  readonly price: number;
  readonly bidTimeType: BidTimeType;
  readonly dateTime: number;
  readonly extra: string;
  /** Number of `c` characters in `extra`. */
  readonly c_counts: number;
}

/**
 * Whether `0.908 × price` is strictly between 1,000,000 and 50,000,000. The reference compares
 * exact decimals; in whole thousandths the products stay exact integers (prices are far below
 * 2^53 / 908), where `price * 0.908` in floating point could round across a bound.
 */
function inRange(e: NexmarkEvent): boolean {
  if (e.type !== NexmarkEventType.BID) return false;
  const thousandths = e.bid!.price * 908;
  return thousandths > 1_000_000_000 && thousandths < 50_000_000_000;
}

function bidTimeType(ms: number): BidTimeType {
  const hour = Math.floor((ms - Math.floor(ms / DAY_MS) * DAY_MS) / 3_600_000);
  if (hour >= 8 && hour <= 18) return 'dayTime';
  if (hour <= 6 || hour >= 20) return 'nightTime';
  return 'otherTime';
}

/** The reference's `count_char(extra, 'c')`: it compares bytes, and `c` is one byte in UTF-8. */
function countC(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 99) n++;
  return n;
}

function toRow(bid: Bid): Q14Row {
  return {
    auction: bid.auction,
    bidder: bid.bidder,
    // The closest double to the exact decimal product.
    price: (bid.price * 908) / 1000,
    bidTimeType: bidTimeType(bid.dateTime),
    dateTime: bid.dateTime,
    extra: bid.extra,
    c_counts: countC(bid.extra),
  };
}

/** Nexmark q14. */
export const query: NexmarkQuery<Q14Row> = {
  name: 'q14',
  eventTypes: [NexmarkEventType.BID],
  description:
    'Calculation: bids with 0.908 × price in (1M, 50M), their time-of-day type and count of c in extra',

  build(events: DataStream<NexmarkEvent>, _env: StreamExecutionEnvironment): DataStream<Q14Row> {
    return events.filter(inRange).map((e) => toRow(e.bid!));
  },

  loop(emit) {
    return {
      onEvent(e) {
        if (inRange(e)) emit(toRow(e.bid!));
      },
      finish() {},
    };
  },

  duckdb: `
    SELECT auction, bidder, CAST(0.908 * price AS DOUBLE) AS price,
           CASE
             WHEN hour(dateTime) >= 8 AND hour(dateTime) <= 18 THEN 'dayTime'
             WHEN hour(dateTime) <= 6 OR hour(dateTime) >= 20 THEN 'nightTime'
             ELSE 'otherTime'
           END AS bidTimeType,
           dateTime, extra,
           length(extra) - length(replace(extra, 'c', '')) AS c_counts
    FROM bid
    WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000`,

  latencyTime: (row) => row.dateTime,

  notes:
    'price is a double (the reference: DECIMAL(23, 3)); the range test is exact, in integer ' +
    'thousandths. The hour is that of the event time in UTC, as in the reference.',
};
