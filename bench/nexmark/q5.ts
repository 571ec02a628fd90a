/**
 * Nexmark q5, hot items: bids are counted per auction over hopping windows of 10 s that start
 * every 2 s; in each window, the auctions with the most bids (all of them when tied) are the
 * result. Each window's rows are final when the watermark passes its end.
 */
import {
  type AggregateFunction,
  type Bid,
  type Collector,
  KeyedProcessFunction,
  type KeyedProcessContext,
  type NexmarkEvent,
  NexmarkEventType,
  type OnTimerContext,
  type RuntimeContext,
  SlidingEventTimeWindows,
  type TimeWindow,
  ValueStateDescriptor,
  type ValueState,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** q5's row: a hottest auction of a window, with the window's bounds (epoch ms, end exclusive). */
export interface Q5Row {
  readonly auction: number;
  readonly num: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

const SIZE = 10_000;
const SLIDE = 2_000;

const isBid = (e: NexmarkEvent): boolean => e.type === NexmarkEventType.BID;
const auctionOfBid = (e: NexmarkEvent): number => (e.bid as Bid).auction;

const countBids: AggregateFunction<number, number, number> = {
  createAccumulator: () => 0,
  add: (_bid, count) => count + 1,
  getResult: (count) => count,
  merge: (a, b) => a + b,
};

function toAuctionCount(
  auction: number,
  window: TimeWindow,
  counts: Iterable<number>,
  out: Collector<Q5Row>,
) {
  for (const num of counts) out.collect({ auction, num, windowStart: window.start, windowEnd: window.end });
}

/** The window's highest count so far and the auctions that reached it. */
interface Hottest {
  readonly num: number;
  readonly auctions: number[];
}

/**
 * Keyed by window end: keeps the auctions with the highest count. The counts of a window carry
 * its last timestamp (end − 1); a timer there fires once the watermark has passed it on every
 * input channel, after all of the window's counts have arrived.
 */
class HottestPerWindow extends KeyedProcessFunction<number, Q5Row, Q5Row> {
  private hottest!: ValueState<Hottest>;

  override open(ctx: RuntimeContext): void {
    this.hottest = ctx.getState(new ValueStateDescriptor<Hottest>('hottest'));
  }

  processElement(c: Q5Row, ctx: KeyedProcessContext<number, Q5Row>): void {
    const h = this.hottest.value();
    if (h === undefined) {
      this.hottest.update({ num: c.num, auctions: [c.auction] });
      ctx.timerService().registerEventTimeTimer(c.windowEnd - 1);
    } else if (c.num > h.num) {
      this.hottest.update({ num: c.num, auctions: [c.auction] });
    } else if (c.num === h.num) {
      this.hottest.update({ num: h.num, auctions: [...h.auctions, c.auction] });
    }
  }

  override onTimer(time: number, ctx: OnTimerContext<number, Q5Row>, out: Collector<Q5Row>): void {
    const h = this.hottest.value() as Hottest;
    const windowEnd = ctx.getCurrentKey();
    for (const auction of h.auctions)
      out.collect({ auction, num: h.num, windowStart: windowEnd - SIZE, windowEnd: time + 1 });
    this.hottest.clear();
  }
}

/** q5: the most-bid auctions of each 10 s window, sliding by 2 s. */
export const query: NexmarkQuery<Q5Row> = {
  name: 'q5',
  eventTypes: [NexmarkEventType.BID],
  description: 'Hot items: the auctions with the most bids in each 10 s window sliding by 2 s',
  build: (events) =>
    events
      .filter(isBid)
      // Only the auction id crosses to the thread that owns it, not the bid's strings.
      .map(auctionOfBid)
      .keyBy((auction) => auction)
      .window(SlidingEventTimeWindows.of(SIZE, SLIDE))
      .aggregate(countBids, toAuctionCount)
      .keyBy((c) => c.windowEnd)
      .process(new HottestPerWindow()),
  loop(emit) {
    // Bid counts per auction of each open window, by window start.
    const windows = new Map<number, Map<number, number>>();
    let oldestStart = Number.POSITIVE_INFINITY;
    let maxTime = Number.NEGATIVE_INFINITY;

    function fire(start: number, counts: Map<number, number>): void {
      let max = 0;
      for (const n of counts.values()) if (n > max) max = n;
      for (const [auction, num] of counts)
        if (num === max) emit({ auction, num, windowStart: start, windowEnd: start + SIZE });
    }
    function closeUpTo(watermark: number): void {
      // A window closes when the watermark reaches its last timestamp, end − 1.
      while (oldestStart + SIZE - 1 <= watermark) {
        const counts = windows.get(oldestStart);
        if (counts !== undefined) {
          fire(oldestStart, counts);
          windows.delete(oldestStart);
        }
        oldestStart = windows.size === 0 ? Number.POSITIVE_INFINITY : oldestStart + SLIDE;
      }
    }

    return {
      onEvent(e) {
        const t =
          e.type === NexmarkEventType.BID ? (e.bid as Bid).dateTime : (e.auction ?? e.person)!.dateTime;
        if (e.type === NexmarkEventType.BID) {
          const auction = (e.bid as Bid).auction;
          const last = t - (t % SLIDE);
          for (let start = last; start > t - SIZE; start -= SLIDE) {
            let counts = windows.get(start);
            if (counts === undefined) {
              windows.set(start, (counts = new Map()));
              if (start < oldestStart) oldestStart = start;
            }
            counts.set(auction, (counts.get(auction) ?? 0) + 1);
          }
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
    WITH counts AS (
      SELECT auction, windowStart, COUNT(*) AS num
      FROM (SELECT auction, (epoch_ms(dateTime) // ${SLIDE}) * ${SLIDE} - k * ${SLIDE} AS windowStart
            FROM bid, range(0, ${SIZE / SLIDE}) AS r(k))
      GROUP BY auction, windowStart)
    SELECT auction, num, windowStart, windowStart + ${SIZE} AS windowEnd
    FROM (SELECT *, MAX(num) OVER (PARTITION BY windowStart) AS maxNum FROM counts)
    WHERE num = maxNum`,
  latencyTime: (row) => row.windowEnd - 1 + 4000,
  notes: 'Rows carry the window bounds, which the reference computes but leaves out of its output.',
};
