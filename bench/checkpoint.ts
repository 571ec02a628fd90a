/**
 * Benchmark: what checkpoints cost. Three measurements (the "Speed" targets of issue 3):
 *
 * 1. Throughput of a keyed tumbling event-time window count with checkpoints every `interval`
 *    ms against checkpoints off, on the same events, with a hand-written loop for scale. Event
 *    `i` has timestamp `i` and one of `keys` keys (mixing hash); a window spans `2 × keys`
 *    events, so it holds about 86% of the keys before it fires and the state reaches ~1M keys
 *    (plus one timer each) at the default `--keys`. Checkpoints go to a temporary directory.
 *    Both runs and the loop must agree on windows, total count and checksum.
 * 2. Checkpoint duration (trigger to durable) and size, from `client.checkpoints()`, polled so
 *    that no checkpoint drops out of its short history. The synchronous part, during which the
 *    single-threaded task loop processes nothing, is not in those statistics; the longest
 *    event-loop stall of the run with checkpoints, against the one without, stands for it.
 * 3. Recovery: `weir run bench/checkpoint-recovery-job.ts` (about 100 bytes of state per key) in
 *    a child process group, `kill -9` once a checkpoint of the full state completed, then
 *    `weir run … --restore latest`; the time from the kill until the restored job prints that
 *    it processes a record whose key's state was restored.
 *
 * Run: `npx weir bench checkpoint [--events N] [--keys K] [--interval MS] [--json] [--no-save]`.
 * Results go to bench/results/checkpoint-<date>.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type CheckpointSummary,
  type Collector,
  DataGeneratorSource,
  StreamExecutionEnvironment,
  type TimeWindow,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../src/index.js';
import {
  CountingSink,
  type Event,
  eventGenerator,
  gitCommit,
  machine,
  round,
  runLoop,
  type Totals,
  wholeNumber,
  type WindowCount,
} from './window-events.js';
import { reportResult } from './report.js';
import { highestCheckpointId, newestCheckpoint, WeirChild } from './weir-child.js';

/** One run of the window job. */
interface EngineRun {
  readonly totals: Totals;
  readonly seconds: number;
  /** Completed checkpoints, oldest first. */
  readonly checkpoints: CheckpointSummary[];
  readonly failedCheckpoints: number;
  /** Longest time the event loop did not turn, ms. */
  readonly maxStallMs: number;
}

const DEFAULT_EVENTS = 10_000_000;
const DEFAULT_KEYS = 1_000_000;
const DEFAULT_INTERVAL = 1000;
const WARMUP_EVENTS = 200_000;
const RECOVERY_TIMEOUT_MS = 600_000;
const RECOVERY_JOB = fileURLToPath(new URL('./checkpoint-recovery-job.ts', import.meta.url));

/** Window length in ms of event time (= events): twice the keys, at least 1 s. */
function windowLength(keys: number): number {
  return Math.max(1000, 2 * keys);
}

/** Runs the window job, with checkpoints into `checkpointDir` every `interval` ms if given. */
async function runEngine(
  events: number,
  keys: number,
  checkpoints?: { dir: string; interval: number },
): Promise<EngineRun> {
  const windowMs = windowLength(keys);
  const env = StreamExecutionEnvironment.createLocalEnvironment(1);
  if (checkpoints !== undefined) {
    env.enableCheckpointing(checkpoints.interval);
    env.getCheckpointConfig().setCheckpointStorage(checkpoints.dir);
  }
  const sink = new CountingSink(windowMs);
  env
    .fromSource(
      new DataGeneratorSource(eventGenerator(keys), events),
      WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts),
      'events',
    )
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(windowMs))
    .aggregate(
      {
        createAccumulator: () => 0,
        add: (_e: Event, n: number) => n + 1,
        getResult: (n) => n,
        merge: (a, b) => a + b,
      },
      (key: number, window: TimeWindow, counts: Iterable<number>, out: Collector<WindowCount>) => {
        for (const count of counts) out.collect({ key, end: window.end, count });
      },
    )
    .sinkTo(sink, 'count');
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  const seen = new Map<number, CheckpointSummary>();
  let failedCheckpoints = 0;
  const start = performance.now();
  stalls.enable();
  const client = env.executeAsync('checkpoint-bench');
  const collect = () => {
    const stats = client.checkpoints();
    failedCheckpoints = stats.failed;
    for (const c of stats.history) if (c.status === 'completed' && !c.savepoint) seen.set(c.id, c);
  };
  const poll = setInterval(collect, 100);
  try {
    await client.result;
  } finally {
    clearInterval(poll);
    stalls.disable();
  }
  const seconds = (performance.now() - start) / 1000;
  collect();
  return {
    totals: sink.totals,
    seconds,
    checkpoints: [...seen.values()].sort((a, b) => a.id - b.id),
    failedCheckpoints,
    maxStallMs: stalls.max / 1e6,
  };
}

