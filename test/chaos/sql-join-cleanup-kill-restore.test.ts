/**
 * Exactly-once for a regular join that drops state by the watermark (q7's shape,
 * `leftStateCleanup`): the job of `fixtures/sql-join-cleanup-chaos-job.ts`, run by `weir run`
 * with checkpoints every 100 ms, killed with SIGKILL (the whole process group) at seeded random
 * moments and resumed with `--restore latest` each time until it finishes. The stored bids and
 * their cleanup timers come back from the checkpoint, so what it finally committed must be
 * exactly what a failure-free run commits, and no committed file may change after a kill. Set
 * CHAOS_SEED to replay a failing sequence of kills; the seed is in every assertion message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { RunTracker } from './chaos-run.js';
import { declareTables, JOIN_CLEANUP_QUERY } from './fixtures/sql-join-cleanup-chaos-job.js';
import { expectFileSinkExactUnderKills } from './kill-loop.js';

const EVENTS = 6000;

const tracker = new RunTracker('weir-sql-join-chaos-');
afterAll(tracker.cleanup);

// Test timeouts only catch a hung run: each of the five `weir run`s costs seconds of CPU to
// start, and on a loaded two-core machine many times that in wall time.
describe('a regular join with state cleanup under kill -9', () => {
  it('plans the cleanup of the stored bids', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    declareTables(tEnv, String(EVENTS), 'Infinity', tracker.scratch());
    expect(tEnv.explainSql(JOIN_CLEANUP_QUERY)).toContain('leftStateCleanup=[watermark >= dateTime + 1000ms');
  });

  it('commits exactly the rows of a failure-free run', async () => {
    await expectFileSinkExactUnderKills(tracker, {
      file: 'test/chaos/fixtures/sql-join-cleanup-chaos-job.ts',
      events: EVENTS,
      // Rows per second while killed: a run needs at least 3 s, so kills land mid-stream.
      rate: 2000,
      kills: 3,
      killWithinMs: [300, 1800],
    });
  }, 300_000);
});
