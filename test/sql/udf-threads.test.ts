/**
 * User-defined functions on worker threads: a SQL job file registers a scalar, a table and an
 * aggregate function, and at parallelism 2 its tasks run on two worker threads, which load the
 * file again and so have the same functions. The results match a loop over the same rows.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import type { ChangelogRow } from '../../src/index.js';
import { readCommitted } from '../support/exactly-once.js';
import { startJobModule } from '../threads/support.js';
import { workerJobDirs } from './job-file-on-workers.js';
import { sentence, type WordRow } from './udf-fixtures/udf-job.js';

const JOB = fileURLToPath(new URL('./udf-fixtures/udf-job.ts', import.meta.url));
const tempDir = workerJobDirs('weir-udf-');

test('scalar, table and aggregate UDFs registered in a job file run on two worker threads', async () => {
  const dir = tempDir();
  const rows = 3000;
  const client = await startJobModule(JOB, [String(rows), '2', join(dir, 'words'), join(dir, 'totals')], {
    slots: 2,
  });
  await client.result;

  const words = readCommitted(join(dir, 'words')).map((line) => JSON.parse(line) as WordRow);
  const expected: string[] = [];
  const totals = new Map<string, number>();
  for (let i = 0; i < rows; i++)
    for (const word of sentence(i).split(' ')) {
      expected.push(`${i}:${word}`);
      totals.set(word, (totals.get(word) ?? 0) + i);
    }
  expect(words.map((w) => `${w.id}:${w.word}`).sort()).toEqual(expected.sort());
  // The scalar function ran on worker threads, not on this one (thread 0): the workers had it.
  const threads = new Set(words.map((w) => w.thread));
  expect(threads.has(0)).toBe(false);

  const final = new Map<string, number>();
  for (const line of readCommitted(join(dir, 'totals'))) {
    const { kind, row } = JSON.parse(line) as ChangelogRow;
    if (kind === '-U' || kind === '-D') final.delete(row.word as string);
    else final.set(row.word as string, row.total as number);
  }
  expect(final).toEqual(totals);
});
