/**
 * Worker threads rebuilding a SQL job from its job file take the statements the submitting
 * thread parsed instead of parsing them again (so they never load the SQL lexer, grammar or
 * chevrotain),
 * and the job's rows are those of a loop over the same input.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { sqlParserLoaded, sqlTextLexed } from '../../src/sql/parser/parse.js';
import { readCommitted } from '../support/exactly-once.js';
import { markersDir, runJobFileOnWorkers, workerJobDirs, workerReports } from './job-file-on-workers.js';

const JOB = fileURLToPath(new URL('./worker-fixtures/parsed-statements-job.ts', import.meta.url));
const tempDir = workerJobDirs('weir-worker-parse-');

test('worker threads rebuild a SQL job from the submitting thread’s parsed statements', async () => {
  const dir = tempDir();
  const markers = markersDir(dir);
  const rows = 300;
  const args = [String(rows), join(dir, 'out'), markers];
  await runJobFileOnWorkers(JOB, args, 'worker-parse');

  // This thread parsed the statements; each of the two workers rebuilt the job without lexing
  // and without loading the parser's modules.
  expect(sqlTextLexed()).toBe(true);
  expect(sqlParserLoaded()).toBe(true);
  const reports = workerReports(markers);
  expect(reports).toEqual([
    { lexed: false, parserLoaded: false },
    { lexed: false, parserLoaded: false },
  ]);

  const out = readCommitted(join(dir, 'out')).map(
    (line) => JSON.parse(line) as { id: number; twice: number },
  );
  const expected: string[] = [];
  for (let i = 0; i < rows; i++) if (i % 3 !== 1) expected.push(`${i}:${2 * i}`);
  expect(out.map((r) => `${r.id}:${r.twice}`).sort()).toEqual(expected.sort());
});
