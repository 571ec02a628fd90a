/**
 * Parallelism on worker threads: jobs give the same results at every parallelism with their
 * tasks spread over threads, a slow operator on one thread throttles a fast source on another
 * with bounded buffers, and a crashed worker thread is recovered from a checkpoint.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_DEFAULT_OLD_GENERATION_MB,
  taskOldGenerationMb,
} from '../../src/runtime/threads/old-generation.js';
import { liveWorkerThreads } from '../../src/runtime/threads/worker-pool.js';
import { checkSequences, type Counted, readCommitted } from '../support/exactly-once.js';
import type { OldGenerationResult } from './fixtures/old-generation-job.js';
import type { WindowResult } from './fixtures/threaded-job.js';
import { startJobModule, threadFixture } from './support.js';

const JOB = threadFixture('threaded-job.ts');
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-threads-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  // However a job ended, its attempt settled only after every worker thread had exited.
  expect(liveWorkerThreads()).toBe(0);
});

/** The windows a correct run must produce: per key and 100 ms window, count and sum of `i`. */
function expectedWindows(events: number, keys: number): Map<string, { count: number; sum: number }> {
  const windows = new Map<string, { count: number; sum: number }>();
  for (let i = 0; i < events; i++) {
    const id = `${i % keys}@${Math.floor(i / 100) * 100}`;
    const w = windows.get(id) ?? { count: 0, sum: 0 };
    w.count++;
    w.sum += i;
    windows.set(id, w);
  }
  return windows;
}

