/**
 * A fluent Table API job in a job file, run on two worker threads: each worker loads the file
 * again and writes the same SQL text for the chain (tables without a catalog name get the same
 * internal names), so it rebuilds the job from the statements the submitting thread parsed
 * without lexing, and the sink gets every row exactly once.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import { markersDir, runTableJobFileOnWorkers, workerJobDirs, workerReports } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/fluent-table-job.ts', import.meta.url));
const tempDir = workerJobDirs('weir-fluent-workers-');

test('a fluent Table API job runs on worker threads, rebuilt without parsing', async () => {
  const dir = tempDir();
  const markers = markersDir(dir);
  const rows = 300;
  const args = [String(rows), join(dir, 'out'), markers];
  await runTableJobFileOnWorkers(JOB, args);

  const reports = workerReports(markers);
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
