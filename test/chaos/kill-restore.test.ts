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
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { type Counted, checkSequences, readCommitted } from '../support/exactly-once.js';
import { chaosSeed, sleep, WeirProcess, waitFor } from './chaos-run.js';
import { ChaosScenario } from './chaos-scenario.js';
import { CHAOS_JOB_NAME } from './fixtures/chaos-job.js';
import { weirRunArgs } from './kill-loop.js';

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
/** The disk backend takes incremental checkpoints, so restores go through shared blobs. */
type Backend = 'heap' | 'disk';

const referenceDirs: string[] = [];
afterAll(() => {
  for (const dir of referenceDirs) rmSync(dir, { recursive: true, force: true });
});

/** One chaos scenario: the job it runs, and its directories, seeded kills and snapshots. */
interface Scenario {
  readonly kind: JobKind;
  readonly parallelism: number;
  readonly backend: Backend;
  readonly chaos: ChaosScenario;
}

/** A scenario in a fresh directory, removed with its runs when the test `t` finishes. */
function scenario(
  t: TestContext,
  kind: JobKind,
  parallelism: number,
  seed: number,
  backend: Backend = 'heap',
): Scenario {
  return { kind, parallelism, backend, chaos: ChaosScenario.create(t, 'weir-chaos-', CHAOS_JOB_NAME, seed) };
}

function jobArgs(kind: JobKind, rate: number, sinkDir: string, parallelism: number): string[] {
  return [kind, String(EVENTS), String(KEYS), String(rate), sinkDir, String(parallelism)];
}

function start(s: Scenario, restore = 'latest', interval = INTERVAL_MS): WeirProcess {
  return s.chaos.start(
    weirRunArgs({
      job: JOB,
      checkpointDir: s.chaos.checkpointDir,
      checkpointInterval: interval,
      restore,
      // One worker thread per subtask, whatever the machine's cores: at parallelism 2 the keyed
      // exchange, barriers and commits cross threads.
      slots: s.parallelism,
      stateBackend: s.backend,
      jobArgs: jobArgs(s.kind, RATE, s.chaos.sinkDir, s.parallelism),
    }),
  );
}

/** The committed output of a failure-free run without checkpoints, as fast as it goes. */
const references = new Map<string, Promise<string[]>>();
function reference(kind: JobKind, parallelism: number): Promise<string[]> {
  const key = `${kind}/${parallelism}`;
  let lines = references.get(key);
  if (lines === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'weir-chaos-reference-'));
    referenceDirs.push(dir);
    const sinkDir = join(dir, 'out');
    const run = new WeirProcess(
      weirRunArgs({ job: JOB, jobArgs: jobArgs(kind, Infinity, sinkDir, parallelism) }),
    );
    lines = run.ended.then((end) => {
      if (end.code !== 0) throw new Error(`the reference run failed (${end.code}): ${end.stderr}`);
      return readCommitted(sinkDir);
    });
    references.set(key, lines);
  }
  return lines;
}

