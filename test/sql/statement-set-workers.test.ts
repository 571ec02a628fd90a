/**
 * A statement set of descriptor tables in a job file, run on two worker threads: each worker
 * loads the file again and rebuilds the same job from the statements the submitting thread
 * parsed (the descriptors' text included, so no worker lexes SQL), and both sinks get every
 * row exactly once.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { setEnvironmentDefaults } from '../../src/api/context.js';
import { StreamExecutionEnvironment, type TableResult } from '../../src/index.js';
import { liveWorkerThreads } from '../../src/runtime/threads/worker-pool.js';
import { readCommitted } from '../support/exactly-once.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/statement-set-job.ts', import.meta.url));
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  expect(liveWorkerThreads()).toBe(0);
});

test('a statement set of descriptor tables runs on worker threads, rebuilt without parsing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-statement-set-workers-'));
  dirs.push(dir);
  const markers = join(dir, 'markers');
  mkdirSync(markers);
  const rows = 400;
  const args = [String(rows), join(dir, 'all'), join(dir, 'even'), markers];
  setEnvironmentDefaults({ jobModule: { path: JOB, args }, slots: 2 });
  let result: TableResult;
  try {
    const module = (await import(JOB)) as {
      default: (env: StreamExecutionEnvironment, args: string[]) => TableResult;
    };
    result = module.default(StreamExecutionEnvironment.getExecutionEnvironment(), args);
  } finally {
    setEnvironmentDefaults(undefined);
  }
  await result.await();

  const reports = readdirSync(markers).map((file) => JSON.parse(readFileSync(join(markers, file), 'utf8')));
  expect(reports).toEqual([{ lexed: false }, { lexed: false }]);
  const ids = (sink: string) =>
    readCommitted(join(dir, sink))
      .map((line) => (JSON.parse(line) as { id: number }).id)
      .sort((a, b) => a - b);
  expect(ids('all')).toEqual(Array.from({ length: rows }, (_, i) => i));
  expect(ids('even')).toEqual(Array.from({ length: rows / 2 }, (_, i) => 2 * i));
});
