/**
 * CREATE FUNCTION … LANGUAGE TYPESCRIPT and a lookup join on worker threads: a job file awaits
 * the CREATE FUNCTION and joins a generated stream with a legacy-option CSV table at parallelism
 * 2; the workers load the file again, so each has the function and loads the table when its
 * join subtask opens. The rows match a loop over the same input.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { liveWorkerThreads } from '../../src/runtime/threads/worker-pool.js';
import { readCommitted } from '../support/exactly-once.js';
import { runJobFileOnWorkers } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./udf-fixtures/lookup-udf-job.ts', import.meta.url));
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  expect(liveWorkerThreads()).toBe(0);
});

test('a TypeScript CREATE FUNCTION and a lookup join run on two worker threads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-lookup-udf-'));
  dirs.push(dir);
  const side = join(dir, 'side.csv');
  // Key 2 is missing: rows with id mod 3 = 2 find nothing and are dropped.
  writeFileSync(side, '0,zero\n1,one\n');
  const rows = 2000;
  const args = [String(rows), '2', side, join(dir, 'out')];
  await runJobFileOnWorkers(JOB, args, 'lookup-udf');

  const out = readCommitted(join(dir, 'out')).map(
    (line) => JSON.parse(line) as { id: number; c: number; v: string },
  );
  const expected: string[] = [];
  for (let i = 0; i < rows; i++)
    if (i % 3 !== 2) expected.push(`${i}:${i % 4}:${i % 3 === 0 ? 'zero' : 'one'}`);
  expect(out.map((r) => `${r.id}:${r.c}:${r.v}`).sort()).toEqual(expected.sort());
});
