/**
 * `weir run`: installs the command line's settings as environment defaults, loads the job
 * file, runs its job (or jobs) and waits for them, with progress lines on stderr. While it
 * runs it serves the REST API on localhost, which `weir list`, `savepoint`, `stop` and
 * `cancel` talk to.
 *
 * The defaults are installed before the job file is imported, because a job file that runs at
 * the top level creates its environment while it is being imported.
 *
 * The worker threads are started before this thread loads the engine and the REST server: each
 * side spends most of its start-up loading modules through the TypeScript loader, so the
 * workers should begin as early as possible and overlap with it.
 *
 * Ctrl-C, SIGTERM and a closed stdout cancel the jobs and wait for them to end (see
 * run-interrupts.ts) rather than end the process with output still held in sinks.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setEnvironmentDefaults } from '../api/context.js';
import { prewarmWorkerThreads, releaseIdleWorkerThreads } from '../api/worker-threads.js';
import type { JobClient } from '../runtime/job-client.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import type { JobRegistry, RestServer } from '../web/index.js';
import {
  COMMONJS_HINT,
  importJobFile,
  isCommonJsMixUp,
  isLoadError,
  jobNameOf,
  resolveJobFile,
} from './job-file.js';
import { ProgressReporter } from './progress.js';
import { RunInterrupts } from './run-interrupts.js';
import { parseRunOptions, type RunOptions } from './run-options.js';
import { formatFailure, type Terminal } from './terminal.js';
import { ExitCodes, RUN_HELP, UsageError } from './usage.js';

/** Runs `weir run <argv…>` and returns the exit code. */
export async function runCommand(argv: readonly string[], terminal: Terminal): Promise<number> {
  const options = parseRunOptions(argv);
  if (options.help) {
    terminal.out(RUN_HELP);
    return ExitCodes.OK;
  }
  if (options.restore !== undefined && options.restore !== 'latest' && !existsSync(options.restore)) {
    throw new UsageError(
      `--restore ${options.restore}: no such checkpoint or savepoint; pass the directory printed when it was taken, or 'latest' with --checkpoint-dir`,
    );
  }
  const path = resolveJobFile(options.jobFile);
  // Worker threads load the engine while this thread loads it and the job file. Their initial
  // old generation is fixed when they start: they take the one the job will get by default.
  prewarmWorkerThreads(
    Math.min(options.slots ?? availableParallelism(), options.parallelism ?? Number.POSITIVE_INFINITY),
    options.taskOldGenerationMb,
  );
  const web = await import('../web/index.js');
  const registry = new web.JobRegistry();
  const server = await startServer(web.startRestServer, options, registry, terminal);
  const submitted: JobClient[] = [];
  const interrupts = new RunInterrupts(terminal);
  const progress = options.quiet
    ? undefined
    : new ProgressReporter({ write: (text) => terminal.errRaw(text) });
  setEnvironmentDefaults({
    jobModule: { path, args: [...options.jobArgs] },
    slots: options.slots,
    parallelism: options.parallelism,
    stateBackend: options.stateBackend,
    taskOldGenerationInitialMb: options.taskOldGenerationMb,
    checkpointDir: options.checkpointDir,
    checkpointInterval: options.checkpointInterval,
    restorePath: options.restore,
    allowNonRestoredState: options.allowNonRestoredState,
    jobListeners: [
      {
        onJobSubmitted(client) {
          submitted.push(client);
          registry.add(client);
          if (server !== undefined && !options.quiet) {
            terminal.err(
              `weir: [${client.jobName}] submitted as job ${client.jobId}; REST API at ${server.url}`,
            );
          }
          progress?.add(client);
          interrupts.add(client);
        },
      },
    ],
  });
  // A job that runs at the top level reads its arguments from process.argv, as any script does.
  process.argv = [process.argv[0]!, path, ...options.jobArgs];
  interrupts.install();
  try {
    const main = await loadAndStart(path, options, submitted);
    if (main === 'nothing') {
      throw new UsageError(
        `${options.jobFile} defines no job: export a default function (env, args) => … or call env.execute()`,
      );
    }
    // Jobs started without awaiting them (executeAsync) still count: wait for every one.
    for (const client of submitted) await client.result;
    // Interrupted as the jobs finished: the signal still decides the exit code.
    return interrupts.interruption?.exitCode ?? ExitCodes.OK;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (interrupts.interruption !== undefined && isCancellation(error)) {
      progress?.stop();
      return reportInterrupted(interrupts, terminal);
    }
    if (submitted.length === 0 && isLoadError(error)) {
      const reason = isCommonJsMixUp(error) ? COMMONJS_HINT : formatFailure(error, options.verbose);
      terminal.err(`weir: cannot load ${options.jobFile}: ${reason}`);
      return ExitCodes.USAGE;
    }
    if (submitted.length === 0 && error instanceof WeirError && error.domain === 'user') {
      // The graph was rejected before it ran: the job file needs a fix.
      terminal.err(`weir: ${formatFailure(error, options.verbose)}`);
      return ExitCodes.USAGE;
    }
    if (isUnusableRestore(error)) {
      terminal.err(`weir: ${formatFailure(error, options.verbose)}`);
      return ExitCodes.USAGE;
    }
    if (isCancellation(error)) {
      terminal.err(`weir: ${error.message}`);
      return ExitCodes.JOB_FAILED;
    }
    terminal.err(`weir: job failed: ${formatFailure(error, options.verbose)}`);
    return ExitCodes.JOB_FAILED;
  } finally {
    interrupts.uninstall();
    progress?.stop();
    setEnvironmentDefaults(undefined);
    await releaseIdleWorkerThreads();
    await server?.close();
  }
}

