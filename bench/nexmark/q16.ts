/**
 * Nexmark q16, channel statistics report: q15's statistics per channel and (UTC) day (bids,
 * distinct bidders and distinct auctions, in total and per price rank), plus the latest
 * `HH:mm` at which the channel saw a bid that day. A regular `GROUP BY` in the reference, so
 * rows are upserts keyed by channel and day.
 */
import {
  type Bid,
  type Collector,
  type DataStream,
  type KeyedProcessContext,
  KeyedProcessFunction,
  type NexmarkEvent,
  NexmarkEventType,
  type RuntimeContext,
  type StreamExecutionEnvironment,
} from '../../src/index.js';
import { DAY_MS, formatDay, formatMinuteOfDay } from './q10.js';
import { LATEST_MINUTE, type RankedCounts, RankedCountsState, RankedCountsTally } from './q15.js';
import type { NexmarkQuery } from './query.js';

/** One channel's statistics for one day. */
export interface Q16Row extends RankedCounts {
  readonly channel: string;
  /** `yyyy-MM-dd`, UTC. */
  readonly day: string;
  /** The latest `HH:mm` (UTC) of the channel's bids that day. */
  readonly minute: string;
}

function toRow(bid: Bid, day: string, c: readonly number[]): Q16Row {
  return {
    channel: bid.channel,
    day,
    minute: formatMinuteOfDay(c[LATEST_MINUTE]!),
    total_bids: c[0]!,
    rank1_bids: c[1]!,
    rank2_bids: c[2]!,
    rank3_bids: c[3]!,
    total_bidders: c[4]!,
    rank1_bidders: c[5]!,
    rank2_bidders: c[6]!,
    rank3_bidders: c[7]!,
    total_auctions: c[8]!,
    rank1_auctions: c[9]!,
    rank2_auctions: c[10]!,
    rank3_auctions: c[11]!,
  };
}

function isBid(e: NexmarkEvent): boolean {
  return e.type === NexmarkEventType.BID;
}

/** The day and the channel in one string; the day's fixed width keeps the pair unambiguous. */
function dayAndChannel(bid: Bid): string {
  return formatDay(bid.dateTime) + bid.channel;
}

/**
 * Counts each bid into its channel's and day's statistics and emits the updated row. The
 * latest minute is kept as a minute of the day: `HH:mm` strings sort as those numbers do.
 */
class ChannelDailyStats extends KeyedProcessFunction<string, NexmarkEvent, Q16Row> {
  private stats!: RankedCountsState;

  override open(ctx: RuntimeContext): void {
    this.stats = new RankedCountsState(ctx);
  }

  processElement(e: NexmarkEvent, _ctx: KeyedProcessContext<string, Q16Row>, out: Collector<Q16Row>): void {
    const bid = e.bid!;
    out.collect(toRow(bid, formatDay(bid.dateTime), this.stats.add(bid)));
  }
}

/** Nexmark q16. */
export const query: NexmarkQuery<Q16Row> = {
  name: 'q16',
  eventTypes: [NexmarkEventType.BID],
  description:
    'Channel statistics report: per channel and day, bids, distinct bidders and auctions per price rank, latest minute',

  build(events: DataStream<NexmarkEvent>, _env: StreamExecutionEnvironment): DataStream<Q16Row> {
    return events
      .filter(isBid)
      .keyBy((e) => dayAndChannel(e.bid!))
      .process(new ChannelDailyStats());
  },

  loop(emit) {
    // Day, then channel: channel names come from the generator's table, so their hashes are
    // cached, where a concatenated key would be hashed anew for every bid.
    const days = new Map<number, Map<string, RankedCountsTally>>();
    return {
      onEvent(e) {
        if (e.type !== NexmarkEventType.BID) return;
        const bid = e.bid!;
        const day = Math.floor(bid.dateTime / DAY_MS);
        let channels = days.get(day);
        if (channels === undefined) days.set(day, (channels = new Map()));
        let tally = channels.get(bid.channel);
        if (tally === undefined) channels.set(bid.channel, (tally = new RankedCountsTally()));
        tally.add(bid);
        emit(toRow(bid, formatDay(bid.dateTime), tally.counts));
      },
      finish() {},
    };
  },

  duckdb: `
    SELECT channel,
           strftime(dateTime, '%Y-%m-%d') AS day,
           max(strftime(dateTime, '%H:%M')) AS minute,
           count(*) AS total_bids,
           count(*) FILTER (WHERE price < 10000) AS rank1_bids,
           count(*) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bids,
           count(*) FILTER (WHERE price >= 1000000) AS rank3_bids,
           count(DISTINCT bidder) AS total_bidders,
           count(DISTINCT bidder) FILTER (WHERE price < 10000) AS rank1_bidders,
           count(DISTINCT bidder) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_bidders,
           count(DISTINCT bidder) FILTER (WHERE price >= 1000000) AS rank3_bidders,
           count(DISTINCT auction) AS total_auctions,
           count(DISTINCT auction) FILTER (WHERE price < 10000) AS rank1_auctions,
           count(DISTINCT auction) FILTER (WHERE price >= 10000 AND price < 1000000) AS rank2_auctions,
           count(DISTINCT auction) FILTER (WHERE price >= 1000000) AS rank3_auctions
    FROM bid
    GROUP BY channel, day`,

  upsertKey: (row) => row.day + row.channel,

  notes:
    'An updating result: one upsert per bid, keyed by channel and day (the reference emits the ' +
    'same updates as a retraction stream). day and minute format the event time in UTC, as in ' +
    'the reference.',
};
