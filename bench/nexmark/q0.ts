/**
 * Nexmark q0, pass-through: every bid, unchanged. It measures what the engine itself costs
 * (source, one filter, one map, the sink) with no work in the query.
 */
import { type Bid, type NexmarkEvent, NexmarkEventType } from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** q0's row: the bid itself. */
export type Q0Row = Bid;

const isBid = (e: NexmarkEvent): boolean => e.type === NexmarkEventType.BID;
const bidOf = (e: NexmarkEvent): Bid => e.bid as Bid;

/** q0: all bids. */
export const query: NexmarkQuery<Q0Row> = {
  name: 'q0',
  eventTypes: [NexmarkEventType.BID],
  description: 'Pass-through: every bid',
  build: (events) => events.filter(isBid).map(bidOf),
  loop(emit) {
    return {
      onEvent(e) {
        if (e.type === NexmarkEventType.BID) emit(e.bid as Bid);
      },
      finish() {},
    };
  },
  duckdb: 'SELECT * FROM bid',
  latencyTime: (row) => row.dateTime,
  notes:
    'Rows are the whole bid, channel and url included (the reference selects five of its columns), ' +
    'so the query passes records through without copying them.',
};
