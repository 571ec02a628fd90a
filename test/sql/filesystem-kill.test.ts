/**
 * Exactly-once of SQL jobs writing to the filesystem connector under `weir run`, killed with
 * SIGKILL (whole process group) a seeded while after the run committed rows and resumed with
 * `--restore latest`: the committed rows must be the input rows, each exactly once, and no
 * committed file may change. The sink rolls small parts, so a run commits rows from its first
 * checkpoints on and a run that started afresh instead of restoring would commit them twice.
 * One job reads a throttled datagen sequence (the sink's two-phase commit is what is tested);
 * the other copies json files into csv (the file source's checkpointed positions are tested
 * too). Set CHAOS_SEED to replay a failing sequence of kills.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chaosSeed, committedFileCount, sleep, waitFor } from '../chaos/chaos-run.js';
import { ChaosScenario } from '../chaos/chaos-scenario.js';
import { weirRunArgs } from '../chaos/kill-loop.js';
import { readCommitted } from '../support/exactly-once.js';
import { FILESYSTEM_KILL_JOB } from './filesystem-kill-job.js';

const JOB = 'test/sql/filesystem-kill-job.ts';
const KILLS = 2;

/**
 * Kills runs, each once it committed a file of its own (which it does only once a checkpoint of
 * it completed) plus a random 0-80 ms, so the kill lands while it works however slow the
 * machine, then lets one finish; returns how many kills landed before their run ended, each
 * after its run committed rows. A run that ends before its kill ends the scenario.
 */
async function killAndFinish(s: ChaosScenario, parallelism: number, jobArgs: string[]): Promise<number> {
  const launch = () =>
    s.start(
      weirRunArgs({
        job: JOB,
        checkpointDir: s.checkpointDir,
        checkpointInterval: 50,
        parallelism,
        slots: parallelism,
        jobArgs: [s.sinkDir, ...jobArgs],
      }),
    );
  let landed = 0;
  for (let k = 0; k < KILLS; k++) {
    const committedBefore = committedFileCount(s.sinkDir);
    const run = launch();
    await run.started;
    // A bound for a stuck run, not a speed expectation: the run ends on its own long before it.
    const committed = await waitFor(() => committedFileCount(s.sinkDir) > committedBefore, run, 60_000);
    await sleep(s.random.int(0, 80));
    // A run that got to the end first must have ended well: the job is done, and a restore
    // would run it again.
    if (!(await s.finishKill(run)) || !committed) return landed;
    landed++;
  }
  await s.runToTheEnd(launch);
  return landed;
}

describe.concurrent('SQL INSERT INTO a filesystem table, killed with SIGKILL and restored', () => {
  it('datagen sequence into json at parallelism 2: every row committed exactly once', {
    timeout: 240_000,
  }, async (t) => {
    const seed = chaosSeed();
    const s = ChaosScenario.create(t, 'weir-sql-fs-kill-', FILESYSTEM_KILL_JOB, seed);
    const events = 2000;
    // 1,000 rows a second: a failure-free run takes 2 s; each run is killed at most 80 ms after
    // its first commit (a part of a few dozen rows, committed by a checkpoint of 50 ms), so both
    // kills land mid-stream.
    const landed = await killAndFinish(s, 2, [String(events), '1000']);
    const context = `CHAOS_SEED=${seed}`;
    expect(landed, context).toBe(KILLS);
    // Every kill came after a commit, so after a checkpoint, of its run: every later run restored one.
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
    expect(s.changedFiles(), context).toEqual([]);
    expect(s.jobCheckpoints().length, context).toBeGreaterThan(0);
  });

  it('json files copied into csv at parallelism 2: every input row committed exactly once', {
    timeout: 240_000,
  }, async (t) => {
    const seed = chaosSeed();
    const s = ChaosScenario.create(t, 'weir-sql-fs-kill-', FILESYSTEM_KILL_JOB, seed);
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
    // The first run commits parts of a few hundred rows from its first checkpoints on, far from
    // the end of 40,000 rows, so its kill lands after rows were committed.
    expect(landed, context).toBeGreaterThan(0);
    const lines = readCommitted(s.sinkDir);
    expect(lines.length, context).toBe(expected.length);
    expect([...lines].sort(), context).toEqual(expected.sort());
    expect(s.changedFiles(), context).toEqual([]);
  });
});
