/**
 * Nexmark q13, bounded side input join: every bid is enriched with the value a small static
 * table holds for `auction mod 10000`, the reference's model of looking up enrichment data by id.
 *
 * The side table is the reference one (its `side_input_gen.sh` writes rows `i,i` for
 * `0 <= i < 10000`): key `i` maps to the string of `i`. It is built here, once per process, so
 * the engine, the loop and the DuckDB query see the same table. Since every key in
 * `[0, 10000)` is present, the inner join keeps every bid.
 */
import {
  type Bid,
  type Collector,
  type DataStream,
  type FlatMapFunction,
  type NexmarkEvent,
  NexmarkEventType,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One result row of q13. */
export interface Q13Row {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly value: string;
}

/** Rows in the side table: keys `0 … SIDE_INPUT_ROWS - 1`. */
export const SIDE_INPUT_ROWS = 10_000;

/** The side table, indexed by key: the value of key `i` is `String(i)`. */
export const SIDE_INPUT: readonly string[] = Array.from({ length: SIDE_INPUT_ROWS }, (_, i) => String(i));

/** Looks each bid's auction up in the side table; an inner join, so absent keys drop the bid. */
class SideInputJoin implements FlatMapFunction<NexmarkEvent, Q13Row> {
  flatMap(e: NexmarkEvent, out: Collector<Q13Row>): void {
    const bid = e.bid as Bid;
    const value = SIDE_INPUT[bid.auction % SIDE_INPUT_ROWS];
    if (value !== undefined) {
      out.collect({
        auction: bid.auction,
        bidder: bid.bidder,
        price: bid.price,
        dateTime: bid.dateTime,
        value,
      });
    }
  }
}

/** q13: bids joined with a bounded side table on `auction mod 10000`. */
export const query: NexmarkQuery<Q13Row> = {
  name: 'q13',
  eventTypes: [NexmarkEventType.BID],
  description: 'Bounded side input join: each bid with the side table value for auction mod 10000',

  build(events: DataStream<NexmarkEvent>): DataStream<Q13Row> {
    return events.filter((e) => e.type === NexmarkEventType.BID).flatMap(new SideInputJoin());
  },

  loop(emit) {
    return {
      onEvent(e) {
        if (e.type !== NexmarkEventType.BID) return;
        const bid = e.bid as Bid;
        const value = SIDE_INPUT[bid.auction % SIDE_INPUT_ROWS];
        if (value === undefined) return;
        emit({ auction: bid.auction, bidder: bid.bidder, price: bid.price, dateTime: bid.dateTime, value });
      },
      finish() {},
    };
  },

  duckdb: `
    WITH side_input AS (
      SELECT i AS key, CAST(i AS VARCHAR) AS value FROM range(${SIDE_INPUT_ROWS}) AS t(i)
    )
    SELECT B.auction, B.bidder, B.price, B.dateTime, S.value
    FROM bid B JOIN side_input S ON B.auction % ${SIDE_INPUT_ROWS} = S.key`,

  latencyTime: (row) => row.dateTime,

  notes:
    'The reference joins FOR SYSTEM_TIME AS OF processing time against a file that never changes; ' +
    'a lookup in a table built once per process gives the same rows.',
};
