/**
 * Exactly-once for SQL: a SQL INSERT INTO a `filesystem` table (its sink commits on checkpoint
 * completion) of a tumbling-window aggregate over the `nexmark` connector, run by `weir run`
 * with checkpoints, killed with SIGKILL (the whole process group) at seeded random moments and
 * resumed with `--restore latest` each time until it finishes. What it finally committed must be
 * exactly what a failure-free run commits, and no committed file may change after a kill. Set
 * CHAOS_SEED to replay a failing sequence of kills; the seed is in every assertion message.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import {
  changedCommittedFiles,
  chaosSeed,
  committedHashes,
  SeededRandom,
  sleep,
  RunTracker,
  refusedAsFinished,
} from './chaos-run.js';

const JOB = 'test/chaos/fixtures/sql-chaos-job.ts';
const EVENTS = 6000;
/** Rows per second while killed: a run needs at least 3 s, so early kills land mid-stream. */
const RATE = 2000;
const KILLS = 3;

const { scratch, start, cleanup } = new RunTracker('weir-sql-chaos-');
afterAll(cleanup);

describe('SQL INSERT INTO a filesystem table under kill -9', () => {
  it('commits exactly the rows of a failure-free run', async () => {
    const seed = chaosSeed();
    const random = new SeededRandom(seed);
    const why = `CHAOS_SEED=${seed}`;

    const referenceDir = join(scratch(), 'out');
    const reference = start([JOB, '--port', '0', '-q', '--', String(EVENTS), 'Infinity', referenceDir]);
    const referenceEnd = await reference.ended;
    expect(referenceEnd.code, referenceEnd.stderr).toBe(0);
    const expected = readCommitted(referenceDir).sort();
    expect(expected.length).toBeGreaterThan(100);

    const dir = scratch();
    const sinkDir = join(dir, 'out');
    const args = [
      JOB,
      '--checkpoint-dir',
      join(dir, 'checkpoints'),
      '--checkpoint-interval',
      '100',
      '--restore',
      'latest',
      '--port',
      '0',
      '-q',
      '--',
      String(EVENTS),
      String(RATE),
      sinkDir,
    ];
    const snapshots: Map<string, string>[] = [];
    let landed = 0;
    for (let k = 0; k < KILLS; k++) {
      const run = start(args);
      await run.started;
      await sleep(random.int(150, 1200));
      if (run.kill()) landed++;
      const end = await run.ended;
      expect(
        end.code === 0 || end.signal === 'SIGKILL' || refusedAsFinished(end),
        `${why}: ${end.stderr}`,
      ).toBe(true);
      snapshots.push(committedHashes(sinkDir));
    }
    const last = start(args);
    const end = await last.ended;
    expect(end.code === 0 || refusedAsFinished(end), `${why}: ${end.stderr}`).toBe(true);
    snapshots.push(committedHashes(sinkDir));

    expect(landed, why).toBeGreaterThan(0);
    expect(changedCommittedFiles(snapshots), why).toEqual([]);
    expect(readCommitted(sinkDir).sort(), why).toEqual(expected);
  }, 120_000);
});
