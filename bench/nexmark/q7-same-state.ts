/**
 * Nexmark q7 keeping the state its reference SQL keeps: every bid of a window stays in the
 * window's state until the window closes, and then the bids at its highest price are emitted.
 * q7.ts aggregates each window as bids come and keeps only those at the highest price so far,
 * which the SQL plan (a join of every bid with its window's MAX) cannot do: it must keep every
 * bid until the MAX is known. `weir bench nexmark --sql` runs this version next to q7.ts, so that
 * the cost of that state is measured apart from the cost of the SQL layer.
 */
import {
  type Bid,
  type Collector,
  type ProcessWindowContext,
  ProcessWindowFunction,
  type TimeWindow,
  TumblingEventTimeWindows,
} from '../../src/index.js';
import { bidOf, isBid, oneGroup, query as q7, type Q7Row, SIZE, toRow } from './q7.js';
import type { NexmarkQuery } from './query.js';

/** Emits the bids of a closed window whose price is the window's highest. */
class HighestBidsOfWindow extends ProcessWindowFunction<Bid, Q7Row, number, TimeWindow> {
  process(
    _key: number,
    _ctx: ProcessWindowContext<TimeWindow>,
    bids: Iterable<Bid>,
    out: Collector<Q7Row>,
  ): void {
    let max = Number.NEGATIVE_INFINITY;
    let highest: Bid[] = [];
    for (const b of bids) {
      if (b.price > max) {
        max = b.price;
        highest = [b];
      } else if (b.price === max) {
        highest.push(b);
      }
    }
    for (const b of highest) out.collect(toRow(b));
  }
}

/** q7 with every bid kept in its window's state; the same rows as q7.ts (half-open windows). */
export const query: NexmarkQuery<Q7Row> = {
  ...q7,
  name: 'q7-same-state',
  description: `${q7.description}, every bid kept in window state as the SQL plan keeps it`,
  build: (events) =>
    events
      .filter(isBid)
      .map(bidOf)
      .keyBy(oneGroup)
      .window(TumblingEventTimeWindows.of(SIZE))
      .process(new HighestBidsOfWindow()),
};
