/**
 * Asynchronous I/O (Flink's AsyncDataStream): calls an external service (a database, an HTTP
 * API) once per record without blocking the task, with up to `capacity` requests in flight per
 * subtask. The runtime side is `AsyncWaitOperator`, whose module comment has the details of
 * ordering, backpressure, checkpoints and timeouts.
 *
 * @example
 * const enriched = AsyncDataStream.orderedWait(
 *   bids,
 *   { asyncInvoke: async (bid) => [{ ...bid, name: await lookup(bid.bidder) }] },
 *   5_000,
 * );
 */
import type { RichFunction, RuntimeContext } from '../types/functions.js';
import { ErrorCodes, userError } from '../types/errors.js';
import { type AsyncOutputMode, AsyncWaitOperator } from '../runtime/operators/async-wait-operator.js';
import type { DataStream } from './data-stream.js';

/**
 * Called once per input record; the promise's rows are the record's output (`[]` for none).
 * The outputs keep the input record's timestamp.
 *
 * Gotchas: the function may be invoked again for the same record after a restore (records
 * whose requests were in flight at the checkpoint are re-invoked), so it should be idempotent
 * for exactly-once results. It has no keyed state. `open` may return a promise (to connect,
 * say): the operator starts no request before it resolves, and a rejection fails the job.
 * Each parallel subtask works on its own copy of a function object (its fields copied), so a
 * counter kept in a field counts one subtask; share an object held by reference to count all.
 */
export interface AsyncFunction<IN, OUT> extends RichFunction {
  /** Called once per subtask before the first request; may return a promise, awaited first. */
  open?(ctx: RuntimeContext): void | Promise<void>;
  /** Called once per subtask at the end or on failure; a returned promise (closing connections) is awaited. */
  close?(): void | Promise<void>;
  /** Starts the request for `input`; a rejection fails the job (the restart strategy applies). */
  asyncInvoke(input: IN): Promise<Iterable<OUT>>;
  /**
   * When the promise has not settled within the timeout: default fails the job with a one-line
   * error naming the timeout option. Implement it to emit fallback rows instead (`[]` drops
   * the record); the late promise's outcome is then ignored.
   */
  timeout?(input: IN): Iterable<OUT>;
}

/** Flink's default number of requests in flight per subtask. */
const DEFAULT_CAPACITY = 100;

function asyncWait<IN, OUT>(
  mode: AsyncOutputMode,
  stream: DataStream<IN>,
  fn: AsyncFunction<IN, OUT>,
  timeoutMs: number,
  capacity: number,
): DataStream<OUT> {
  const method = mode === 'ordered' ? 'orderedWait' : 'unorderedWait';
  if (typeof fn?.asyncInvoke !== 'function') {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `AsyncDataStream.${method} needs an AsyncFunction: an object with asyncInvoke(input) returning a Promise of an iterable`,
    );
  }
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0)) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `AsyncDataStream.${method}: timeoutMs must be a positive number of milliseconds (Infinity for none), got ${String(timeoutMs)}`,
    );
  }
  if (!(Number.isInteger(capacity) && capacity > 0)) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `AsyncDataStream.${method}: capacity must be a positive integer (requests in flight per subtask), got ${String(capacity)}`,
    );
  }
  const name = mode === 'ordered' ? 'Async Wait (ordered)' : 'Async Wait (unordered)';
  return stream.transform<OUT>(name, () => new AsyncWaitOperator<IN, OUT>(fn, mode, timeoutMs, capacity));
}

/**
 * Adds an async I/O stage to a stream. Both modes hold at most `capacity` records per subtask
 * (default 100) and then stop taking input until one completes (backpressure); both wait at the
 * end of a bounded input until every request has completed.
 */
export const AsyncDataStream: {
  /**
   * Results in input order: a slow request holds back the results and watermarks after it.
   * `timeoutMs` counts from each request's start, in wall-clock time.
   */
  orderedWait<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT>,
    timeoutMs: number,
    capacity?: number,
  ): DataStream<OUT>;
  /**
   * Results as they complete, but never across a watermark: every result of the records before
   * a watermark leaves before it, and none of those after it does.
   */
  unorderedWait<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT>,
    timeoutMs: number,
    capacity?: number,
  ): DataStream<OUT>;
} = {
  orderedWait: (stream, fn, timeoutMs, capacity = DEFAULT_CAPACITY) =>
    asyncWait('ordered', stream, fn, timeoutMs, capacity),
  unorderedWait: (stream, fn, timeoutMs, capacity = DEFAULT_CAPACITY) =>
    asyncWait('unordered', stream, fn, timeoutMs, capacity),
};
