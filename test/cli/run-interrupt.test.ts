/**
 * `weir run` ended early in a real process: the first Ctrl-C (or a SIGTERM) cancels the job, its
 * print sink writes every line it took, and the command exits with 130 (143); a second Ctrl-C
 * exits at once; a reader of stdout that goes away (`| head`) cancels the job and ends the
 * command quietly with 141, as SIGPIPE ends other tools.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type CliRun, describeRun, expectExit, fixture, ROOT, waitUntil } from './run-cli.js';

/** A running `weir` whose output is gathered as it comes. */
interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** The outcome, once the child has exited (killed after a time limit if it hung). */
  readonly done: Promise<CliRun>;
}

/** Starts `node bin/weir.js args…` from the repository root. */
function start(args: readonly string[]): Running {
  const child = spawn(process.execPath, ['bin/weir.js', ...args], { cwd: ROOT, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let timedOut = false;
  const kill = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, 100_000);
  const done = new Promise<CliRun>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** `weir run` of the numbered job at `parallelism`, one worker thread per subtask. */
function runArgs(parallelism: number): string[] {
  const p = String(parallelism);
  return ['run', '--port', '0', '-p', p, '--slots', p, fixture('interruptible-job.ts')];
}

/** Complete lines printed so far. */
function linesOf(text: string): string[] {
  return text.split('\n').slice(0, -1);
}

/**
 * Checks that `printed` holds, per subtask, every number it generates from the first on, in
 * order: at parallelism p, subtask k prints `k> v` for the numbers v of one residue mod p
 * (which one depends on the split it got), and at parallelism 1 just `v`, 1, 2, 3, …
 */
function expectConsecutive(printed: readonly string[], parallelism: number, described: string): void {
  const next = new Map<string, number>();
  for (const line of printed) {
    const match = /^(?:(\d+)> )?(\d+)$/.exec(line);
    expect(match, `line ${JSON.stringify(line)}\n${described}`).not.toBeNull();
    const subtask = match![1] ?? '1';
    const value = Number(match![2]);
    const expected = next.get(subtask);
    if (expected === undefined)
      expect(value, `first line of subtask ${subtask}`).toBeLessThanOrEqual(parallelism);
    else if (value !== expected)
      expect(line, 'a line was lost, or came out of order').toBe(`${subtask}> ${expected}`);
    next.set(subtask, value + parallelism);
  }
  expect(next.size).toBe(parallelism);
}

/** The records the job's sinks took, from the progress line printed when it ended. */
function sunkRecords(stderr: string): number {
  const match = /\[interruptible-job\] cancelled {2}in \d+ {2}out (\d+)/.exec(stderr);
  expect(match, `no final progress line in\n${stderr}`).not.toBeNull();
  return Number(match![1]);
}

describe('weir run interrupted', () => {
  for (const [signal, code, parallelism] of [
    ['SIGINT', 130, 1],
    ['SIGINT', 130, 2],
    ['SIGTERM', 143, 1],
  ] as const) {
    it(`cancels the job at p=${parallelism} on ${signal}, prints every line the sinks took, and exits with ${code}`, {
      timeout: 120_000,
    }, async () => {
      const run = start(runArgs(parallelism));
      // Every subtask prints before the signal (a worker thread may start later than another).
      const printing = () =>
        linesOf(run.stdout()).length >= 100 &&
        (parallelism === 1 || [1, 2].every((k) => run.stdout().includes(`\n${k}> `)));
      await waitUntil(printing, 'every subtask to print', 90_000);
      const seen = linesOf(run.stdout()).length;
      run.child.kill(signal);
      const result = await run.done;
      expectExit(result, code);
      const described = describeRun(result);
      expect(result.stdout.endsWith('\n'), `a partial last line\n${described}`).toBe(true);
      const printed = linesOf(result.stdout);
      // 1..n with none lost or out of order; more than were seen before the signal, and at least
      // every record the sinks reported having taken.
      expect(printed.length, described).toBeGreaterThanOrEqual(seen);
      expect(printed.length, described).toBeGreaterThanOrEqual(sunkRecords(result.stderr));
      expectConsecutive(printed, parallelism, described);
      expect(result.stderr).toContain('weir: job interruptible-job cancelled\n');
      const hint = 'weir: cancelling the job; press Ctrl-C again to exit now';
      expect(result.stderr.includes(hint), described).toBe(signal === 'SIGINT');
      expect(result.stderr, described).not.toMatch(/Error|\n\s+at /);
    });
  }

  it('exits at once with 130 on a second Ctrl-C while the job file still runs after the cancel', {
    timeout: 120_000,
  }, async () => {
    const run = start([...runArgs(1), '--', '--hang-on-cancel']);
    await waitUntil(() => linesOf(run.stdout()).length >= 100, 'the job to print', 90_000);
    run.child.kill('SIGINT');
    await waitUntil(() => run.stderr().includes('press Ctrl-C again'), 'the hint on stderr');
    // The cancelled job's file hangs in its cleanup: without a second Ctrl-C this run never ends.
    await waitUntil(() => /\] cancelled {2}in/.test(run.stderr()), 'the job to end');
    run.child.kill('SIGINT');
    const result = await run.done;
    expectExit(result, 130);
    expect(result.stderr, describeRun(result)).not.toMatch(/Error|\n\s+at /);
  });

  it('cancels the job and exits quietly with 141 when the reader of stdout goes away', {
    timeout: 120_000,
  }, async () => {
    // Two worker threads, each with its own stdout forwarded through this process's.
    const run = start(runArgs(2));
    await waitUntil(() => linesOf(run.stdout()).length >= 5, 'the job to print', 90_000);
    run.child.stdout.destroy();
    const result = await run.done;
    expectExit(result, 141);
    const described = describeRun(result);
    // The job was cancelled (its last progress line says so), not the process killed with it.
    expect(result.stderr, described).toMatch(/\[interruptible-job\] cancelled {2}in/);
    expect(result.stderr, described).not.toMatch(/EPIPE|Error|\n\s+at |weir: job/);
  });
});
