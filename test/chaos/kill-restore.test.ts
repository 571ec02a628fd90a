/**
 * The chaos suite: `weir run` is killed with SIGKILL, whole process group at once, at seeded
 * random moments — while it restores, while it processes, right as a checkpoint directory
 * appears, right as the sink commits, and near the end, where operators finish and the final
 * checkpoint commits what they emitted — and resumed with `--restore latest` each time. What the FileSink finally committed must be
 * exactly what a failure-free run commits, and no committed file may ever change.
 *
 * Every kill before the last ones lands at most KILL_CAP_MS after the run started, and the
 * generator's rate lets no run get through more than a fraction of the events in that time,
 * so those kills land mid-stream whatever the machine's speed. Set CHAOS_SEED to replay a
 * failing sequence of kills; the seed is in every assertion message.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { type Counted, checkSequences, readCommitted } from '../support/exactly-once.js';
import {
  changedCommittedFiles,
  chaosSeed,
  checkpoints,
  committedHashes,
  SeededRandom,
  sleep,
  waitFor,
  WeirProcess,
  refusedAsFinished,
} from './chaos-run.js';
import { CHAOS_JOB_NAME } from './fixtures/chaos-job.js';

const JOB = 'test/chaos/fixtures/chaos-job.ts';
const KEYS = 7;
const EVENTS = 6000;
/** Events per second: a failure-free run takes 2 s. */
const RATE = 3000;
const INTERVAL_MS = 60;
/** Early kills come at most this long after a run started: 5 × (300 ms × 3000/s + a burst of 300) < EVENTS. */
const KILL_CAP_MS = 300;
const EARLY_KILLS = 5;
/**
 * How long a run may take to complete the checkpoints a test waits for: a bound for a broken
 * run, not a speed expectation (on a loaded machine the first one can take many seconds).
 */
const COMPLETION_CAP_MS = 60_000;
/** A checkpoint interval no test outlasts: a run started with it takes no periodic checkpoint. */
const NO_CHECKPOINT_INTERVAL_MS = 3_600_000;

type JobKind = 'sequence' | 'window';

const referenceDirs: string[] = [];
afterAll(() => {
  for (const dir of referenceDirs) rmSync(dir, { recursive: true, force: true });
});

/** One chaos scenario's directories and settings. */
type Backend = 'heap' | 'disk';

interface Scenario {
  readonly kind: JobKind;
  readonly parallelism: number;
  /** The disk backend takes incremental checkpoints, so restores go through shared blobs. */
  readonly backend: Backend;
  readonly checkpointDir: string;
  readonly sinkDir: string;
  readonly random: SeededRandom;
  /** Committed files after each kill and at the end. */
  readonly snapshots: Map<string, string>[];
  /** Its runs; those still running are killed when the test ends. */
  readonly runs: WeirProcess[];
}

