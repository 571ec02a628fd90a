/**
 * A reader of stdout that went away (`weir … | head`). Node ignores SIGPIPE and reports the
 * closed pipe as an 'error' event on `process.stdout` instead, which unhandled printed a stack
 * trace and exited 1. The `weir` command ends as SIGPIPE ends other Unix tools: quietly, with
 * 141; a command with a job running first cancels it (see {@link onBrokenPipe}).
 */

/** The exit code of a process that SIGPIPE ends, as the shell reports it: 128 + 13. */
export const BROKEN_PIPE_EXIT = 141;

let handler: (() => void) | undefined;
let broken = false;

/**
 * Makes a closed stdout call `next` (each time a write fails) instead of exiting at once, so
 * that a running job can be cancelled first; `next` then owns ending the process. Undefined
 * restores the exit at once.
 */
export function onBrokenPipe(next: (() => void) | undefined): void {
  handler = next;
}

/** A write to stdout failed with EPIPE: the reader went away. Called once for each failed write. */
export function stdoutClosed(): void {
  broken = true;
  if (handler === undefined) process.exit(BROKEN_PIPE_EXIT);
  handler();
}

/**
 * Handles a closed `process.stdout` for the `weir` command: EPIPE goes to the handler set by
 * {@link onBrokenPipe} or exits with {@link BROKEN_PIPE_EXIT}; any other error is rethrown.
 *
 * A worker thread's stdout is piped into this one, and a failed write unpipes it: nothing would
 * read the worker's output any more, so its print sinks would wait for room forever and the
 * worker, with output pending, would not exit by itself (it would be terminated after a grace
 * period). Sources unpiped once stdout failed are read and their output dropped instead.
 */
export function watchStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stdoutClosed();
  });
  process.stdout.on('unpipe', (source: NodeJS.ReadableStream) => {
    // The pipe unpipes as the error is emitted, before the listener above has seen it.
    setImmediate(() => {
      if (broken) source.resume();
    });
  });
}
