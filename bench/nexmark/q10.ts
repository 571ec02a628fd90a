/**
 * Nexmark q10, log to a file system: every bid, with the date (`dt`, yyyy-MM-dd) and the hour
 * and minute (`hm`, HH:mm) of its event time. The reference writes the bids to CSV files
 * partitioned by `dt` and `hm` and commits a partition a minute after its time has passed. The
 * query yields the rows with their partition columns (what the tests compare), and in the bench
 * `writeFiles` also writes them as the reference does: the exactly-once `FileSink`, a bucket per
 * `dt=…/hm=…` directory, each row the CSV record the SQL `filesystem` sink writes for it (the
 * data columns; the partition columns are in the directory names). The partitions get no
 * success files: partition commit is the SQL sink's.
 *
 * Also home of the UTC date formatting the daily reports (q15–q17) share.
 */
import { join } from 'node:path';
import {
  type Bid,
  type DataStream,
  DefaultRollingPolicy,
  FileSink,
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

/** Where the reference's sink table writes under its `${NEXMARK_DIR}` (`SUBMIT_TIME` is 0 here). */
export const Q10_OUTPUT = join('data', 'output', '0', 'bid');

/** `00` … `59`. */
const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * The CSV record of a row's data columns, as the SQL csv format writes them: numbers, the
 * timestamp `yyyy-MM-dd HH:mm:ss[.fff]` with trailing zeros of the fraction dropped, and `extra`
 * quoted when it holds a comma, a quote or a line break.
 */
export function q10Csv(row: Q10Row): string {
  const t = row.dateTime;
  const second = Math.floor(t / 1000);
  const millis = t - second * 1000;
  let time = `${row.dt} ${row.hm}:${TWO_DIGITS[second - Math.floor(second / 60) * 60]}`;
  if (millis !== 0) time += `.${String(millis).padStart(3, '0').replace(/0+$/, '')}`;
  const extra = row.extra;
  const field =
    extra.includes(',') || extra.includes('"') || extra.includes('\n') || extra.includes('\r')
      ? `"${extra.replaceAll('"', '""')}"`
      : extra;
  return `${row.auction},${row.bidder},${row.price},${time},${field}\n`;
}

/**
 * A row's partition directory, `dt=2015-07-15/hm=10%3A20` (':' escaped as the SQL sink escapes
 * partition values), built once per partition: rows mostly share the last one's `dt` and `hm`
 * strings, so the check is two comparisons.
 */
function partitionAssigner(): (row: Q10Row) => string {
  let lastDt = '';
  let lastHm = '';
  let lastPath = '';
  return (row) => {
    if (row.dt !== lastDt || row.hm !== lastHm) {
      lastDt = row.dt;
      lastHm = row.hm;
      lastPath = `dt=${lastDt}/hm=${lastHm.replace(':', '%3A')}`;
    }
    return lastPath;
  };
}

/**
 * Writes `rows` under `dir` (in {@link Q10_OUTPUT}) as the reference's sink table does: CSV part
 * files in `dt=…/hm=…` directories, committed exactly once, rolled like the table's
 * (`sink.rolling-policy.rollover-interval` 1 min, default 128 MiB parts).
 */
export function writeQ10Files(rows: DataStream<Q10Row>, dir: string): void {
  rows
    .sinkTo(
      FileSink.forRowFormat<Q10Row>(join(dir, Q10_OUTPUT), q10Csv)
        .withBucketAssigner(partitionAssigner())
        .withRollingPolicy(DefaultRollingPolicy.builder().withRolloverInterval(60_000).build())
        .build(),
      'Sink: nexmark_q10',
    )
    .uid('nexmark_q10');
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
  eventTypes: [NexmarkEventType.BID],
  description: 'Log to file system: every bid with its date and hour:minute partition columns',

  build(events: DataStream<NexmarkEvent>, _env: StreamExecutionEnvironment): DataStream<Q10Row> {
    return events.filter(isBid).map((e) => toRow(e.bid!));
  },

  writeFiles: writeQ10Files,

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
    'a minute after its time); the bench writes the same files with FileSink (no success files), ' +
    'the tests compare the rows. ' +
    'dt and hm format the event time in UTC, as the reference does with its UTC timestamps.',
};
