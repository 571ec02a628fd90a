/**
 * CREATE FUNCTION … LANGUAGE TYPESCRIPT and a lookup join on worker threads: a job file awaits
 * the CREATE FUNCTION and joins a generated stream with a legacy-option CSV table at parallelism
 * 2; the workers load the file again, so each has the function and loads the table when its
 * join subtask opens. The rows match a loop over the same input.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import { runJobFileOnWorkers, workerJobDirs } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./udf-fixtures/lookup-udf-job.ts', import.meta.url));
const tempDir = workerJobDirs('weir-lookup-udf-');

test('a TypeScript CREATE FUNCTION and a lookup join run on two worker threads', async () => {
  const dir = tempDir();
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
