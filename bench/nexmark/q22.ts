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

/*
 * The reference's `SPLIT_INDEX(s, '/', index)` is part `index` (from 0) of `s` split at every
 * `/`, empty parts included, or null if there are fewer parts. Rather than `split`, which builds
 * every part, a row walks the URL once: parts 3, 4 and 5 start after the third, fourth and
 * fifth slash.
 */

/** Where the part after the one starting at `start` starts; -1 if there is none (or no `start`). */
function nextPart(s: string, start: number): number {
  if (start < 0) return -1;
  const slash = s.indexOf('/', start);
  return slash < 0 ? -1 : slash + 1;
}

/** The part starting at `start`, up to the next `/`; null for no part (`start` -1). */
function partAt(s: string, start: number): string | null {
  if (start < 0) return null;
  const slash = s.indexOf('/', start);
  return s.substring(start, slash < 0 ? s.length : slash);
}

function isBid(e: NexmarkEvent): boolean {
  return e.type === NexmarkEventType.BID;
}

function toRow(bid: Bid): Q22Row {
  const url = bid.url;
  const at3 = nextPart(url, nextPart(url, nextPart(url, 0)));
  const at4 = nextPart(url, at3);
  return {
    auction: bid.auction,
    bidder: bid.bidder,
    price: bid.price,
    channel: bid.channel,
    dir1: partAt(url, at3),
    dir2: partAt(url, at4),
    dir3: partAt(url, nextPart(url, at4)),
  };
}

/** Nexmark q22. */
export const query: NexmarkQuery<Q22Row> = {
  name: 'q22',
  eventTypes: [NexmarkEventType.BID],
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
