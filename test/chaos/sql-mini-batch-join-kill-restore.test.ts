/**
 * Exactly-once for the mini-batch regular join: the job of
 * `fixtures/sql-mini-batch-join-chaos-job.ts` (bids joined with their auctions, bundles of up to
 * 300 rows in memory), run by `weir run` with checkpoints every 100 ms, killed with SIGKILL a
 * seeded while after the run committed rows and resumed with `--restore latest` each time until
 * it finishes. Each barrier closes the open bundle before it passes, so the checkpoint holds the
 * bundle's rows in the join's state and the source's offsets past them; rows that were only in a
 * bundle when the process died are read again. What it finally committed must be exactly what a
 * failure-free run commits, and no committed file may change after a kill. Set CHAOS_SEED to
 * replay a failing sequence of kills; the seed is in every assertion message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { RunTracker } from './chaos-run.js';
import { declareTables, MINI_BATCH_JOIN_QUERY } from './fixtures/sql-mini-batch-join-chaos-job.js';
import { expectFileSinkExactUnderKills } from './kill-loop.js';

const EVENTS = 12_000;

const tracker = new RunTracker('weir-sql-mini-batch-join-chaos-');
afterAll(tracker.cleanup);

describe('a mini-batch regular join under kill -9', () => {
  it('plans the join in bundles', () => {
    const tEnv = TableEnvironment.create(StreamExecutionEnvironment.getExecutionEnvironment());
    declareTables(tEnv, String(EVENTS), 'Infinity', tracker.scratch());
    const plan = tEnv.explainSql(MINI_BATCH_JOIN_QUERY);
    expect(plan.match(/MiniBatchAssigner\(interval=\[3600000ms\]/g)).toHaveLength(2);
  });

  // Test timeouts only catch a hung run: each `weir run` costs seconds of CPU to start, and on
  // a loaded two-core machine many times that in wall time.
  it('commits exactly the rows of a failure-free run', async () => {
    await expectFileSinkExactUnderKills(tracker, {
      file: 'test/chaos/fixtures/sql-mini-batch-join-chaos-job.ts',
      events: EVENTS,
      rate: 4000,
      kills: 3,
      killWithinMs: [0, 400],
    });
  }, 300_000);
});
