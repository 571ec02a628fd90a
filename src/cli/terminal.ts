/**
 * Where the CLI writes, and how it shows an error: one line unless `--verbose` asks for the
 * stack trace and the chain of causes.
 */
import { whenWritable } from '../connectors/common/when-writable.js';

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
