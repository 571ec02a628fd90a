/**
 * Worker threads for jobs built from a job file: where their graph provider lives, and
 * starting them early. `weir run` calls {@link prewarmWorkerThreads} before it loads the job
 * file, so the workers load the engine while this thread loads the job.
 */
import { prewarmWorkers } from '../runtime/threads/worker-pool.js';

/** The module worker threads load to rebuild a job's graph (see `job-module.ts`). */
export const JOB_MODULE_PROVIDER = new URL('./job-module.ts', import.meta.url).href;

/**
 * Starts `count` worker threads for job-file jobs ahead of time, with an initial old generation
 * of `oldInitialMb` MB (undefined: the engine's default). A job that asks for another size gets
 * new threads instead of these.
 */
export function prewarmWorkerThreads(count: number, oldInitialMb?: number): void {
  prewarmWorkers(count, JOB_MODULE_PROVIDER, undefined, oldInitialMb);
}

/** Ends idle worker threads, once the last job of the process has ended. */
export { releaseIdleWorkers as releaseIdleWorkerThreads } from '../runtime/threads/worker-pool.js';
