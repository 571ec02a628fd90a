/**
 * The job of `weir bench nexmark` (see bench/nexmark.ts): a bounded `NexmarkSource`, watermarks
 * trailing by 4 s as in the reference `nexmark` table, one query file's `build`, and a blackhole
 * sink that counts rows and records latencies (latency-sink.ts). A query whose reference writes
 * files (q10) also writes them, into `<report-dir>/../data` as the SQL job does (`writeFiles`).
 *
 *     weir run bench/nexmark/job.ts -p 2 --checkpoint-dir DIR --checkpoint-interval 10000 --
 *         --query q1 --events 10000000 --report-dir DIR [--rate R] [--buffer-timeout MS]
 *         [--latency-warmup MS]
 *
 * With `--rate R` the source emits R events/s and its event time follows the wall clock from
 * the job's start (`wallClockBaseTime`), which is what makes latency meaningful; without it
 * events come as fast as the job takes them and no latency is recorded.
 *
 * Each worker thread loads this file again to rebuild the graph, so building it has no side
 * effects beyond the listener, which only the main thread registers. It prints, on stdout:
 *
 * - `weir-bench: submitted <epoch ms>` when the job starts;
 * - `weir-bench: finished <json>` when it has finished (see {@link FinishedReport}).
 *
 * Row counts and latency histograms come from the sink's writers through files in
 * `--report-dir` (one per subtask), not through this line: the writers run on worker threads.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import {
  type CheckpointSummary,
  type JobClient,
  type NexmarkEvent,
  NexmarkSource,
  type StreamExecutionEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';
import { LatencySink } from './latency-sink.js';
import { loadQuery } from './run-query-files.js';

/** Watermarks trail the largest event time seen by this much, as in the reference table. */
export const WATERMARK_DELAY_MS = 4000;

/**
 * Rows with an event time less than this after a sink writer's first row are not in the latency
 * histogram by default: the start-up backlog of a wall-clock source (see latency-sink.ts).
 */
export const LATENCY_WARMUP_MS = 2000;

/** What the main thread reports in its `weir-bench: finished` line. */
export interface FinishedReport {
  /** Epoch ms when the job was submitted. */
  readonly submittedAt: number;
  /** Submission to finish, as the engine measures it. */
  readonly netRuntimeMs: number;
  /** CPU time of the whole process (every thread) over the same span. */
  readonly cpuMs: number;
  /** Peak resident set size of the process, bytes (`getrusage`'s maxrss). */
  readonly maxRssBytes: number;
  /** Completed checkpoints (not savepoints), oldest first: id, trigger to durable ms, bytes. */
  readonly checkpoints: readonly {
    readonly id: number;
    readonly durationMs: number;
    readonly sizeBytes: number;
  }[];
  readonly failedCheckpoints: number;
  /** Per subtask: records in and out and time spent waiting for credit. */
  readonly tasks: readonly {
    readonly vertexName: string;
    readonly subtaskIndex: number;
    readonly recordsIn: number;
    readonly recordsOut: number;
    readonly backpressuredMs: number;
  }[];
}

/** Builds the job; see the module comment for `args`. */
export default async function nexmarkJob(env: StreamExecutionEnvironment, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      query: { type: 'string' },
      events: { type: 'string' },
      rate: { type: 'string' },
      'buffer-timeout': { type: 'string' },
      'report-dir': { type: 'string' },
      'latency-warmup': { type: 'string' },
    },
  });
  if (values.query === undefined || values.events === undefined || values['report-dir'] === undefined) {
    throw new Error(
      'usage: bench/nexmark/job.ts -- --query qN --events N --report-dir DIR [--rate R] [--buffer-timeout MS]',
    );
  }
  const query = await loadQuery(values.query);
  const events = Number(values.events);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (values['buffer-timeout'] !== undefined) env.setBufferTimeout(Number(values['buffer-timeout']));

  const eventTypes = query.eventTypes;
  const source = new NexmarkSource(
    rate === undefined
      ? { events, eventTypes }
      : { events, eventTypes, ratePerSecond: rate, wallClockBaseTime: true },
  );
  const stream = env
    .fromSource(
      source,
      WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(WATERMARK_DELAY_MS),
      'nexmark',
    )
    .uid('nexmark');
  const latencyTime = rate === undefined ? undefined : query.latencyTime?.bind(query);
  const warmupMs =
    values['latency-warmup'] === undefined ? LATENCY_WARMUP_MS : Number(values['latency-warmup']);
  const rows = query.build(stream, env);
  rows.sinkTo(new LatencySink(values['report-dir'], latencyTime, warmupMs), 'blackhole').uid('blackhole');
  // Beside the report directory, where the SQL job (sql/sql-job.ts) writes its files too.
  query.writeFiles?.(rows, join(values['report-dir'], '..', 'data'));

  if (isMainThread) env.registerJobListener({ onJobSubmitted: reportWhenFinished });
}

/** Prints `submitted` now and `finished` when the job ends, with its checkpoints polled meanwhile. */
export function reportWhenFinished(client: JobClient): void {
  const submittedAt = Date.now();
  process.stdout.write(`weir-bench: submitted ${submittedAt}\n`);
  const cpu = process.cpuUsage();
  const seen = new Map<number, CheckpointSummary>();
  let failed = 0;
  // The client keeps a short history only: poll so that no checkpoint drops out of it.
  const collect = () => {
    const stats = client.checkpoints();
    failed = stats.failed;
    for (const c of stats.history) if (c.status === 'completed' && !c.savepoint) seen.set(c.id, c);
  };
  const poll = setInterval(collect, 100);
  // Read when the job ends, not when `execute` returns, so that the report does not wait for
  // anything that `weir run` does afterwards.
  client.result.then(
    (result) => {
      clearInterval(poll);
      collect();
      const used = process.cpuUsage(cpu);
      const report: FinishedReport = {
        submittedAt,
        netRuntimeMs: result.netRuntime,
        cpuMs: Math.round((used.user + used.system) / 1000),
        maxRssBytes: process.resourceUsage().maxRSS * 1024,
        checkpoints: [...seen.values()]
          .sort((a, b) => a.id - b.id)
          .map((c) => ({ id: c.id, durationMs: c.durationMs ?? 0, sizeBytes: c.sizeBytes })),
        failedCheckpoints: failed,
        tasks: client.tasks().map((t) => ({
          vertexName: t.vertexName,
          subtaskIndex: t.subtaskIndex,
          recordsIn: t.recordsIn,
          recordsOut: t.recordsOut,
          backpressuredMs: Math.round(t.backpressuredMs),
        })),
      };
      process.stdout.write(`weir-bench: finished ${JSON.stringify(report)}\n`);
    },
    () => clearInterval(poll),
  );
}