/** What the recovery measurement found. */
interface Recovery {
  /** Keys of the recovery job, ~100 bytes of state each. */
  readonly keys: number;
  /** Bytes of the checkpoint restored (its directory on disk). */
  readonly checkpointBytes: number;
  /** `kill -9` to the restored job processing a record with restored state, ms. */
  readonly killToProcessingMs: number;
  /** Kill to the job file being imported in the new process (node, tsx and imports), ms. */
  readonly killToJobLoadedMs: number;
  /** Job file imported to the first record (reading, decoding and loading the state), ms. */
  readonly loadedToProcessingMs: number;
}

/** Fills the recovery job's state, kills it after a checkpoint of it, and times the restore. */
async function measureRecovery(
  keys: number,
  interval: number,
  log: (line: string) => void,
): Promise<Recovery> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-recovery-'));
  const args = [
    RECOVERY_JOB,
    '--checkpoint-dir',
    dir,
    '--checkpoint-interval',
    String(interval),
    '-q',
    '--port',
    '0',
  ];
  const jobArgs = ['--', '--keys', String(keys)];
  try {
    const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
    const first = new WeirChild([...args, ...jobArgs]);
    let checkpoint: ReturnType<typeof newestCheckpoint>;
    try {
      await first.line('filled', deadline);
      // The checkpoint in flight when the state filled up may have been snapshot before; the
      // one after it (at most one runs at a time) was triggered later and holds all the state.
      const after = highestCheckpointId(dir) + 2;
      for (;;) {
        checkpoint = newestCheckpoint(dir);
        if (checkpoint !== undefined && checkpoint.id >= after) break;
        if (Date.now() > deadline) throw new Error('no checkpoint of the full state completed in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      log(`  recovery: checkpoint of ${mb(checkpoint.bytes)} MB completed; kill -9`);
    } finally {
      await first.kill();
    }
    const killedAt = Date.now();
    const second = new WeirChild([...args, '--restore', 'latest', ...jobArgs]);
    try {
      const loaded = await second.line('loaded', deadline);
      const processing = await second.line('processing', deadline);
      if (!processing.text.startsWith('processing restored=true')) {
        throw new Error(`the restored job's first record had no state: ${processing.text}`);
      }
      return {
        keys,
        checkpointBytes: checkpoint.bytes,
        killToProcessingMs: processing.at - killedAt,
        killToJobLoadedMs: loaded.at - killedAt,
        loadedToProcessingMs: processing.at - loaded.at,
      };
    } finally {
      await second.kill();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the benchmark; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`weir: bench checkpoint: ${(error as Error).message.split('\n', 1)[0]}`);
    return 2;
  }
  const { values, events, keys, interval } = options;
  const log = (line: string) => {
    if (!values.json) console.log(line);
  };
  const windowMs = windowLength(keys);
  log(
    `checkpoint: ${events.toLocaleString('en')} events, ${keys.toLocaleString('en')} keys, windows of ${windowMs.toLocaleString('en')} events, checkpoints every ${interval} ms`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-checkpoint-'));
  let engineOff: EngineRun;
  let engineOn: EngineRun;
  let loop: ReturnType<typeof runLoop>;
  try {
    // Warm up every path so that no measurement includes compiling the hot code.
    await runEngine(Math.min(events, WARMUP_EVENTS), keys);
    await runEngine(Math.min(events, WARMUP_EVENTS), keys, { dir: join(dir, 'warmup'), interval });
    runLoop(Math.min(events, WARMUP_EVENTS), keys, windowLength(keys));

    engineOff = await runEngine(events, keys);
    log(`  off:   ${rate(events, engineOff.seconds)} events/s (${round(engineOff.seconds, 3)} s)`);
    engineOn = await runEngine(events, keys, { dir: join(dir, 'on'), interval });
    log(`  on:    ${rate(events, engineOn.seconds)} events/s (${round(engineOn.seconds, 3)} s)`);
    loop = runLoop(events, keys, windowLength(keys));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [name, run] of [
    ['checkpoints off', engineOff],
    ['checkpoints on', engineOn],
  ] as const) {
    const t = run.totals;
    if (t.windows !== loop.totals.windows || t.count !== events || t.checksum !== loop.totals.checksum) {
      console.error(
        `checkpoint: results differ: ${name} ${JSON.stringify(t)}, loop ${JSON.stringify(loop.totals)}, events ${events}`,
      );
      return 1;
    }
  }

  log('  recovery: filling the state of bench/checkpoint-recovery-job.ts');
  let recovery: Recovery;
  try {
    recovery = await measureRecovery(keys, interval, log);
  } catch (error) {
    console.error(`checkpoint: recovery measurement failed: ${(error as Error).message}`);
    return 1;
  }

  const durations = engineOn.checkpoints.map((c) => c.durationMs ?? 0).sort((a, b) => a - b);
  const sizes = engineOn.checkpoints.map((c) => c.sizeBytes).sort((a, b) => a - b);
  const result = {
    query: 'checkpoint',
    events,
    keys,
    windowMs,
    intervalMs: interval,
    parallelism: 1,
    off: { seconds: round(engineOff.seconds, 3), eventsPerSecond: rate(events, engineOff.seconds) },
    on: { seconds: round(engineOn.seconds, 3), eventsPerSecond: rate(events, engineOn.seconds) },
    /** Throughput lost to checkpointing, % of the throughput without. */
    overheadPercent: round((1 - engineOff.seconds / engineOn.seconds) * 100, 1),
    loop: { seconds: round(loop.seconds, 3), eventsPerSecond: rate(events, loop.seconds) },
    checkpoints: {
      completed: engineOn.checkpoints.length,
      failed: engineOn.failedCheckpoints,
      durationMs: { p50: quantile(durations, 0.5), max: durations.at(-1) ?? 0 },
      sizeBytes: { p50: quantile(sizes, 0.5), max: sizes.at(-1) ?? 0 },
      /** Longest event-loop stall: the synchronous snapshot blocks the one task thread. */
      maxStallMs: round(engineOn.maxStallMs, 1),
      maxStallWithoutCheckpointsMs: round(engineOff.maxStallMs, 1),
    },
    recovery,
    windows: loop.totals.windows,
    totalCount: loop.totals.count,
    checksum: loop.totals.checksum,
    machine: machine(),
    node: process.version,
    commit: gitCommit(),
    date: new Date().toISOString().slice(0, 10),
  };
  log(`  loop:  ${result.loop.eventsPerSecond.toLocaleString('en')} events/s`);
  log(`  overhead of checkpoints: ${result.overheadPercent}% (target <= 10%)`);
  log(
    `  checkpoints: ${result.checkpoints.completed} completed, duration p50 ${result.checkpoints.durationMs.p50} ms, max ${result.checkpoints.durationMs.max} ms; size p50 ${mb(result.checkpoints.sizeBytes.p50)} MB, max ${mb(result.checkpoints.sizeBytes.max)} MB; longest stall ${result.checkpoints.maxStallMs} ms (${result.checkpoints.maxStallWithoutCheckpointsMs} ms without)`,
  );
  log(
    `  recovery of ${mb(recovery.checkpointBytes)} MB: ${recovery.killToProcessingMs} ms from kill -9 to processing (${recovery.killToJobLoadedMs} ms to load the job, ${recovery.loadedToProcessingMs} ms to restore; target < 2000 ms)`,
  );
  reportResult('checkpoint', result, values, log);
  return 0;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' },
      keys: { type: 'string' },
      interval: { type: 'string' },
      json: { type: 'boolean' },
      'no-save': { type: 'boolean' },
    },
  });
  return {
    values,
    events: wholeNumber('--events', values.events, DEFAULT_EVENTS),
    keys: wholeNumber('--keys', values.keys, DEFAULT_KEYS),
    interval: wholeNumber('--interval', values.interval, DEFAULT_INTERVAL),
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function rate(events: number, seconds: number): number {
  return Math.round(events / seconds);
}

function mb(bytes: number): number {
  return round(bytes / 1e6, 1);
}
