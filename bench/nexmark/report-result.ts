/**
 * The figures of one `weir bench nexmark` query run, as they are printed and saved: the engine's
 * median run at one parallelism next to the baselines on the same events, and the targets the
 * benchmark is held to.
 */
import { round } from '../window-events.js';
import type { BaselineRun } from './run-baselines.js';
import type { EngineRun } from './run-engine.js';

/** Throughput targets, events/s per core at parallelism 1 with checkpoints every 10 s. */
export const THROUGHPUT_TARGETS: Readonly<Record<string, number>> = {
  q0: 1_000_000,
  q1: 1_000_000,
  q2: 1_000_000,
  q3: 500_000,
  q8: 500_000,
  q4: 250_000,
  q5: 250_000,
  q7: 250_000,
};

/** The latency target: q1 at half its maximum throughput, buffer timeout 1 ms. */
export const LATENCY_TARGET = { query: 'q1', p99Ms: 10, bufferTimeoutMs: 1 } as const;

/** Said in place of latency figures when the source ran as fast as it could. */
export const NO_LATENCY_NOTE =
  'latency not measured: without --rate the source runs ahead of the wall clock, so event times are not emission times';

/** What the baselines measured on this run's events. */
export interface Baselines {
  readonly generation: BaselineRun;
  readonly loop: BaselineRun;
  readonly rxjs: BaselineRun | undefined;
}

/** The settings of a run, as given on the command line. */
export interface RunSettings {
  readonly query: string;
  readonly description: string;
  readonly events: number;
  readonly parallelism: number;
  readonly checkpointIntervalMs: number;
  readonly stateBackend: string;
  readonly rate: number | undefined;
  readonly bufferTimeoutMs: number | undefined;
  /**
   * Whether row counts need not match the loop's: the rows are upserts (the query has
   * `upsertKey`), or they depend on the wall clock (`processingTime`).
   */
  readonly upserts: boolean;
  /** Whether the query gives rows an event time (`latencyTime`). */
  readonly hasLatencyTime: boolean;
  readonly cores: number;
}

