/**
 * The session time zone travels with a SQL job to the worker threads that rebuild it: the
 * daily windows and the LTZ-to-text casts the workers run are Shanghai's, not UTC's.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import { runJobFileOnWorkers, workerJobDirs } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/local-time-zone-job.ts', import.meta.url));
const tempDir = workerJobDirs('weir-ltz-workers-');

test('worker threads window and cast in the session time zone the job file set', async () => {
  const dir = tempDir();
  await runJobFileOnWorkers(JOB, [join(dir, 'out')], 'ltz-workers');
  const rows = readCommitted(join(dir, 'out')).map((line) => JSON.parse(line) as Record<string, unknown>);
  // In UTC these would be two days of 24 rows each, the last at 23:00.
  expect(rows.sort((a, b) => String(a.day_start).localeCompare(String(b.day_start)))).toEqual([
    {
      day_start: '2021-04-15 00:00:00.000',
      day_end: '2021-04-16 00:00:00.000',
      n: 16,
      last_ts: '2021-04-15 23:00:00.000',
    },
    {
      day_start: '2021-04-16 00:00:00.000',
      day_end: '2021-04-17 00:00:00.000',
      n: 24,
      last_ts: '2021-04-16 23:00:00.000',
    },
    {
      day_start: '2021-04-17 00:00:00.000',
      day_end: '2021-04-18 00:00:00.000',
      n: 8,
      last_ts: '2021-04-17 07:00:00.000',
    },
  ]);
});
