/**
 * Waiting for a Node stream's buffer to have room again. Writes to a pipe (and a worker
 * thread's stdio, which its parent forwards) are asynchronous: a writer that goes on past a full
 * buffer queues without limit in memory, so writers that may outpace their reader wait here.
 */

/** The wait for each stream whose buffer is full, shared by every writer that asks meanwhile. */
const draining = new WeakMap<NodeJS.WritableStream, Promise<void>>();

/** A writable stream as far as {@link whenWritable} looks at it. */
export type DrainableStream = NodeJS.WritableStream & {
  readonly writableNeedDrain: boolean;
  readonly writableLength: number;
  readonly destroyed: boolean;
};

/**
 * Undefined while `stream`'s buffer has room; else a promise that resolves once it drained, or
 * once the stream closed (a reader that went away), as then nothing is left to wait for. A
 * stream that fails is destroyed and then emits 'close', so the wait ends without this taking
 * over the stream's error handling (an 'error' listener would silence an unhandled EPIPE).
 *
 * Gotcha: `process.stdout` and `process.stderr` are never really destroyed. After an EPIPE they
 * emit 'error' and 'close' but stay open, with `writableNeedDrain` still set and no 'drain' ever
 * to come; what tells them apart from a full stream is the empty buffer (the failed writes were
 * dropped). So a stream with nothing buffered counts as writable whatever its flag says: waiting
 * there would be waiting forever.
 */
export function whenWritable(stream: DrainableStream): Promise<void> | undefined {
  if (!stream.writableNeedDrain || stream.destroyed || stream.writableLength === 0) return undefined;
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
