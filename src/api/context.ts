/**
 * Settings handed to `StreamExecutionEnvironment.getExecutionEnvironment()` from outside the
 * job, by `weir run`, so the same job file runs from the CLI and from tests unchanged.
 */
import type { JobClient } from '../runtime/job-client.js';
import type { JobExecutionResult } from '../runtime/job-client.js';

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
  readonly jobListeners?: readonly JobListener[];
}

let contextDefaults: EnvironmentDefaults | undefined;

/** Installs defaults for environments created from now on (the CLI calls this). */
export function setEnvironmentDefaults(defaults: EnvironmentDefaults | undefined): void {
  contextDefaults = defaults;
}

/** The installed defaults, if any. */
export function getEnvironmentDefaults(): EnvironmentDefaults | undefined {
  return contextDefaults;
}
