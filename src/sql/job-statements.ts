/**
 * The job statements of Flink's SQL client — `SHOW JOBS`, `DESCRIBE JOB 'id'` and `STOP JOB 'id'
 * [WITH SAVEPOINT] [WITH DRAIN]` — over the jobs a TableEnvironment started. A table environment
 * has no handle on a cluster, so it knows the jobs of its own session only, through the
 * JobClients its INSERTs and statement sets returned; jobs of other processes are `weir list`'s.
 *
 * STOP JOB without a savepoint cancels the job, as Flink's does; WITH SAVEPOINT takes one into
 * `state.savepoints.dir` (or the job's default, under its checkpoint directory), lets the sinks
 * commit up to it, ends the job as finished and gives the savepoint's path, from which
 * `SET 'execution.savepoint.path'` restores the next INSERT.
 */
import type { JobClient, JobStatus } from '../runtime/job-client.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import type { Row } from './expressions/compiler.js';
import { unsupported, validationError } from './errors.js';
import type { JobStatement, JobTarget, SourcePos } from './parser/ast.js';
import type { PlanColumn } from './planner/logical.js';
import { TableResult } from './table-result.js';

/** Status names as Flink's JobStatus spells them. */
const STATUS_NAMES: Readonly<Record<JobStatus, string>> = {
  running: 'RUNNING',
  restarting: 'RESTARTING',
  finished: 'FINISHED',
  failed: 'FAILED',
  cancelled: 'CANCELED',
};

const text = (name: string): PlanColumn => ({ name, type: { root: 'VARCHAR', nullable: false } });

/** SHOW JOBS' and DESCRIBE JOB's columns, as Flink's. */
const JOB_COLUMNS: readonly PlanColumn[] = [
  text('job id'),
  text('job name'),
  text('status'),
  { name: 'start time', type: { root: 'TIMESTAMP_LTZ', nullable: false, precision: 3 } },
];

/**
 * The jobs one session started, in the order it started them. Finished jobs stay listed, as in
 * Flink's SHOW JOBS; a session starts a job per INSERT statement, so the list stays small.
 */
export class SessionJobs {
  private readonly jobs = new Map<string, JobClient>();

  /** Records a job the session started. */
  add(job: JobClient): void {
    this.jobs.set(job.jobId, job);
  }

  /**
   * Runs a job statement. `savepointDir` is where STOP JOB … WITH SAVEPOINT writes (undefined:
   * the job's default). A stop runs on: the result's rows (and `await()`) wait for it.
   */
  execute(statement: JobStatement, savepointDir: string | undefined): TableResult {
    switch (statement.kind) {
      case 'showJobs':
        return rows(JOB_COLUMNS, [...this.jobs.values()].map(jobRow));
      case 'describeJob':
        return rows(JOB_COLUMNS, [jobRow(this.job(statement))]);
      case 'stopJob': {
        const job = this.job(statement);
        if (statement.withDrain)
          throw unsupported(
            statement.pos,
            'STOP JOB … WITH DRAIN',
            "Weir's stop does not advance the watermark to the end; stop WITH SAVEPOINT and restore from it, or let bounded input end",
          );
        const status = job.status();
        if (status !== 'running' && status !== 'restarting')
          throw validationError(
            statement.pos,
            `job '${job.jobId}' is ${STATUS_NAMES[status]}; only a running job can be stopped (SHOW JOBS shows each job's status)`,
          );
        return statement.withSavepoint ? stopWithSavepoint(job, savepointDir, statement.pos) : cancel(job);
      }
    }
  }

  private job(target: JobTarget): JobClient {
    const job = this.jobs.get(target.jobId);
    if (job !== undefined) return job;
    const known = [...this.jobs.keys()];
    throw validationError(
      target.jobIdPos,
      `no job '${target.jobId}' in this session; ${known.length === 0 ? 'the session has started no jobs' : `its jobs: ${known.join(', ')}`} (weir list shows the cluster's)`,
    );
  }
}

function jobRow(job: JobClient): Row {
  return {
    'job id': job.jobId,
    'job name': job.jobName,
    status: STATUS_NAMES[job.status()],
    'start time': job.startTime,
  };
}

function rows(columns: readonly PlanColumn[], values: Row[]): TableResult {
  return new TableResult('SUCCESS_WITH_CONTENT', columns, async (limit) => values.slice(0, limit));
}

/** Waits for a stopped job to end, whichever way: its status is final afterwards. */
async function ended(job: JobClient): Promise<void> {
  await job.result.then(
    () => undefined,
    () => undefined,
  );
}

function stopWithSavepoint(job: JobClient, dir: string | undefined, pos: SourcePos): TableResult {
  const stopped = job.stopWithSavepoint(dir).then(
    async (path) => {
      await ended(job);
      return path;
    },
    (error: unknown) => {
      // A bounded job can reach the end of its input while the stop waits for its savepoint.
      const status = job.status();
      if (status === 'finished' || status === 'failed' || status === 'cancelled')
        throw validationError(
          pos,
          `job '${job.jobId}' is ${STATUS_NAMES[status]}; it ended before its savepoint was taken, and only a running job can be stopped`,
        );
      // A job without checkpointing has no coordinator to take one, and one without a
      // directory nowhere to write it: both are fixed by SET before the INSERT.
      if (status === 'running' && error instanceof WeirError && error.code !== ErrorCodes.CANCELLED)
        throw validationError(
          pos,
          `job '${job.jobId}' cannot take a savepoint (${error.message}); start it after SET 'state.savepoints.dir' = '<dir>' and SET 'execution.checkpointing.interval' or 'state.checkpoints.dir', or STOP JOB without WITH SAVEPOINT`,
        );
      throw error;
    },
  );
  const pending = stopped.then(() => undefined);
  // Whoever reads the result sees a failure; an unread one must not crash the process.
  stopped.catch(() => {});
  pending.catch(() => {});
  return new TableResult(
    'SUCCESS_WITH_CONTENT',
    [text('savepoint path')],
    async () => [{ 'savepoint path': await stopped }],
    undefined,
    'insert-only',
    pending,
  );
}

function cancel(job: JobClient): TableResult {
  job.cancel();
  const done = ended(job);
  return new TableResult(
    'SUCCESS',
    [{ name: 'result', type: { root: 'VARCHAR', nullable: false, length: 2 } }],
    async () => {
      await done;
      return [{ result: 'OK' }];
    },
    undefined,
    'insert-only',
    done,
  );
}
