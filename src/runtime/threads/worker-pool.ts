/**
 * Worker threads ready before they are needed. A new worker spends most of a second loading the
 * TypeScript loader and the engine's modules, so `weir run` starts its workers while it is still
 * loading the job file itself, and a job that is about to restart starts the next attempt's
 * workers during its restart delay. A warm worker has loaded its graph provider's module and
 * waits for the `start` message of an attempt.
 *
 * Idle workers do not keep the process alive, and each worker serves one attempt only: a new
 * attempt never inherits a thread that an earlier one may have left in a bad state.
 */
import { Worker } from 'node:worker_threads';

/** The worker entry point: plain JavaScript that loads the TypeScript worker. */
const WORKER_BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

/** What a worker is started with: the module to load while it waits. */
export interface WorkerWarmUp {
  readonly warmModule: string;
}

const idle: { worker: Worker; warmModule: string; onExit: () => void }[] = [];
/** Every worker started here whose thread has not exited yet. */
const live = new Set<Worker>();

function spawn(warmModule: string): Worker {
  const worker = new Worker(WORKER_BOOTSTRAP, { workerData: { warmModule } satisfies WorkerWarmUp });
  live.add(worker);
  worker.once('exit', () => live.delete(worker));
  return worker;
}

/** Worker threads started and not yet exited, idle ones included: after every job ended, 0. */
export function liveWorkerThreads(): number {
  return live.size;
}

/** Makes sure `count` idle workers that load `warmModule` are starting or ready. */
export function prewarmWorkers(count: number, warmModule: string): void {
  let have = idle.filter((entry) => entry.warmModule === warmModule).length;
  for (; have < count; have++) {
    const worker = spawn(warmModule);
    // A worker that dies while idle (it cannot load its module, say) is simply not handed out.
    const entry = {
      worker,
      warmModule,
      onExit: (): void => {
        const index = idle.indexOf(entry);
        if (index >= 0) idle.splice(index, 1);
      },
    };
    worker.unref();
    worker.once('exit', entry.onExit);
    worker.on('error', () => {});
    idle.push(entry);
  }
}

/** An idle worker for `warmModule`, or a new one; the caller owns it from now on. */
export function takeWorker(warmModule: string): Worker {
  const index = idle.findIndex((entry) => entry.warmModule === warmModule);
  if (index < 0) return spawn(warmModule);
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