/** The result of one query at one parallelism; the engine figures are those of the median run. */
export function queryResult(
  settings: RunSettings,
  runs: readonly EngineRun[],
  baselines: Baselines | undefined,
) {
  const run = medianRun(runs);
  const { events, parallelism } = settings;
  const eventsPerSecond = rate(events, run.seconds);
  const durations = run.checkpoints.map((c) => c.durationMs).sort((a, b) => a - b);
  let latencyNote: string | null = null;
  if (settings.rate === undefined) latencyNote = NO_LATENCY_NOTE;
  else if (!settings.hasLatencyTime)
    latencyNote = `latency not measured: ${settings.query} has no latencyTime`;
  else if (run.latency === undefined) {
    latencyNote = 'latency not measured: no rows reached the sink after the warm-up; run longer';
  }
  // Windowed results depend on event times, which follow the wall clock with --rate.
  const comparable = baselines !== undefined && !settings.upserts && settings.rate === undefined;
  const target = THROUGHPUT_TARGETS[settings.query];
  const perCore = Math.round(eventsPerSecond / Math.min(parallelism, settings.cores));
  return {
    query: settings.query,
    description: settings.description,
    events,
    parallelism,
    /** Job submission to finish, without process start-up (median of `allSeconds`). */
    seconds: round(run.seconds, 3),
    allSeconds: runs.map((r) => round(r.seconds, 3)),
    /** Of `seconds`, submission until every sink writer was open (worker threads loading the job). */
    deploySeconds: round(run.deploySeconds, 3),
    processSeconds: round(run.processSeconds, 3),
    /** CPU time of the child, every thread, over the job (start-up of the worker threads included). */
    cpuSeconds: round(run.cpuSeconds, 3),
    eventsPerSecond,
    /** Events over the job's time after deploying: the rate once every worker thread runs. */
    eventsPerSecondAfterDeploy: rate(events, Math.max(run.seconds - run.deploySeconds, 1e-3)),
    /** Events over CPU seconds: what a busy machine distorts least. */
    eventsPerCpuSecond: rate(events, run.cpuSeconds),
    /** Events/s over min(parallelism, cores): each subtask has at most one core. */
    eventsPerSecondPerCore: perCore,
    targetEventsPerSecondPerCore: target ?? null,
    rate: settings.rate ?? null,
    bufferTimeoutMs: settings.bufferTimeoutMs ?? null,
    p50LatencyMs: run.latency === undefined ? null : round(run.latency.p50, 3),
    p99LatencyMs: run.latency === undefined ? null : round(run.latency.p99, 3),
    maxLatencyMs: run.latency === undefined ? null : round(run.latency.max, 3),
    /**
     * Rows in the latency histogram; rows left out as start-up, and as released early by the end
     * of input (see latency-sink.ts).
     */
    latencyRows: run.latency?.rows ?? null,
    latencyWarmupRows: run.latency?.warmupRows ?? null,
    latencyEarlyRows: run.latency?.earlyRows ?? null,
    latencyNote,
    peakRssBytes: run.peakRssBytes,
    peakRssMb: round(run.peakRssBytes / 2 ** 20, 1),
    stateBackend: settings.stateBackend,
    checkpointIntervalMs: settings.checkpointIntervalMs,
    checkpoints: {
      completed: run.checkpoints.length,
      failed: run.failedCheckpoints,
      p50DurationMs: durations.length === 0 ? null : durations[Math.floor((durations.length - 1) / 2)]!,
      maxDurationMs: durations.length === 0 ? null : durations.at(-1)!,
      maxSizeBytes: run.checkpoints.reduce((max, c) => Math.max(max, c.sizeBytes), 0),
    },
    outputRows: run.outputRows,
    loop:
      baselines === undefined
        ? null
        : {
            seconds: round(baselines.loop.seconds, 3),
            cpuSeconds: round(baselines.loop.cpuSeconds, 3),
            eventsPerSecond: rate(events, baselines.loop.seconds),
            eventsPerCpuSecond: rate(events, baselines.loop.cpuSeconds),
            rows: baselines.loop.rows,
          },
    /** Generation alone: the part of the loop's time (and a like part of the engine's) that is the generator. */
    generation:
      baselines === undefined
        ? null
        : {
            seconds: round(baselines.generation.seconds, 3),
            cpuSeconds: round(baselines.generation.cpuSeconds, 3),
            eventsPerSecond: rate(events, baselines.generation.seconds),
            /** Generation CPU over loop CPU: the generator's part of the loop. */
            shareOfLoop: round(baselines.generation.cpuSeconds / baselines.loop.cpuSeconds, 3),
            /** Generation CPU over the engine's CPU: about the generator's part of the engine's work. */
            shareOfEngineCpu: round(baselines.generation.cpuSeconds / run.cpuSeconds, 3),
          },
    rxjs:
      baselines?.rxjs === undefined
        ? null
        : {
            seconds: round(baselines.rxjs.seconds, 3),
            cpuSeconds: round(baselines.rxjs.cpuSeconds, 3),
            eventsPerSecond: rate(events, baselines.rxjs.seconds),
            rows: baselines.rxjs.rows,
          },
    /** Engine time over loop time: how many times longer the engine takes than the hand-written loop. */
    engineOverLoop: baselines === undefined ? null : round(run.seconds / baselines.loop.seconds, 2),
    /** The same in CPU time (the engine's on every thread, start-up of its workers included). */
    engineOverLoopCpu: baselines === undefined ? null : round(run.cpuSeconds / baselines.loop.cpuSeconds, 2),
    /** Engine rows equal loop rows; null when not comparable (upserts, or event times on the wall clock). */
    rowsMatch: comparable ? run.outputRows === baselines.loop.rows : null,
    tasks: run.tasks,
  };
}

/** One query's result at one parallelism. */
export type QueryResult = ReturnType<typeof queryResult>;

/** The run whose time is the median (the lower one of an even count). */
function medianRun(runs: readonly EngineRun[]): EngineRun {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Events per second, whole. */
export function rate(events: number, seconds: number): number {
  return Math.round(events / seconds);
}
