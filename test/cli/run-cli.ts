/** Runs `node bin/weir.js …` as a real child process and captures what it prints. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where bin/weir.js lives. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The outcome of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
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
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Non-empty lines of `text`. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** Path of a fixture job, relative to the repository root. */
export function fixture(name: string): string {
  return `test/cli/fixtures/${name}`;
}
