/**
 * `weir run` end to end: each test starts the real CLI as a child process on a small job file
 * and checks its output and exit code.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { readCommitted } from '../support/exactly-once.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OldGenerationResult } from '../threads/fixtures/old-generation-job.js';
import { fixture, lines, ROOT, runWeir, expectExit } from './run-cli.js';

const PROGRESS = /^weir: \[[^\]]+\] /;
const SUBMITTED = /^weir: \[[^\]]+\] submitted as job [0-9a-f]+; REST API at http:\/\/127\.0\.0\.1:\d+$/;

/** Lines on stderr that are not progress lines. */
function messages(stderr: string): string[] {
  return lines(stderr).filter((line) => !PROGRESS.test(line));
}

describe('weir run', () => {
  it('runs a job file that exports a default function, and exits 0', async () => {
    const run = await runWeir(['run', fixture('default-job.ts')]);
    expectExit(run, 0);
    expect(
      lines(run.stdout)
        .filter((l) => l.startsWith('x> '))
        .sort(),
    ).toEqual(['x> 10', 'x> 20', 'x> 30']);
    expect(run.stdout).toContain('info> parallelism=1');
    expect(messages(run.stderr)).toEqual([]);
  });

  it('runs a job file that calls env.execute() itself, once', async () => {
    const run = await runWeir(['run', fixture('self-executing-job.ts')]);
    expectExit(run, 0);
    expect(lines(run.stdout)).toEqual(['self> a', 'self> b']);
    expect(run.stderr).toMatch(/^weir: \[self-run\] finished {2}in 2 {2}out 2 {2}watermark end/m);
  });

  it('runs a plain JavaScript job file', async () => {
    const run = await runWeir(['run', fixture('plain-job.js'), '--', 'ok']);
    expectExit(run, 0);
    expect(lines(run.stdout)).toEqual(['plain> js', 'plain> ok']);
  });

  it('waits for a job the default function started without awaiting it', async () => {
    const run = await runWeir(['run', fixture('async-job.ts')]);
    expectExit(run, 0);
    expect(lines(run.stdout)).toEqual(['async> late', 'async> but', 'async> complete']);
  });

  it('passes the words after -- to the job, as args and as process.argv', async () => {
    const byArgs = await runWeir(['run', fixture('default-job.ts'), '--', '--count', '5', '--parallelism']);
    expectExit(byArgs, 0);
    expect(lines(byArgs.stdout).filter((l) => l.startsWith('info> arg='))).toEqual([
      'info> arg=--count',
      'info> arg=5',
      'info> arg=--parallelism',
    ]);
    const byArgv = await runWeir(['run', fixture('self-executing-job.ts'), '--', 'x', 'y']);
    expect(lines(byArgv.stdout)).toEqual(['self> a', 'self> b', 'self> argv=x', 'self> argv=y']);
  });

  it('hands --parallelism to the environment', async () => {
    const run = await runWeir(['run', fixture('default-job.ts'), '--parallelism', '3']);
    expectExit(run, 0);
    expect(run.stdout).toMatch(/^info(:\d)?> parallelism=3$/m);
    // The map runs with 3 subtasks, so print shows subtask prefixes.
    const prefixes = new Set(
      lines(run.stdout)
        .filter((l) => l.startsWith('x:'))
        .map((l) => l.split('>')[0]),
    );
    expect(prefixes.size).toBeGreaterThan(1);
    const short = await runWeir(['run', '-p', '2', fixture('default-job.ts')]);
    expect(short.stdout).toMatch(/parallelism=2$/m);
  });

  it('reports a missing job file in one line naming it, with exit code 2', async () => {
    const run = await runWeir(['run', 'no/such/job.ts']);
    expectExit(run, 2);
    expect(lines(run.stderr)).toEqual([expect.stringContaining('no/such/job.ts')]);
    expect(run.stderr).toMatch(/^weir: job file not found/);
  });

  it('refuses a file that exports nothing runnable, with exit code 2', async () => {
    const run = await runWeir(['run', fixture('nothing-job.ts')]);
    expectExit(run, 2);
    expect(lines(run.stderr)).toEqual([
      `weir: ${fixture('nothing-job.ts')} defines no job: export a default function (env, args) => … or call env.execute()`,
    ]);
  });

  it('reports a failing job in one line without a stack trace, with exit code 1', async () => {
    const run = await runWeir(['run', '--quiet', fixture('failing-job.ts')]);
    expectExit(run, 1);
    expect(lines(run.stderr)).toEqual(['weir: job failed: boom at element 2']);
  });

  it('prints the stack trace of a failing job with --verbose', async () => {
    const run = await runWeir(['run', '--verbose', '--quiet', fixture('failing-job.ts')]);
    expectExit(run, 1);
    expect(run.stderr).toMatch(/^weir: job failed: boom at element 2$/m);
    expect(run.stderr).toMatch(/^\s+at .*failing-job\.ts/m);
  });

  it.each([
    [['run', fixture('default-job.ts'), '--bogus'], /unknown option '--bogus'/],
    [
      ['run', fixture('default-job.ts'), '--parallelism', '0'],
      /--parallelism must be a whole number >= 1, got '0'/,
    ],
    [['run', fixture('default-job.ts'), '--parallelism', 'two'], /--parallelism must be a whole number/],
    [['run', fixture('default-job.ts'), '--slots', '0'], /--slots must be a whole number >= 1, got '0'/],
    [
      ['run', fixture('default-job.ts'), '--task-old-generation', '1.5'],
      /--task-old-generation must be a whole number of MB from 0 \(V8's own start\) to 65536, got '1.5'/,
    ],
    [
      ['run', fixture('default-job.ts'), '--state-backend', 'rocks'],
      /--state-backend must be 'heap' or 'disk'/,
    ],
    [
      ['run', fixture('default-job.ts'), '--restore', '/tmp/weir-no-such-chk-1'],
      /weir-no-such-chk-1: no such checkpoint/,
    ],
    [['savepoint'], /weir savepoint needs a job id/],
    [['run', fixture('default-job.ts'), '--restore', 'latest'], /--restore latest needs --checkpoint-dir/],
    [['run'], /needs a job file/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['sql', '-f'], /-f needs a file name: weir sql -f script.sql/],
    [['sql', '--frobnicate'], /unknown option '--frobnicate' of weir sql/],
  ])('rejects %j in one line with exit code 2', async (args, message) => {
    const run = await runWeir(args);
    expectExit(run, 2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('starts its warm task threads with --task-old-generation, and new ones for a job asking another size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-cli-old-gen-'));
    const job = 'test/threads/fixtures/old-generation-job.ts';
    const run = async (flags: string[], initial: string): Promise<OldGenerationResult> => {
      const file = join(dir, `${flags.join('')}-${initial}.json`);
      expectExit(await runWeir(['run', '--slots', '1', '-q', ...flags, job, '--', initial, file]), 0);
      return JSON.parse(readFileSync(file, 'utf8')) as OldGenerationResult;
    };
    try {
      // The task thread of a job that leaves the size alone is the one started before it loaded.
      const warm = (await run([], 'default')).thread;
      // The flag's size reaches the job (no full collection while it keeps ~200 MB) and the
      // warm thread had it: the job ran on that thread, not on a new one.
      const flagged = await run(['--task-old-generation', '1024'], 'default');
      expect(flagged.markCompacts).toBe(0);
      expect(flagged.thread).toBe(warm);
      // A job that sets another size itself (V8's own start) still runs, on a thread of its size.
      const own = await run(['--task-old-generation', '1024'], '0');
      expect(own.markCompacts).toBeGreaterThan(0);
      expect(own.thread).not.toBe(warm);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs keyed state on the disk backend on worker threads with the same output as on heap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-cli-disk-'));
    const scratch = join(dir, 'tmp');
    mkdirSync(scratch);
    try {
      const outputs: string[][] = [];
      for (const backend of ['heap', 'disk']) {
        const out = join(dir, backend);
        const run = await runWeir(
          [
            'run',
            '-q',
            'test/chaos/fixtures/chaos-job.ts',
            '--state-backend',
            backend,
            '--slots',
            '2',
            '--',
            'sequence',
            '4000',
            '7',
            'Infinity',
            out,
            '2',
          ],
          100_000,
          // Task state stores go under TMPDIR, so this run's are told apart from other tests'. It
          // also moves tsx's compile cache there, so each run compiles every module on every
          // thread again: on a loaded machine that alone takes tens of seconds.
          { TMPDIR: scratch },
        );
        expect(run.stderr).toBe('');
        expectExit(run, 0);
        outputs.push(readCommitted(out).sort());
      }
      expect(outputs[0]).toHaveLength(4000);
      expect(outputs[1]).toEqual(outputs[0]);
      // Every task's working store was deleted when it ended.
      expect(readdirSync(scratch).filter((name) => name.startsWith('weir-state-'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('takes checkpoints into --checkpoint-dir, in a directory named after the job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-cli-checkpoints-'));
    try {
      const run = await runWeir([
        'run',
        fixture('default-job.ts'),
        '--checkpoint-dir',
        dir,
        '--checkpoint-interval',
        '1000',
      ]);
      expectExit(run, 0);
      expect(messages(run.stderr)).toEqual([]);
      // The end of the job is a checkpoint, so even a short job leaves one behind.
      expect(readdirSync(join(dir, 'default-job')).filter((name) => name.startsWith('chk-'))).not.toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints progress lines unless --quiet', async () => {
    const loud = await runWeir(['run', fixture('default-job.ts')]);
    expect(lines(loud.stderr).filter((l) => SUBMITTED.test(l))).toHaveLength(1);
    expect(lines(loud.stderr).filter((l) => PROGRESS.test(l) && !SUBMITTED.test(l))).toEqual([
      expect.stringMatching(
        /^weir: \[default-job\] finished {2}in 4 {2}out 4 {2}watermark end {2}\d+ rec\/s$/,
      ),
    ]);
    const quiet = await runWeir(['run', '--quiet', fixture('default-job.ts')]);
    expectExit(quiet, 0);
    expect(quiet.stderr).toBe('');
  });

  it('prints a progress line every 2 s while a job runs, with the watermark as ISO time', async () => {
    const run = await runWeir(['run', fixture('slow-job.ts')]);
    expectExit(run, 0);
    const progress = lines(run.stderr).filter((l) => PROGRESS.test(l) && !SUBMITTED.test(l));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatch(
      /^weir: \[slow-job\] running {2}in \d+ {2}out \d+ {2}watermark (-|2024-01-01T00:00:\d\d\.\d{3}Z) {2}\d+ rec\/s$/,
    );
    expect(progress.at(-1)).toMatch(/^weir: \[slow-job\] finished {2}in 25 {2}out 25 {2}watermark end/);
  });

  it('prints help and the version', async () => {
    const help = await runWeir(['--help']);
    expectExit(help, 0);
    expect(help.stdout).toMatch(/^Usage: weir <command>/);
    expect((await runWeir(['help'])).stdout).toBe(help.stdout);
    const version = await runWeir(['--version']);
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});
