/**
 * A fluent Table API job in a job file, run on two worker threads: each worker loads the file
 * again and writes the same SQL text for the chain (tables without a catalog name get the same
 * internal names), so it rebuilds the job from the statements the submitting thread parsed
 * without lexing, and the sink gets every row exactly once.
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

const JOB = fileURLToPath(new URL('./worker-fixtures/fluent-table-job.ts', import.meta.url));
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  expect(liveWorkerThreads()).toBe(0);
});

test('a fluent Table API job runs on worker threads, rebuilt without parsing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-fluent-workers-'));
  dirs.push(dir);
  const markers = join(dir, 'markers');
  mkdirSync(markers);
  const rows = 300;
  const args = [String(rows), join(dir, 'out'), markers];
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
  const out = readCommitted(join(dir, 'out'))
    .map((line) => JSON.parse(line) as { id: number; thrice: number; label: string })
    .sort((a, b) => a.id - b.id);
  const expected = Array.from({ length: rows / 2 }, (_, i) => 2 * i).map((id) => ({
    id,
    thrice: 3 * id,
    label: `L${id % 3}`,
  }));
  expect(out).toEqual(expected);
});
