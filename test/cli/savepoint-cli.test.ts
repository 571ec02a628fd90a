/**
 * Savepoints through the real CLI: `weir run` as a child process, controlled through its REST
 * API by `weir list`, `savepoint`, `stop --savepoint` and `cancel`, then restored with
 * `weir run --restore PATH` at other parallelisms, after changes to the job, and from a copy of
 * the savepoint elsewhere. The committed output of the stopped run and its restore together
 * must be exactly a failure-free run's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Counted, checkSequences, readCommitted } from '../support/exactly-once.js';
import { SEQ_SINK, WINDOWS_SINK } from './fixtures/savepoint-job.js';
import { type CliRun, expectExit, fixture, lines, ROOT, runWeir } from './run-cli.js';

const KEYS = 5; // as in the fixture
const EVENTS = 5000;
// Slow enough that the job still runs after the start-up of each `weir` control command: about
// 1 s of CPU, many times that in wall time on a loaded machine. It costs no test time: stopped
// runs end at the stop, and restored runs go at RESTORE_RATE.
const RATE = 250;
// Tests start several `weir` processes one after another: their timeouts (180 s) only catch a
// hung one.
/** Restored runs need not wait for anyone: the rate changes when records come, never which. */
const RESTORE_RATE = 10_000;
const JOB = fixture('savepoint-job.ts');

const PROGRESS = /^weir: \[[^\]]+\] /;
const RESTORING = /^weir: restoring job /;
const SUBMITTED = /^weir: \[[^\]]+\] submitted as job ([0-9a-f]+); REST API at http:\/\/127\.0\.0\.1:(\d+)$/m;

/** Lines on stderr that are neither progress lines nor the restore notice. */
function messages(stderr: string): string[] {
  return lines(stderr).filter((line) => !PROGRESS.test(line) && !RESTORING.test(line));
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-savepoint-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A `weir run` in the background, with the job id and REST port from its stderr. */
interface Background {
  readonly child: ChildProcess;
  readonly jobId: string;
  readonly port: number;
  /** Its end; stdout is not kept (the job writes its output to files). */
  readonly exit: Promise<CliRun>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `weir run` and waits until it has submitted its job. */
function startRun(args: readonly string[]): Promise<Background> {
  const child = spawn(process.execPath, ['bin/weir.js', 'run', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.push(child);
  let stderr = '';
  const exit = new Promise<CliRun>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout: '', stderr, timedOut: false }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`weir run did not submit a job: ${stderr}`)), 90_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = SUBMITTED.exec(stderr);
      if (match !== null && timer.hasRef()) {
        clearTimeout(timer);
        timer.unref();
        resolve({ child, jobId: match[1]!, port: Number(match[2]), exit });
      }
    });
    void exit.then(({ code }) => reject(new Error(`weir run exited ${code} before submitting: ${stderr}`)));
  });
}

/** The job's arguments: OUT_DIR EVENTS RATE [VARIANT]. */
function jobArgs(out: string, variant = 'base', rate = RATE): string[] {
  return [JOB, '--', out, String(EVENTS), String(rate), variant];
}

function committedSeq(out: string): Counted[] {
  const dir = join(out, 'seq');
  return existsSync(dir) ? readCommitted(dir).map((line) => JSON.parse(line) as Counted) : [];
}

function committedWindows(out: string): string[] {
  const dir = join(out, 'windows');
  return existsSync(dir) ? readCommitted(dir).sort() : [];
}

/** What a failure-free run commits into windows/: each key has 20 of every 100 events. */
const EXPECTED_WINDOWS = (() => {
  const rows: string[] = [];
  for (let start = 0; start < EVENTS; start += 100) {
    for (let key = 0; key < KEYS; key++) rows.push(JSON.stringify({ key, start, count: 100 / KEYS }));
  }
  return rows.sort();
})();

function expectExact(out: string): void {
  expect(checkSequences(committedSeq(out), KEYS, EVENTS / KEYS)).toEqual({
    total: EVENTS,
    lost: 0,
    duplicates: 0,
    reordered: 0,
  });
  expect(committedWindows(out)).toEqual(EXPECTED_WINDOWS);
}

