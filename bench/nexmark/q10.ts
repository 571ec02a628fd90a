/**
 * Nexmark q10, log to a file system: every bid, with the date (`dt`, yyyy-MM-dd) and the hour
 * and minute (`hm`, HH:mm) of its event time. The reference writes the bids to CSV files
 * partitioned by `dt` and `hm` and commits a partition a minute after its time has passed; here
 * the query yields the rows with their partition columns and the bench sink discards them.
 *
 * Also home of the UTC date formatting the daily reports (q15–q17) share.
 */
import {
  type Bid,
  type DataStream,
  type NexmarkEvent,
  NexmarkEventType,
  type StreamExecutionEnvironment,
} from '../../src/index.js';
import type { NexmarkQuery } from './query.js';

/** One bid with its partition columns. */
export interface Q10Row {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
  /** The bid's UTC date, `yyyy-MM-dd`. */
  readonly dt: string;
  /** The bid's UTC hour and minute, `HH:mm`. */
  readonly hm: string;
}

/** Milliseconds in a UTC day. */
export const DAY_MS = 86_400_000;

/** `00:00` … `23:59`, by minute of the day: formatting is then one array read. */
const HOUR_MINUTES: readonly string[] = Array.from(
  { length: 1440 },
  (_, m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`,
);

/** The minute of the UTC day (0 … 1439) of epoch milliseconds `ms`. */
export function minuteOfDay(ms: number): number {
  return Math.floor((ms - Math.floor(ms / DAY_MS) * DAY_MS) / 60_000);
}

/** `HH:mm` for minute `minute` of a day, as {@link minuteOfDay} gives it. */
export function formatMinuteOfDay(minute: number): string {
  return HOUR_MINUTES[minute]!;
}

/** `HH:mm` of `ms` in UTC, like `DATE_FORMAT(dateTime, 'HH:mm')` on the reference's UTC timestamps. */
export function formatHourMinute(ms: number): string {
  return HOUR_MINUTES[minuteOfDay(ms)]!;
}

// Consecutive events almost always fall on the same day, so the last day's text is kept; this
// is per thread and holds no job state, so sharing it between operators is harmless.
let lastDay = Number.NaN;
let lastDayText = '';

/** `yyyy-MM-dd` of `ms` in UTC, like `DATE_FORMAT(dateTime, 'yyyy-MM-dd')`. */
export function formatDay(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay) {
    lastDayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDayText;
}

function isBid(e: NexmarkEvent): boolean {
  return e.type === NexmarkEventType.BID;
}

function toRow(bid: Bid): Q10Row {
  const t = bid.dateTime;
  return {
    auction: bid.auction,
    bidder: bid.bidder,
    price: bid.price,
    dateTime: t,
    extra: bid.extra,
    dt: formatDay(t),
    hm: formatHourMinute(t),
  };
}

/** Nexmark q10. */
export const query: NexmarkQuery<Q10Row> = {
  name: 'q10',
  description: 'Log to file system: every bid with its date and hour:minute partition columns',

  build(events: DataStream<NexmarkEvent>, _env: StreamExecutionEnvironment): DataStream<Q10Row> {
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

  duckdb: `
    SELECT auction, bidder, price, dateTime, extra,
           strftime(dateTime, '%Y-%m-%d') AS dt, strftime(dateTime, '%H:%M') AS hm
    FROM bid`,

  latencyTime: (row) => row.dateTime,

  notes:
    'The reference writes the rows to CSV files partitioned by dt and hm (a partition committed ' +
    'a minute after its time); here the rows are the result and the bench sink discards them. ' +
    'dt and hm format the event time in UTC, as the reference does with its UTC timestamps.',
};