/** Imports the job file and starts its job; 'nothing' if it neither ran nor exported one. */
async function loadAndStart(
  path: string,
  options: RunOptions,
  submitted: JobClient[],
): Promise<'started' | 'nothing'> {
  const main = await importJobFile(path);
  if (main === undefined) return submitted.length > 0 ? 'started' : 'nothing';
  const { StreamExecutionEnvironment } = await import('../api/environment.js');
  const env = StreamExecutionEnvironment.getExecutionEnvironment();
  const before = submitted.length;
  await main(env, [...options.jobArgs]);
  if (submitted.length === before) await env.execute(jobNameOf(path));
  return 'started';
}

/** True for the error a cancelled job's result (and env.execute()) rejects with. */
function isCancellation(error: unknown): error is WeirError {
  return error instanceof WeirError && error.code === ErrorCodes.CANCELLED;
}

/**
 * Waits for every job the interruption cancelled to end, says so once each after a signal (a
 * closed stdout ends quietly, as SIGPIPE would), and returns the interruption's exit code.
 */
async function reportInterrupted(interrupts: RunInterrupts, terminal: Terminal): Promise<number> {
  const { cause, exitCode } = interrupts.interruption!;
  const cancelled = await interrupts.cancelledJobs();
  if (cause !== 'EPIPE')
    for (const client of cancelled) terminal.err(`weir: job ${client.jobName} cancelled`);
  return exitCode;
}

/** A checkpoint or savepoint that cannot be restored is a problem with the command line. */
function isUnusableRestore(error: unknown): boolean {
  return (
    error instanceof WeirError &&
    (error.code === ErrorCodes.CHECKPOINT_UNUSABLE || error.code === ErrorCodes.STATE_MISMATCH)
  );
}

/**
 * Starts the REST API. A port already in use does not stop the job: it runs without the API,
 * and the warning says how to get it.
 */
async function startServer(
  start: typeof import('../web/index.js').startRestServer,
  options: RunOptions,
  registry: JobRegistry,
  terminal: Terminal,
): Promise<RestServer | undefined> {
  try {
    return await start({ port: options.port, registry });
  } catch (error) {
    terminal.err(`weir: REST API not started: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}
