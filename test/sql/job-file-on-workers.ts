/**
 * Runs a job file the way `weir run` does with two slots: the file builds the job here, and
 * each worker thread loads the same file again to rebuild its subtasks. Shared by the tests
 * of what a SQL job's workers get from the submitting thread.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { setEnvironmentDefaults } from '../../src/api/context.js';
import { StreamExecutionEnvironment, type TableResult } from '../../src/index.js';
import { liveWorkerThreads } from '../../src/runtime/threads/worker-pool.js';

/**
 * Imports `path` with the job module and two slots as the environment's defaults, and lets
 * `build` submit its job; the defaults are cleared before the job is awaited, so the waiting
 * (the thunk `build` returns) never sees them.
 */
async function submitOnWorkers(
  path: string,
  args: string[],
  build: (module: unknown) => Promise<() => Promise<unknown>>,
): Promise<void> {
  setEnvironmentDefaults({ jobModule: { path, args }, slots: 2 });
  let finished: () => Promise<unknown>;
  try {
    finished = await build(await import(path));
  } finally {
    setEnvironmentDefaults(undefined);
  }
  await finished();
}

/** Builds the job of `path` with `args` on two worker slots and waits until it finishes. */
export async function runJobFileOnWorkers(path: string, args: string[], jobName: string): Promise<void> {
  await submitOnWorkers(path, args, async (module) => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    await (module as { default: (env: StreamExecutionEnvironment, args: string[]) => Promise<void> }).default(
      env,
      args,
    );
    const { result } = await env.executeAsync(jobName);
    return () => result;
  });
}

/**
 * Runs the Table API job of `path`, whose default export submits it and returns its
 * TableResult, with `args` on two worker slots and waits until it finishes.
 */
export async function runTableJobFileOnWorkers(path: string, args: string[]): Promise<void> {
  await submitOnWorkers(path, args, async (module) => {
    const result = (
      module as { default: (env: StreamExecutionEnvironment, args: string[]) => TableResult }
    ).default(StreamExecutionEnvironment.getExecutionEnvironment(), args);
    return () => result.await();
  });
}

/**
 * Registers, for the calling test file, the removal after each test of the directories the
 * returned function makes (under the system's temporary folder, named from `prefix`), and the
 * check that no worker thread outlives a test.
 */
export function workerJobDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    expect(liveWorkerThreads()).toBe(0);
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** Makes `dir/markers`, where each worker of a fixture job writes a JSON report of itself. */
export function markersDir(dir: string): string {
  const markers = join(dir, 'markers');
  mkdirSync(markers);
  return markers;
}

/** The reports the workers wrote in `markers`, parsed. */
export function workerReports(markers: string): unknown[] {
  return readdirSync(markers).map((file) => JSON.parse(readFileSync(join(markers, file), 'utf8')));
}
