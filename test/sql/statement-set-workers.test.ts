/**
 * A statement set of descriptor tables in a job file, run on two worker threads: each worker
 * loads the file again and rebuilds the same job from the statements the submitting thread
 * parsed (the descriptors' text included, so no worker lexes SQL), and both sinks get every
 * row exactly once.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import { markersDir, runTableJobFileOnWorkers, workerJobDirs, workerReports } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/statement-set-job.ts', import.meta.url));
const tempDir = workerJobDirs('weir-statement-set-workers-');

test('a statement set of descriptor tables runs on worker threads, rebuilt without parsing', async () => {
  const dir = tempDir();
  const markers = markersDir(dir);
  const rows = 400;
  const args = [String(rows), join(dir, 'all'), join(dir, 'even'), markers];
  await runTableJobFileOnWorkers(JOB, args);

  const reports = workerReports(markers);
  expect(reports).toEqual([{ lexed: false }, { lexed: false }]);
  const ids = (sink: string) =>
    readCommitted(join(dir, sink))
      .map((line) => (JSON.parse(line) as { id: number }).id)
      .sort((a, b) => a - b);
  expect(ids('all')).toEqual(Array.from({ length: rows }, (_, i) => i));
  expect(ids('even')).toEqual(Array.from({ length: rows / 2 }, (_, i) => 2 * i));
});
