/**
 * Nexmark q6, average selling price by seller: each closed auction sells at its highest bid made
 * while it was open; the result is, per seller, the average selling price of their ten most
 * recent sales (most recent by the winning bid's time). It changes with each sale, so rows are
 * upserts keyed by seller.
 */
import {
  type Collector,
  KeyedProcessFunction,
  type KeyedProcessContext,
  type NexmarkEvent,
  type RuntimeContext,
  ValueStateDescriptor,
  type ValueState,
  NexmarkEventType,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';
import { type WinningBid, WINNING_BIDS_SQL, winningBids, winningBidsLoop } from './winning-bids.js';

/** q6's row: a seller's average price over their last sales. */
export interface Q6Row {
  readonly seller: number;
  readonly avgPrice: number;
}

/** How many of a seller's most recent sales the average covers. */
export const RECENT_SALES = 10;

/** A sale, ordered by the winning bid's time, then auction id. */
interface Sale {
  readonly auction: number;
  readonly price: number;
  readonly dateTime: number;
}

const older = (x: Sale, y: Sale): boolean =>
  x.dateTime < y.dateTime || (x.dateTime === y.dateTime && x.auction < y.auction);

/**
 * Inserts `s` into `sales` (oldest first, at most {@link RECENT_SALES}); returns false when it is
 * older than all of a full list and so changes nothing. Sales from parallel upstream subtasks
 * may arrive out of order, so the list is kept sorted rather than appended to.
 */
function insertSale(sales: Sale[], s: Sale): boolean {
  let i = sales.length;
  while (i > 0 && older(s, sales[i - 1])) i--;
  if (i === 0 && sales.length === RECENT_SALES) return false;
  sales.splice(i, 0, s);
  if (sales.length > RECENT_SALES) sales.shift();
  return true;
}

function averagePrice(sales: readonly Sale[]): number {
  let sum = 0;
  for (const s of sales) sum += s.price;
  return sum / sales.length;
}

/** Keyed by seller: their most recent sales. */
class RecentSalesAverage extends KeyedProcessFunction<number, WinningBid, Q6Row> {
  private sales!: ValueState<Sale[]>;

  override open(ctx: RuntimeContext): void {
    this.sales = ctx.getState(new ValueStateDescriptor<Sale[]>('recent-sales'));
  }

  processElement(w: WinningBid, _ctx: KeyedProcessContext<number, Q6Row>, out: Collector<Q6Row>): void {
    const sales = this.sales.value() ?? [];
    if (!insertSale(sales, { auction: w.auction, price: w.price, dateTime: w.dateTime })) return;
    this.sales.update(sales);
    out.collect({ seller: w.seller, avgPrice: averagePrice(sales) });
  }
}

/** q6: average selling price of each seller's last ten sales. */
export const query: NexmarkQuery<Q6Row> = {
  name: 'q6',
  eventTypes: [NexmarkEventType.AUCTION, NexmarkEventType.BID],
  description:
    "Average selling price by seller: the mean winning price of each seller's last 10 closed auctions",
  build: (events) =>
    winningBids(events)
      .keyBy((w) => w.seller)
      .process(new RecentSalesAverage()),
  loop(emit) {
    const bySeller = new Map<number, Sale[]>();
    const winners = winningBidsLoop((w) => {
      let sales = bySeller.get(w.seller);
      if (sales === undefined) bySeller.set(w.seller, (sales = []));
      if (insertSale(sales, { auction: w.auction, price: w.price, dateTime: w.dateTime }))
        emit({ seller: w.seller, avgPrice: averagePrice(sales) });
    });
    return {
      onEvent: (e: NexmarkEvent) => winners.onEvent(e),
      finish: () => winners.finish(),
    };
  },
  duckdb: `
    WITH winners AS (${WINNING_BIDS_SQL}),
    recent AS (
      SELECT seller, price,
        ROW_NUMBER() OVER (PARTITION BY seller ORDER BY dateTime DESC, auction DESC) AS recency
      FROM winners)
    SELECT seller, AVG(price) AS avgPrice FROM recent WHERE recency <= ${RECENT_SALES} GROUP BY seller`,
  upsertKey: (row) => String(row.seller),
  notes:
    'Sales count once the auction has closed (the reference uses the running highest bid, which ' +
    'Flink cannot feed to an OVER window). The reference window, ROWS BETWEEN 10 PRECEDING AND ' +
    'CURRENT ROW, spans 11 sales; this one spans the 10 the query describes. Equal highest prices ' +
    'go to the earliest bid, and sales at the same time are ordered by auction id.',
};
