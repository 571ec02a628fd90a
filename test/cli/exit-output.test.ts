/**
 * The `weir` command ends only once its output has drained: a reader of its stdout that is
 * slower than the command's exit grace period (a loaded machine, a pager) still gets every line.
 * Writes to a pipe are asynchronous, so a process that exits while a megabyte is queued loses it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { describeRun, ROOT } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-exit-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * How long the reader holds off: far above the 1 s grace period, so a command that exits
 * without draining has ended (and lost the rest) by the time the reader starts, unless its
 * script alone takes longer on a starved machine, in which case the test cannot tell.
 */
const HOLD_MS = 10_000;

it('weir sql -f prints every row of a large table to a reader that starts late', {
  timeout: 120_000,
}, async () => {
  const rows = 20_000;
  const script = join(dir, 'big.sql');
  writeFileSync(
    script,
    `CREATE TABLE src (id INT, name STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}', 'fields.name.length' = '20');
SELECT id, name FROM src;`,
  );
  const child = spawn(process.execPath, ['bin/weir.js', 'sql', '-f', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Read nothing until the command ended or the hold is over: the table (about 900 kB) fills
  // the pipe long before that, so the rest waits in the command's own queue.
  child.stdout.pause();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, HOLD_MS))]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(kill);
  const run = { code, stdout, stderr, timedOut: false };
  expect(code, describeRun(run)).toBe(0);
  const printed = stdout.split('\n').filter((line) => /^\| \d+ +\|/.test(line));
  expect(printed.length, describeRun(run)).toBe(rows);
  expect(printed.at(-1)).toMatch(new RegExp(`^\\| ${rows} +\\|`));
  expect(stdout).toContain(`${rows} rows in set`);
});

it('weir sql -f ends quietly with 141 when its reader stops early, as SIGPIPE ends other tools', {
  timeout: 120_000,
}, async () => {
  const rows = 20_000;
  const script = join(dir, 'head.sql');
  writeFileSync(
    script,
    `CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}');
SELECT id FROM src;`,
  );
  const child = spawn(process.execPath, ['bin/weir.js', 'sql', '-f', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Like `| head -5`: take the first lines, then close the pipe while the table is still coming.
  let stdout = '';
  await new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.split('\n').length > 5) {
        child.stdout.destroy();
        resolve();
      }
    });
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 100_000);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(kill);
  const run = { code, stdout, stderr, timedOut: false };
  expect(code, describeRun(run)).toBe(141);
  expect(stderr, describeRun(run)).not.toMatch(/EPIPE|Error|at /);
});
