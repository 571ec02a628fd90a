/**
 * The print sink to a reader that stops reading, in a real `weir` process: while stdout is full
 * the job takes no more records (backpressure), so the process's memory stays bounded, and once
 * the job is cancelled and the reader reads again, every line the job took arrives, in order.
 * `weir run` runs the print sink on worker threads, whose stdout the parent forwards; `weir sql
 * -f` runs an INSERT INTO a print table on the main thread.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childRss, describeRun, ROOT, waitUntil } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-print-backpressure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * How long nothing is read: an unthrottled source prints millions of lines meanwhile, and a
 * print sink that ignores the full buffer queues them all (at p=1, 25 million lines and 1.1 GB
 * more RSS were measured before the sink waited).
 */
const HOLD_MS = 6_000;
/**
 * What the job may take while nothing is read: the pipe (64 KiB), the parent's and each worker's
 * stdout buffers, the print buffer (64 kB) and one input step per subtask, at 7 to 12 bytes a
 * line, are some tens of thousands of lines (about 35,000 at p=1 and 46,000 at p=2 were
 * measured).
 */
const MAX_LINES = 300_000;
/**
 * Growth of the resident set over the hold that queueing every line would far exceed (under
 * 300 kB was measured).
 */
const MAX_RSS_GROWTH = 40 * 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a held run printed once it was stopped and read to its end. */
interface HeldRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** RSS growth over the hold, bytes. */
  readonly grown: number;
}

/**
 * Runs `weir args…` with stdout unread; once `started` says the job runs and its first lines
 * came, waits two seconds (the engine and every worker warm up), holds for {@link HOLD_MS},
 * calls `stop` while stdout is still full, then reads everything to the end.
 */
async function runHeld(
  args: readonly string[],
  started: (stderr: string) => boolean,
  stop: (child: ChildProcessWithoutNullStreams, stderr: string) => Promise<void>,
): Promise<HeldRun> {
  const child = spawn(process.execPath, ['bin/weir.js', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 170_000);
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    child.stdout.pause();
    // Printing began once the first lines reach this side of the pipe.
    await waitUntil(() => started(stderr) && child.stdout.readableLength > 0, `the job to print\n${stderr}`);
    await sleep(2_000);
    const before = childRss(child.pid!);
    await sleep(HOLD_MS);
    const grown = childRss(child.pid!) - before;
    await stop(child, stderr);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stdout.resume();
    const code = await closed;
    return { code, stdout, stderr, grown };
  } finally {
    clearTimeout(kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Cancels the job `weir run` announced on stderr through its REST API. */
async function cancelThroughRest(_child: ChildProcessWithoutNullStreams, stderr: string): Promise<void> {
  const submitted = /submitted as job (\S+); REST API at (\S+)/.exec(stderr);
  expect(submitted, stderr).not.toBeNull();
  const response = await fetch(`${submitted![2]}/jobs/${submitted![1]}/cancel`, { method: 'POST' });
  expect(response.ok).toBe(true);
}

/**
 * Checks that `lines`, each matching `pattern` (groups `k`, the 1-based subtask, 1 when absent,
 * and `v`, the value), hold per subtask every index it generates from the first on: each of p
 * subtasks prints the indexes of one residue r mod p (which one depends on the split it got),
 * r, r + p, r + 2p, …
 */
function expectContiguous(lines: readonly string[], parallelism: number, pattern: RegExp): void {
  const next = new Map<number, number>();
  const residues = new Set<number>();
  for (const line of lines) {
    const groups = pattern.exec(line)?.groups;
    expect(groups, `line ${JSON.stringify(line)}`).toBeDefined();
    const k = Number(groups!.k ?? 1);
    const value = Number(groups!.v);
    const expected = next.get(k);
    if (expected === undefined) {
      expect(value, `first line of subtask ${k}: ${JSON.stringify(line)}`).toBeLessThan(parallelism);
      expect(residues.has(value), `two subtasks print the indexes of ${value} mod ${parallelism}`).toBe(
        false,
      );
      residues.add(value);
    } else {
      expect(value, `line ${JSON.stringify(line)}: one before it was lost, or it is out of order`).toBe(
        expected,
      );
    }
    next.set(k, value + parallelism);
  }
  expect(next.size).toBe(parallelism);
}

describe('a print sink whose reader holds off', () => {
  for (const parallelism of [1, 2]) {
    it(`weir run -p ${parallelism} (worker threads) takes a bounded number of records and loses none`, {
      timeout: 180_000,
    }, async () => {
      const run = await runHeld(
        [
          'run',
          '--port',
          '0',
          '-p',
          String(parallelism),
          '--slots',
          String(parallelism),
          'test/cli/fixtures/endless-print-job.ts',
        ],
        (stderr) => /submitted as job/.test(stderr),
        cancelThroughRest,
      );
      const described = describeRun({ ...run, stdout: run.stdout.slice(0, 2_000), timedOut: false });
      expect(/was cancelled/.test(run.stderr), described).toBe(true);
      const lines = run.stdout.split('\n').slice(0, -1);
      expectContiguous(lines, parallelism, parallelism === 1 ? /^n> (?<v>\d+)$/ : /^n:(?<k>\d+)> (?<v>\d+)$/);
      // The reader read nothing before the cancel: everything the job took was taken while held.
      expect(lines.length).toBeGreaterThan(1_000);
      expect(lines.length, 'lines taken while the reader held').toBeLessThan(MAX_LINES);
      expect(run.grown, 'RSS growth while the reader held').toBeLessThan(MAX_RSS_GROWTH);
    });
  }

  it('weir sql -f with INSERT INTO a print table (main thread) takes a bounded number of rows and loses none', {
    timeout: 180_000,
  }, async () => {
    const script = join(dir, 'insert.sql');
    writeFileSync(
      script,
      `CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '100000000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '1000000000000');
CREATE TABLE out (id BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT id FROM gen;
`,
    );
    // The script starts the INSERT right after the CREATEs, whose OKs are the first lines: Ctrl-C
    // then cancels it while stdout is full.
    const run = await runHeld(
      ['sql', '-f', script],
      () => true,
      async (child) => {
        child.kill('SIGINT');
      },
    );
    const described = describeRun({ ...run, stdout: run.stdout.slice(0, 2_000), timedOut: false });
    const lines = run.stdout
      .split('\n')
      .slice(0, -1)
      .filter((line) => line !== 'OK');
    expect(lines.length, described).toBeGreaterThan(1_000);
    expectContiguous(lines, 1, /^\+I\[(?<v>\d+)\]$/);
    expect(lines.length, 'lines taken while the reader held').toBeLessThan(MAX_LINES);
    expect(run.grown, 'RSS growth while the reader held').toBeLessThan(MAX_RSS_GROWTH);
  });
});
