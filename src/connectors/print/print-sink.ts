/**
 * The console sink behind `stream.print()`: each record on its own line, prefixed like Flink's
 * PrintSink so that output from parallel subtasks can be told apart.
 */
import type { Sink, SinkInitContext, SinkWriter, SinkWriterContext } from '../../types/sink.js';
import { type DrainableStream, whenWritable } from '../common/when-writable.js';
import { formatPrintValue, printPrefix } from './print-format.js';

/**
 * Where printed lines go: `process.stdout`, `process.stderr`, or anything with `write` (tests).
 * A Node writable stream is waited for while its buffer is full; other targets never are.
 */
export interface PrintTarget {
  write(text: string): unknown;
}

/** A Node writable stream as the sink uses it. */
type PrintStream = PrintTarget & DrainableStream & { readonly writableEnded: boolean };

/** Whether `target` is a Node writable stream, which says when its buffer is full. */
function isDrainable(target: PrintTarget): target is PrintStream {
  const stream = target as Partial<DrainableStream>;
  return typeof stream.writableNeedDrain === 'boolean' && typeof stream.on === 'function';
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
 * the event loop) or on flush, so output appears promptly but not inside a batch. While the
 * stream's buffer is full (a reader slower than the job: a pipe, a terminal) the sink takes no
 * records, so the job is backpressured as by any slow sink, as Flink's blocking System.out does.
 * Once the stream failed (EPIPE: the reader went away), was destroyed or ended, the sink drops
 * its lines: a job printing to a closed stdout neither fails nor waits for a reader that will
 * never come. The stream's 'error' event is left to the program (`weir` ends quietly on EPIPE).
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
  /** The target when it can say its buffer is full. */
  private readonly stream: PrintStream | undefined;
  /** A write to the stream failed: nothing written after it can arrive. */
  private failed = false;
  /** Called back by each write: the first error marks the stream failed. */
  private readonly written = (error?: Error | null): void => {
    if (error) this.failed = true;
  };

  constructor(
    private readonly target: PrintTarget,
    private readonly prefix: string,
  ) {
    this.stream = isDrainable(target) ? target : undefined;
  }

  write(value: T, _context?: SinkWriterContext): void {
    this.buffer += this.prefix + formatPrintValue(value) + '\n';
    if (this.buffer.length >= MAX_BUFFERED_CHARS) this.flushNow();
    // One write per batch: the task processes a batch synchronously, then the event loop turns.
    else if (this.scheduled === undefined) this.scheduled = setImmediate(() => this.flushNow());
  }

  /**
   * Undefined while the target takes more text; else resolves once it drained or closed. Writes
   * to a pipe are asynchronous, so without this a slow reader would make the stream queue every
   * line in memory. In a worker thread `process.stdout` is forwarded to the parent's, whose
   * full buffer holds back the worker's, so the wait reaches the real reader there too.
   */
  isAvailable(): Promise<void> | undefined {
    return this.stream === undefined || this.streamGone() ? undefined : whenWritable(this.stream);
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
    if (this.stream === undefined) this.target.write(text);
    // Writing to an ended stream would raise an error event of its own: drop the lines instead.
    else if (!this.streamGone()) this.stream.write(text, this.written);
  }

  /** The stream takes no more text: it failed, was destroyed or ended. */
  private streamGone(): boolean {
    const stream = this.stream!;
    return this.failed || stream.destroyed || stream.writableEnded;
  }
}
