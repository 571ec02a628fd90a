/**
 * How `weir run` ends its jobs early, as Flink's cancel does: the first Ctrl-C (SIGINT), a
 * SIGTERM or a closed stdout cancels every job it runs. Sources stop, tasks end and sinks flush
 * what they took (the print sink writes its buffered lines; a transactional sink does not commit
 * its open transaction), then the command exits with 128 + the signal's number (130, 143; 141
 * for the closed pipe, as SIGPIPE would). A second signal while the jobs end exits at once.
 *
 * Without this, Node's default for SIGINT ended the process at once: lines the print sink had
 * taken but not yet written were lost.
 */
import type { JobClient } from '../runtime/job-client.js';
import { BROKEN_PIPE_EXIT, onBrokenPipe } from './broken-pipe.js';
import type { Terminal } from './terminal.js';

/** What ended a run early, and the exit code it gets. */
export interface Interruption {
  readonly cause: 'SIGINT' | 'SIGTERM' | 'EPIPE';
  readonly exitCode: number;
}

/** Exit codes as the shell reports a process the signal ended: 128 + its number. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, EPIPE: BROKEN_PIPE_EXIT } as const;

/**
 * Listens for SIGINT, SIGTERM and a closed stdout while `weir run` runs, and cancels the jobs it
 * is told about ({@link add}), those submitted after the interruption too.
 *
 * @example
 * const interrupts = new RunInterrupts(terminal);
 * interrupts.install();
 * try { … interrupts.add(client) … } finally { interrupts.uninstall(); }
 *
 * Gotchas: before any job was submitted nothing is held in a sink, so a signal then exits at
 * once. A job file's own code that goes on after its job was cancelled is awaited like the job;
 * a second Ctrl-C is the way out of one that hangs.
 */
export class RunInterrupts {
  private readonly jobs: JobClient[] = [];
  private current: Interruption | undefined;

  constructor(
    private readonly terminal: Terminal,
    /** Ends the process; a test may substitute it. */
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  /** What ended the run early; undefined while nothing did. */
  get interruption(): Interruption | undefined {
    return this.current;
  }

  /** Starts listening; until then, and after {@link uninstall}, Node's defaults apply. */
  install(): void {
    process.on('SIGINT', this.onSigint);
    process.on('SIGTERM', this.onSigterm);
    onBrokenPipe(this.onBrokenPipe);
  }

  /** Stops listening. */
  uninstall(): void {
    process.off('SIGINT', this.onSigint);
    process.off('SIGTERM', this.onSigterm);
    onBrokenPipe(undefined);
  }

  /** A job that was submitted: cancelled on an interruption, at once if one came already. */
  add(client: JobClient): void {
    this.jobs.push(client);
    if (this.current !== undefined) client.cancel();
  }

  /**
   * The jobs the interruption cancelled, once every job has ended (the others finished or
   * failed meanwhile).
   */
  async cancelledJobs(): Promise<JobClient[]> {
    await Promise.allSettled(this.jobs.map((client) => client.result));
    return this.jobs.filter((client) => client.status() === 'cancelled');
  }

  private readonly onSigint = (): void => this.interrupt('SIGINT');
  private readonly onSigterm = (): void => this.interrupt('SIGTERM');
  private readonly onBrokenPipe = (): void => this.interrupt('EPIPE');

  private interrupt(cause: Interruption['cause']): void {
    const exitCode = EXIT_CODES[cause];
    if (this.current !== undefined || this.jobs.length === 0) {
      // Every failed write reports the closed pipe again: only a signal means "now".
      if (cause !== 'EPIPE' || this.current === undefined) this.exit(exitCode);
      return;
    }
    this.current = { cause, exitCode };
    if (cause === 'SIGINT') this.terminal.err('weir: cancelling the job; press Ctrl-C again to exit now');
    for (const client of this.jobs) client.cancel();
  }
}
