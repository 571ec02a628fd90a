/**
 * The kill -9 loop of the SQL chaos tests and the `weir run` command lines of every chaos test:
 * a run is started, killed (whole process group) a seeded while after it is ready, restored with
 * `--restore latest`, and so on a set number of times, then one run goes to the end; the output
 * is then compared with a failure-free run's that went alongside. What a test supplies is its
 * job, when a run is ready to be killed, and how to read its output.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import {
  changedCommittedFiles,
  chaosSeed,
  committedFileCount,
  committedHashes,
  type RunTracker,
  refusedAsFinished,
  SeededRandom,
  sleep,
  type WeirProcess,
  waitFor,
} from './chaos-run.js';

/** What one `weir run` of a chaos job is given. */
export interface WeirRunOptions {
  /** The job file, relative to the repository root. */
  readonly job: string;
  /** Without it, the run takes no checkpoints and restores nothing: a failure-free reference. */
  readonly checkpointDir?: string;
  /** ms; 100 unless given. */
  readonly checkpointInterval?: number;
  /** `latest` unless given: a checkpoint path restores that one. */
  readonly restore?: string;
  readonly parallelism?: number;
  /** Worker threads: one per subtask makes the exchange, barriers and commits cross threads. */
  readonly slots?: number;
  readonly stateBackend?: 'heap' | 'disk';
  /** The job's own arguments, after `--`. */
  readonly jobArgs: readonly string[];
}

/** The arguments of `weir run` for `options` (quiet, on a free port). */
export function weirRunArgs(options: WeirRunOptions): string[] {
  const args = [options.job];
  if (options.parallelism !== undefined) args.push('--parallelism', String(options.parallelism));
  if (options.checkpointDir !== undefined)
    args.push(
      '--checkpoint-dir',
      options.checkpointDir,
      '--checkpoint-interval',
      String(options.checkpointInterval ?? 100),
      '--restore',
      options.restore ?? 'latest',
    );
  if (options.slots !== undefined) args.push('--slots', String(options.slots));
  if (options.stateBackend !== undefined) args.push('--state-backend', options.stateBackend);
  args.push('--port', '0', '-q', '--', ...options.jobArgs);
  return args;
}

/** One kill -9 loop; see {@link killThenFinish}. */
export interface KillLoop {
  readonly kills: number;
  /** Starts the next run, which restores the latest checkpoint. */
  readonly launch: () => WeirProcess;
  readonly random: SeededRandom;
  /**
   * Resolves once a run that has printed its start is worth killing (it completed a checkpoint,
   * committed rows…): bounded, for a stuck run, never a speed expectation.
   */
  readonly ready?: (run: WeirProcess) => Promise<void>;
  /** The range of the seeded wait, in ms, from `ready` to the kill. */
  readonly killWithinMs: readonly [number, number];
  /**
   * Records the output after each run ended, the last one included; `killed` tells whether the
   * kill landed while that run still ran.
   */
  readonly snapshot: (killed: boolean) => void;
  /** Names the seed in every assertion message. */
  readonly why: string;
}

/**
 * Runs and kills `loop.kills` times, then lets one run finish; returns how many kills landed
 * while their run still ran. A run killed after it ended must have ended well, and a restore
 * after a run that reached the end of its input is refused: both are accepted, since the
 * output checks that follow prove the output complete then.
 */
export async function killThenFinish(loop: KillLoop): Promise<number> {
  let landed = 0;
  for (let k = 0; k < loop.kills; k++) {
    const run = loop.launch();
    await run.started;
    await loop.ready?.(run);
    await sleep(loop.random.int(...loop.killWithinMs));
    const killed = run.kill();
    if (killed) landed++;
    const end = await run.ended;
    expect(
      end.code === 0 || end.signal === 'SIGKILL' || refusedAsFinished(end),
      `${loop.why}: ${end.stderr}`,
    ).toBe(true);
    loop.snapshot(killed);
  }
  const end = await loop.launch().ended;
  expect(end.code === 0 || refusedAsFinished(end), `${loop.why}: ${end.stderr}`).toBe(true);
  loop.snapshot(false);
  return landed;
}

/** Waits for the failure-free `run`, which must exit with 0, and reads its output with `read`. */
export async function referenceOutput<T>(run: WeirProcess, read: () => T): Promise<T> {
  const end = await run.ended;
  expect(end.code, end.stderr).toBe(0);
  return read();
}

/** A SQL chaos job that writes a `filesystem` table; see {@link expectFileSinkExactUnderKills}. */
export interface SqlFileSinkJob {
  readonly file: string;
  readonly events: number;
  /** Rows per second while killed: slow enough that kills land mid-stream. */
  readonly rate: number;
  readonly kills: number;
  /** Arguments after the event count, rate and sink directory. */
  readonly extraArgs?: readonly string[];
  /** The range of the seeded wait, in ms, from the run's first commit to the kill. */
  readonly killWithinMs: readonly [number, number];
}

/**
 * Runs `job` (arguments `<events> <rate> <sink dir> …extraArgs`) under kill -9 with checkpoints
 * every 100 ms, alongside a failure-free run, and checks that it committed exactly the
 * failure-free run's rows (more than 100), that at least one kill landed after its run
 * committed rows, and that no committed file changed after a kill. Each run is killed a seeded
 * while after it committed a file, which it does only once a checkpoint of it completed: a run
 * that started afresh instead of restoring would commit those rows twice, and the restores
 * start from checkpoints taken mid-stream. The job must commit within its first checkpoints
 * (small parts, windows that close early), or its kills land late in its input. Set
 * CHAOS_SEED to replay a failing sequence of kills.
 */
export async function expectFileSinkExactUnderKills(tracker: RunTracker, job: SqlFileSinkJob): Promise<void> {
  const seed = chaosSeed();
  const why = `CHAOS_SEED=${seed}`;
  const jobArgs = (rate: number, sinkDir: string) => [
    String(job.events),
    String(rate),
    sinkDir,
    ...(job.extraArgs ?? []),
  ];

  // The failure-free run goes alongside the killed ones: they share nothing but the machine.
  const referenceDir = join(tracker.scratch(), 'out');
  const reference = tracker.start(weirRunArgs({ job: job.file, jobArgs: jobArgs(Infinity, referenceDir) }));

  const dir = tracker.scratch();
  const sinkDir = join(dir, 'out');
  const checkpointDir = join(dir, 'checkpoints');
  const args = weirRunArgs({ job: job.file, checkpointDir, jobArgs: jobArgs(job.rate, sinkDir) });
  const snapshots: Map<string, string>[] = [];
  let committedInRun = false;
  let killsAfterCommits = 0;
  await killThenFinish({
    kills: job.kills,
    launch: () => tracker.start(args),
    random: new SeededRandom(seed),
    ready: async (run) => {
      const before = committedFileCount(sinkDir);
      // A kill after the run ended does not count, and at least one must land after a commit.
      committedInRun = await waitFor(() => committedFileCount(sinkDir) > before, run, 60_000);
    },
    killWithinMs: job.killWithinMs,
    snapshot: (killed) => {
      if (killed && committedInRun) killsAfterCommits++;
      snapshots.push(committedHashes(sinkDir));
    },
    why,
  });

  const expected = await referenceOutput(reference, () => readCommitted(referenceDir).sort());
  expect(expected.length).toBeGreaterThan(100);
  expect(killsAfterCommits, `${why}: no kill landed after the run committed rows`).toBeGreaterThan(0);
  expect(changedCommittedFiles(snapshots), why).toEqual([]);
  expect(readCommitted(sinkDir).sort(), why).toEqual(expected);
}
