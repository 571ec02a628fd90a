/**
 * Nexmark q22, get URL directories: each bid with the first three directories of its URL, the
 * fourth, fifth and sixth parts of the URL split at every `/` (after `https:`, the empty part
 * and the host), or null where the URL has fewer parts.
 */
import {
  type Bid,
  type DataStream,
  type NexmarkEvent,
  NexmarkEventType,
  type StreamExecutionEnvironment,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One bid with its URL's directories. */
export interface Q22Row {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly dir1: string | null;
  readonly dir2: string | null;
  readonly dir3: string | null;
}

/**
 * The reference's `SPLIT_INDEX(s, '/', index)`: part `index` (from 0) of `s` split at every `/`,
 * empty parts included, or null if there are fewer parts. Scans instead of `split` so that no
 * array of all the parts is built for three of them.
 */
function splitIndex(s: string, index: number): string | null {
  let start = 0;
  for (let i = 0; i < index; i++) {
    const slash = s.indexOf('/', start);
    if (slash < 0) return null;
    start = slash + 1;
  }
  const end = s.indexOf('/', start);
  return s.substring(start, end < 0 ? s.length : end);
}

function isBid(e: NexmarkEvent): boolean {
  return e.type === NexmarkEventType.BID;
}

function toRow(bid: Bid): Q22Row {
  const url = bid.url;
  return {
    auction: bid.auction,
    bidder: bid.bidder,
    price: bid.price,
    channel: bid.channel,
    dir1: splitIndex(url, 3),
    dir2: splitIndex(url, 4),
    dir3: splitIndex(url, 5),
  };
}

/** Nexmark q22. */
export const query: NexmarkQuery<Q22Row> = {
  name: 'q22',
  description: "Get URL directories: each bid with the URL's first three directories",

  build(events: DataStream<NexmarkEvent>, _env: StreamExecutionEnvironment): DataStream<Q22Row> {
    return events.filter(isBid).map((e) => toRow(e.bid!));
  },

  loop(emit) {
    return {
      onEvent(e) {
        if (e.type === NexmarkEventType.BID) emit(toRow(e.bid!));
      },
      finish() {},
    };
  },

  // A list index past the end is NULL in DuckDB, like SPLIT_INDEX past the last part.
  duckdb: `
    SELECT auction, bidder, price, channel,
           string_split(url, '/')[4] AS dir1,
           string_split(url, '/')[5] AS dir2,
           string_split(url, '/')[6] AS dir3
    FROM bid`,
};
