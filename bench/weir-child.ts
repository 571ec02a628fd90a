/**
 * What the benchmarks that run `weir run` as a child process share: the child, whose
 * `weir-bench:` stdout lines can be awaited, and a look at the checkpoints it left.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TIMEOUT_MS = 3_600_000;

/** A `weir run` child process whose `weir-bench:` lines can be awaited. */
export class WeirChild {
  private readonly proc;
  private readonly waiters: { prefix: string; resolve(line: string): void }[] = [];
  private readonly lines: string[] = [];
  private stderr = '';
  private exited: string | undefined;
  private readonly rssTimer: NodeJS.Timeout;
  /** Highest resident set size seen, bytes (sampled every 200 ms from /proc). */
  peakRssBytes = 0;

  /**
   * Starts `weir run <args>`. `scratch`, if given, becomes the child's TMPDIR: the disk backend's
   * stores go there, and a child killed with `kill -9` cannot delete its own, so the caller
   * removes the directory.
   */
  constructor(args: string[], scratch?: string) {
    this.proc = spawn(process.execPath, [join(ROOT, 'bin/weir.js'), 'run', ...args], {
      cwd: ROOT,
      env: scratch === undefined ? process.env : { ...process.env, TMPDIR: scratch },
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

/** The highest `chk-<n>` id under `dir`, complete or not; 0 if there is none. */
export function highestCheckpointId(dir: string): number {
  let id = 0;
  for (const job of safeReaddir(dir)) {
    for (const name of safeReaddir(join(dir, job))) {
      const match = /^chk-(\d+)$/.exec(name);
      if (match !== null) id = Math.max(id, Number(match[1]));
    }
  }
  return id;
}

/**
 * The newest complete checkpoint under `dir` (one with `_metadata`), with the bytes a restore of
 * it reads: its directory, and with incremental checkpoints its job's `shared/` blobs, of which
 * an older checkpoint may still hold some this one does not name (an upper bound, then).
 */
export function newestCheckpoint(dir: string): { id: number; path: string; bytes: number } | undefined {
  let newest: { id: number; path: string; bytes: number } | undefined;
  for (const job of safeReaddir(dir)) {
    let best: { id: number; path: string } | undefined;
    for (const name of safeReaddir(join(dir, job))) {
      const match = /^chk-(\d+)$/.exec(name);
      const path = join(dir, job, name);
      if (match === null || !existsSync(join(path, '_metadata'))) continue;
      if (best === undefined || Number(match[1]) > best.id) best = { id: Number(match[1]), path };
    }
    if (best === undefined || (newest !== undefined && newest.id > best.id)) continue;
    newest = { ...best, bytes: directoryBytes(best.path) + directoryBytes(join(dir, job, 'shared')) };
  }
  return newest;
}

/** Bytes of the files in `dir`; 0 for files or a directory pruned while looking. */
function directoryBytes(dir: string): number {
  let bytes = 0;
  for (const file of safeReaddir(dir)) {
    try {
      bytes += statSync(join(dir, file)).size;
    } catch {
      // Pruned while we looked.
    }
  }
  return bytes;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
