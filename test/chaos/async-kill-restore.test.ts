/**
 * kill -9 of a job with an async I/O stage (test/chaos/fixtures/async-chaos-job.ts): a lookup
 * that answers after a random timer delay, with up to 8 requests in flight per subtask, so
 * every checkpoint catches requests in flight. The whole `weir run` process group is killed at
 * seeded random moments (right after the start, mid-stream, as a checkpoint directory appears,
 * as the sinks commit, and near the end) and resumed with `--restore latest`. The committed rows
 * must be exactly one per event (nothing lost, nothing twice), the committed windows exactly the
 * failure-free ones (a row that crossed a watermark would be late and change them), and no
 * committed file may change. One scenario changes the parallelism between runs, so in-flight
 * records are dealt out again on restore. Set CHAOS_SEED to replay a failing sequence of kills.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import {
  changedCommittedFiles,
  chaosSeed,
  checkpoints,
  committedHashes,
  refusedAsFinished,
  SeededRandom,
  sleep,
  WeirProcess,
  waitFor,
} from './chaos-run.js';
import { ASYNC_CHAOS_JOB_NAME, ASYNC_CHAOS_KEYS, scoreOf } from './fixtures/async-chaos-job.js';

const JOB = 'test/chaos/fixtures/async-chaos-job.ts';
const EVENTS = 6000;
/** Events per second: a failure-free run takes 2 s. */
const RATE = 3000;
const INTERVAL_MS = 60;
/** Early kills come at most this long after a run started, well before the events run out. */
const KILL_CAP_MS = 300;
const EARLY_KILLS = 4;

type Mode = 'ordered' | 'unordered';

interface Scenario {
  readonly mode: Mode;
  /** The parallelisms runs take in turn. */
  readonly parallelisms: readonly number[];
  readonly checkpointDir: string;
  readonly sinkDir: string;
  readonly random: SeededRandom;
  readonly snapshots: Map<string, string>[];
  readonly runs: WeirProcess[];
  readonly used: number[];
}

