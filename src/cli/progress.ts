/**
 * Progress lines for running jobs: every few seconds (and once when a job ends) one line per
 * job on stderr with the records read from sources, the records written by sinks, the lowest
 * watermark, and the throughput since the previous line.
 *
 * The numbers come from each subtask's counters ({@link JobClient.tasks}), which the tasks
 * update as they run; reading them never blocks a task.
 */
import type { JobClient, TaskSnapshot } from '../runtime/job-client.js';

/** Where progress lines go; `process.stderr` or a test double. */
export interface ProgressTarget {
  write(text: string): unknown;
}

/** Totals of one job at one moment. */
export interface ProgressSample {
  /** Records emitted by the source tasks. */
  readonly recordsIn: number;
  /** Records written by the job's sinks. */
  readonly recordsOut: number;
  /** Lowest watermark over all tasks; -Infinity before any. */
  readonly watermark: number;
}

/** Sums a job's task counters into one {@link ProgressSample}. */
export function sampleProgress(tasks: readonly TaskSnapshot[]): ProgressSample {
  let recordsIn = 0;
  let recordsOut = 0;
  let watermark = tasks.length === 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const t of tasks) {
    if (t.isSource) recordsIn += t.recordsOut;
    recordsOut += t.sinkRecordsIn;
    watermark = Math.min(watermark, t.watermark);
  }
  return { recordsIn, recordsOut, watermark };
}

/** `2024-01-01T00:00:00.000Z`, or '-' before any watermark and 'end' after the last one. */
export function formatWatermark(watermark: number): string {
  if (watermark === Number.POSITIVE_INFINITY) return 'end';
  if (!Number.isFinite(watermark)) return '-';
  const date = new Date(watermark);
  return Number.isNaN(date.getTime()) ? String(watermark) : date.toISOString();
}

/** Prints progress lines for every job it is told about, until stopped. */
export class ProgressReporter {
  private readonly jobs = new Map<JobClient, { records: number; at: number; done: boolean }>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly target: ProgressTarget,
    private readonly intervalMs = 2000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts reporting on `client`; the first line comes after one interval. */
  add(client: JobClient): void {
    this.jobs.set(client, { records: 0, at: this.now(), done: false });
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.reportAll(), this.intervalMs);
      // Progress lines alone must never keep the process alive.
      this.timer.unref();
    }
    client.result.then(
      () => this.finish(client),
      () => this.finish(client),
    );
  }

  /** Stops the periodic lines. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private finish(client: JobClient): void {
    const state = this.jobs.get(client);
    if (state === undefined || state.done) return;
    this.report(client);
    state.done = true;
    if ([...this.jobs.values()].every((s) => s.done)) this.stop();
  }

  private reportAll(): void {
    for (const [client, state] of this.jobs) if (!state.done) this.report(client);
  }

  private report(client: JobClient): void {
    const state = this.jobs.get(client)!;
    const sample = sampleProgress(client.tasks());
    const now = this.now();
    const seconds = (now - state.at) / 1000;
    const rate = seconds > 0 ? (sample.recordsIn - state.records) / seconds : 0;
    state.records = sample.recordsIn;
    state.at = now;
    this.target.write(`${formatProgressLine(client.jobName, client.status(), sample, rate)}\n`);
  }
}

/** One progress line, e.g. `weir: [fraud-detection] running  in 120000  out 35  watermark 2024-…  61000 rec/s`. */
export function formatProgressLine(
  jobName: string,
  status: string,
  sample: ProgressSample,
  rate: number,
): string {
  return (
    `weir: [${jobName}] ${status}  in ${sample.recordsIn}  out ${sample.recordsOut}` +
    `  watermark ${formatWatermark(sample.watermark)}  ${Math.round(rate)} rec/s`
  );
}
