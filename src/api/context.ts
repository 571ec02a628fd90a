/**
 * Settings handed to `StreamExecutionEnvironment.getExecutionEnvironment()` from outside the
 * job, by `weir run`, so the same job file runs from the CLI and from tests unchanged.
 */
import type { JobClient, JobExecutionResult } from '../runtime/job-client.js';
import type { JobGraph } from '../runtime/job-graph.js';

/** Observes job submissions and completions, e.g. for progress reports. */
export interface JobListener {
  onJobSubmitted(client: JobClient): void;
  onJobExecuted?(result: JobExecutionResult | undefined, error: unknown): void;
}

/** Defaults applied to environments created by `getExecutionEnvironment()`. */
export interface EnvironmentDefaults {
  readonly parallelism?: number;
  readonly maxParallelism?: number;
  readonly stateBackend?: string;
  readonly checkpointDir?: string;
  readonly checkpointInterval?: number;
  /** `latest` or a checkpoint or savepoint path. */
  readonly restorePath?: string;
  /** Skip checkpointed state of operators that are gone instead of failing the restore. */
  readonly allowNonRestoredState?: boolean;
  /** The task threads' initial old generation, MB (`ExecutionConfig.setTaskOldGenerationInitialSize`). */
  readonly taskOldGenerationInitialMb?: number;
  readonly jobListeners?: readonly JobListener[];
  /**
   * The job file being run. Knowing it lets jobs run their tasks on worker threads: operators
   * are closures that cannot be sent to a thread, so every worker loads this file again to
   * rebuild the job graph.
   */
  readonly jobModule?: JobModule;
  /** Worker threads (task slots) for jobs of {@link jobModule}; default: one per core. */
  readonly slots?: number;
  /** Set inside worker threads: submitted graphs are handed over instead of run. */
  readonly graphCapture?: GraphCapture;
}

/** A job file and the arguments it was given. */
export interface JobModule {
  /** Absolute path of the job file. */
  readonly path: string;
  readonly args: readonly string[];
}

/** Takes the graphs a job file submits when it is loaded to rebuild them (see `job-module.ts`). */
export interface GraphCapture {
  /** The id every environment takes, so sinks name their output as in the submitted job. */
  readonly jobId: string;
  /** Receives the `index`-th job submitted since the defaults were installed. */
  submit(graph: JobGraph, index: number): JobClient;
}

let contextDefaults: EnvironmentDefaults | undefined;
let submissions = 0;

/** Installs defaults for environments created from now on (the CLI calls this). */
export function setEnvironmentDefaults(defaults: EnvironmentDefaults | undefined): void {
  contextDefaults = defaults;
  submissions = 0;
}

/** Counts a submission: the index of this job among those submitted under the current defaults. */
export function nextSubmissionIndex(): number {
  return submissions++;
}

/**
 * The index the next submission will get, without counting it: code that prepares a job for
 * submission names it by this, the same on the submitting thread and on a worker rebuilding it.
 */
export function pendingSubmissionIndex(): number {
  return submissions;
}

/** The installed defaults, if any. */
export function getEnvironmentDefaults(): EnvironmentDefaults | undefined {
  return contextDefaults;
}
