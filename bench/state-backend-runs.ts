/**
 * The child `weir run`s of `weir bench state-backend` (see bench/state-backend.ts): the window
 * job for throughput, and bench/state-backend-recovery-job.ts for checkpoints
 * and restore, each under `--state-backend heap|disk`. Children run on worker threads, as real
 * jobs do, and talk back through stdout lines starting with `weir-bench:`; checkpoint statistics
 * come from the REST API of the child.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StateBackendName } from '../src/state/backends.js';
import type { Totals } from './window-events.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WINDOW_JOB = fileURLToPath(new URL('./state-backend-job.ts', import.meta.url));
const RECOVERY_JOB = fileURLToPath(new URL('./state-backend-recovery-job.ts', import.meta.url));
const TIMEOUT_MS = 3_600_000;

/** A `weir run` child process whose `weir-bench:` lines can be awaited. */
class Child {
  private readonly proc;
  private readonly waiters: { prefix: string; resolve(line: string): void }[] = [];
  private readonly lines: string[] = [];
  private stderr = '';
  private exited: string | undefined;
  private readonly rssTimer: NodeJS.Timeout;
  /** Highest resident set size seen, bytes (sampled every 200 ms from /proc). */
  peakRssBytes = 0;

  /**
   * `scratch` becomes the child's TMPDIR: the disk backend's stores go there, and a child killed
   * with `kill -9` cannot delete its own, so the caller removes the directory.
   */
  constructor(args: string[], scratch: string) {
    this.proc = spawn(process.execPath, [join(ROOT, 'bin/weir.js'), 'run', ...args], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: scratch },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('weir-bench: ')) return;
      const text = line.slice('weir-bench: '.length);
      const i = this.waiters.findIndex((w) => text.startsWith(w.prefix));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(text);
      else this.lines.push(text);
    });
    this.proc.stderr!.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000);
    });
    this.rssTimer = setInterval(() => this.sampleRss(), 200);
    this.proc.on('exit', (code, signal) => {
      clearInterval(this.rssTimer);
      this.exited = `exited with ${signal ?? code}`;
    });
  }

  /** Resolves with the next line starting with `prefix`, and the time it arrived. */
  async line(prefix: string, deadline = Date.now() + TIMEOUT_MS): Promise<{ text: string; at: number }> {
    const i = this.lines.findIndex((l) => l.startsWith(prefix));
    if (i >= 0) return { text: this.lines.splice(i, 1)[0]!, at: Date.now() };
    return new Promise((resolve, reject) => {
      const check = setInterval(() => {
        // Lines already read may still be in the readline buffer when the exit event arrives.
        if (this.exited === undefined && Date.now() < deadline) return;
        setTimeout(() => {
          clearInterval(check);
          reject(
            new Error(`weir run ${this.exited ?? 'timed out'} before '${prefix}': ${this.stderr.trim()}`),
          );
        }, 200);
      }, 50);
      this.waiters.push({
        prefix,
        resolve: (text) => {
          clearInterval(check);
          resolve({ text, at: Date.now() });
        },
      });
    });
  }

  /** Resolves with the exit code once the process has ended. */
  async exit(): Promise<string> {
    if (this.exited !== undefined) return this.exited;
    return new Promise((resolve) => this.proc.once('exit', () => resolve(this.exited!)));
  }

  /** `kill -9` of the whole process group; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.exited !== undefined) return;
    const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      process.kill(-this.proc.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
    await gone;
  }

  private sampleRss(): void {
    try {
      const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      this.peakRssBytes = Math.max(this.peakRssBytes, kb * 1024);
    } catch {
      // Not Linux, or the process is gone.
    }
  }
}

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
  const child = new Child([...args, '--', '--events', String(events), '--keys', String(keys)], scratch);
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
 * Fills the state of bench/state-backend-recovery-job.ts on `backend`, lets two checkpoints
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
    const first = new Child([...args, '--port', String(port), ...jobArgs], scratch);
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
    const restoredBytes = newestCheckpointBytes(join(dir, 'checkpoints'));
    const killedAt = Date.now();
    const second = new Child([...args, '--port', '0', '--restore', 'latest', ...jobArgs], scratch);
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

/**
 * Bytes a restore of the newest complete checkpoint under `dir` reads: its directory, and with
 * incremental checkpoints the job's `shared/` blobs, of which an older checkpoint may still hold
 * some that this one does not name (an upper bound, then).
 */
function newestCheckpointBytes(dir: string): number {
  let bytes = 0;
  for (const job of safeReaddir(dir)) {
    let best: { id: number; path: string } | undefined;
    for (const name of safeReaddir(join(dir, job))) {
      const match = /^chk-(\d+)$/.exec(name);
      const path = join(dir, job, name);
      if (match === null || !existsSync(join(path, '_metadata'))) continue;
      if (best === undefined || Number(match[1]) > best.id) best = { id: Number(match[1]), path };
    }
    if (best !== undefined) bytes += directoryBytes(best.path);
    bytes += directoryBytes(join(dir, job, 'shared'));
  }
  return bytes;
}

function directoryBytes(dir: string): number {
  let bytes = 0;
  for (const file of safeReaddir(dir)) bytes += statSync(join(dir, file)).size;
  return bytes;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
