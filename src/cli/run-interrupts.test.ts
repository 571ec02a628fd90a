import { afterEach, describe, expect, it } from 'vitest';
import { type JobClient, JobExecutionResult, type JobStatus, NO_CHECKPOINTS } from '../runtime/job-client.js';
import { stdoutClosed } from './broken-pipe.js';
import { RunInterrupts } from './run-interrupts.js';
import type { Terminal } from './terminal.js';

/** A job that runs until cancelled, counting the cancels it was asked for. */
function job(name: string): JobClient & { cancels: number; finish(): void } {
  let status: JobStatus = 'running';
  let settle!: { resolve: (r: JobExecutionResult) => void; reject: (e: Error) => void };
  const result = new Promise<JobExecutionResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => {});
  const client = {
    jobId: name,
    jobName: name,
    startTime: 0,
    cancels: 0,
    status: () => status,
    tasks: () => [],
    cancel() {
      client.cancels++;
      if (status !== 'running') return;
      status = 'cancelled';
      settle.reject(new Error(`job ${name} was cancelled`));
    },
    finish() {
      status = 'finished';
      settle.resolve(new JobExecutionResult(name, name, 0));
    },
    restarts: () => 0,
    checkpoints: () => NO_CHECKPOINTS,
    triggerSavepoint: () => Promise.reject(new Error('none')),
    stopWithSavepoint: () => Promise.reject(new Error('none')),
    result,
  };
  return client;
}

/** A terminal that keeps stderr's lines. */
function terminal(): Terminal & { errors: string[] } {
  const errors: string[] = [];
  return { errors, out: () => {}, err: (line) => errors.push(line), errRaw: () => {} };
}

const installed: RunInterrupts[] = [];
afterEach(() => {
  for (const interrupts of installed.splice(0)) interrupts.uninstall();
});

/** Installed interrupts whose exit only records the code. */
function setUp(): { interrupts: RunInterrupts; exits: number[]; term: ReturnType<typeof terminal> } {
  const exits: number[] = [];
  const term = terminal();
  const interrupts = new RunInterrupts(term, (code) => exits.push(code));
  interrupts.install();
  installed.push(interrupts);
  return { interrupts, exits, term };
}

describe('RunInterrupts', () => {
  it('cancels every job on the first Ctrl-C with a hint, and exits on the second', async () => {
    const { interrupts, exits, term } = setUp();
    const [a, b] = [job('a'), job('b')];
    interrupts.add(a);
    interrupts.add(b);
    process.emit('SIGINT', 'SIGINT');
    expect([a.cancels, b.cancels]).toEqual([1, 1]);
    expect(exits).toEqual([]);
    expect(term.errors).toEqual(['weir: cancelling the job; press Ctrl-C again to exit now']);
    expect(interrupts.interruption).toEqual({ cause: 'SIGINT', exitCode: 130 });
    expect((await interrupts.cancelledJobs()).map((c) => c.jobName)).toEqual(['a', 'b']);
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
  });

  it('cancels a job submitted after the signal at once, and leaves out jobs that finished', async () => {
    const { interrupts } = setUp();
    const done = job('done');
    interrupts.add(done);
    done.finish();
    process.emit('SIGTERM', 'SIGTERM');
    const late = job('late');
    interrupts.add(late);
    expect(late.cancels).toBe(1);
    expect(interrupts.interruption?.exitCode).toBe(143);
    expect((await interrupts.cancelledJobs()).map((c) => c.jobName)).toEqual(['late']);
  });

  it('exits at once on a signal before any job was submitted', () => {
    const { interrupts, exits } = setUp();
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    expect(interrupts.interruption).toBeUndefined();
  });

  it('cancels quietly on a closed stdout, whose repeated errors change nothing; a Ctrl-C then exits', () => {
    const { interrupts, exits, term } = setUp();
    const a = job('a');
    interrupts.add(a);
    for (let i = 0; i < 3; i++) stdoutClosed();
    expect(a.cancels).toBe(1);
    expect(exits).toEqual([]);
    expect(term.errors).toEqual([]);
    expect(interrupts.interruption).toEqual({ cause: 'EPIPE', exitCode: 141 });
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
  });

  it('leaves the signals alone once uninstalled', () => {
    const before = process.listenerCount('SIGINT');
    const { interrupts } = setUp();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    interrupts.uninstall();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
