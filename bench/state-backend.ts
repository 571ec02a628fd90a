/**
 * Benchmark: the disk state backend (lmdb with a write-back cache) against the heap backend,
 * for issue 5. Four measurements, each for both backends side by side:
 *
 * 1. State reads and writes per second through the `KeyedStateBackend` API in this process
 *    (`bench/state-backend-ops.ts`): ValueState and MapState over `--ops-keys` keys, in key order
 *    and in random order. Both backends must read back the same checksum.
 * 2. Throughput of a keyed tumbling window count with `--keys` keys (`bench/state-backend-job.ts`)
 *    as a child `weir run -p 1 --state-backend …`, so on a worker thread; both backends must
 *    produce the same windows, total count and checksum.
 * 3. Checkpoint duration and size with about 100 bytes of state per key for `--checkpoint-keys`
 *    keys (`bench/checkpoint-recovery-job.ts`), from the child's REST API, in three modes:
 *    `full`; `incremental` with every key still updated (so every key group changes between
 *    checkpoints); `incrementalFewKeys` with only `--hot-keys` keys updated after the fill, so
 *    that most key groups stay unchanged.
 * 4. Restore from each of those: `kill -9` of the run, then `weir run … --restore latest` until
 *    the first record whose key's state was restored.
 *
 * Run: `npx weir bench state-backend [--keys N] [--events N] [--ops-keys N] [--checkpoint-keys N]
 * [--interval MS] [--hot-keys N] [--json] [--no-save]` (defaults 10M keys, 2 × keys events, 1M,
 * 1M, 1000 ms, 8).
 * Results go to bench/results/state-backend-<date>.json.
 */
import { parseArgs } from 'node:util';
import type { StateBackendName } from '../src/state/backends.js';
import { reportResult } from './report.js';
import { measureOps, type OpsResult } from './state-backend-ops.js';
import {
  measureRecovery,
  type RecoveryMode,
  type RecoveryRun,
  runWindowJob,
  type WindowRun,
} from './state-backend-runs.js';
import { windowLengthFor } from './state-backend-job.js';
import { gitCommit, machine, round, wholeNumber } from './window-events.js';

const DEFAULT_KEYS = 10_000_000;
const DEFAULT_OPS_KEYS = 1_000_000;
const DEFAULT_CHECKPOINT_KEYS = 1_000_000;
const DEFAULT_INTERVAL = 1000;
const DEFAULT_HOT_KEYS = 8;
const BACKENDS: readonly StateBackendName[] = ['heap', 'disk'];

