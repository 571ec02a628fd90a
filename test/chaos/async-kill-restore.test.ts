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
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCommitted } from '../support/exactly-once.js';
import { chaosSeed, type WeirProcess } from './chaos-run.js';
import { ChaosScenario } from './chaos-scenario.js';
import { ASYNC_CHAOS_JOB_NAME, ASYNC_CHAOS_KEYS, scoreOf } from './fixtures/async-chaos-job.js';
import { weirRunArgs } from './kill-loop.js';

const JOB = 'test/chaos/fixtures/async-chaos-job.ts';
const EVENTS = 6000;
/** Events per second: a failure-free run takes 2 s. */
const RATE = 3000;
const INTERVAL_MS = 60;
/** Early kills come at most this long after a run started, well before the events run out. */
const KILL_CAP_MS = 300;
const EARLY_KILLS = 4;

type Mode = 'ordered' | 'unordered';

/**
 * Starts the next run of `s`. Runs take `parallelisms` in turn, so consecutive runs of a
 * changing scenario differ; `used` records each run's.
 */
function start(s: ChaosScenario, mode: Mode, parallelisms: readonly number[], used: number[]): WeirProcess {
  const parallelism = parallelisms[s.runs.length % parallelisms.length]!;
  used.push(parallelism);
  return s.start(
    weirRunArgs({
      job: JOB,
      checkpointDir: s.checkpointDir,
      checkpointInterval: INTERVAL_MS,
      // One worker thread per subtask: requests settle on worker threads, barriers cross them.
      slots: parallelism,
      jobArgs: [mode, String(EVENTS), String(RATE), s.sinkDir, String(parallelism)],
    }),
  );
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

function committedOutput(s: ChaosScenario): { rows: string[]; windows: string[] } {
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
      const s = ChaosScenario.create(t, 'weir-async-chaos-', ASYNC_CHAOS_JOB_NAME, seed);
      const used: number[] = [];
      const launch = () => start(s, mode, parallelisms, used);
      const { moments, landed } = await s.killEarly(EARLY_KILLS, launch, KILL_CAP_MS);
      await s.killNearTheEnd(launch, join(s.sinkDir, 'rows'), EVENTS);
      // Named once the last run started, so that its parallelism is in the message too.
      const at = () =>
        `${label} CHAOS_SEED=${seed}, kills at ${[...moments, 'near the end'].join(', ')}, parallelism ${used.join(', ')}`;
      await s.runToTheEnd(launch, at);
      const context = at();
      expect(landed, context).toBe(EARLY_KILLS);
      const expected = expectedOutput();
      const actual = committedOutput(s);
      expect(actual.rows.length, context).toBe(EVENTS);
      expect(actual.rows, context).toEqual(expected.rows);
      expect(actual.windows, context).toEqual(expected.windows);
      expect(s.changedFiles(), `${context}: committed files changed`).toEqual([]);
    },
  );
});
