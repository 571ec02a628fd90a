/**
 * Exactly-once for SQL: a SQL INSERT INTO a `filesystem` table (its sink commits on checkpoint
 * completion) over the `nexmark` connector, run by `weir run` with checkpoints, killed with
 * SIGKILL (the whole process group) at seeded random moments and resumed with
 * `--restore latest` each time until it finishes. What it finally committed must be exactly
 * what a failure-free run commits, and no committed file may change after a kill.
 *
 * Two jobs: a tumbling-window aggregate, and a mini-batch `SELECT DISTINCT` (a local and a
 * global phase, each with its own bundles) whose kills land after a checkpoint completed, so
 * restores start from checkpoints whose barriers met open bundles: each bundle must be emitted
 * and applied to state before the barrier passes. Set CHAOS_SEED to replay a failing sequence
 * of kills; the seed is in every assertion message.
 */
import { afterAll, describe, it } from 'vitest';
import { RunTracker } from './chaos-run.js';
import { expectFileSinkExactUnderKills } from './kill-loop.js';

const EVENTS = 6000;
/** Rows per second while killed: a run needs at least 3 s, so early kills land mid-stream. */
const RATE = 2000;
const KILLS = 3;

const tracker = new RunTracker('weir-sql-chaos-');
afterAll(tracker.cleanup);

// Test timeouts only catch a hung run: each of the five `weir run`s per test costs seconds of
// CPU to start, and on a loaded two-core machine many times that in wall time.
describe('SQL INSERT INTO a filesystem table under kill -9', () => {
  it('a window aggregate commits exactly the rows of a failure-free run', async () => {
    await expectFileSinkExactUnderKills(tracker, {
      file: 'test/chaos/fixtures/sql-chaos-job.ts',
      events: EVENTS,
      rate: RATE,
      kills: KILLS,
      killWithinMs: [150, 1200],
    });
  }, 300_000);

  it('a two-phase mini-batch aggregate commits exactly the rows of a failure-free run', async () => {
    await expectFileSinkExactUnderKills(tracker, {
      file: 'test/chaos/fixtures/sql-mini-batch-chaos-job.ts',
      events: EVENTS,
      rate: RATE,
      kills: KILLS,
      extraArgs: ['auto'],
      killAfterCheckpointOf: 'sql-mini-batch-chaos',
      killWithinMs: [0, 600],
    });
  }, 300_000);
});
