/**
 * Running a job file the way `weir run` does, in this process: the environment knows the job
 * module, so its tasks go to worker threads, which load the same file to rebuild the graph.
 */
import { fileURLToPath } from 'node:url';
import { setEnvironmentDefaults } from '../../src/api/context.js';
import { type JobClient, StreamExecutionEnvironment } from '../../src/index.js';

/** Absolute path of a fixture under test/threads/fixtures. */
export function threadFixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** Builds the job of `path` with `args` and starts it on `slots` worker threads. */
export async function startJobModule(
  path: string,
  args: readonly string[],
  options: { slots: number; name?: string },
): Promise<JobClient> {
  setEnvironmentDefaults({ jobModule: { path, args }, slots: options.slots });
  try {
    const module = (await import(path)) as {
      default: (env: StreamExecutionEnvironment, args: string[]) => void;
    };
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    module.default(env, [...args]);
    return env.executeAsync(options.name ?? 'threaded-job');
  } finally {
    setEnvironmentDefaults(undefined);
  }
}