/** Every key's committed numbers are 1..n without gaps: the output stops at a consistent cut. */
function expectConsistentPrefix(out: string): number {
  const seq = committedSeq(out);
  for (let key = 0; key < KEYS; key++) {
    const seqs = seq.filter((c) => c.key === key).map((c) => c.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  }
  return seq.length;
}

/**
 * Records written so far by each sink of a job, by the sink's name: a sink ends its vertex's
 * chain, so it is the last name in the vertex's name (`KeyedProcess -> seq sink` at -p 1).
 */
type SinkCounts = Readonly<Record<string, number>>;

/** The sink counts of a running job, from its REST API (`GET /jobs/:id`). */
async function sinkCounts(run: Background): Promise<SinkCounts> {
  const response = await fetch(`http://127.0.0.1:${run.port}/jobs/${run.jobId}`);
  const job = (await response.json()) as { vertices: { name: string; totals: { sinkRecordsIn: number } }[] };
  return Object.fromEntries(job.vertices.map((v) => [v.name.split(' -> ').at(-1), v.totals.sinkRecordsIn]));
}

/**
 * Polls the job's REST API until its sink counts satisfy `done`. A job that has just been
 * submitted may not read anything for seconds on a loaded machine, so the tests wait for what a
 * step needs instead of a fixed time; the deadline only bounds a stuck job.
 */
async function waitForSinks(run: Background, done: (counts: SinkCounts) => boolean, what: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (run.child.exitCode !== null) throw new Error(`weir run exited ${run.child.exitCode} before ${what}`);
    const counts = await sinkCounts(run);
    if (done(counts)) return;
    if (Date.now() > deadline) {
      throw new Error(`no ${what} within 90 s; records written by vertex: ${JSON.stringify(counts)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A run at parallelism 2 stopped with a savepoint mid-stream, shared by the restore tests. */
let stopped: { out: string; savepoint: string };

beforeAll(async () => {
  const out = tempDir();
  const run = await startRun(['-p', '2', '--checkpoint-dir', tempDir(), ...jobArgs(out)]);
  // Both outputs have records to commit, so the stop lands mid-stream with something before it.
  await waitForSinks(
    run,
    (counts) => (counts[SEQ_SINK] ?? 0) > 0 && (counts[WINDOWS_SINK] ?? 0) > 0,
    'records in both sinks',
  );
  const stop = await runWeir(['stop', run.jobId, '--savepoint', tempDir(), '--port', String(run.port)]);
  expectExit(stop, 0);
  expectExit(await run.exit, 0);
  stopped = { out, savepoint: lines(stop.stdout)[0]! };
}, 180_000);

/** Copies the stopped run's output to a fresh directory and restores into it with `args`. */
async function restore(args: readonly string[], variant = 'base', savepoint = stopped.savepoint) {
  const out = tempDir();
  cpSync(stopped.out, out, { recursive: true });
  const run = await runWeir(['run', '--restore', savepoint, ...args, ...jobArgs(out, variant, RESTORE_RATE)]);
  return { out, run };
}

describe('weir list, savepoint, stop and run --restore', () => {
  it('controls a running job and resumes it from the stop savepoint with exact output', async () => {
    const out = tempDir();
    const checkpointDir = tempDir();
    const run = await startRun(['-p', '2', '--checkpoint-dir', checkpointDir, ...jobArgs(out)]);
    const port = String(run.port);

    const list = await runWeir(['list', '--port', port]);
    expectExit(list, 0);
    expect(lines(list.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${run.jobId} +running +savepoint-job$`)),
    ]);

    await waitForSinks(run, (counts) => (counts[SEQ_SINK] ?? 0) > 0, 'records in the seq sink');
    const savepoint = await runWeir(['savepoint', run.jobId, '--port', port]);
    expectExit(savepoint, 0);
    const savepointPath = lines(savepoint.stdout)[0]!;
    expect(savepointPath.startsWith(join(checkpointDir, 'savepoints'))).toBe(true);
    expect(readdirSync(savepointPath)).toContain('_metadata');
    expect(run.child.exitCode).toBeNull(); // a savepoint does not stop the job

    // The stop's savepoint covers records the first one did not.
    const atSavepoint = (await sinkCounts(run))[SEQ_SINK]!;
    await waitForSinks(
      run,
      (counts) => counts[SEQ_SINK]! > atSavepoint,
      'records in the seq sink after the savepoint',
    );
    const stop = await runWeir(['stop', run.jobId, '--savepoint', '--port', port]);
    expectExit(stop, 0);
    const stopPath = lines(stop.stdout)[0]!;
    expect(stopPath).not.toBe(savepointPath);
    expect(readdirSync(stopPath)).toContain('_metadata');
    const exit = await run.exit;
    expectExit(exit, 0);
    expect(messages(exit.stderr)).toEqual([]);

    // Output up to the savepoint is committed, and it is a consistent cut mid-stream.
    const before = expectConsistentPrefix(out);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(EVENTS);

    const resumed = await runWeir([
      'run',
      '--restore',
      stopPath,
      '--checkpoint-dir',
      checkpointDir,
      ...jobArgs(out, 'base', RESTORE_RATE),
    ]);
    expect(messages(resumed.stderr)).toEqual([]);
    expectExit(resumed, 0);
    expectExact(out);
  }, 180_000);

  it('weir cancel ends the run with exit code 1 and a one-line message', async () => {
    const run = await startRun(['--checkpoint-dir', tempDir(), ...jobArgs(tempDir())]);
    const cancel = await runWeir(['cancel', run.jobId, '--port', String(run.port)]);
    expectExit(cancel, 0);
    const exit = await run.exit;
    expectExit(exit, 1);
    expect(messages(exit.stderr)).toEqual([`weir: job savepoint-job (${run.jobId}) was cancelled`]);
  }, 180_000);
});

