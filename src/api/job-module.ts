/**
 * Rebuilding a job's graph on a worker thread. Operators are closures, so they cannot be sent
 * to a thread; instead the worker loads the job file again, with the same environment
 * defaults, and takes the graph the file submits instead of running it. The `index`-th
 * submission is the one wanted (a file may run several jobs one after another); submissions
 * before it return at once as if finished, and the wanted one never returns, since the worker
 * only needs its graph. The worker then checks that the graph matches the submitted one.
 * Results the submitting thread remembered while building (`rebuild-memo.ts`; parsed SQL,
 * say) come along, so the file's code need not compute them again.
 *
 * Loading a job file on every worker runs its top-level code there too: code with side effects
 * outside building the graph (deleting an output directory, say) should only run where
 * `isMainThread` from `node:worker_threads` is true.
 */
import { pathToFileURL } from 'node:url';
import { JobExecutionResult, type JobClient, NO_CHECKPOINTS } from '../runtime/job-client.js';
import type { JobGraph } from '../runtime/job-graph.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import { type EnvironmentDefaults, setEnvironmentDefaults } from './context.js';
import { StreamExecutionEnvironment } from './environment.js';
import { installRebuildMemo, type RebuildMemo } from './rebuild-memo.js';

/** What a worker needs to rebuild one job's graph; structured-cloneable. */
export interface JobModuleGraphArgs {
  /** Absolute path of the job file. */
  readonly path: string;
  readonly args: readonly string[];
  /** Which of the file's submissions is wanted, counting from 0. */
  readonly jobIndex: number;
  readonly jobId: string;
  /** The name `weir run` gives a job whose default export did not execute it. */
  readonly defaultJobName: string;
  /** The settings the submitting thread's environments were created with. */
  readonly defaults: Pick<
    EnvironmentDefaults,
    'parallelism' | 'maxParallelism' | 'stateBackend' | 'checkpointDir' | 'checkpointInterval'
  >;
  /** What the submitting thread computed that the job file's code may recall (see `rebuild-memo.ts`). */
  readonly memo?: RebuildMemo;
}

/** Loads the job file and resolves with the graph of its `jobIndex`-th submission. */
export function loadJobGraph(spec: JobModuleGraphArgs): Promise<JobGraph> {
  return new Promise<JobGraph>((resolve, reject) => {
    let submitted = 0;
    let captured = false;
    setEnvironmentDefaults({
      ...spec.defaults,
      graphCapture: {
        jobId: spec.jobId,
        submit(graph, index) {
          submitted++;
          if (index !== spec.jobIndex) return stubClient(graph, Promise.resolve());
          captured = true;
          resolve(graph);
          return stubClient(graph, new Promise(() => {}));
        },
      },
    });
    // A job that runs at the top level reads its arguments from process.argv, as under `weir run`.
    process.argv = [process.argv[0]!, spec.path, ...spec.args];
    installRebuildMemo(spec.memo);
    const load = async (): Promise<void> => {
      const module = (await import(pathToFileURL(spec.path).href)) as { default?: unknown };
      if (captured || typeof module.default !== 'function') return;
      const env = StreamExecutionEnvironment.getExecutionEnvironment();
      const before = submitted;
      await (module.default as (env: StreamExecutionEnvironment, args: string[]) => unknown)(env, [
        ...spec.args,
      ]);
      if (!captured && submitted === before) env.executeAsync(spec.defaultJobName);
    };
    load().then(() => {
      if (!captured) {
        reject(
          new WeirError(
            ErrorCodes.INVALID_GRAPH,
            `${spec.path} submitted ${submitted} job(s) when loaded on a worker thread, but job ${spec.jobIndex + 1} was wanted; submit the same jobs every time the file loads`,
          ),
        );
      }
    }, reject);
  });
}

/** The client a captured submission returns: the job never runs here. */
function stubClient(graph: JobGraph, ended: Promise<void>): JobClient {
  const startTime = Date.now();
  const notHere = (): Promise<string> =>
    Promise.reject(
      new WeirError(ErrorCodes.INVALID_ARGUMENT, 'jobs rebuilt on a worker thread take no savepoints'),
    );
  return {
    jobId: graph.jobId,
    jobName: graph.jobName,
    startTime,
    status: () => 'running',
    tasks: () => [],
    cancel: () => {},
    restarts: () => 0,
    checkpoints: () => NO_CHECKPOINTS,
    triggerSavepoint: notHere,
    stopWithSavepoint: notHere,
    result: ended.then(() => new JobExecutionResult(graph.jobId, graph.jobName, 0)),
  };
}
