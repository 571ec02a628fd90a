/**
 * Exactly-once of SQL jobs writing to the filesystem connector under `weir run`, killed with
 * SIGKILL (whole process group) at seeded random moments and resumed with `--restore latest`:
 * the committed rows must be the input rows, each exactly once, and no committed file may
 * change. One job reads a throttled datagen sequence (the sink's two-phase commit is what is
 * tested); the other copies json files into csv (the file source's checkpointed positions are
 * tested too). Set CHAOS_SEED to replay a failing sequence of kills.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import {
  changedCommittedFiles,
  chaosSeed,
  checkpoints,
  committedHashes,
  SeededRandom,
  sleep,
  WeirProcess,
  waitFor,
  refusedAsFinished,
} from '../chaos/chaos-run.js';
import { readCommitted } from '../support/exactly-once.js';
import { FILESYSTEM_KILL_JOB } from './filesystem-kill-job.js';

const JOB = 'test/sql/filesystem-kill-job.ts';
const KILLS = 2;

interface Scenario {
  readonly checkpointDir: string;
  readonly sinkDir: string;
  readonly random: SeededRandom;
  readonly runs: WeirProcess[];
  readonly snapshots: Map<string, string>[];
}

function scenario(t: TestContext, seed: number): Scenario {
  const dir = mkdtempSync(join(tmpdir(), 'weir-sql-fs-kill-'));
  const s: Scenario = {
    checkpointDir: join(dir, 'checkpoints'),
    sinkDir: join(dir, 'out'),
    random: new SeededRandom(seed),
    runs: [],
    snapshots: [],
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

function start(s: Scenario, parallelism: number, jobArgs: string[]): WeirProcess {
  const run = new WeirProcess([
    JOB,
    '--checkpoint-dir',
    s.checkpointDir,
    '--checkpoint-interval',
    '50',
    '--restore',
    'latest',
    '--parallelism',
    String(parallelism),
    '--slots',
    String(parallelism),
    '--port',
    '0',
    '-q',
    '--',
    s.sinkDir,
    ...jobArgs,
  ]);
  s.runs.push(run);
  return run;
}

/**
 * Kills runs, each once it completed a checkpoint of its own plus a random 0-80 ms (so the kill
 * lands while it works, however slow the machine), then lets one finish; returns how many
 * kills landed before their run ended. A run that ends before its kill ends the scenario.
 */
async function killAndFinish(s: Scenario, parallelism: number, jobArgs: string[]): Promise<number> {
  const jobCheckpoints = () => checkpoints(join(s.checkpointDir, FILESYSTEM_KILL_JOB));
  let landed = 0;
  for (let k = 0; k < KILLS; k++) {
    const newestBefore = jobCheckpoints().find((c) => c.complete)?.id ?? 0;
    const run = start(s, parallelism, jobArgs);
    await run.started;
    // A bound for a stuck run, not a speed expectation: the run ends on its own long before it.
    await waitFor(() => jobCheckpoints().some((c) => c.complete && c.id > newestBefore), run, 60_000);
    await sleep(s.random.int(0, 80));
    const killed = run.kill();
    const end = await run.ended;
    s.snapshots.push(committedHashes(s.sinkDir));
    if (!killed || end.signal !== 'SIGKILL') {
      // The run got to the end first: the job is done, and a restore would run it again.
      expect(end.code, `a run failed on its own: ${end.stderr}`).toBe(0);
      return landed;
    }
    landed++;
  }
  const end = await start(s, parallelism, jobArgs).ended;
  expect(end.code === 0 || refusedAsFinished(end), `the last run failed: ${end.stderr}`).toBe(true);
  s.snapshots.push(committedHashes(s.sinkDir));
  return landed;
}

describe.concurrent('SQL INSERT INTO a filesystem table, killed with SIGKILL and restored', () => {
  it('datagen sequence into json at parallelism 2: every row committed exactly once', {
    timeout: 240_000,
  }, async (t) => {
    const seed = chaosSeed();
    const s = scenario(t, seed);
    const events = 2000;
    // 1,000 rows a second: a failure-free run takes 2 s; each run lives at most a few
    // checkpoints of 50 ms, so both kills land mid-stream.
    const landed = await killAndFinish(s, 2, [String(events), '1000']);
    const context = `CHAOS_SEED=${seed}`;
    expect(landed, context).toBe(KILLS);
    // Every kill came after a checkpoint of its run, so every later run restored one.
    expect(
      s.runs.slice(1).every((run) => /restoring job/.test(run.stderr)),
      context,
    ).toBe(true);
    const ids = readCommitted(s.sinkDir).map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids.length, context).toBe(events);
    expect(
      [...ids].sort((a, b) => a - b),
      context,
    ).toEqual(Array.from({ length: events }, (_, i) => i + 1));
    expect(changedCommittedFiles(s.snapshots), context).toEqual([]);
    expect(checkpoints(join(s.checkpointDir, FILESYSTEM_KILL_JOB)).length, context).toBeGreaterThan(0);
  });

  it('json files copied into csv at parallelism 2: every input row committed exactly once', {
    timeout: 240_000,
  }, async (t) => {
    const seed = chaosSeed();
    const s = scenario(t, seed);
    const files = 4;
    const perFile = 10_000;
    const expected: string[] = [];
    const inputDir = mkdtempSync(join(tmpdir(), 'weir-sql-fs-kill-in-'));
    t.onTestFinished(() => rmSync(inputDir, { recursive: true, force: true }));
    for (let f = 0; f < files; f++) {
      let text = '';
      for (let i = 0; i < perFile; i++) {
        const id = f * perFile + i;
        text += `{"id":${id},"label":"r${id}"}\n`;
        expected.push(`${id},r${id}`);
      }
      writeFileSync(join(inputDir, `in-${f}.json`), text);
    }
    const landed = await killAndFinish(s, 2, ['0', '0', inputDir]);
    const context = `CHAOS_SEED=${seed}, ${landed} of ${KILLS} kills before the end`;
    const lines = readCommitted(s.sinkDir);
    expect(lines.length, context).toBe(expected.length);
    expect([...lines].sort(), context).toEqual(expected.sort());
    expect(changedCommittedFiles(s.snapshots), context).toEqual([]);
  });
});