/** Runs the benchmark; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`weir: bench state-backend: ${(error as Error).message.split('\n', 1)[0]}`);
    return 2;
  }
  const { values, keys, events, opsKeys, checkpointKeys, interval, hotKeys } = options;
  const log = (line: string) => {
    if (!values.json) console.log(line);
  };
  log(
    `state-backend: ops over ${fmt(opsKeys)} keys; window job ${fmt(events)} events over ${fmt(keys)} keys; checkpoints of ${fmt(checkpointKeys)} keys x 100 B every ${interval} ms`,
  );

  const ops = {} as Record<StateBackendName, OpsResult>;
  for (const backend of BACKENDS) {
    ops[backend] = measureOps(backend, opsKeys);
    const o = ops[backend];
    log(
      `  ops ${backend.padEnd(4)}: value insert ${fmt(o.valueInsertSequential)}/s, get seq ${fmt(o.valueGetSequential)}/s, get random ${fmt(o.valueGetRandom)}/s, read-modify-write random ${fmt(o.valueReadModifyWriteRandom)}/s, map put ${fmt(o.mapPut)}/s, map get random ${fmt(o.mapGetRandom)}/s`,
    );
  }
  if (ops.heap.checksum !== ops.disk.checksum) {
    console.error(
      `state-backend: reads differ: heap checksum ${ops.heap.checksum}, disk ${ops.disk.checksum}`,
    );
    return 1;
  }

  const windows = {} as Record<StateBackendName, WindowRun>;
  try {
    for (const backend of BACKENDS) {
      windows[backend] = await runWindowJob(backend, events, keys);
      const w = windows[backend];
      log(
        `  window ${backend.padEnd(4)}: ${fmt(w.eventsPerSecond)} events/s (${w.seconds} s, CPU ${w.cpuSeconds} s, peak RSS ${fmt(w.peakRssMb)} MB), ${fmt(w.totals.windows)} windows`,
      );
    }
  } catch (error) {
    console.error(`state-backend: window job failed: ${(error as Error).message}`);
    return 1;
  }
  const [heapTotals, diskTotals] = [windows.heap.totals, windows.disk.totals];
  if (
    heapTotals.windows !== diskTotals.windows ||
    heapTotals.count !== events ||
    diskTotals.count !== events ||
    heapTotals.checksum !== diskTotals.checksum
  ) {
    console.error(
      `state-backend: window outputs differ: heap ${JSON.stringify(heapTotals)}, disk ${JSON.stringify(diskTotals)}, events ${events}`,
    );
    return 1;
  }

  const modes = {
    full: { incremental: false, hotKeys: checkpointKeys },
    incremental: { incremental: true, hotKeys: checkpointKeys },
    incrementalFewKeys: { incremental: true, hotKeys },
  } as const satisfies Record<string, RecoveryMode>;
  type Mode = keyof typeof modes;
  const recovery = { heap: {}, disk: {} } as Record<StateBackendName, Record<Mode, RecoveryRun>>;
  try {
    for (const backend of BACKENDS) {
      for (const mode of Object.keys(modes) as Mode[]) {
        const r = await measureRecovery(backend, checkpointKeys, interval, modes[mode]);
        recovery[backend][mode] = r;
        log(
          `  checkpoint ${backend.padEnd(4)} ${mode.padEnd(18)}: ${r.checkpoints.map((c) => `${fmt(c.durationMs)} ms / ${mb(c.sizeBytes)} MB`).join(', ')}; restore of ${mb(r.restoredBytes)} MB: ${fmt(r.killToProcessingMs)} ms from kill -9 to processing (${fmt(r.killToJobLoadedMs)} ms to load the job, ${fmt(r.loadedToProcessingMs)} ms to restore)`,
        );
      }
    }
  } catch (error) {
    console.error(`state-backend: checkpoint and restore measurement failed: ${(error as Error).message}`);
    return 1;
  }
  const perMode = <T>(backend: StateBackendName, f: (run: RecoveryRun) => T) => ({
    full: f(recovery[backend].full),
    incremental: f(recovery[backend].incremental),
    incrementalFewKeys: f(recovery[backend].incrementalFewKeys),
  });

  const result = {
    query: 'state-backend',
    ops: { keys: opsKeys, heap: ops.heap, disk: ops.disk },
    window: {
      keys,
      events,
      windowMs: windowLengthFor(keys),
      parallelism: 1,
      heap: windows.heap,
      disk: windows.disk,
      /** Disk throughput as a share of heap throughput. */
      diskToHeap: round(windows.disk.eventsPerSecond / windows.heap.eventsPerSecond, 3),
      outputs: 'identical',
      windows: heapTotals.windows,
      totalCount: heapTotals.count,
      checksum: heapTotals.checksum,
    },
    checkpoint: {
      keys: checkpointKeys,
      intervalMs: interval,
      /** Keys still updated after the fill in `incrementalFewKeys` (all keys in the others). */
      hotKeys,
      heap: perMode('heap', checkpointSummary),
      disk: perMode('disk', checkpointSummary),
    },
    restore: {
      heap: perMode('heap', restoreSummary),
      disk: perMode('disk', restoreSummary),
    },
    machine: machine(),
    node: process.version,
    commit: gitCommit(),
    date: new Date().toISOString().slice(0, 10),
  };
  reportResult('state-backend', result, values, log);
  return 0;
}

/** Median and max of the full-state checkpoints of one backend. */
function checkpointSummary(run: RecoveryRun) {
  const durations = run.checkpoints.map((c) => c.durationMs).sort((a, b) => a - b);
  const sizes = run.checkpoints.map((c) => c.sizeBytes).sort((a, b) => a - b);
  return {
    count: run.checkpoints.length,
    durationMs: { p50: median(durations), max: durations.at(-1) ?? 0 },
    sizeBytes: { p50: median(sizes), max: sizes.at(-1) ?? 0 },
    each: run.checkpoints,
  };
}

function restoreSummary(run: RecoveryRun) {
  return {
    keys: run.keys,
    checkpointBytes: run.restoredBytes,
    killToProcessingMs: run.killToProcessingMs,
    killToJobLoadedMs: run.killToJobLoadedMs,
    loadedToProcessingMs: run.loadedToProcessingMs,
  };
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      keys: { type: 'string' },
      events: { type: 'string' },
      'ops-keys': { type: 'string' },
      'checkpoint-keys': { type: 'string' },
      interval: { type: 'string' },
      'hot-keys': { type: 'string' },
      json: { type: 'boolean' },
      'no-save': { type: 'boolean' },
    },
  });
  const keys = wholeNumber('--keys', values.keys, DEFAULT_KEYS);
  return {
    values,
    keys,
    events: wholeNumber('--events', values.events, 2 * keys),
    opsKeys: wholeNumber('--ops-keys', values['ops-keys'], DEFAULT_OPS_KEYS),
    checkpointKeys: wholeNumber('--checkpoint-keys', values['checkpoint-keys'], DEFAULT_CHECKPOINT_KEYS),
    interval: wholeNumber('--interval', values.interval, DEFAULT_INTERVAL),
    hotKeys: wholeNumber('--hot-keys', values['hot-keys'], DEFAULT_HOT_KEYS),
  };
}

function median(sorted: readonly number[]): number {
  return sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function fmt(n: number): string {
  return n.toLocaleString('en');
}

function mb(bytes: number): number {
  return round(bytes / 1e6, 1);
}
