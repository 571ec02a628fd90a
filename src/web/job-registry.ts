/**
 * The jobs the REST API can see. The server only reads through {@link JobLookup}, so anything
 * that can list its {@link JobClient}s can be served; {@link JobRegistry} is the mutable list
 * `weir run` fills as jobs are submitted.
 */
import type { JobClient } from '../runtime/job-client.js';

/** What the REST server reads: the jobs to show, in the order they were submitted. */
export interface JobLookup {
  jobs(): readonly JobClient[];
  /**
   * When the job ended, ms since the epoch; undefined while it runs or when not known. Optional:
   * without it, an ended job's duration is reported as unknown rather than still growing.
   */
  endTime?(jobId: string): number | undefined;
}

/**
 * A mutable list of jobs, keyed by job id. Finished jobs stay listed until removed, so their
 * final status and metrics can still be read after they end (as Flink keeps completed jobs).
 *
 * ```ts
 * const registry = new JobRegistry();
 * registry.add(client); // e.g. from a JobListener's onJobSubmitted
 * ```
 */
export class JobRegistry implements JobLookup {
  private readonly byId = new Map<string, JobClient>();
  private readonly ended = new Map<string, number>();

  /** @param now the clock that stamps a job's end time; injectable for tests. */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Adds a job (replacing one with the same id) and notes when it ends. Watching the result
   * also marks its rejection as handled, so a job that fails while the caller is still awaiting
   * another one does not crash the process with an unhandled rejection; callers still see the
   * failure when they await `client.result` themselves.
   */
  add(client: JobClient): void {
    this.byId.set(client.jobId, client);
    this.ended.delete(client.jobId);
    const stamp = () => {
      if (this.byId.get(client.jobId) === client) this.ended.set(client.jobId, this.now());
    };
    client.result.then(stamp, stamp);
  }

  /** Forgets a job; true if it was listed. */
  remove(jobId: string): boolean {
    this.ended.delete(jobId);
    return this.byId.delete(jobId);
  }

  jobs(): readonly JobClient[] {
    return [...this.byId.values()];
  }

  endTime(jobId: string): number | undefined {
    return this.ended.get(jobId);
  }
}
