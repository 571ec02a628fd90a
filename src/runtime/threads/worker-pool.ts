/**
 * Worker threads ready before they are needed. A new worker spends most of a second loading the
 * TypeScript loader and the engine's modules, so `weir run` starts its workers while it is still
 * loading the job file itself, and a job that is about to restart starts the next attempt's
 * workers during its restart delay. A warm worker has loaded its graph provider's module and
 * waits for the `start` message of an attempt.
 *
 * Idle workers do not keep the process alive, and each worker serves one attempt only: a new
 * attempt never inherits a thread that an earlier one may have left in a bad state.
 *
 * A worker's young generation (V8's new space, where objects start) is fixed when it starts
 * (`resourceLimits.maxYoungGenerationSizeMb`), so an idle worker is handed only to an attempt
 * that asks for its size (`ExecutionConfig.setTaskYoungGenerationSize`; undefined is V8's own
 * default, 48 MB for a worker on 64-bit). Tasks that keep state keep most of what they
 * allocate, and every scavenge copies what arrived since the last one: a larger young generation
 * runs fewer scavenges and promotes less. Measured on the Nexmark jobs (bench/README.md), 96 MB
 * cut the stateful jobs' scavenges by a quarter to a half, but their CPU time moved within the
 * noise of a busy machine, so the default stays V8's.
 *
 * A worker's initial old generation (`ExecutionConfig.setTaskOldGenerationInitialSize`; undefined
 * is the engine's default, `old-generation.ts`) is not among a worker's `resourceLimits`, and V8
 * flags are refused in a worker's `execArgv`: V8 reads it from the process-wide
 * `--initial-old-space-size` flag when the thread's isolate is created, so the pool sets that
 * flag before it starts a worker that asks for another size than the flag holds, and hands an
 * idle worker only to an attempt whose size, default resolved, is the worker's. An isolate is
 * created on its own thread a moment after `new Worker`, so a worker started just before the
 * flag changes may take the new value; one setting per process (as `weir run` has) never meets
 * that.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { taskOldGenerationMb } from './old-generation.js';

/** The worker entry point: plain JavaScript that loads the TypeScript worker. */
const WORKER_BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/** What a worker is started with: the module to load while it waits. */
export interface WorkerWarmUp {
  readonly warmModule: string;
}

const idle: {
  worker: Worker;
  warmModule: string;
  youngMb: number | undefined;
  /** Resolved: the engine's default is a number too; 0 is V8's own start. */
  oldInitialMb: number;
  onExit: () => void;
}[] = [];
/** Every worker started here whose thread has not exited yet. */
const live = new Set<Worker>();

/**
 * What this process last set V8's `--initial-old-space-size` to; undefined: never set, so it
 * holds whatever node was started with.
 */
let oldInitialFlag: number | undefined;

/** Sets the flag new isolates read their initial old generation from (0 is V8's own). */
function setOldInitialFlag(mb: number): void {
  if (mb === oldInitialFlag) return;
  setFlagsFromString(`--initial-old-space-size=${mb}`);
  oldInitialFlag = mb;
}

/** Starts a worker; `oldInitialMb` is resolved (see {@link taskOldGenerationMb}). */
function spawn(warmModule: string, youngMb: number | undefined, oldInitialMb: number): Worker {
  setOldInitialFlag(oldInitialMb);
  const worker = new Worker(WORKER_BOOTSTRAP, {
    workerData: { warmModule } satisfies WorkerWarmUp,
    ...(youngMb === undefined ? {} : { resourceLimits: { maxYoungGenerationSizeMb: youngMb } }),
  });
  live.add(worker);
  worker.once('exit', () => live.delete(worker));
  return worker;
}

/** Worker threads started and not yet exited, idle ones included: after every job ended, 0. */
export function liveWorkerThreads(): number {
  return live.size;
}

/**
 * Makes sure `count` idle workers that load `warmModule`, with a young generation of `youngMb`
 * MB (undefined: V8's default) and an initial old generation of `oldInitialMb` MB (undefined:
 * the engine's default), are starting or ready. Returns a function that terminates the workers
 * this call started which are still idle, for a caller that no longer needs them (a job
 * cancelled in its restart delay); it resolves once they exited.
 */
export function prewarmWorkers(
  count: number,
  warmModule: string,
  youngMb?: number,
  oldInitialMb?: number,
): () => Promise<void> {
  const oldSize = taskOldGenerationMb(oldInitialMb);
  const started: (typeof idle)[number][] = [];
  let have = idle.filter((entry) => fits(entry, warmModule, youngMb, oldSize)).length;
  for (; have < count; have++) {
    const worker = spawn(warmModule, youngMb, oldSize);
    // A worker that dies while idle (it cannot load its module, say) is simply not handed out.
    const entry = {
      worker,
      warmModule,
      youngMb,
      oldInitialMb: oldSize,
      onExit: (): void => {
        const index = idle.indexOf(entry);
        if (index >= 0) idle.splice(index, 1);
      },
    };
    worker.unref();
    worker.once('exit', entry.onExit);
    worker.on('error', () => {});
    idle.push(entry);
    started.push(entry);
  }
  return async () => {
    const unused = started.filter((entry) => idle.includes(entry));
    for (const entry of unused) idle.splice(idle.indexOf(entry), 1);
    await Promise.all(unused.map(({ worker }) => worker.terminate()));
  };
}

/** Whether an idle worker was started as asked; `oldSize` is resolved. */
function fits(
  entry: (typeof idle)[number],
  warmModule: string,
  youngMb: number | undefined,
  oldSize: number,
): boolean {
  return entry.warmModule === warmModule && entry.youngMb === youngMb && entry.oldInitialMb === oldSize;
}

/**
 * An idle worker for `warmModule` with a young generation of `youngMb` MB (undefined: V8's
 * default) and an initial old generation of `oldInitialMb` MB (undefined: the engine's
 * default), or a new one; the caller owns it from now on.
 */
export function takeWorker(warmModule: string, youngMb?: number, oldInitialMb?: number): Worker {
  const oldSize = taskOldGenerationMb(oldInitialMb);
  const index = idle.findIndex((entry) => fits(entry, warmModule, youngMb, oldSize));
  if (index < 0) return spawn(warmModule, youngMb, oldSize);
  const entry = idle.splice(index, 1)[0]!;
  const { worker } = entry;
  worker.removeListener('exit', entry.onExit);
  worker.removeAllListeners('error');
  worker.ref();
  return worker;
}

/** Terminates the idle workers, e.g. once the last job of a process ended. */
export async function releaseIdleWorkers(): Promise<void> {
  await Promise.all(idle.splice(0).map(({ worker }) => worker.terminate()));
}
