/**
 * `weir run --restore latest` after a bounded job ran to the end. As in Flink, a finished job
 * is not resumed: its newest checkpoint predates the end of its input, so resuming it would
 * write the tail of the output a second time. The restore is refused with one line naming
 * the fix, and the output stays as the finished run committed it. A later run that is killed
 * is resumable again, since only the latest run's ending counts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FILESYSTEM_KILL_JOB } from '../sql/filesystem-kill-job.js';
import { readCommitted } from '../support/exactly-once.js';
import { ROOT, runWeir, expectExit } from './run-cli.js';

const JOB = 'test/sql/filesystem-kill-job.ts';
const EVENTS = 300;
const dir = mkdtempSync(join(tmpdir(), 'weir-restore-finished-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `weir run` of the bounded SQL job into `sink`, `rate` rows a second, with `extra` options. */
function args(checkpoints: string, sink: string, rate: number, extra: string[] = []): string[] {
  return [
    'run',
    JOB,
    '--checkpoint-dir',
    checkpoints,
    '--checkpoint-interval',
    '50',
    '-p',
    '1',
    '-q',
    ...extra,
    '--',
    sink,
    String(EVENTS),
    String(rate),
  ];
}

/** The committed ids, sorted. */
function committedIds(sink: string): number[] {
  return readCommitted(sink)
    .map((line) => (JSON.parse(line) as { id: number }).id)
    .sort((a, b) => a - b);
}

const ALL = Array.from({ length: EVENTS }, (_, i) => i + 1);

/** Ids of the job's complete checkpoints (those with their metadata written). */
function completeCheckpoints(checkpoints: string): number[] {
  const jobDir = join(checkpoints, FILESYSTEM_KILL_JOB);
  if (!existsSync(jobDir)) return [];
  return readdirSync(jobDir)
    .map((name) => /^chk-(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(jobDir, m[0], '_metadata')))
    .map((m) => Number(m[1]));
}

describe('weir run --restore latest after the job finished', () => {
  const checkpoints = join(dir, 'checkpoints');
  const sink = join(dir, 'out');

  it('is refused with one line naming the fix, and writes nothing twice', { timeout: 120_000 }, async () => {
    const first = await runWeir(args(checkpoints, sink, 2000), 60_000);
    expect(first.code, first.stderr).toBe(0);
    expect(committedIds(sink)).toEqual(ALL);
    expect(completeCheckpoints(checkpoints).length).toBeGreaterThan(0);

    const again = await runWeir(args(checkpoints, sink, 2000, ['--restore', 'latest']), 60_000);
    expectExit(again, 2);
    const lines = again.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `weir: job '${FILESYSTEM_KILL_JOB}' ran to the end of its input in its last run, so there is nothing to resume; run it again without --restore latest, or restore an explicit checkpoint path`,
    );
    expect(committedIds(sink)).toEqual(ALL);
  });

  it('a new run killed midway is resumable again, exactly once', { timeout: 120_000 }, async () => {
    // Continues from the finished job of the test before: same checkpoint directory.
    const sink2 = join(dir, 'out2');
    const before = Math.max(0, ...completeCheckpoints(checkpoints));
    const child = spawn(
      process.execPath,
      ['bin/weir.js', ...args(checkpoints, sink2, 100, ['--port', '0'])],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    await killAfterCheckpoint(child, () => completeCheckpoints(checkpoints).some((id) => id > before));
    const resumed = await runWeir(args(checkpoints, sink2, 2000, ['--restore', 'latest']), 60_000);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/restoring job 'filesystem-kill-job' from checkpoint \d+/);
    expect(committedIds(sink2)).toEqual(ALL);
  });
});

/** Kills `child` with SIGKILL once `ready()` holds; fails if it ends first. */
async function killAfterCheckpoint(child: ChildProcess, ready: () => boolean): Promise<void> {
  let ended = false;
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.on('exit', () => {
    ended = true;
  });
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    if (ended) throw new Error('the run ended before it completed a checkpoint');
    if (Date.now() > deadline) throw new Error('no checkpoint within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited;
}