/** Checks the committed output against the failure-free run's. */
function expectExactOutput(s: Scenario, referenceLines: readonly string[], context: string): void {
  const lines = readCommitted(s.chaos.sinkDir);
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
  expect(s.chaos.changedFiles(), `${context}: committed files changed`).toEqual([]);
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
      const launch = () => start(s);
      const { moments, landed } = await s.chaos.killEarly(EARLY_KILLS, launch, KILL_CAP_MS);
      await s.chaos.killNearTheEnd(launch, s.chaos.sinkDir, expected.length);
      await s.chaos.runToTheEnd(launch);
      const at = `${context}, kills at ${[...moments, 'near the end'].join(', ')}`;
      // The early kills cannot all come after the end: the rate leaves too many events.
      expect(landed, at).toBe(EARLY_KILLS);
      expectExactOutput(s, expected, at);
    },
  );

  it('restoring twice from the same checkpoint does not duplicate output', async (t) => {
    const seed = chaosSeed();
    const s = scenario(t, 'sequence', 2, seed);
    const { chaos } = s;
    const context = `CHAOS_SEED=${seed}`;
    const expected = await reference('sequence', 2);
    // Run until a checkpoint completed, then kill. The run lasts at least EVENTS / RATE, so the
    // kill lands mid-stream however long the machine takes to complete that checkpoint.
    const first = start(s);
    await first.started;
    const checkpointed = await waitFor(
      () => chaos.jobCheckpoints().some((c) => c.complete),
      first,
      COMPLETION_CAP_MS,
    );
    expect(checkpointed, `${context}: no checkpoint completed before the run ended`).toBe(true);
    await sleep(chaos.random.int(0, 50));
    expect(await chaos.finishKill(first), context).toBe(true);
    const newest = chaos.jobCheckpoints().find((c) => c.complete)!;

    // Restore from it and kill again before the run takes a checkpoint of its own: its interval
    // is longer than the test may run, so none can complete whatever the machine's load.
    const second = start(s, newest.path, NO_CHECKPOINT_INTERVAL_MS);
    await second.started;
    await sleep(chaos.random.int(100, 300));
    expect(await chaos.finishKill(second), context).toBe(true);
    expect(chaos.jobCheckpoints().find((c) => c.complete)?.id, context).toBe(newest.id);

    const stderr = await chaos.runToTheEnd(() => start(s, newest.path));
    expect(stderr).toContain(`from checkpoint ${newest.id} at ${newest.path}`);
    expectExactOutput(s, expected, context);
  }, 300_000);

  it('restoring the final checkpoint of a finished run (a kill after it completed, before the run recorded the end) commits nothing twice', async (t) => {
    const seed = chaosSeed();
    const s = scenario(t, 'window', 2, seed);
    const context = `CHAOS_SEED=${seed}`;
    const expected = await reference('window', 2);
    await s.chaos.runToTheEnd(() => start(s));
    // The newest checkpoint of a finished run is its final one: taken after every operator
    // finished, so it holds what they emitted at the end, committed and marked finished.
    const final = s.chaos.jobCheckpoints().find((c) => c.complete)!;
    const stderr = await s.chaos.runToTheEnd(() => start(s, final.path));
    expect(stderr, context).toContain(`from checkpoint ${final.id} at ${final.path}`);
    expectExactOutput(s, expected, context);
  }, 300_000);

  it('a truncated or corrupt state file in the newest checkpoint is skipped with a warning, and the restore falls back to the one before', async (t) => {
    const seed = chaosSeed();
    const s = scenario(t, 'sequence', 1, seed);
    const { chaos } = s;
    const expected = await reference('sequence', 1);
    const run = start(s);
    await run.started;
    const checkpointed = await waitFor(
      () => chaos.jobCheckpoints().filter((c) => c.complete).length >= 2,
      run,
      COMPLETION_CAP_MS,
    );
    expect(checkpointed, `CHAOS_SEED=${seed}: two checkpoints did not complete before the run ended`).toBe(
      true,
    );
    await sleep(chaos.random.int(0, 50));
    expect(await chaos.finishKill(run), `CHAOS_SEED=${seed}`).toBe(true);

    const [newest, previous] = chaos.jobCheckpoints().filter((c) => c.complete);
    const metadata = readFileSync(join(newest!.path, '_metadata'), 'utf8');
    type FileRef = { file: string; length: number } | null;
    const body = JSON.parse(metadata.slice(metadata.indexOf('\n') + 1)) as {
      operators: { subtasks: FileRef[]; coordinator: FileRef }[];
    };
    const stateFiles = body.operators
      .flatMap((op) => [...op.subtasks, op.coordinator])
      .filter((ref) => ref !== null);
    const victim = chaos.random.pick(stateFiles);
    const victimPath = join(newest!.path, victim.file);
    const fault = chaos.random.next() < 0.5 ? 'truncated' : 'flipped';
    if (fault === 'truncated') truncateSync(victimPath, Math.floor(victim.length / 2));
    else {
      const bytes = readFileSync(victimPath);
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
      writeFileSync(victimPath, bytes);
    }
    const context = `CHAOS_SEED=${seed}, ${victim.file} ${fault}`;
    const committedAtFault = new Set(readCommitted(chaos.sinkDir));

    const stderr = await chaos.runToTheEnd(() => start(s));
    expect(stderr, context).toContain(`skipping checkpoint ${newest!.path}`);
    expect(stderr, context).toContain(`restoring job '${CHAOS_JOB_NAME}' from checkpoint ${previous!.id}`);

    // The skipped checkpoint most likely completed and committed its files before the kill, and
    // restoring the one before it replays those records: no two-phase-commit sink can take a
    // commit back, so the output cannot equal the failure-free one exactly. What must hold:
    // nothing is lost, and a line repeats at most once, and only if it was committed before the
    // fault.
    const lines = readCommitted(chaos.sinkDir);
    expect(new Set(lines), context).toEqual(new Set(expected));
    const counts = new Map<string, number>();
    for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
    const repeated = [...counts].filter(([, n]) => n > 1);
    expect(
      repeated.filter(([line, n]) => n > 2 || !committedAtFault.has(line)),
      context,
    ).toEqual([]);
    expect(chaos.changedFiles(), context).toEqual([]);
  }, 300_000);
});
