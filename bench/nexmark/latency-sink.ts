/**
 * The sink of `weir bench nexmark`'s job: a blackhole that counts rows and, when the source's
 * event time follows the wall clock (`--rate`), records each row's latency (wall clock at the
 * sink minus the event time at which the row became computable, `query.latencyTime(row)`) in an
 * HdrHistogram.
 *
 * Latency is steady-state latency: rows whose event time is earlier than the writer's first row
 * plus a warm-up are counted but not recorded. The source fixes its wall-clock base time when
 * the job starts, before the worker threads have loaded the job and opened the readers, so the
 * first events are already late when they are emitted; that start-up backlog (and the time it
 * takes to drain) says nothing about the engine's latency once it runs.
 *
 * Each parallel writer runs on its own worker thread, so nothing is shared in memory: on close,
 * writer `i` writes `sink-<i>.json` (its row count and its histogram, compressed and base64
 * encoded) into the report directory, and the benchmark merges the files after the child exits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import type { Sink, SinkInitContext, SinkWriter } from '../../src/index.js';

/** Latencies are recorded in microseconds, from 1 µs up to one hour. */
const HISTOGRAM = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

const MAX_MICROS = HISTOGRAM.highestTrackableValue;

/** What each writer leaves in the report directory. */
export interface SinkReport {
  readonly subtaskIndex: number;
  readonly rows: number;
  /** Rows whose latency was recorded (0 without latency). */
  readonly latencyRows: number;
  /** Rows left out of the histogram as part of the warm-up. */
  readonly warmupRows: number;
  /** Rows left out because they arrived before their event time (released by end of input). */
  readonly earlyRows: number;
  /** Epoch ms when the writer was created: its worker thread had loaded the job by then. */
  readonly openedAt: number;
  /** The latency histogram in microseconds, `hdr.encodeIntoCompressedBase64`; '' without latency. */
  readonly histogram: string;
}

/** A new, empty latency histogram (microseconds). */
export function newHistogram(): hdr.Histogram {
  return hdr.build(HISTOGRAM);
}

/** The sum of the encoded histograms of `reports`, or undefined when none recorded latency. */
export function mergeHistograms(reports: readonly SinkReport[]): hdr.Histogram | undefined {
  let merged: hdr.Histogram | undefined;
  for (const report of reports) {
    if (report.histogram === '') continue;
    merged ??= newHistogram();
    merged.add(hdr.decodeFromCompressedBase64(report.histogram));
  }
  return merged;
}

/**
 * `performance.now()` plus this is the wall clock (`Date.now()`) with sub-millisecond resolution.
 * Event times come from `Date.now()`, and `performance.timeOrigin` in a worker thread can be
 * several ms away from it, so the offset is taken where `Date.now()` ticks to the next ms.
 */
function wallClockOrigin(): number {
  const start = Date.now();
  let now = start;
  while (now === start) now = Date.now();
  return now - performance.now();
}

/** Counts rows, and with `latencyTime` records latencies; see the module comment. */
export class LatencySink<T> implements Sink<T> {
  /**
   * @param reportDir where each writer writes `sink-<subtask>.json` on close
   * @param latencyTime the event time a row became computable; undefined records no latency
   *   (no `--rate`: event times are not wall-clock times then, or the query's rows carry none)
   * @param warmupMs rows whose event time is less than this after the wall-clock time of the
   *   writer's first row are not recorded (see the module comment); 0 records every row
   */
  constructor(
    private readonly reportDir: string,
    private readonly latencyTime: ((row: T) => number) | undefined,
    private readonly warmupMs = 0,
  ) {}

  createWriter(context: SinkInitContext): SinkWriter<T> {
    const { latencyTime, warmupMs } = this;
    const file = join(this.reportDir, `sink-${context.subtaskIndex}.json`);
    const openedAt = Date.now();
    let rows = 0;
    let warmupRows = 0;
    let earlyRows = 0;
    let recordFrom = Number.NaN;
    let closed = false;
    const histogram = latencyTime === undefined ? undefined : newHistogram();
    let origin = wallClockOrigin();
    const report = (): void => {
      if (closed) return;
      closed = true;
      const result: SinkReport = {
        subtaskIndex: context.subtaskIndex,
        rows,
        latencyRows: histogram?.totalCount ?? 0,
        warmupRows,
        earlyRows,
        openedAt,
        histogram: histogram === undefined ? '' : hdr.encodeIntoCompressedBase64(histogram),
      };
      writeFileSync(file, JSON.stringify(result));
    };
    if (latencyTime === undefined || histogram === undefined) {
      return {
        write: () => {
          rows++;
        },
        flush: () => {},
        close: report,
      };
    }
    return {
      write: (row) => {
        rows++;
        let now = origin + performance.now();
        // The offset taken at open may be short (the thread was preempted between the two
        // clock reads) or drift: never let the fine clock fall behind the wall clock.
        const wall = Date.now();
        if (now < wall) {
          origin += wall - now;
          now = wall;
        }
        if (Number.isNaN(recordFrom)) recordFrom = warmupMs > 0 ? now + warmupMs : Number.NEGATIVE_INFINITY;
        const time = latencyTime(row);
        if (time < recordFrom) {
          warmupRows++;
          return;
        }
        if (now < time) {
          earlyRows++;
          return;
        }
        // A row can reach the sink within the microsecond its event time names.
        histogram.recordValue(Math.min(Math.max(Math.round((now - time) * 1000), 1), MAX_MICROS));
      },
      flush: () => {},
      close: report,
    };
  }
}
