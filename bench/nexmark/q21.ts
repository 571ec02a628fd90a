/**
 * Nexmark q21, add a channel id: each bid with a `channel_id` column, fixed for the four big
 * channels (Apple 0, Google 1, Facebook 2, Baidu 3, whatever the letter case) and otherwise the
 * value of the `channel_id=` parameter in the bid's URL; bids with neither are dropped.
 */
import {
  type Bid,
  type Collector,
  type DataStream,
  type NexmarkEvent,
  NexmarkEventType,
  type StreamExecutionEnvironment,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One bid with its channel id. */
export interface Q21Row {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly channel_id: string;
}

const PARAM = 'channel_id=';

/**
 * The reference's `REGEXP_EXTRACT(url, '(&|^)channel_id=([^&]*)', 2)`: the value of the first
 * `channel_id=` at the start or after a `&`, up to the next `&` (possibly empty); null if there
 * is none. Searching for the literal is cheaper than running the regular expression.
 */
function channelIdParam(url: string): string | null {
  for (let at = url.indexOf(PARAM); at >= 0; at = url.indexOf(PARAM, at + 1)) {
    if (at === 0 || url.charCodeAt(at - 1) === 38 /* & */) {
      const start = at + PARAM.length;
      const end = url.indexOf('&', start);
      return url.substring(start, end < 0 ? url.length : end);
    }
  }
  return null;
}

/** The bid's channel id, or null when it has none. */
function channelId(bid: Bid): string | null {
  switch (bid.channel.toLowerCase()) {
    case 'apple':
      return '0';
    case 'google':
      return '1';
    case 'facebook':
      return '2';
    case 'baidu':
      return '3';
    default:
      return channelIdParam(bid.url);
  }
}

function isBid(e: NexmarkEvent): boolean {
  return e.type === NexmarkEventType.BID;
}

/** Emits the bid with its channel id if it has one; computes the id once for filter and column. */
function withChannelId(e: NexmarkEvent, out: Collector<Q21Row>): void {
  const bid = e.bid!;
  const id = channelId(bid);
  if (id !== null) {
    out.collect({
      auction: bid.auction,
      bidder: bid.bidder,
      price: bid.price,
      channel: bid.channel,
      channel_id: id,
    });
  }
}

/** Nexmark q21. */
export const query: NexmarkQuery<Q21Row> = {
  name: 'q21',
  eventTypes: [NexmarkEventType.BID],
  description: 'Add channel id: bids with a channel id from the channel name or the channel_id URL parameter',

  build(events: DataStream<NexmarkEvent>, _env: StreamExecutionEnvironment): DataStream<Q21Row> {
    return events.filter(isBid).flatMap(withChannelId);
  },

  loop(emit) {
    return {
      onEvent(e) {
        if (e.type !== NexmarkEventType.BID) return;
        const bid = e.bid!;
        const id = channelId(bid);
        if (id !== null) {
          emit({
            auction: bid.auction,
            bidder: bid.bidder,
            price: bid.price,
            channel: bid.channel,
            channel_id: id,
          });
        }
      },
      finish() {},
    };
  },

  // DuckDB's regexp_extract gives '' where there is no match; the reference gives NULL, so the
  // match is tested first.
  duckdb: `
    SELECT auction, bidder, price, channel,
           CASE
             WHEN lower(channel) = 'apple' THEN '0'
             WHEN lower(channel) = 'google' THEN '1'
             WHEN lower(channel) = 'facebook' THEN '2'
             WHEN lower(channel) = 'baidu' THEN '3'
             WHEN regexp_matches(url, '(&|^)channel_id=([^&]*)')
               THEN regexp_extract(url, '(&|^)channel_id=([^&]*)', 2)
           END AS channel_id
    FROM bid
    WHERE regexp_matches(url, '(&|^)channel_id=([^&]*)')
       OR lower(channel) IN ('apple', 'google', 'facebook', 'baidu')`,
};
