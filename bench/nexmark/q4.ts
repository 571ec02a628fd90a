/**
 * Nexmark q4, average closing price per category: each auction's final price is its highest
 * bid made while it was open (between its `dateTime` and `expires`); the result is, per
 * category, the average final price of its auctions. The average changes as auctions close,
 * so rows are upserts keyed by category.
 */
import { type NexmarkEvent, NexmarkEventType } from '../../src/index.js';
import type { NexmarkQuery } from './query.js';
import { type WinningBid, WINNING_BIDS_SQL, winningBids, winningBidsLoop } from './winning-bids.js';

/** q4's row: the average closing price of a category's auctions so far. */
export interface Q4Row {
  readonly category: number;
  readonly avgPrice: number;
}

/** A category's running total. */
interface CategoryTotal {
  readonly category: number;
  readonly sum: number;
  readonly count: number;
}

const total = (w: WinningBid): CategoryTotal => ({ category: w.category, sum: w.price, count: 1 });
const add = (a: CategoryTotal, b: CategoryTotal): CategoryTotal => ({
  category: a.category,
  sum: a.sum + b.sum,
  count: a.count + b.count,
});
const average = (t: CategoryTotal): Q4Row => ({ category: t.category, avgPrice: t.sum / t.count });

/** q4: average closing price per category, updated as auctions close. */
export const query: NexmarkQuery<Q4Row> = {
  name: 'q4',
  eventTypes: [NexmarkEventType.AUCTION, NexmarkEventType.BID],
  description: 'Average closing price per category: the mean of the highest bids of its closed auctions',
  build: (events) =>
    winningBids(events)
      .map(total)
      .keyBy((t) => t.category)
      .reduce(add)
      .map(average),
  loop(emit) {
    const totals = new Map<number, { sum: number; count: number }>();
    const winners = winningBidsLoop((w) => {
      let t = totals.get(w.category);
      if (t === undefined) totals.set(w.category, (t = { sum: 0, count: 0 }));
      t.sum += w.price;
      t.count++;
      emit({ category: w.category, avgPrice: t.sum / t.count });
    });
    return {
      onEvent: (e: NexmarkEvent) => winners.onEvent(e),
      finish: () => winners.finish(),
    };
  },
  duckdb: `
    WITH winners AS (${WINNING_BIDS_SQL})
    SELECT category, AVG(price) AS avgPrice FROM winners GROUP BY category`,
  upsertKey: (row) => String(row.category),
  notes:
    'An auction counts once it has closed (the watermark passed its expiry), with its final price, ' +
    'so each category updates once per closed auction; the reference joins without time and ' +
    'retracts and re-adds an auction on every higher bid, which ends at the same averages. The ' +
    'average is a double where the reference, averaging BIGINTs, truncates it to a whole number.',
};
