/**
 * `SET 'table.local-time-zone' = 'default'` travels with a SQL job as the zone the submitting
 * thread resolved: the process's zone changes before the worker threads rebuilding the job
 * start, and they still cast instants to text in the zone the SET saw.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { liveWorkerThreads } from '../../src/runtime/threads/worker-pool.js';
import { readCommitted } from '../support/exactly-once.js';
import { runJobFileOnWorkers } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/local-time-zone-default-job.ts', import.meta.url));
const dirs: string[] = [];
const savedTz = process.env.TZ;

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
  expect(liveWorkerThreads()).toBe(0);
});

test("worker threads use the zone 'default' named on the submitting thread", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-ltz-default-'));
  dirs.push(dir);
  await runJobFileOnWorkers(JOB, [join(dir, 'out')], 'ltz-default-workers');
  const rows = readCommitted(join(dir, 'out')).map((line) => JSON.parse(line) as Record<string, unknown>);
  // In America/Los_Angeles these would read 1969-12-31 16:00 and on.
  expect(rows.sort((a, b) => Number(a.id) - Number(b.id))).toEqual([
    { id: 0, local_time: '1970-01-01 05:30:00.000' },
    { id: 1, local_time: '1970-01-01 06:30:00.000' },
    { id: 2, local_time: '1970-01-01 07:30:00.000' },
    { id: 3, local_time: '1970-01-01 08:30:00.000' },
  ]);
});
