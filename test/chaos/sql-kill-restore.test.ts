/**
 * Exactly-once for SQL: a SQL INSERT INTO a `filesystem` table (its sink commits on checkpoint
 * completion) over the `nexmark` connector, run by `weir run` with checkpoints, killed with
 * SIGKILL (the whole process group) a seeded while after the run committed rows and resumed
 * with `--restore latest` each time until it finishes. What it finally committed must be
 * exactly what a failure-free run commits, and no committed file may change after a kill. Both
 * jobs commit rows from their first checkpoints on (small parts), so every kill lands after a
 * commit: a run that started afresh instead of restoring would write those rows twice.
 *
 * Three jobs: a tumbling-window aggregate; a window join, whose rows wait in memory until a
 * barrier moves them into keyed state; and a mini-batch `SELECT DISTINCT` (a local and a
 * global phase, each with its own bundles), whose restores start from checkpoints whose
 * barriers met open bundles: each bundle must be emitted and applied to state before the
 * barrier passes. Set CHAOS_SEED to replay a failing sequence of kills; the seed is in every
 * assertion message.
 */
import { afterAll, describe, it } from 'vitest';
import { RunTracker } from './chaos-run.js';
import { expectFileSinkExactUnderKills } from './kill-loop.js';

const KILLS = 3;

const tracker = new RunTracker('weir-sql-chaos-');
afterAll(tracker.cleanup);

// Test timeouts only catch a hung run: each of the five `weir run`s per test costs seconds of
// CPU to start, and on a loaded two-core machine many times that in wall time.
describe('SQL INSERT INTO a filesystem table under kill -9', () => {
  it('a window aggregate commits exactly the rows of a failure-free run', async () => {
    await expectFileSinkExactUnderKills(tracker, {
      file: 'test/chaos/fixtures/sql-chaos-job.ts',
      // At most 4,000 rows a second while killed: 3 s of input. A kill comes at most 400 ms
      // after its run's first commit (a few checkpoints in), so the first one always lands
      // mid-stream; a later one may find the input done, which the loop allows.
      events: 12_000,
      rate: 4000,
      kills: KILLS,
      killWithinMs: [0, 400],
    });
  }, 300_000);

  it('a window join commits exactly the rows of a failure-free run', async () => {
    await expectFileSinkExactUnderKills(tracker, {
      file: 'test/chaos/fixtures/sql-window-join-chaos-job.ts',
      events: 12_000,
      rate: 4000,
      kills: KILLS,
      killWithinMs: [0, 400],
    });
  }, 300_000);

  it('a two-phase mini-batch aggregate commits exactly the rows of a failure-free run', async () => {
    await expectFileSinkExactUnderKills(tracker, {
      file: 'test/chaos/fixtures/sql-mini-batch-chaos-job.ts',
      events: 6000,
      // Rows per second while killed: a run needs at least 3 s, so kills land mid-stream. Rows
      // go out with each bundle, so a run commits from its first checkpoints on.
      rate: 2000,
      kills: KILLS,
      extraArgs: ['auto'],
      killWithinMs: [0, 600],
    });
  }, 300_000);
});
