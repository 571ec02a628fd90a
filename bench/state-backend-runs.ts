/**
 * The child `weir run`s of `weir bench state-backend` (see bench/state-backend.ts): the window
 * job for throughput, and bench/state-backend-recovery-job.ts for checkpoints
 * and restore, each under `--state-backend heap|disk`. Children run on worker threads, as real
 * jobs do, and talk back through stdout lines starting with `weir-bench:`; checkpoint statistics
 * come from the REST API of the child.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateBackendName } from '../src/state/backends.js';
import type { Totals } from './window-events.js';
import { newestCheckpoint, WeirChild } from './weir-child.js';

const WINDOW_JOB = fileURLToPath(new URL('./state-backend-job.ts', import.meta.url));
const RECOVERY_JOB = fileURLToPath(new URL('./checkpoint-recovery-job.ts', import.meta.url));
const TIMEOUT_MS = 3_600_000;

/** One run of the window job. */
export interface WindowRun {
  readonly totals: Totals;
  /** Submission to end, as the engine measures it, s. */
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** CPU time of the child process, every thread, s. */
  readonly cpuSeconds: number;
  /** Highest resident set size of the child, MB. */
  readonly peakRssMb: number;
}

/** Runs bench/state-backend-job.ts at parallelism 1 on `backend`. */
export async function runWindowJob(
  backend: StateBackendName,
  events: number,
  keys: number,
): Promise<WindowRun> {
  const args = [WINDOW_JOB, '-p', '1', '-q', '--port', '0', '--state-backend', backend];
  const scratch = mkdtempSync(join(tmpdir(), 'weir-bench-scratch-'));
  const child = new WeirChild([...args, '--', '--events', String(events), '--keys', String(keys)], scratch);
  try {
    const totals = JSON.parse((await child.line('totals')).text.slice('totals '.length)) as Totals;
    const finished = JSON.parse((await child.line('finished')).text.slice('finished '.length)) as {
      netRuntimeMs: number;
      cpuMs: number;
    };
    const code = await child.exit();
    if (code !== 'exited with 0') throw new Error(`weir run of the window job ${code}`);
    return {
      totals,
      seconds: finished.netRuntimeMs / 1000,
      eventsPerSecond: Math.round((events * 1000) / finished.netRuntimeMs),
      cpuSeconds: finished.cpuMs / 1000,
      peakRssMb: Math.round(child.peakRssBytes / 1e6),
    };
  } finally {
    await child.kill();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One completed checkpoint of the full state. */
export interface CheckpointFigure {
  readonly id: number;
  readonly durationMs: number;
  readonly sizeBytes: number;
}

/** Checkpoints and restore of the recovery job on one backend. */
export interface RecoveryRun {
  /** Keys of the recovery job, about 100 bytes of state each. */
  readonly keys: number;
  /** Completed checkpoints taken after every key had its state (at least two). */
  readonly checkpoints: CheckpointFigure[];
  /** Bytes of the checkpoint restored (its directory). */
  readonly restoredBytes: number;
  /** `kill -9` to the restored job processing a record with restored state, ms. */
  readonly killToProcessingMs: number;
  /** Kill to the job file being imported in the new process (node, tsx and imports), ms. */
  readonly killToJobLoadedMs: number;
  /** Job file imported to the first record (reading, decoding and loading the state), ms. */
  readonly loadedToProcessingMs: number;
}

/** How the recovery job checkpoints and which keys it keeps updating once every key has state. */
export interface RecoveryMode {
  /** Incremental checkpoints on (only changed key groups written) or off (full). */
  readonly incremental: boolean;
  /** Keys updated after the fill: all of them, or a few so that most key groups stay unchanged. */
  readonly hotKeys: number;
}

/**
 * Fills the state of bench/checkpoint-recovery-job.ts on `backend`, lets two checkpoints
 * triggered after that complete, reads their duration and size from the REST API, kills the run
 * (`kill -9`) and times `weir run … --restore latest` until it processes a restored key.
 */
export async function measureRecovery(
  backend: StateBackendName,
  keys: number,
  interval: number,
  mode: RecoveryMode,
): Promise<RecoveryRun> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-state-backend-'));
  const scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  const port = await freePort();
  const args = [
    RECOVERY_JOB,
    '--checkpoint-dir',
    join(dir, 'checkpoints'),
    '--checkpoint-interval',
    String(interval),
    '--state-backend',
    backend,
    '-q',
  ];
  const jobArgs = [
    '--',
    '--keys',
    String(keys),
    '--hot-keys',
    String(mode.hotKeys),
    '--incremental',
    String(mode.incremental),
  ];
  try {
    const first = new WeirChild([...args, '--port', String(port), ...jobArgs], scratch);
    let checkpoints: CheckpointFigure[];
    try {
      await first.line('filled');
      // The checkpoint in flight when the state filled up may predate it; the next ones do not.
      const after = Math.max(0, ...(await checkpointHistory(port)).map((c) => c.id)) + 1;
      const deadline = Date.now() + TIMEOUT_MS;
      for (;;) {
        checkpoints = (await checkpointHistory(port))
          .filter((c) => c.completed && c.id >= after)
          .map(({ id, durationMs, sizeBytes }) => ({ id, durationMs, sizeBytes }));
        if (checkpoints.length >= 2) break;
        if (Date.now() > deadline) throw new Error('no two checkpoints of the full state completed in time');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await first.kill();
    }
    // Asked after the kill, so that no checkpoint completes after it: this is the one restored.
    const restoredBytes = newestCheckpoint(join(dir, 'checkpoints'))?.bytes ?? 0;
    const killedAt = Date.now();
    const second = new WeirChild([...args, '--port', '0', '--restore', 'latest', ...jobArgs], scratch);
    try {
      const loaded = await second.line('loaded');
      const processing = await second.line('processing');
      if (!processing.text.startsWith('processing restored=true')) {
        throw new Error(`the restored job's first record had no state: ${processing.text}`);
      }
      return {
        keys,
        checkpoints: checkpoints.sort((a, b) => a.id - b.id),
        restoredBytes,
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

/** Checkpoints (not savepoints) in the history of the one job of the `weir run` on `port`. */
async function checkpointHistory(
  port: number,
): Promise<{ id: number; completed: boolean; durationMs: number; sizeBytes: number }[]> {
  try {
    const { jobs } = (await (await fetch(`http://127.0.0.1:${port}/jobs`)).json()) as {
      jobs: { id: string }[];
    };
    if (jobs.length === 0) return [];
    const stats = (await (
      await fetch(`http://127.0.0.1:${port}/jobs/${jobs[0]!.id}/checkpoints`)
    ).json()) as {
      history: {
        id: number;
        savepoint: boolean;
        status: string;
        durationMs: number | null;
        sizeBytes: number;
      }[];
    };
    return stats.history
      .filter((c) => !c.savepoint)
      .map((c) => ({
        id: c.id,
        completed: c.status === 'completed',
        durationMs: c.durationMs ?? 0,
        sizeBytes: c.sizeBytes,
      }));
  } catch {
    return []; // the REST API is not up yet
  }
}

/** A TCP port free right now, for the child's REST API. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
