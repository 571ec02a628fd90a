/**
 * The print sink in a program of its own (library use, the job on the main thread) whose reader
 * of stdout goes away while the pipe is full: the program ignores the EPIPE, and the job must
 * neither fail nor wait forever for a 'drain' that a failed stdout never emits.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { describeRun, fixture, ROOT } from './run-cli.js';

it('a job printing to a stdout whose reader went away runs to its end', { timeout: 120_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture('library-print-program.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let timedOut = false;
  const kill = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, 100_000);
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  // Take the first lines, then stop reading so that the pipe fills, then close it: the write in
  // flight fails while the stream waits for room. (The second's pause only lets the pipe fill:
  // if it has not, the reader closes on a stream with room, and the test passes for any sink.)
  await new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.split('\n').length > 5) {
        child.stdout.pause();
        resolve();
      }
    });
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  child.stdout.destroy();
  const code = await closed;
  clearTimeout(kill);
  const run = { code, stdout: stdout.slice(0, 2_000), stderr, timedOut };
  expect(code, describeRun(run)).toBe(0);
  expect(stderr, describeRun(run)).toBe('job finished\n');
});
