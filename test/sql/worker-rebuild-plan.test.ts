/**
 * Worker threads rebuilding an INSERT job from its job file start it from the physical plan the
 * submitting thread made instead of planning the SQL again, and never load the SQL parser: a
 * real `weir run` at parallelism 2 with a module-load hook logging every module each thread
 * loads. What the plan leaves to the session (a function registered by name, the session time
 * zone, a connector registered in the session) still reaches the rows.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { expectExit, runWeir } from '../cli/run-cli.js';
import { readCommitted } from '../support/exactly-once.js';
import { markersDir, workerJobDirs, workerReports } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/plan-from-submitter-job.ts', import.meta.url));
const HOOK = fileURLToPath(new URL('./worker-fixtures/module-load-log.mjs', import.meta.url));
const tempDir = workerJobDirs('weir-worker-plan-');

/** Whether a module URL is the SQL parser's grammar and lexer, or chevrotain. */
const isParser = (url: string) =>
  /\/chevrotain\/|\/src\/sql\/parser\/(parse-text|grammar|tokens)\b/.test(url);

test('worker threads start a SQL job from the submitting thread’s plan, without the parser', async () => {
  const dir = tempDir();
  const markers = markersDir(dir);
  const logs = join(dir, 'modules');
  mkdirSync(logs);
  const rows = 60;
  const run = await runWeir(['run', JOB, '-p', '2', '--', String(rows), join(dir, 'out'), markers], 120_000, {
    NODE_OPTIONS: `--import ${HOOK}`,
    WEIR_MODULE_LOG_DIR: logs,
  });
  expectExit(run, 0);

  // Each worker started its one job from the recalled plan.
  expect(workerReports(markers)).toEqual([
    { recalled: 1, parserLoaded: false },
    { recalled: 1, parserLoaded: false },
  ]);

  // One module loader per thread: the submitting thread's parsed the SQL; the workers' did not.
  const loaded = readdirSync(logs).map((file) => readFileSync(join(logs, file), 'utf8').split('\n'));
  const main = loaded.filter((urls) => urls.some((url) => url.endsWith('/src/cli/main.ts')));
  const workers = loaded.filter((urls) => !main.includes(urls));
  expect(main).toHaveLength(1);
  expect(main[0]!.some(isParser)).toBe(true);
  expect(workers).toHaveLength(2);
  for (const urls of workers) {
    expect(urls.some((url) => url.endsWith('/plan-from-submitter-job.ts'))).toBe(true);
    expect(urls.filter(isParser)).toEqual([]);
  }

  const out = readCommitted(join(dir, 'out')).map(
    (line) => JSON.parse(line) as { id: number; tag: string; hour_text: string },
  );
  const expected: string[] = [];
  for (let i = 0; i < rows; i++) {
    if (i % 3 === 1) continue;
    // Asia/Tokyo is UTC+9 all year.
    const tokyo = new Date((i + 9) * 3_600_000).toISOString();
    expected.push(`${i} n${i} ${tokyo.slice(0, 10)} ${tokyo.slice(11, 13)}`);
  }
  expect(out.map((r) => `${r.id} ${r.tag} ${r.hour_text}`).sort()).toEqual(expected.sort());
});