describe('weir run --restore PATH', () => {
  it('the stop landed mid-stream at a consistent cut', () => {
    const before = expectConsistentPrefix(stopped.out);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(EVENTS);
  });

  it.each([1, 2, 3])(
    'restores the parallelism-2 savepoint at -p %i with exact output',
    async (p) => {
      const { out, run } = await restore(['-p', String(p)]);
      expect(messages(run.stderr)).toEqual([]);
      expectExit(run, 0);
      expectExact(out);
    },
    180_000,
  );

  it('restores after a stateless operator with a new uid was added', async () => {
    const { out, run } = await restore(['-p', '2'], 'extra-map');
    expect(messages(run.stderr)).toEqual([]);
    expectExit(run, 0);
    expectExact(out);
  }, 180_000);

  it('refuses, exit 2 and one line naming the uid, when a stateful uid is missing; --allow-non-restored-state drops it', async () => {
    const refused = await restore(['-p', '2'], 'renamed-counts');
    expectExit(refused.run, 2);
    const refusal = messages(refused.run.stderr);
    expect(refusal).toHaveLength(1);
    expect(refusal[0]).toMatch(/^weir: .*uid 'sequence-numbers'.*--allow-non-restored-state/);
    // Nothing ran: the output is what the stopped run committed.
    expect(committedSeq(refused.out)).toEqual(committedSeq(stopped.out));

    const allowed = await restore(['-p', '2', '--allow-non-restored-state'], 'renamed-counts');
    expectExit(allowed.run, 0);
    expect(messages(allowed.run.stderr)).toEqual([
      'weir: skipping checkpointed state of operators no longer in the job: sequence-numbers',
    ]);
    // The windows kept their uid and carry on exactly; the counts started over.
    expect(committedWindows(allowed.out)).toEqual(EXPECTED_WINDOWS);
    expect(committedSeq(allowed.out)).toHaveLength(EVENTS);
  }, 180_000);

  it('restores from a copy of the savepoint in another directory after the original is gone', async () => {
    const elsewhere = join(tempDir(), 'moved', 'sp');
    mkdirSync(join(elsewhere, '..'), { recursive: true });
    cpSync(stopped.savepoint, elsewhere, { recursive: true });
    const hidden = `${stopped.savepoint}.away`;
    cpSync(stopped.savepoint, hidden, { recursive: true });
    rmSync(stopped.savepoint, { recursive: true });
    try {
      const { out, run } = await restore(['-p', '3'], 'base', elsewhere);
      expect(messages(run.stderr)).toEqual([]);
      expectExit(run, 0);
      expectExact(out);
    } finally {
      cpSync(hidden, stopped.savepoint, { recursive: true });
    }
  }, 180_000);

  it('names a missing restore path in one line and exits 2', async () => {
    const missing = join(tempDir(), 'no-such-savepoint');
    const run = await runWeir(['run', '--restore', missing, ...jobArgs(tempDir())]);
    expectExit(run, 2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(missing);
  });
});
