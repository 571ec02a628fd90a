/**
 * One kill -9 scenario of a job that writes through the two-phase-commit FileSink: its scratch
 * directories (checkpoints, committed output), its seeded random source, the `weir run`s it
 * started and a snapshot of the committed files after each of them. The kill helpers here are
 * the moments the chaos tests aim at — right after the start, mid-stream, as a checkpoint
 * directory appears, as the sink commits, and near the end — so a test file says only which
 * job it runs, in which order it kills, and what the output must be.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type TestContext } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import {
  changedCommittedFiles,
  checkpoints,
  committedHashes,
  refusedAsFinished,
  SeededRandom,
  sleep,
  WeirProcess,
  waitFor,
} from './chaos-run.js';

/** Where a seeded early kill lands; see {@link ChaosScenario.killAt}. */
export type Moment = 'restoring' | 'processing' | 'checkpoint' | 'commit';

/** Every early-kill moment, for `random.pick`. */
export const MOMENTS: readonly Moment[] = ['restoring', 'processing', 'checkpoint', 'commit'];

/**
 * A scenario in a fresh temporary directory. Create it with {@link ChaosScenario.create}, which
 * kills its runs and removes the directory when the test finishes, whether it passed or not.
 */
export class ChaosScenario {
  readonly checkpointDir: string;
  /** The FileSink's directory: what `readCommitted` reads. */
  readonly sinkDir: string;
  readonly random: SeededRandom;
  /** The committed files (path → hash) after each run ended, oldest first. */
  readonly snapshots: Map<string, string>[] = [];
  /** Every run started, oldest first; those still running are killed when the test ends. */
  readonly runs: WeirProcess[] = [];

  private constructor(
    dir: string,
    readonly seed: number,
    /** The job's name, which names its directory under `checkpointDir`. */
    private readonly jobName: string,
  ) {
    this.checkpointDir = join(dir, 'checkpoints');
    this.sinkDir = join(dir, 'out');
    this.random = new SeededRandom(seed);
  }

  /** A scenario under a new `prefix…` directory, torn down when the test `t` finishes. */
  static create(t: TestContext, prefix: string, jobName: string, seed: number): ChaosScenario {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const s = new ChaosScenario(dir, seed, jobName);
    t.onTestFinished(async () => {
      for (const run of s.runs) {
        run.kill();
        await run.ended;
      }
      rmSync(dir, { recursive: true, force: true });
    });
    return s;
  }

  /** Starts `weir run` with `args` (see `weirRunArgs`), tracked for teardown. */
  start(args: readonly string[]): WeirProcess {
    const run = new WeirProcess(args);
    this.runs.push(run);
    return run;
  }

  /** The job's checkpoints, newest first. */
  jobCheckpoints(): ReturnType<typeof checkpoints> {
    return checkpoints(join(this.checkpointDir, this.jobName));
  }

  /** Records the committed files as they are now. */
  snapshot(): void {
    this.snapshots.push(committedHashes(this.sinkDir));
  }

  /** The committed files that changed between snapshots: must be none. */
  changedFiles(): string[] {
    return changedCommittedFiles(this.snapshots);
  }

  /**
   * Kills `run` (unless it ended), waits for it and snapshots the committed files. A run that
   * ended other than by the kill must have exited with 0, or been refused because the job had
   * finished. Returns whether the kill landed while it ran.
   */
  async finishKill(run: WeirProcess): Promise<boolean> {
    const killed = run.kill();
    const end = await run.ended;
    // A restore after a run that reached the end of its input is refused: the job is done, and
    // the output checks that follow prove its output complete.
    if (end.signal !== 'SIGKILL' && end.code !== 0 && !refusedAsFinished(end))
      throw new Error(`a run failed on its own (${end.code} ${end.signal}): ${end.stderr}`);
    this.snapshot();
    return killed && end.signal === 'SIGKILL';
  }

  /**
   * Starts a run with `launch` and kills it at `moment`: soon after it starts (restoring), at a
   * random time (processing), as soon as a checkpoint directory appears or completes that was
   * not there (checkpoint), or as soon as the number of committed files changes (commit) —
   * never later than `capMs` after the start. Returns whether the kill landed before the run
   * ended on its own.
   */
  async killAt(moment: Moment, launch: () => WeirProcess, capMs: number): Promise<boolean> {
    const checkpointsBefore = new Set(this.jobCheckpoints().map((c) => `${c.id}/${c.complete}`));
    const committedBefore = committedHashes(this.sinkDir).size;
    const run = launch();
    await run.started;
    const jitter = this.random.int(0, 2);
    switch (moment) {
      case 'restoring':
        await sleep(this.random.int(0, 30));
        break;
      case 'processing':
        await sleep(this.random.int(30, capMs));
        break;
      case 'checkpoint':
        await waitFor(
          () => this.jobCheckpoints().some((c) => !checkpointsBefore.has(`${c.id}/${c.complete}`)),
          run,
          capMs,
        );
        await sleep(jitter);
        break;
      case 'commit':
        await waitFor(() => committedHashes(this.sinkDir).size !== committedBefore, run, capMs);
        await sleep(jitter);
        break;
    }
    return this.finishKill(run);
  }

  /**
   * `kills` early kills, the first at 'restoring' and the rest at seeded random moments; returns
   * the moments in order and how many kills landed mid-stream.
   */
  async killEarly(
    kills: number,
    launch: () => WeirProcess,
    capMs: number,
  ): Promise<{ moments: Moment[]; landed: number }> {
    const moments: Moment[] = [];
    let landed = 0;
    for (let k = 0; k < kills; k++) {
      const moment = k === 0 ? 'restoring' : this.random.pick(MOMENTS);
      moments.push(moment);
      if (await this.killAt(moment, launch, capMs)) landed++;
    }
    return { moments, landed };
  }

  /**
   * Starts a run with `launch` and kills it near the end: once 85% of `expectedLines` are
   * committed under `committedDir`, at the next change of the checkpoint directory or the
   * committed files, which is where the last checkpoints and the final commit happen. The run
   * may finish first; that is fine too. Returns whether the kill landed.
   */
  async killNearTheEnd(
    launch: () => WeirProcess,
    committedDir: string,
    expectedLines: number,
  ): Promise<boolean> {
    const run = launch();
    await run.started;
    await waitFor(
      () => existsSync(committedDir) && readCommitted(committedDir).length >= expectedLines * 0.85,
      run,
      10_000,
    );
    const seen = JSON.stringify(this.jobCheckpoints());
    const committed = committedHashes(this.sinkDir).size;
    await waitFor(
      () =>
        JSON.stringify(this.jobCheckpoints()) !== seen || committedHashes(this.sinkDir).size !== committed,
      run,
      2_000,
    );
    return this.finishKill(run);
  }

  /**
   * Lets a run started with `launch` finish, snapshots the committed files and returns its
   * stderr. It must exit with 0, or be refused because the run before it already reached the
   * end of its input (a kill that came too late): the output checks that follow prove the
   * output complete then. `context` (or what it returns once the run ended) heads the message.
   */
  async runToTheEnd(launch: () => WeirProcess, context: string | (() => string) = ''): Promise<string> {
    const end = await launch().ended;
    const at = typeof context === 'string' ? context : context();
    expect(
      end.code === 0 || refusedAsFinished(end),
      `${at === '' ? '' : `${at}: `}the last run failed: ${end.stderr}`,
    ).toBe(true);
    this.snapshot();
    return end.stderr;
  }
}
