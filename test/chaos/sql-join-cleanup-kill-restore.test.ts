/**
 * Exactly-once for a regular join that drops state by the watermark (q7's shape,
 * `leftStateCleanup`): the job of `fixtures/sql-join-cleanup-chaos-job.ts`, run by `weir run`
 * with checkpoints every 100 ms, killed with SIGKILL (the whole process group) a seeded while
 * after the run committed rows and resumed with `--restore latest` each time until it finishes.
 * The bids wait in memory (`expiring-buffer.ts`) and each checkpoint takes them there as union
 * operator state (`expiring-buffer-state.ts`); they come back from the checkpoint into memory,
 * and the bids that arrived after it are read again from the source, so what
 * it finally committed must be exactly what a failure-free run commits, and no committed file
 * may change after a kill. Windows close every 100 events and parts are small, so the job commits from its
 * first checkpoints on and every kill lands after a commit: a run that started afresh instead
 * of restoring would write those rows twice. Set CHAOS_SEED to replay a failing sequence of
 * kills; the seed is in every assertion message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, TableEnvironment } from '../../src/index.js';
import { RunTracker } from './chaos-run.js';
import { declareTables, JOIN_CLEANUP_QUERY } from './fixtures/sql-join-cleanup-chaos-job.js';
import { expectFileSinkExactUnderKills } from './kill-loop.js';

const EVENTS = 12_000;

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
      // At most 4,000 rows a second while killed: 3 s of input. A kill comes at most 400 ms
      // after its run's first commit (a few checkpoints in), so the first one always lands
      // mid-stream; a later one may find the input done, which the loop allows.
      rate: 4000,
      kills: 3,
      killWithinMs: [0, 400],
    });
  }, 300_000);
});
