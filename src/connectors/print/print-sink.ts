/**
 * The console sink behind `stream.print()`: each record on its own line, prefixed like Flink's
 * PrintSink so that output from parallel subtasks can be told apart.
 */
import type { Sink, SinkInitContext, SinkWriter, SinkWriterContext } from '../../types/sink.js';
import { formatPrintValue, printPrefix } from './print-format.js';

/** Where printed lines go: `process.stdout`, `process.stderr`, or anything with `write` (tests). */
export interface PrintTarget {
  write(text: string): unknown;
}

/** Writes queued past this many characters without waiting for the end of the batch. */
const MAX_BUFFERED_CHARS = 64 * 1024;

/**
 * Prints every record, one line each: `prefix:n> value` when the sink runs with parallelism
 * above 1 (`n` is the 1-based subtask, as in Flink), `prefix> value` at parallelism 1, and just
 * `value` with neither. Strings print as they are, objects as JSON.
 *
 * @example
 * stream.sinkTo(new PrintSink('bids'));        // "bids> {"id":1}" or "bids:2> {"id":1}"
 * stream.sinkTo(new PrintSink(undefined, true)); // to stderr
 *
 * Gotchas: lines are buffered and written once the current batch is done (on a later turn of
 * the event loop) or on flush, so output appears promptly but not inside a batch.
 */
export class PrintSink<T> implements Sink<T> {
  constructor(
    private readonly prefix?: string,
    private readonly stderr = false,
    /** Overrides the stream; for tests. */
    private readonly target?: PrintTarget,
  ) {}

  createWriter(context: SinkInitContext): PrintSinkWriter<T> {
    const target = this.target ?? (this.stderr ? process.stderr : process.stdout);
    return new PrintSinkWriter<T>(
      target,
      printPrefix(this.prefix, context.subtaskIndex, context.parallelism),
    );
  }
}

/** The writer of a {@link PrintSink}. */
export class PrintSinkWriter<T> implements SinkWriter<T> {
  private buffer = '';
  private scheduled: ReturnType<typeof setImmediate> | undefined;

  constructor(
    private readonly target: PrintTarget,
    private readonly prefix: string,
  ) {}

  write(value: T, _context?: SinkWriterContext): void {
    this.buffer += this.prefix + formatPrintValue(value) + '\n';
    if (this.buffer.length >= MAX_BUFFERED_CHARS) this.flushNow();
    // One write per batch: the task processes a batch synchronously, then the event loop turns.
    else if (this.scheduled === undefined) this.scheduled = setImmediate(() => this.flushNow());
  }

  flush(_endOfInput?: boolean): void {
    this.flushNow();
  }

  close(): void {
    this.flushNow();
  }

  private flushNow(): void {
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    if (this.buffer.length === 0) return;
    const text = this.buffer;
    this.buffer = '';
    this.target.write(text);
  }
}
