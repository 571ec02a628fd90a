/**
 * The worker pool hands out a warm worker only to an attempt that asks for its young
 * generation and initial old generation (the engine's default resolved first), and every worker
 * it starts has the young generation it was asked for (test/threads shows a task thread's
 * initial old generation at work).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionConfig } from '../../api/config.js';
import { taskOldGenerationMb } from './old-generation.js';
import { liveWorkerThreads, prewarmWorkers, releaseIdleWorkers, takeWorker } from './worker-pool.js';

/** What job-file workers load (`api/worker-threads.ts`), named here without importing the API. */
const JOB_MODULE_PROVIDER = new URL('../../api/job-module.ts', import.meta.url).href;

const taken: { terminate(): Promise<number> }[] = [];

afterEach(async () => {
  await Promise.all(taken.splice(0).map((worker) => worker.terminate()));
  await releaseIdleWorkers();
});

describe('worker pool', () => {
  it("starts workers with the young generation asked for, V8's own when none is", async () => {
    const plain = takeWorker(JOB_MODULE_PROVIDER);
    const small = takeWorker(JOB_MODULE_PROVIDER, 16);
    const large = takeWorker(JOB_MODULE_PROVIDER, 160);
    taken.push(plain, small, large);
    expect(small.resourceLimits?.maxYoungGenerationSizeMb).toBe(16);
    expect(large.resourceLimits?.maxYoungGenerationSizeMb).toBe(160);
    expect(plain.resourceLimits?.maxYoungGenerationSizeMb).not.toBe(16);
    expect(plain.resourceLimits?.maxYoungGenerationSizeMb).not.toBe(160);
  });

  it('hands a warm worker only to an attempt that asks for its young generation', async () => {
    const before = liveWorkerThreads();
    prewarmWorkers(1, JOB_MODULE_PROVIDER, 64);
    expect(liveWorkerThreads()).toBe(before + 1);
    const other = takeWorker(JOB_MODULE_PROVIDER, 80);
    taken.push(other);
    // The warm one has another size: a new worker was started for this attempt.
    expect(liveWorkerThreads()).toBe(before + 2);
    expect(other.resourceLimits?.maxYoungGenerationSizeMb).toBe(80);
    const warm = takeWorker(JOB_MODULE_PROVIDER, 64);
    taken.push(warm);
    expect(liveWorkerThreads()).toBe(before + 2);
    expect(warm.resourceLimits?.maxYoungGenerationSizeMb).toBe(64);
  });

  it('hands a warm worker only to an attempt that asks for its initial old generation', async () => {
    // A size that is neither the engine's default nor V8's own start.
    const size = taskOldGenerationMb(undefined) + 100;
    const before = liveWorkerThreads();
    prewarmWorkers(1, JOB_MODULE_PROVIDER, undefined, size);
    expect(liveWorkerThreads()).toBe(before + 1);
    taken.push(takeWorker(JOB_MODULE_PROVIDER));
    taken.push(takeWorker(JOB_MODULE_PROVIDER, undefined, 0));
    // Neither asked for that size: both are new workers.
    expect(liveWorkerThreads()).toBe(before + 3);
    taken.push(takeWorker(JOB_MODULE_PROVIDER, undefined, size));
    expect(liveWorkerThreads()).toBe(before + 3);
  });

  it("hands a worker warmed with the engine's default to an attempt that sets none or names its size", async () => {
    const size = taskOldGenerationMb(undefined);
    const before = liveWorkerThreads();
    prewarmWorkers(2, JOB_MODULE_PROVIDER);
    expect(liveWorkerThreads()).toBe(before + 2);
    taken.push(takeWorker(JOB_MODULE_PROVIDER));
    taken.push(takeWorker(JOB_MODULE_PROVIDER, undefined, size));
    expect(liveWorkerThreads()).toBe(before + 2);
    // Another size (V8's own start, or the default's double) is never handed the warm ones.
    prewarmWorkers(1, JOB_MODULE_PROVIDER);
    taken.push(takeWorker(JOB_MODULE_PROVIDER, undefined, size === 0 ? 256 : 0));
    taken.push(takeWorker(JOB_MODULE_PROVIDER, undefined, size * 2 + 1));
    expect(liveWorkerThreads()).toBe(before + 5);
  });

  it("takes an initial old generation from the job config, in whole MB within bounds, 0 for V8's own", () => {
    const config = new ExecutionConfig();
    expect(config.getTaskOldGenerationInitialSize()).toBeUndefined();
    expect(config.setTaskOldGenerationInitialSize(2048).getTaskOldGenerationInitialSize()).toBe(2048);
    expect(config.setTaskOldGenerationInitialSize(0).getTaskOldGenerationInitialSize()).toBe(0);
    for (const bad of [-1, 1.5, 70000, Number.NaN])
      expect(() => config.setTaskOldGenerationInitialSize(bad)).toThrow(
        /^taskmanager\.memory\.old-generation\.initial-size must be a whole number of MB from 0 \(V8's own start\) to 65536, got /,
      );
  });

  it('takes a young generation from the job config, in whole MB within bounds', () => {
    const config = new ExecutionConfig();
    expect(config.getTaskYoungGenerationSize()).toBeUndefined();
    expect(config.setTaskYoungGenerationSize(128).getTaskYoungGenerationSize()).toBe(128);
    for (const bad of [0, 2, 1.5, 5000, Number.NaN])
      expect(() => config.setTaskYoungGenerationSize(bad)).toThrow(
        /young-generation.size must be a whole number/,
      );
  });
});
