/**
 * Nexmark q7, highest bid: for each tumbling 10 s window, the bids whose price equals the
 * highest price bid in that window (all of them when several share it). The whole stream is
 * one group, so the window runs on a single subtask, as the reference's global aggregate does.
 */
import {
  type AggregateFunction,
  type Bid,
  type Collector,
  type NexmarkEvent,
  NexmarkEventType,
  type TimeWindow,
  TumblingEventTimeWindows,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** q7's row: a highest bid of its window. */
export interface Q7Row {
  readonly auction: number;
  readonly price: number;
  readonly bidder: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** The tumbling window's size, ms. */
export const SIZE = 10_000;

/** The highest price of a window so far and the bids at that price. */
interface Highest {
  readonly price: number;
  readonly bids: readonly Bid[];
}

const NONE: Highest = { price: Number.NEGATIVE_INFINITY, bids: [] };

// Accumulators are replaced, never changed: a lower bid (the common case) allocates nothing.
const highestBids: AggregateFunction<Bid, Highest, Highest> = {
  createAccumulator: () => NONE,
  add: (b, h) =>
    b.price > h.price
      ? { price: b.price, bids: [b] }
      : b.price === h.price
        ? { price: h.price, bids: [...h.bids, b] }
        : h,
  getResult: (h) => h,
  merge: (x, y) =>
    x.price > y.price ? x : y.price > x.price ? y : { price: x.price, bids: [...x.bids, ...y.bids] },
};

/** The result row of a highest bid `b`. */
export function toRow(b: Bid): Q7Row {
  return { auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra };
}

function emitHighest(_key: number, _window: TimeWindow, results: Iterable<Highest>, out: Collector<Q7Row>) {
  for (const h of results) for (const b of h.bids) out.collect(toRow(b));
}

/** Whether `e` is a bid. */
export const isBid = (e: NexmarkEvent): boolean => e.type === NexmarkEventType.BID;
/** The bid of a bid event. */
export const bidOf = (e: NexmarkEvent): Bid => e.bid as Bid;
/** The key of the one group every bid is in. */
export const oneGroup = (): number => 0;

/** q7: the highest bids of each 10 s window. */
export const query: NexmarkQuery<Q7Row> = {
  name: 'q7',
  eventTypes: [NexmarkEventType.BID],
  description: 'Highest bid: the bids with the highest price of each tumbling 10 s window',
  build: (events) =>
    events
      .filter(isBid)
      .map(bidOf)
      .keyBy(oneGroup)
      .window(TumblingEventTimeWindows.of(SIZE))
      .aggregate(highestBids, emitHighest),
  loop(emit) {
    // Open windows by start; with the 4 s watermark delay at most two are open at a time.
    const windows = new Map<number, Highest>();
    let maxTime = Number.NEGATIVE_INFINITY;

    function closeUpTo(watermark: number): void {
      for (const [start, h] of windows) {
        if (start + SIZE - 1 > watermark) continue;
        for (const b of h.bids) emit(toRow(b));
        windows.delete(start);
      }
    }

    return {
      onEvent(e) {
        let t: number;
        if (e.type === NexmarkEventType.BID) {
          const b = e.bid as Bid;
          t = b.dateTime;
          const start = t - (t % SIZE);
          const h = windows.get(start);
          if (h === undefined) windows.set(start, { price: b.price, bids: [b] });
          else if (b.price > h.price) windows.set(start, { price: b.price, bids: [b] });
          else if (b.price === h.price) (h.bids as Bid[]).push(b);
        } else {
          t = (e.auction ?? e.person)!.dateTime;
        }
        if (t > maxTime) {
          maxTime = t;
          closeUpTo(maxTime - 4001);
        }
      },
      finish() {
        closeUpTo(Number.MAX_SAFE_INTEGER);
      },
    };
  },
  duckdb: `
    SELECT B.auction, B.price, B.bidder, B.dateTime, B.extra
    FROM bid AS B
    JOIN (SELECT epoch_ms(dateTime) // ${SIZE} AS w, MAX(price) AS maxPrice FROM bid GROUP BY w) AS M
      ON epoch_ms(B.dateTime) // ${SIZE} = M.w AND B.price = M.maxPrice`,
  latencyTime: (row) => row.dateTime - (row.dateTime % SIZE) + SIZE - 1 + 4000,
  notes:
    'A bid belongs to its own window only. The reference joins on BETWEEN window_end − 10 s AND ' +
    'window_end, both inclusive, so a bid made exactly at a window end that matches the previous ' +
    "window's highest price would also appear there; here windows are half-open, as the windowing " +
    'functions themselves are.',
};