/** A scenario in a fresh directory, removed with its runs when the test `t` finishes. */
function scenario(
  t: TestContext,
  kind: JobKind,
  parallelism: number,
  seed: number,
  backend: Backend = 'heap',
): Scenario {
  const dir = mkdtempSync(join(tmpdir(), 'weir-chaos-'));
  const s: Scenario = {
    kind,
    parallelism,
    backend,
    checkpointDir: join(dir, 'checkpoints'),
    sinkDir: join(dir, 'out'),
    random: new SeededRandom(seed),
    snapshots: [],
    runs: [],
  };
  t.onTestFinished(async () => {
    for (const run of s.runs) {
      run.kill();
      await run.ended;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return s;
}

function jobArgs(kind: JobKind, rate: number, sinkDir: string, parallelism: number): string[] {
  return ['--', kind, String(EVENTS), String(KEYS), String(rate), sinkDir, String(parallelism)];
}

function start(s: Scenario, restore = 'latest', interval = INTERVAL_MS): WeirProcess {
  const run = new WeirProcess([
    JOB,
    '--checkpoint-dir',
    s.checkpointDir,
    '--checkpoint-interval',
    String(interval),
    '--restore',
    restore,
    // One worker thread per subtask, whatever the machine's cores: at parallelism 2 the keyed
    // exchange, barriers and commits cross threads.
    '--slots',
    String(s.parallelism),
    '--state-backend',
    s.backend,
    '--port',
    '0',
    '-q',
    ...jobArgs(s.kind, RATE, s.sinkDir, s.parallelism),
  ]);
  s.runs.push(run);
  return run;
}

const jobCheckpoints = (s: Scenario) => checkpoints(join(s.checkpointDir, CHAOS_JOB_NAME));

/** The committed output of a failure-free run without checkpoints, as fast as it goes. */
const references = new Map<string, Promise<string[]>>();
function reference(kind: JobKind, parallelism: number): Promise<string[]> {
  const key = `${kind}/${parallelism}`;
  let lines = references.get(key);
  if (lines === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'weir-chaos-reference-'));
    referenceDirs.push(dir);
    const sinkDir = join(dir, 'out');
    const run = new WeirProcess([JOB, '--port', '0', '-q', ...jobArgs(kind, Infinity, sinkDir, parallelism)]);
    lines = run.ended.then((end) => {
      if (end.code !== 0) throw new Error(`the reference run failed (${end.code}): ${end.stderr}`);
      return readCommitted(sinkDir);
    });
    references.set(key, lines);
  }
  return lines;
}

type Moment = 'restoring' | 'processing' | 'checkpoint' | 'commit';
const MOMENTS: readonly Moment[] = ['restoring', 'processing', 'checkpoint', 'commit'];

/**
 * Starts a run and kills it at `moment`: right after it starts (restoring), at a random time
 * (processing), as soon as a checkpoint directory appears that was not there (checkpoint), or as
 * soon as the committed files change (commit) — never later than KILL_CAP_MS after the start.
 * Returns whether the kill landed before the run ended on its own.
 */
async function killAt(s: Scenario, moment: Moment): Promise<boolean> {
  const checkpointsBefore = new Set(jobCheckpoints(s).map((c) => `${c.id}/${c.complete}`));
  const committedBefore = committedHashes(s.sinkDir).size;
  const run = start(s);
  await run.started;
  const jitter = s.random.int(0, 2);
  switch (moment) {
    case 'restoring':
      await sleep(s.random.int(0, 30));
      break;
    case 'processing':
      await sleep(s.random.int(30, KILL_CAP_MS));
      break;
    case 'checkpoint':
      await waitFor(
        () => jobCheckpoints(s).some((c) => !checkpointsBefore.has(`${c.id}/${c.complete}`)),
        run,
        KILL_CAP_MS,
      );
      await sleep(jitter);
      break;
    case 'commit':
      await waitFor(() => committedHashes(s.sinkDir).size !== committedBefore, run, KILL_CAP_MS);
      await sleep(jitter);
      break;
  }
  return finishKill(s, run);
}

/**
 * Starts a run and kills it near the end: once `expectedLines` are nearly all committed, at the
 * next change of the checkpoint directory or the committed files, which is where the last
 * checkpoints and the final commit happen. The run may finish first; that is fine too.
 */
async function killNearTheEnd(s: Scenario, expectedLines: number): Promise<boolean> {
  const run = start(s);
  await run.started;
  await waitFor(
    () => existsSync(s.sinkDir) && readCommitted(s.sinkDir).length >= expectedLines * 0.85,
    run,
    10_000,
  );
  const seen = JSON.stringify(jobCheckpoints(s));
  const committed = committedHashes(s.sinkDir).size;
  await waitFor(
    () => JSON.stringify(jobCheckpoints(s)) !== seen || committedHashes(s.sinkDir).size !== committed,
    run,
    2_000,
  );
  return finishKill(s, run);
}

async function finishKill(s: Scenario, run: WeirProcess): Promise<boolean> {
  const killed = run.kill();
  const end = await run.ended;
  if (!killed && end.code !== 0)
    throw new Error(`a run failed on its own (${end.code} ${end.signal}): ${end.stderr}`);
  s.snapshots.push(committedHashes(s.sinkDir));
  return killed && end.signal === 'SIGKILL';
}

/** Lets a run finish and returns its stderr; it must exit with 0. */
async function runToTheEnd(s: Scenario, restore = 'latest'): Promise<string> {
  const end = await start(s, restore).ended;
  // The run killed near the end may have finished first: then --restore latest is refused, as
  // for any finished job, and the output checks that follow prove it is complete.
  expect(end.code === 0 || refusedAsFinished(end), `the last run failed: ${end.stderr}`).toBe(true);
  s.snapshots.push(committedHashes(s.sinkDir));
  return end.stderr;
}

/** Checks the committed output against the failure-free run's. */
function expectExactOutput(s: Scenario, referenceLines: readonly string[], context: string): void {
  const lines = readCommitted(s.sinkDir);
  if (s.kind === 'sequence') {
    const records = lines.map((line) => JSON.parse(line) as Counted);
    expect(checkSequences(records, KEYS, EVENTS / KEYS), context).toEqual({
      total: EVENTS,
      lost: 0,
      duplicates: 0,
      reordered: 0,
    });
  }
  expect([...lines].sort(), context).toEqual([...referenceLines].sort());
  expect(changedCommittedFiles(s.snapshots), `${context}: committed files changed`).toEqual([]);
}

// Test timeouts only catch a hung run: each `weir run` costs seconds of CPU to start, and on a
// loaded two-core machine it takes many times that in wall time.
describe.concurrent('kill -9 of the whole weir run process group, resumed with --restore latest', () => {
  const jobs: [JobKind, number, Backend][] = [
    ['sequence', 1, 'heap'],
    ['sequence', 2, 'heap'],
    ['window', 1, 'heap'],
    ['window', 2, 'heap'],
    ['sequence', 2, 'disk'],
  ];
  it.for(jobs)(
    '%s job at parallelism %i on the %s backend: the committed output equals a failure-free run',
    // Seven runs per scenario, all scenarios at once, on two cores beside the other test files.
    { timeout: 300_000 },
    async ([kind, parallelism, backend], t) => {
      const seed = chaosSeed();
      const context = `${kind} p=${parallelism} ${backend} CHAOS_SEED=${seed}`;
      const s = scenario(t, kind, parallelism, seed, backend);
      const expected = await reference(kind, parallelism);
      const moments: string[] = [];
      let midStream = 0;
      for (let k = 0; k < EARLY_KILLS; k++) {
        const moment = k === 0 ? 'restoring' : s.random.pick(MOMENTS);
        moments.push(moment);
        if (await killAt(s, moment)) midStream++;
      }
      moments.push('near the end');
      await killNearTheEnd(s, expected.length);
      await runToTheEnd(s);
      const at = `${context}, kills at ${moments.join(', ')}`;
      // The early kills cannot all come after the end: the rate leaves too many events.
      expect(midStream, at).toBe(EARLY_KILLS);
      expectExactOutput(s, expected, at);
    },
  );

  it('restoring twice from the same checkpoint does not duplicate output', async (t) => {
    const seed = chaosSeed();
    const s = scenario(t, 'sequence', 2, seed);
    const context = `CHAOS_SEED=${seed}`;
    const expected = await reference('sequence', 2);
    // Run until a checkpoint completed, then kill. The run lasts at least EVENTS / RATE, so the
    // kill lands mid-stream however long the machine takes to complete that checkpoint.
    const first = start(s);
    await first.started;
    const checkpointed = await waitFor(
      () => jobCheckpoints(s).some((c) => c.complete),
      first,
      COMPLETION_CAP_MS,
    );
    expect(checkpointed, `${context}: no checkpoint completed before the run ended`).toBe(true);
    await sleep(s.random.int(0, 50));
    expect(await finishKill(s, first), context).toBe(true);
    const newest = jobCheckpoints(s).find((c) => c.complete)!;

    // Restore from it and kill again before the run takes a checkpoint of its own: its interval
    // is longer than the test may run, so none can complete whatever the machine's load.
    const second = start(s, newest.path, NO_CHECKPOINT_INTERVAL_MS);
    await second.started;
    await sleep(s.random.int(100, 300));
    expect(await finishKill(s, second), context).toBe(true);
    expect(jobCheckpoints(s).find((c) => c.complete)?.id, context).toBe(newest.id);

    const stderr = await runToTheEnd(s, newest.path);
    expect(stderr).toContain(`from checkpoint ${newest.id} at ${newest.path}`);
    expectExactOutput(s, expected, context);
  }, 300_000);

  it('restoring the final checkpoint of a finished run (a kill after it completed, before the run recorded the end) commits nothing twice', async (t) => {
    const seed = chaosSeed();
    const s = scenario(t, 'window', 2, seed);
    const context = `CHAOS_SEED=${seed}`;
    const expected = await reference('window', 2);
    await runToTheEnd(s);
    // The newest checkpoint of a finished run is its final one: taken after every operator
    // finished, so it holds what they emitted at the end, committed and marked finished.
    const final = jobCheckpoints(s).find((c) => c.complete)!;
    const stderr = await runToTheEnd(s, final.path);
    expect(stderr, context).toContain(`from checkpoint ${final.id} at ${final.path}`);
    expectExactOutput(s, expected, context);
  }, 300_000);

  it('a truncated or corrupt state file in the newest checkpoint is skipped with a warning, and the restore falls back to the one before', async (t) => {
    const seed = chaosSeed();
    const s = scenario(t, 'sequence', 1, seed);
    const expected = await reference('sequence', 1);
    const run = start(s);
    await run.started;
    const checkpointed = await waitFor(
      () => jobCheckpoints(s).filter((c) => c.complete).length >= 2,
      run,
      COMPLETION_CAP_MS,
    );
    expect(checkpointed, `CHAOS_SEED=${seed}: two checkpoints did not complete before the run ended`).toBe(
      true,
    );
    await sleep(s.random.int(0, 50));
    expect(await finishKill(s, run), `CHAOS_SEED=${seed}`).toBe(true);

    const [newest, previous] = jobCheckpoints(s).filter((c) => c.complete);
    const metadata = readFileSync(join(newest!.path, '_metadata'), 'utf8');
    type FileRef = { file: string; length: number } | null;
    const body = JSON.parse(metadata.slice(metadata.indexOf('\n') + 1)) as {
      operators: { subtasks: FileRef[]; coordinator: FileRef }[];
    };
    const stateFiles = body.operators
      .flatMap((op) => [...op.subtasks, op.coordinator])
      .filter((ref) => ref !== null);
    const victim = s.random.pick(stateFiles);
    const victimPath = join(newest!.path, victim.file);
    const fault = s.random.next() < 0.5 ? 'truncated' : 'flipped';
    if (fault === 'truncated') truncateSync(victimPath, Math.floor(victim.length / 2));
    else {
      const bytes = readFileSync(victimPath);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      writeFileSync(victimPath, bytes);
    }
    const context = `CHAOS_SEED=${seed}, ${victim.file} ${fault}`;
    const committedAtFault = new Set(readCommitted(s.sinkDir));

    const stderr = await runToTheEnd(s);
    expect(stderr, context).toContain(`skipping checkpoint ${newest!.path}`);
    expect(stderr, context).toContain(`restoring job '${CHAOS_JOB_NAME}' from checkpoint ${previous!.id}`);

    // The skipped checkpoint most likely completed and committed its files before the kill, and
    // restoring the one before it replays those records: no two-phase-commit sink can take a
    // commit back, so the output cannot equal the failure-free one exactly. What must hold:
    // nothing is lost, and a line repeats at most once, and only if it was committed before the
    // fault.
    const lines = readCommitted(s.sinkDir);
    expect(new Set(lines), context).toEqual(new Set(expected));
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1);
    expect(
      repeated.filter(([line, n]) => n > 2 || !committedAtFault.has(line)),
      context,
    ).toEqual([]);
    expect(changedCommittedFiles(s.snapshots), context).toEqual([]);
  }, 300_000);
});
