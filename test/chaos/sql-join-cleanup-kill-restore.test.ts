/**
 * Exactly-once for a regular join that drops state by the watermark (q7's shape,
 * `leftStateCleanup`): the job of `fixtures/sql-join-cleanup-chaos-job.ts`, run by `weir run`
 * with checkpoints every 100 ms, killed with SIGKILL (the whole process group) at seeded random
 * moments and resumed with `--restore latest` each time until it finishes. The stored bids and
 * their cleanup timers come back from the checkpoint, so what it finally committed must be
 * exactly what a failure-free run commits, and no committed file may change after a kill. Set
 * CHAOS_SEED to replay a failing sequence of kills; the seed is in every assertion message.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { readCommitted } from '../support/exactly-once.js';
import {
  changedCommittedFiles,
  chaosSeed,
  committedHashes,
  RunTracker,
  refusedAsFinished,
  SeededRandom,
  sleep,
} from './chaos-run.js';
import { declareTables, JOIN_CLEANUP_QUERY } from './fixtures/sql-join-cleanup-chaos-job.js';

const FILE = 'test/chaos/fixtures/sql-join-cleanup-chaos-job.ts';
const EVENTS = 6000;
/** Rows per second while killed: a run needs at least 3 s, so kills land mid-stream. */
const RATE = 2000;
const KILLS = 3;

const { scratch, start, cleanup } = new RunTracker('weir-sql-join-chaos-');
afterAll(cleanup);

// Test timeouts only catch a hung run: each of the five `weir run`s costs seconds of CPU to
// start, and on a loaded two-core machine many times that in wall time.
describe('a regular join with state cleanup under kill -9', () => {
  it('plans the cleanup of the stored bids', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    declareTables(tEnv, String(EVENTS), 'Infinity', scratch());
    expect(tEnv.explainSql(JOIN_CLEANUP_QUERY)).toContain('leftStateCleanup=[watermark >= dateTime + 1000ms');
  });

  it('commits exactly the rows of a failure-free run', async () => {
    const seed = chaosSeed();
    const random = new SeededRandom(seed);
    const why = `CHAOS_SEED=${seed}`;
    const jobArgs = (rate: string, sinkDir: string) => ['--', String(EVENTS), rate, sinkDir];

    // The failure-free run goes alongside the killed ones: they share nothing but the machine.
    const referenceDir = join(scratch(), 'out');
    const reference = start([FILE, '--port', '0', '-q', ...jobArgs('Infinity', referenceDir)]);

    const dir = scratch();
    const sinkDir = join(dir, 'out');
    const args = [
      FILE,
      '--checkpoint-dir',
      join(dir, 'checkpoints'),
      '--checkpoint-interval',
      '100',
      '--restore',
      'latest',
      '--port',
      '0',
      '-q',
      ...jobArgs(String(RATE), sinkDir),
    ];
    const snapshots: Map<string, string>[] = [];
    let landed = 0;
    for (let k = 0; k < KILLS; k++) {
      const run = start(args);
      await run.started;
      await sleep(random.int(300, 1800));
      if (run.kill()) landed++;
      const end = await run.ended;
      expect(
        end.code === 0 || end.signal === 'SIGKILL' || refusedAsFinished(end),
        `${why}: ${end.stderr}`,
      ).toBe(true);
      snapshots.push(committedHashes(sinkDir));
    }
    const end = await start(args).ended;
    expect(end.code === 0 || refusedAsFinished(end), `${why}: ${end.stderr}`).toBe(true);
    snapshots.push(committedHashes(sinkDir));

    const referenceEnd = await reference.ended;
    expect(referenceEnd.code, referenceEnd.stderr).toBe(0);
    const expected = readCommitted(referenceDir).sort();
    expect(expected.length).toBeGreaterThan(100);
    expect(landed, why).toBeGreaterThan(0);
    expect(changedCommittedFiles(snapshots), why).toEqual([]);
    expect(readCommitted(sinkDir).sort(), why).toEqual(expected);
  }, 300_000);
});
