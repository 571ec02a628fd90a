/**
 * Tools of the chaos suite: runs `weir run` in a process group of its own, kills the whole
 * group with SIGKILL, watches the checkpoint and sink directories to time a kill, and keeps a
 * seeded random source so that a failing run can be repeated with `CHAOS_SEED=<seed>`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../cli/run-cli.js';

/** A small linear congruential generator (Numerical Recipes constants): the same seed, the same kills. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 2 ** 32;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(values: readonly T[]): T {
    return values[this.int(0, values.length - 1)]!;
  }
}

/** The seed from `CHAOS_SEED`, or a fresh one. */
export function chaosSeed(): number {
  const given = process.env.CHAOS_SEED;
  return given !== undefined && given !== '' ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

/** How one `weir run` ended. */
export interface RunEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Whether `--restore latest` was refused because the job's previous run reached the end of
 * its input (a kill that lands after the job finished): nothing is replayed, so the committed
 * output must already be complete, which the callers then check.
 */
export function refusedAsFinished(end: RunEnd): boolean {
  return end.code === 2 && end.stderr.includes('ran to the end of its input');
}

/** A `weir run` process group that is still running, or has just ended. */
export class WeirProcess {
  readonly child: ChildProcess;
  /** Resolves when the job has started: the run printed that it restores or starts fresh. */
  readonly started: Promise<void>;
  readonly ended: Promise<RunEnd>;
  stderr = '';
  exited = false;

  constructor(args: readonly string[]) {
    // A group of its own, so one kill takes every process the run started.
    this.child = spawn(process.execPath, ['bin/weir.js', 'run', ...args], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let markStarted: () => void = () => {};
    this.started = new Promise((resolve) => {
      markStarted = resolve;
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      if (/restoring job|starting fresh/.test(this.stderr)) markStarted();
    });
    this.ended = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        this.exited = true;
        markStarted();
        resolve({ code, signal, stderr: this.stderr });
      });
    });
  }

  /** SIGKILLs the whole process group, unless the run ended already; true if it did kill. */
  kill(): boolean {
    if (this.exited || this.child.pid === undefined) return false;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
      return true;
    } catch {
      return false;
    }
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `condition` every 2 ms until it holds, `run` exits or `capMs` passes; returns whether
 * the condition held.
 */
export async function waitFor(condition: () => boolean, run: WeirProcess, capMs: number): Promise<boolean> {
  const deadline = Date.now() + capMs;
  while (Date.now() < deadline && !run.exited) {
    if (condition()) return true;
    await sleep(2);
  }
  return false;
}

/** The names of `dir`'s entries, or none if it does not exist. */
export function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** The `chk-<n>` directories of a job, as ids, newest first, and whether each is complete. */
export function checkpoints(jobCheckpointDir: string): { id: number; path: string; complete: boolean }[] {
  return entries(jobCheckpointDir)
    .filter((name) => /^chk-\d+$/.test(name))
    .map((name) => {
      const path = join(jobCheckpointDir, name);
      return { id: Number(name.slice(4)), path, complete: existsSync(join(path, '_metadata')) };
    })
    .sort((a, b) => b.id - a.id);
}

/** SHA-256 of every committed (not hidden) file under `dir`, by path relative to it. */
export function committedHashes(dir: string): Map<string, string> {
  const hashes = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of entries(d)) {
      if (name.startsWith('.')) continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else hashes.set(relative(dir, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(dir);
  return hashes;
}

/** How many committed (not hidden) files `dir` holds, without reading them: cheap to poll. */
export function committedFileCount(dir: string): number {
  let count = 0;
  const walk = (d: string): void => {
    for (const entry of existsSync(d) ? readdirSync(d, { withFileTypes: true }) : []) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) walk(join(d, entry.name));
      else count++;
    }
  };
  walk(dir);
  return count;
}

/**
 * The committed files that an earlier snapshot saw and a later one does not see unchanged:
 * `path: was <hash> then <hash or 'gone'>`. Empty when no committed file ever changed.
 */
export function changedCommittedFiles(snapshots: readonly Map<string, string>[]): string[] {
  const changed: string[] = [];
  for (let i = 0; i < snapshots.length; i++) {
    for (let j = i + 1; j < snapshots.length; j++) {
      for (const [path, hash] of snapshots[i]!) {
        const later = snapshots[j]!.get(path);
        if (later !== hash) changed.push(`${path}: snapshot ${i} ${hash}, snapshot ${j} ${later ?? 'gone'}`);
      }
    }
  }
  return changed;
}

/**
 * The scratch directories and `weir run` processes of one test file: `cleanup` (for
 * `afterAll`) kills what still runs and removes the directories, so a failed test leaves
 * neither behind.
 */
export class RunTracker {
  private readonly dirs: string[] = [];
  private readonly runs: WeirProcess[] = [];

  constructor(private readonly prefix: string) {}

  /** A new temporary directory, removed by `cleanup`. */
  readonly scratch = (): string => {
    const dir = mkdtempSync(join(tmpdir(), this.prefix));
    this.dirs.push(dir);
    return dir;
  };

  /** Starts `weir run` with `args`; `cleanup` kills it if it still runs. */
  readonly start = (args: string[]): WeirProcess => {
    const run = new WeirProcess(args);
    this.runs.push(run);
    return run;
  };

  /** Kills every run still going and removes every scratch directory. */
  readonly cleanup = async (): Promise<void> => {
    for (const run of this.runs) {
      run.kill();
      await run.ended;
    }
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  };
}
