/**
 * `weir sql -f` printing a large bounded table to a reader that holds off: the client writes the
 * table only as fast as stdout drains, so while the reader reads nothing the client neither
 * queues the rest of the table nor goes on to the next statement; once the reader reads, every
 * row arrives, in order, followed by the next statement's output.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeRun, ROOT } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-table-backpressure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows of the table: about 1 MB of text, far more than the pipe (64 KiB) and stdout's buffer hold. */
const ROWS = 40_000;
/**
 * How long the reader holds off once the table began: a client that queues the whole table
 * runs the INSERT after it within a second or two of CPU, so its file is there by then.
 */
const HOLD_MS = 10_000;

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

it('a held reader holds a bounded table back, and the statement after it, then gets every row in order', {
  timeout: 240_000,
}, async () => {
  const sink = join(dir, 'after');
  const script = join(dir, 'table.sql');
  writeFileSync(
    script,
    `CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}');
CREATE TABLE after_table (x INT) WITH ('connector' = 'filesystem', 'path' = '${sink}', 'format' = 'csv');
SELECT id, id * 2 AS twice FROM src;
INSERT INTO after_table VALUES (1);`,
  );
  const child = spawn(process.execPath, ['bin/weir.js', 'sql', '-f', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 230_000);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    // Unread output stays in the child's queue once the pipe and this end's buffer are full.
    child.stdout.pause();
    // The two OKs fit anywhere; the table begins once this end's buffer holds more than them.
    await until(() => child.stdout.readableLength > 1024 || exited, 200_000);
    await until(() => existsSync(sink) || exited, HOLD_MS);
    const ranAhead = existsSync(sink) && readdirSync(sink).length > 0;
    const exitedWhileHeld = exited;
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stdout.resume();
    const code = await closed;
    const run = { code, stdout, stderr, timedOut: false };
    expect(code, describeRun(run)).toBe(0);
    expect(exitedWhileHeld, 'the client ended while its reader held off').toBe(false);
    expect(ranAhead, 'the INSERT after the table ran while its reader held off').toBe(false);
    const ids = [...stdout.matchAll(/^\| (\d+) +\| (\d+) +\|$/gm)].map((m) => {
      expect(Number(m[2])).toBe(2 * Number(m[1]));
      return Number(m[1]);
    });
    expect(ids.length, describeRun(run)).toBe(ROWS);
    expect(ids.every((id, i) => id === i + 1)).toBe(true);
    const table = stdout.indexOf(`${ROWS} rows in set`);
    expect(table).toBeGreaterThan(0);
    expect(stdout.indexOf('finished.', table)).toBeGreaterThan(table);
    expect(readdirSync(sink).length).toBeGreaterThan(0);
  } finally {
    clearTimeout(kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
