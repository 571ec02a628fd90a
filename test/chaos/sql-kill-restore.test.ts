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
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import {
  changedCommittedFiles,
  chaosSeed,
  checkpoints,
  committedHashes,
  RunTracker,
  refusedAsFinished,
  SeededRandom,
  sleep,
  waitFor,
} from './chaos-run.js';

const EVENTS = 6000;
/** Rows per second while killed: a run needs at least 3 s, so early kills land mid-stream. */
const RATE = 2000;
const KILLS = 3;

const { scratch, start, cleanup } = new RunTracker('weir-sql-chaos-');
afterAll(cleanup);

interface ChaosJob {
  readonly file: string;
  /** Arguments after the event count, rate and sink directory. */
  readonly extraArgs: readonly string[];
  /** Set to kill only once a checkpoint of this job name completed in the run. */
  readonly killAfterCheckpointOf?: string;
  /** The range of the seeded wait, in ms, from the run's start (or that checkpoint) to the kill. */
  readonly killWithinMs: [number, number];
}

async function expectExactUnderKills(job: ChaosJob): Promise<void> {
  const seed = chaosSeed();
  const random = new SeededRandom(seed);
  const why = `CHAOS_SEED=${seed}`;
  const jobArgs = (rate: string, sinkDir: string) => ['--', String(EVENTS), rate, sinkDir, ...job.extraArgs];

  // The failure-free run goes alongside the killed ones: they share nothing but the machine.
  const referenceDir = join(scratch(), 'out');
  const reference = start([job.file, '--port', '0', '-q', ...jobArgs('Infinity', referenceDir)]);

  const dir = scratch();
  const sinkDir = join(dir, 'out');
  const checkpointDir = join(dir, 'checkpoints');
  const args = [
    job.file,
    '--checkpoint-dir',
    checkpointDir,
    '--checkpoint-interval',
    '100',
    '--restore',
    'latest',
    '--port',
    '0',
    '-q',
    ...jobArgs(String(RATE), sinkDir),
  ];
  const latestComplete = (name: string) =>
    Math.max(
      0,
      ...checkpoints(join(checkpointDir, name))
        .filter((c) => c.complete)
        .map((c) => c.id),
    );
  const snapshots: Map<string, string>[] = [];
  let landed = 0;
  for (let k = 0; k < KILLS; k++) {
    const run = start(args);
    await run.started;
    const name = job.killAfterCheckpointOf;
    if (name !== undefined) {
      const before = latestComplete(name);
      // A bound for a stuck run, not a speed expectation; a kill after the run ended counts as
      // not landed, and at least one must land.
      await waitFor(() => latestComplete(name) > before, run, 60_000);
    }
    await sleep(random.int(...job.killWithinMs));
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
}

// Test timeouts only catch a hung run: each of the five `weir run`s per test costs seconds of
// CPU to start, and on a loaded two-core machine many times that in wall time.
describe('SQL INSERT INTO a filesystem table under kill -9', () => {
  it('a window aggregate commits exactly the rows of a failure-free run', async () => {
    await expectExactUnderKills({
      file: 'test/chaos/fixtures/sql-chaos-job.ts',
      extraArgs: [],
      killWithinMs: [150, 1200],
    });
  }, 300_000);

  it('a two-phase mini-batch aggregate commits exactly the rows of a failure-free run', async () => {
    await expectExactUnderKills({
      file: 'test/chaos/fixtures/sql-mini-batch-chaos-job.ts',
      extraArgs: ['auto'],
      killAfterCheckpointOf: 'sql-mini-batch-chaos',
      killWithinMs: [0, 600],
    });
  }, 300_000);
});