function scenario(t: TestContext, mode: Mode, parallelisms: readonly number[], seed: number): Scenario {
  const dir = mkdtempSync(join(tmpdir(), 'weir-async-chaos-'));
  const s: Scenario = {
    mode,
    parallelisms,
    checkpointDir: join(dir, 'checkpoints'),
    sinkDir: join(dir, 'out'),
    random: new SeededRandom(seed),
    snapshots: [],
    runs: [],
    used: [],
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

function start(s: Scenario): WeirProcess {
  // Runs take the parallelisms in turn, so consecutive runs of a changing scenario differ.
  const parallelism = s.parallelisms[s.runs.length % s.parallelisms.length]!;
  s.used.push(parallelism);
  const run = new WeirProcess([
    JOB,
    '--checkpoint-dir',
    s.checkpointDir,
    '--checkpoint-interval',
    String(INTERVAL_MS),
    '--restore',
    'latest',
    // One worker thread per subtask: requests settle on worker threads, barriers cross them.
    '--slots',
    String(parallelism),
    '--port',
    '0',
    '-q',
    '--',
    s.mode,
    String(EVENTS),
    String(RATE),
    s.sinkDir,
    String(parallelism),
  ]);
  s.runs.push(run);
  return run;
}

const jobCheckpoints = (s: Scenario) => checkpoints(join(s.checkpointDir, ASYNC_CHAOS_JOB_NAME));

type Moment = 'restoring' | 'processing' | 'checkpoint' | 'commit';
const MOMENTS: readonly Moment[] = ['restoring', 'processing', 'checkpoint', 'commit'];

async function killAt(s: Scenario, moment: Moment): Promise<boolean> {
  const checkpointsBefore = new Set(jobCheckpoints(s).map((c) => `${c.id}/${c.complete}`));
  const committedBefore = committedHashes(s.sinkDir).size;
  const run = start(s);
  await run.started;
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
      await sleep(s.random.int(0, 2));
      break;
    case 'commit':
      await waitFor(() => committedHashes(s.sinkDir).size !== committedBefore, run, KILL_CAP_MS);
      await sleep(s.random.int(0, 2));
      break;
  }
  return finishKill(s, run);
}

/** Kills a run once nearly all rows are committed, at the next checkpoint or commit. */
async function killNearTheEnd(s: Scenario): Promise<void> {
  const run = start(s);
  await run.started;
  const rowsDir = join(s.sinkDir, 'rows');
  await waitFor(() => existsSync(rowsDir) && readCommitted(rowsDir).length >= EVENTS * 0.85, run, 10_000);
  const seen = JSON.stringify(jobCheckpoints(s));
  const committed = committedHashes(s.sinkDir).size;
  await waitFor(
    () => JSON.stringify(jobCheckpoints(s)) !== seen || committedHashes(s.sinkDir).size !== committed,
    run,
    2_000,
  );
  await finishKill(s, run);
}

async function finishKill(s: Scenario, run: WeirProcess): Promise<boolean> {
  const killed = run.kill();
  const end = await run.ended;
  if (!killed && end.code !== 0)
    throw new Error(`a run failed on its own (${end.code} ${end.signal}): ${end.stderr}`);
  s.snapshots.push(committedHashes(s.sinkDir));
  return killed && end.signal === 'SIGKILL';
}

/** The rows and windows of a failure-free run, computed. */
function expectedOutput(): { rows: string[]; windows: string[] } {
  const rows: string[] = [];
  const windows = new Map<string, { count: number; sum: number }>();
  for (let i = 0; i < EVENTS; i++) {
    const key = i % ASYNC_CHAOS_KEYS;
    rows.push(`${i}/${key}/${scoreOf(i)}`);
    const id = `${key}@${Math.floor(i / 100) * 100}`;
    const w = windows.get(id) ?? { count: 0, sum: 0 };
    w.count++;
    w.sum += scoreOf(i);
    windows.set(id, w);
  }
  return {
    rows: rows.sort(),
    windows: [...windows].map(([id, w]) => `${id}:${w.count}/${w.sum}`).sort(),
  };
}

function committedOutput(s: Scenario): { rows: string[]; windows: string[] } {
  const read = (sub: string) => {
    const dir = join(s.sinkDir, sub);
    return existsSync(dir)
      ? readCommitted(dir).map((line) => JSON.parse(line) as Record<string, number>)
      : [];
  };
  return {
    rows: read('rows')
      .map((r) => `${r.i}/${r.key}/${r.score}`)
      .sort(),
    windows: read('windows')
      .map((w) => `${w.key}@${w.start}:${w.count}/${w.sum}`)
      .sort(),
  };
}

// Test timeouts only catch a hung run: each `weir run` costs seconds of CPU to start.
describe.concurrent('kill -9 of a job with an async I/O stage, resumed with --restore latest', () => {
  const cases: [Mode, readonly number[], string][] = [
    ['ordered', [2], 'keyed, ordered, parallelism 2'],
    ['unordered', [1, 2], 'unordered, parallelism changing between 1 and 2'],
  ];
  it.for(cases)(
    '%s, parallelism per run from %j: exactly one row per event and the failure-free windows',
    { timeout: 300_000 },
    async ([mode, parallelisms, label], t) => {
      const seed = chaosSeed();
      const s = scenario(t, mode, parallelisms, seed);
      const moments: string[] = [];
      let midStream = 0;
      for (let k = 0; k < EARLY_KILLS; k++) {
        const moment = k === 0 ? 'restoring' : s.random.pick(MOMENTS);
        moments.push(moment);
        if (await killAt(s, moment)) midStream++;
      }
      moments.push('near the end');
      await killNearTheEnd(s);
      const end = await start(s).ended;
      const context = `${label} CHAOS_SEED=${seed}, kills at ${moments.join(', ')}, parallelism ${s.used.join(', ')}`;
      expect(end.code === 0 || refusedAsFinished(end), `${context}: the last run failed: ${end.stderr}`).toBe(
        true,
      );
      s.snapshots.push(committedHashes(s.sinkDir));
      expect(midStream, context).toBe(EARLY_KILLS);
      const expected = expectedOutput();
      const actual = committedOutput(s);
      expect(actual.rows.length, context).toBe(EVENTS);
      expect(actual.rows, context).toEqual(expected.rows);
      expect(actual.windows, context).toEqual(expected.windows);
      expect(changedCommittedFiles(s.snapshots), `${context}: committed files changed`).toEqual([]);
    },
  );
});
