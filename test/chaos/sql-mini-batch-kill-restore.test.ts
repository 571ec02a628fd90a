/**
 * Exactly-once for mini-batch SQL aggregation: a SQL INSERT INTO a `filesystem` table (its sink
 * commits on checkpoint completion) of a mini-batch `SELECT DISTINCT` over the `nexmark`
 * connector (a local and a global phase, each with its own bundles), run by `weir run` with
 * checkpoints, killed with SIGKILL (the whole process group) at seeded random moments and
 * resumed with `--restore latest` each time until it finishes. Each kill lands after a
 * checkpoint completed, so restores start from checkpoints whose barriers met open bundles.
 * What it finally committed must be exactly what a failure-free run commits, and no committed
 * file may change after a kill: each bundle is emitted and applied to state before the
 * checkpoint barrier passes. Set CHAOS_SEED to replay a failing sequence of kills; the seed is
 * in every assertion message.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import {
  changedCommittedFiles,
  chaosSeed,
  checkpoints,
  committedHashes,
  SeededRandom,
  sleep,
  RunTracker,
  waitFor,
  refusedAsFinished,
} from './chaos-run.js';

const JOB = 'test/chaos/fixtures/sql-mini-batch-chaos-job.ts';
const EVENTS = 6000;
/** Rows per second while killed: a run needs at least 3 s, so early kills land mid-stream. */
const RATE = 2000;
const KILLS = 3;

const { scratch, start, cleanup } = new RunTracker('weir-sql-mini-batch-chaos-');
afterAll(cleanup);

describe('a mini-batch SQL aggregate under kill -9', () => {
  it.each(['auto'])(
    '%s: commits exactly the rows of a failure-free run',
    async (phase) => {
      const seed = chaosSeed();
      const random = new SeededRandom(seed);
      const why = `CHAOS_SEED=${seed}`;

      const referenceDir = join(scratch(), 'out');
      const reference = start([
        JOB,
        '--port',
        '0',
        '-q',
        '--',
        String(EVENTS),
        'Infinity',
        referenceDir,
        phase,
      ]);
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
        phase,
      ];
      const jobCheckpoints = join(dir, 'checkpoints', 'sql-mini-batch-chaos');
      const latestComplete = () =>
        Math.max(
          0,
          ...checkpoints(jobCheckpoints)
            .filter((c) => c.complete)
            .map((c) => c.id),
        );
      const snapshots: Map<string, string>[] = [];
      let landed = 0;
      for (let k = 0; k < KILLS; k++) {
        const run = start(args);
        await run.started;
        // Kill after a checkpoint completed, so the restore starts from one taken mid-stream
        // (with bundles open at its barrier) rather than afresh.
        const before = latestComplete();
        await waitFor(() => latestComplete() > before, run, 20_000);
        await sleep(random.int(0, 600));
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
    },
    120_000,
  );
});
