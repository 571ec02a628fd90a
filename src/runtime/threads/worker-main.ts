/**
 * The code of a worker thread. While idle it loads its warm-up module (the graph provider, and
 * with it most of the engine). When an attempt takes it, the first message says which job:
 * the worker rebuilds the job graph from the provider, checks that it is the graph that was
 * submitted, then runs the subtasks deployed here. Messages that arrive while the graph is
 * still loading wait in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ErrorCodes, WeirError } from '../../types/errors.js';
import type { JobGraph } from '../job-graph.js';
import { firstDifference, graphFingerprint } from './graph-fingerprint.js';
import type { FromWorker, SerializedError, ToWorker, WorkerStart } from './protocol.js';
import { serializeError } from './thread-errors.js';
import { WorkerHost } from './worker-host.js';
import type { WorkerWarmUp } from './worker-pool.js';

interface GraphProviderModule {
  loadJobGraph(args: unknown): Promise<JobGraph>;
}

const port = parentPort!;
const warmUp = workerData as WorkerWarmUp;
const warming = import(warmUp.warmModule) as Promise<GraphProviderModule>;
// Reported once an attempt takes this worker; until then nobody is listening.
warming.catch(() => {});
const post = (message: FromWorker): void => port.postMessage(message);
const early: ToWorker[] = [];
let host: WorkerHost | undefined;
let started = false;
let stopped = false;

port.on('message', (message: ToWorker) => {
  if (host !== undefined) host.handle(message);
  else if (message.type === 'start' && !started) {
    started = true;
    load(message.start).catch((error: unknown) => stop(serializeError(error)));
  } else if (message.type === 'cancel') stop(message.reason);
  else early.push(message);
});

async function load(start: WorkerStart): Promise<void> {
  const provider =
    start.provider.module === warmUp.warmModule
      ? await warming
      : ((await import(start.provider.module)) as GraphProviderModule);
  const rebuilt = await provider.loadJobGraph(start.provider.args);
  const difference = firstDifference(start.fingerprint, graphFingerprint(rebuilt));
  if (difference !== undefined) {
    throw new WeirError(
      ErrorCodes.INVALID_GRAPH,
      `the job graph rebuilt on worker thread ${start.threadIndex} differs from the submitted one (${difference}); build the graph the same way every time: no random or time-based names, uids or parallelism`,
    );
  }
  if (stopped) return;
  const job = { ...rebuilt, jobId: start.jobId, jobName: start.jobName, config: start.config };
  host = new WorkerHost(job, post, () => port.close());
  for (const message of early.splice(0)) host.handle(message);
}

/** Ends a worker that has no tasks running: reports, then lets the thread exit. */
function stop(error: SerializedError): void {
  if (stopped) return;
  stopped = true;
  post({ type: 'failed', error });
  post({ type: 'done', tasks: [] });
  port.close();
}
