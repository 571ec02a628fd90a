/** Runs `node bin/weir.js …` as a real child process and captures what it prints. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, onTestFailed } from 'vitest';
import { getCurrentTest } from 'vitest/suite';

/** The repository root, where bin/weir.js lives. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The outcome of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The run was killed after its time limit: it hung, or the machine starved it. */
  readonly timedOut: boolean;
}

/**
 * Runs the CLI with `args` from the repository root, with `env` added to the environment. The
 * kill after `timeoutMs` only stops a hung run: on a loaded machine a run that needs a few
 * seconds of CPU can take a minute of wall time.
 */
export function runWeir(
  args: readonly string[],
  timeoutMs = 120_000,
  env: Readonly<Record<string, string>> = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // Tests run in parallel: each `weir run` serves its REST API on a free port, not on 8081.
    const own =
      args[0] === 'run' && !args.includes('--port') ? ['run', '--port', '0', ...args.slice(1)] : args;
    const child = spawn(process.execPath, ['bin/weir.js', ...own], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    // A test that times out before `timeoutMs` would leave the child running (loading the machine
    // further) and say nothing of it: kill it and print what it printed so far.
    if (getCurrentTest() !== undefined)
      onTestFailed(() => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGKILL');
        process.stderr.write(
          `weir ${args.join(' ')} still ran when its test failed; killed it\n${printed(stdout, stderr)}`,
        );
      });
  });
}

/** How much of stdout a failure message shows: its end, where a run that went wrong stopped. */
const STDOUT_TAIL = 2000;

/**
 * What a failure message says about a run: whether it was killed, its whole stderr and the end
 * of its stdout, so a child that failed on CI can be diagnosed from the log alone.
 */
export function describeRun(run: CliRun): string {
  const end = run.timedOut
    ? 'the child was killed at its time limit'
    : `the child exited with code ${run.code}`;
  return `${end}\n${printed(run.stdout, run.stderr)}`;
}

/** A child's whole stderr and the end of its stdout, for a failure message. */
function printed(stdout: string, stderr: string): string {
  const tail = stdout.length > STDOUT_TAIL ? `…${stdout.slice(-STDOUT_TAIL)}` : stdout;
  return `--- stderr ---\n${stderr}\n--- stdout ---\n${tail}\n--- end of the child's output ---\n`;
}

/** Asserts the run's exit code; a wrong one fails with the child's output in the message. */
export function expectExit(run: CliRun, code: number): void {
  expect(run.code, describeRun(run)).toBe(code);
}

/** Non-empty lines of `text`. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** Path of a fixture job, relative to the repository root. */
export function fixture(name: string): string {
  return `test/cli/fixtures/${name}`;
}

/** A child's resident set size in bytes, from /proc (Linux). */
export function childRss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** Polls `condition` every 100 ms for up to `ms`; fails the test naming `what` if it never held. */
export async function waitUntil(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(condition(), `timed out waiting for ${what}`).toBe(true);
}
