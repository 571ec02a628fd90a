/**
 * `weir sql` interactively, printing an unbounded query to a reader that stops reading: the
 * client takes no more changes from the job while stdout is full, so its memory stays bounded,
 * every change still arrives in order once the reader reads again, and Ctrl-C cancels the query
 * while the output is stuck.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { childRss, describeRun, ROOT, waitUntil } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-backpressure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * How long the reader reads nothing: at the source's rate a client that does not wait for
 * stdout takes hundreds of thousands of changes meanwhile (each input row is two changes of the
 * count; 700,000 changes and 137 MB more RSS were measured before the client waited).
 */
const HOLD_MS = 6_000;
/** The source's rate, rows per second: far more than the held reader takes (none). */
const RATE = 50_000;
/**
 * What the client may take while nothing is read: the pipe (64 KiB), stdout's and this reader's
 * buffers and one input step of the sink, at about 22 bytes a line, are some 10,000 lines (about
 * 2,900 were measured).
 */
const MAX_LINES = 20_000;

it('a held reader holds an unbounded query back; Ctrl-C cancels it meanwhile, and every change arrives in order', {
  timeout: 180_000,
}, async () => {
  const home = mkdtempSync(join(dir, 'home-'));
  const history = join(home, '.weir_sql_history');
  const child = spawn(process.execPath, ['bin/weir.js', 'sql'], {
    cwd: ROOT,
    env: { ...process.env, HOME: home },
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
    // Nothing is read until the query was cancelled.
    child.stdout.pause();
    child.stdin.write(
      `CREATE TABLE gen (id INT) WITH ('connector' = 'datagen', 'rows-per-second' = '${RATE}');\n`,
    );
    child.stdin.write('SELECT COUNT(*) AS n FROM gen;\n');
    // The history has the SELECT once the client read it; the query runs from then on.
    await waitUntil(
      () => existsSync(history) && readFileSync(history, 'utf8').includes('SELECT'),
      'the query',
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const before = childRss(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    const grown = childRss(child.pid!) - before;
    child.kill('SIGINT');
    // The client reads the next statement only once the query ended: the cancel went through
    // while stdout was still full.
    child.stdin.write('HELP;\n');
    await waitUntil(() => readFileSync(history, 'utf8').includes('HELP'), 'the cancel while stdout is full');
    child.stdin.end('EXIT;\n');
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stdout.resume();
    const code = await closed;
    const run = { code, stdout, stderr, timedOut: false };
    expect(code, describeRun(run)).toBe(0);
    const changes = [...stdout.matchAll(/^\| ([+-][IUD]) \| (\d+) +\|$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const cancelled = /Query cancelled after (\d+) rows\./.exec(stdout);
    expect(cancelled, describeRun(run)).not.toBeNull();
    // No change was lost: the client counted as many as the reader got.
    expect(changes.length).toBe(Number(cancelled![1]));
    expect(changes.length).toBeGreaterThan(100);
    expect(changes.length, 'changes taken while the reader held').toBeLessThan(MAX_LINES);
    // In order: the count's changelog, +I 1, then -U k, +U k+1 for each further row.
    const expected = ['+I 1'];
    for (let k = 1; expected.length < changes.length; k++) expected.push(`-U ${k}`, `+U ${k + 1}`);
    expect(changes).toEqual(expected.slice(0, changes.length));
    expect(stdout).toContain('QUIT; or EXIT;');
    // Queueing every change would have grown by tens of megabytes over the hold.
    expect(grown, 'RSS growth while the reader held').toBeLessThan(30 * 1024 * 1024);
  } finally {
    clearTimeout(kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