describe('tasks on worker threads', () => {
  for (const parallelism of [1, 2, 3, 4]) {
    it(`computes the same windows at parallelism ${parallelism} with tasks spread over two threads`, async () => {
      const sinkDir = tempDir();
      const events = 20_000;
      const keys = 7;
      const client = await startJobModule(
        JOB,
        ['window', String(events), String(keys), String(parallelism), sinkDir],
        { slots: 2 },
      );
      await client.result;
      const results = readCommitted(sinkDir).map((line) => JSON.parse(line) as WindowResult);
      const actual = new Map(results.map((r) => [`${r.key}@${r.start}`, { count: r.count, sum: r.sum }]));
      expect(results).toHaveLength(actual.size);
      expect(actual).toEqual(expectedWindows(events, keys));
      const threads = new Set(results.map((r) => r.thread));
      expect(threads.has(0)).toBe(false);
      expect(threads.size).toBe(Math.min(parallelism, 2));
      const tasks = client.tasks();
      expect(tasks.filter((t) => t.isSource).reduce((n, t) => n + t.recordsOut, 0)).toBe(events);
    });
  }

  it("starts the task threads with the job's initial old generation, V8's own at 0, the engine's default unset", async () => {
    const run = async (initial: string): Promise<OldGenerationResult> => {
      const resultFile = join(tempDir(), 'result.json');
      const client = await startJobModule(threadFixture('old-generation-job.ts'), [initial, resultFile], {
        slots: 1,
      });
      await client.result;
      return JSON.parse(readFileSync(resultFile, 'utf8')) as OldGenerationResult;
    };
    // The task keeps about 200 MB: with 1024 MB to start with, its thread runs no full collection.
    const large = await run('1024');
    expect(large.thread).not.toBe(0);
    expect(large.scavenges).toBeGreaterThan(0);
    expect(large.markCompacts).toBe(0);
    // V8's own start is smaller: the same task's thread runs full collections on the way.
    const own = await run('0');
    expect(own.thread).not.toBe(0);
    expect(own.markCompacts).toBeGreaterThan(0);
    // The engine's default, on a machine with the memory to give it in full, skips them too.
    const unset = await run('default');
    expect(unset.thread).not.toBe(0);
    if (taskOldGenerationMb(undefined) === MAX_DEFAULT_OLD_GENERATION_MB) expect(unset.markCompacts).toBe(0);
  });

  it('throttles a fast source behind a slow operator on another thread, with bounded buffers', async () => {
    const client = await startJobModule(JOB, ['slow', '2', '20'], { slots: 2 });
    const sourceOut = () => client.tasks().find((t) => t.isSource)?.recordsOut ?? 0;
    const rss: number[] = [];
    const inFlight: number[] = [];
    const ratios: number[] = [];
    try {
      // Worker threads load the job module first, which takes seconds on a loaded machine: the
      // samples start once the source runs and has filled the channels (their credit is
      // 2 × 16 batches of 512), not at a fixed time after the start.
      await waitUntil(() => sourceOut() > 2 * 16 * 512, 'the source to fill the channels');
      const startOut = sourceOut();
      const startedAt = performance.now();
      for (let i = 0; i < 16; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        rss.push(process.memoryUsage().rss);
        const tasks = client.tasks();
        const produced = tasks.filter((t) => t.isSource).reduce((n, t) => n + t.recordsOut, 0);
        const consumed = tasks.filter((t) => !t.isSource).reduce((n, t) => n + t.recordsIn, 0);
        inFlight.push(produced - consumed);
        ratios.push(tasks.find((t) => t.isSource)!.backpressureRatio);
      }
      const seconds = (performance.now() - startedAt) / 1000;
      const source = client.tasks().find((t) => t.isSource)!;
      // The slow operator spins 20 µs of wall time per record, so two subtasks take at most
      // 100k records/s however loaded the machine; an unthrottled generator makes millions.
      // Beyond that rate the source may only have filled what the channels hold.
      const bound = 2 * 16 * 512 + 4 * 512 + 60_000;
      expect(source.recordsOut).toBeGreaterThan(startOut);
      expect(source.recordsOut - startOut).toBeLessThan(100_000 * seconds + bound);
      // The source shares its thread with one slow subtask, so it is blocked for about half the
      // time and runs the slow subtask for the other half. The ratio is of wall time over a short
      // window, which a loaded machine skews (time waiting for a core counts as neither), so the
      // test takes the best window of the samples.
      expect(Math.max(...ratios), `backpressure ratios ${ratios.join(', ')}`).toBeGreaterThan(0.3);
      // In flight: at most the credit of both channels (16 batches of 512) plus a batch being
      // built and one being processed per subtask, and metrics lag by one report.
      expect(Math.max(...inFlight)).toBeLessThan(bound);
      expect(Math.max(...rss) - rss[0]!).toBeLessThan(150 * 1024 * 1024);
    } finally {
      client.cancel();
      await client.result.catch(() => {});
    }
  }, 120_000);

  it('recovers from a crashed worker thread, and the output is exactly once', async () => {
    const dir = tempDir();
    const sinkDir = join(dir, 'out');
    const marker = join(dir, 'crashed');
    const events = 6000;
    const keys = 5;
    const client = await startJobModule(JOB, ['crash', String(events), String(keys), '2', sinkDir, marker], {
      slots: 2,
    });
    await client.result;
    expect(readdirSync(dir)).toContain('crashed');
    expect(client.restarts()).toBeGreaterThanOrEqual(1);
    const records = readCommitted(sinkDir).map((line) => JSON.parse(line) as Counted);
    const report = checkSequences(records, keys, events / keys);
    expect(report).toEqual({ total: events, lost: 0, duplicates: 0, reordered: 0 });
  });

  it("fails the job with the task's error and leaves no thread behind", async () => {
    const client = await startJobModule(JOB, ['fail', '2'], { slots: 2 });
    await expect(client.result).rejects.toThrow('injected failure at record 5000');
    expect(client.status()).toBe('failed');
  });

  it('leaves no thread behind when cancelled in its restart delay, whose next attempt was warming up', async () => {
    // The delay is far longer than the test: only the cancel can end it.
    const client = await startJobModule(JOB, ['fail-restart', '2', '600000'], { slots: 2 });
    await waitUntil(() => client.status() === 'restarting', 'the first failure');
    // The failed attempt's threads exit and the next attempt's two are started for the delay.
    await waitUntil(() => liveWorkerThreads() === 2 && client.restarts() === 1, 'two warm threads');
    client.cancel();
    await expect(client.result).rejects.toThrow(/cancel/i);
    expect(client.status()).toBe('cancelled');
    expect(client.restarts()).toBe(1);
    expect(liveWorkerThreads()).toBe(0);
  });

  it('terminates a worker thread that does not stop when the job is cancelled', async () => {
    const client = await startJobModule(JOB, ['hang', '2'], { slots: 2 });
    await waitUntil(
      () => client.tasks().some((t) => t.isSource && t.recordsOut > 5000),
      'a source subtask past 5000 records',
    );
    expect(liveWorkerThreads()).toBe(2);
    client.cancel();
    await expect(client.result).rejects.toThrow(/cancel/i);
  });
});

/**
 * Polls `condition` until it holds or 40 s passed (a bound for a broken job, not a speed
 * expectation: worker threads start slowly on a loaded machine), then asserts it. The bound
 * stays under the test's 60 s limit, so a stuck job fails with `what`, not with a timeout.
 */
async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 40_000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(condition(), `timed out after 40 s waiting for ${what}`).toBe(true);
}
