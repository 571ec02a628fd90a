/**
 * Where the CLI writes, and how it shows an error: one line unless `--verbose` asks for the
 * stack trace and the chain of causes.
 */

/** The CLI's output streams; tests can capture them. */
export interface Terminal {
  /** A line for stdout. */
  out(line: string): void;
  /** A line for stderr. */
  err(line: string): void;
  /** Text for stderr as it is (it brings its own line breaks). */
  errRaw(text: string): void;
  /**
   * Undefined while stdout takes more lines; else a promise that resolves once it does again.
   * Left out by terminals whose writes never queue.
   */
  outFull?(): Promise<void> | undefined;
}

/** The process's own stdout and stderr. */
export const processTerminal: Terminal = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  errRaw: (text) => process.stderr.write(text),
  outFull: () => whenWritable(process.stdout),
};

/** The wait for each stream whose buffer is full, shared by every caller that asks meanwhile. */
const draining = new WeakMap<NodeJS.WritableStream, Promise<void>>();

/**
 * Undefined while `stream`'s buffer has room; else a promise that resolves once it drained, or
 * once the stream closed (a reader that went away), as then nothing is left to wait for. Writes
 * to a pipe are asynchronous: a writer that goes on past a full buffer queues without limit.
 */
function whenWritable(
  stream: NodeJS.WritableStream & { readonly writableNeedDrain: boolean; readonly destroyed: boolean },
): Promise<void> | undefined {
  if (!stream.writableNeedDrain || stream.destroyed) return undefined;
  let wait = draining.get(stream);
  if (wait === undefined) {
    wait = new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('close', done);
        draining.delete(stream);
        resolve();
      };
      stream.on('drain', done);
      stream.on('close', done);
    });
    draining.set(stream, wait);
  }
  return wait;
}

/**
 * Resolves once everything written to `stream` so far has been handed to the system: an empty
 * write's callback runs after the writes queued before it. A stream that failed or was closed
 * (a reader that went away) resolves too, as there is nothing left to wait for.
 */
export function drained(stream: NodeJS.WritableStream & { readonly writableLength: number }): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
  });
}

/** An error as one line (its message's first line), or with stacks and causes when verbose. */
export function formatFailure(error: unknown, verbose: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!verbose)
    return message.split('\n', 1)[0]!.trim() || (error instanceof Error ? error.name : 'unknown error');
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const text =
      current instanceof Error ? (current.stack ?? `${current.name}: ${current.message}`) : String(current);
    parts.push(depth === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return `${message.split('\n', 1)[0]}\n${parts.join('\n')}`;
}
