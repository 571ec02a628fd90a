/**
 * Runs a job file the way `weir run` does with two slots: the file builds the job here, and
 * each worker thread loads the same file again to rebuild its subtasks. Shared by the tests
 * of what a SQL job's workers get from the submitting thread.
 */
import { setEnvironmentDefaults } from '../../src/api/context.js';
import { StreamExecutionEnvironment } from '../../src/index.js';

/** Builds the job of `path` with `args` on two worker slots and waits until it finishes. */
export async function runJobFileOnWorkers(path: string, args: string[], jobName: string): Promise<void> {
  setEnvironmentDefaults({ jobModule: { path, args }, slots: 2 });
  let result: Promise<unknown>;
  try {
    const module = (await import(path)) as {
      default: (env: StreamExecutionEnvironment, args: string[]) => Promise<void>;
    };
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    await module.default(env, args);
    result = (await env.executeAsync(jobName)).result;
  } finally {
    setEnvironmentDefaults(undefined);
  }
  await result;
}
