/**
 * Plan statements in a job file run on two worker threads: each worker loads the file again
 * and runs COMPILE PLAN and EXECUTE PLAN again, taking the plan text the submitting thread
 * wrote instead of the file (which exists by then, so compiling it again would be refused), and
 * the sink gets every row exactly once.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import { runTableJobFileOnWorkers, workerJobDirs } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/compiled-plan-job.ts', import.meta.url));
const tempDir = workerJobDirs('weir-compiled-plan-workers-');

test('COMPILE PLAN and EXECUTE PLAN in a job file run on worker threads', async () => {
  const dir = tempDir();
  const rows = 300;
  const plan = join(dir, 'plan.json');
  await runTableJobFileOnWorkers(JOB, [String(rows), join(dir, 'out'), plan]);
  expect(existsSync(plan)).toBe(true);
  const ids = readCommitted(join(dir, 'out'))
    .map((line) => (JSON.parse(line) as { id: number }).id)
    .sort((a, b) => a - b);
  expect(ids).toEqual(Array.from({ length: rows }, (_, i) => i));
});
