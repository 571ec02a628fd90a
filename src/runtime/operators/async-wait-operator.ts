/**
 * The async wait operator (Flink's AsyncWaitOperator): calls an asynchronous function once per
 * record without blocking the task, and emits each record's results with the record's
 * timestamp, in input order or as they complete (see async-wait-queues.ts for how watermarks
 * keep their place).
 *
 * Capacity: at most `capacity` records are in the queue (running, or done and held back). When
 * it is full, {@link AsyncWaitOperator.isAvailable} tells the task to read no input until a
 * slot frees, so backpressure reaches the sources. Records that arrive in the same input batch
 * after the queue filled wait unstarted; the task gives no more input until they have started.
 *
 * Threads: a request's promise settles outside the task loop. The settled request is only
 * noted there; its results are emitted by an action posted to the task's mailbox, so the
 * operator is never entered concurrently. While the operator finishes (end of input), the task
 * is parked awaiting {@link AsyncWaitOperator.finish}, so the results are emitted directly.
 *
 * Gotcha: the task looks at no input while the operator is unavailable, so a barrier that
 * arrives then waits until slots free up for the records already taken ahead of it (records
 * before a barrier are always taken first; Flink's operator blocks the same way on a record
 * that finds its queue full). It never waits for the requests in flight when it is taken.
 *
 * Checkpoints: the barrier does not wait for requests. The records not yet emitted (waiting,
 * running, or done but held back) go into operator list state with the watermarks held among
 * them, in input order, as Flink's operator keeps its queue's elements. On open after a restore
 * they are fed in again ahead of new input (records invoked again, watermarks queued behind
 * them), so the restored queue emits what the old one would have: in unordered mode each record
 * stays between the same two watermarks, and a held watermark still waits for its records. The
 * older watermarks the sources send again after a restore are dropped. With an idempotent
 * function nothing is lost or duplicated. At another parallelism the list is dealt out
 * round-robin and each subtask keeps its share's order, so none emits a record behind a
 * watermark it passed; downstream, the minimum over the channels waits for the subtasks that
 * hold older records.
 *
 * Timeouts are measured in wall-clock time from the request's start. The function must not use
 * keyed state, even after keyBy: the key in force when a request completes is not the record's.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { RichFunction, RuntimeContext } from '../../types/functions.js';
import { AbstractStreamOperator, type OneInputStreamOperator, type OperatorSetup } from '../operator.js';
import type { OperatorStateSnapshot, RestoredOperatorState } from '../snapshot.js';
import {
  AsyncEntry,
  type AsyncResultQueue,
  HeldWatermark,
  OrderedQueue,
  type QueueEmitter,
  UnorderedQueue,
} from './async-wait-queues.js';
import { createRuntimeContext } from './runtime-context.js';
import { cloneUserFunction } from './user-function.js';

/**
 * The operator list state that holds the queue's elements in input order: records not yet
 * emitted as `[input, timestamp]`, and watermarks held among them as `{ watermark }`.
 */
const IN_FLIGHT_STATE = 'async-in-flight';

/** A restored queue element: a record as `[input, timestamp]` or a held watermark. */
type StoredElement<IN> = readonly [IN, number] | { readonly watermark: number };

/** The function the operator calls; `AsyncFunction` in the public API has this shape. */
export interface AsyncRequestFunction<IN, OUT> extends RichFunction {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  asyncInvoke(input: IN): Promise<Iterable<OUT>>;
  timeout?(input: IN): Iterable<OUT>;
}

/** Whether results leave in input order or as they complete. */
export type AsyncOutputMode = 'ordered' | 'unordered';

/** Calls an asynchronous function per record, with at most `capacity` records in its queue. */
export class AsyncWaitOperator<IN, OUT>
  extends AbstractStreamOperator<OUT>
  implements OneInputStreamOperator<IN, OUT>, QueueEmitter<IN, OUT>
{
  private readonly fn: AsyncRequestFunction<IN, OUT>;
  private queue!: AsyncResultQueue<IN, OUT>;
  /** The queue's elements from the checkpoint restored, until `open` feeds them in. */
  private restored: readonly StoredElement<IN>[] = [];
  /**
   * The highest watermark taken in, queued or emitted: a restored one may be ahead of what the
   * sources regenerate, and a queued watermark must never be superseded by a lower one.
   */
  private latestWatermark = Number.NEGATIVE_INFINITY;
  /** Records in the queue not started yet, oldest first from `waitingHead`. */
  private waiting: AsyncEntry<IN, OUT>[] = [];
  private waitingHead = 0;
  /** Started requests in start order (so deadline order), from `timeoutsHead`; done ones are skipped. */
  private timeouts: AsyncEntry<IN, OUT>[] = [];
  private timeoutsHead = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * When the timer last fired: a request whose deadline is this or earlier and that had not
   * settled by then is late. The timer's firing judges, not the clock when a drain runs: the
   * timer runs on a later turn of the event loop than every promise callback already due, so a
   * request that resolved in time has settled by then; a drain can run in the very turn that
   * started the request (a finish right after the last input), which a loaded machine can
   * stretch past the deadline before the resolved promise's callback gets to run.
   */
  private timedOutBy = Number.NEGATIVE_INFINITY;
  /** Requests settled outside the task loop, not yet taken by it. */
  private settledEntries: AsyncEntry<IN, OUT>[] = [];
  private drainRequested = false;
  /** The function's `open` promise, until it settles; no request starts before. */
  private opening: Promise<void> | undefined;
  private failure: Error | undefined;
  private availability: { promise: Promise<void>; resolve: () => void } | undefined;
  private finishing = false;
  private closed = false;
  /** Woken after each drain while finishing. */
  private drained: (() => void) | undefined;
  private readonly drainAction = (): void => this.drain();
  private readonly drainSafely = (): void => {
    try {
      this.drain();
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    }
    this.wakeFinish();
  };

  constructor(
    fn: AsyncRequestFunction<IN, OUT>,
    private readonly mode: AsyncOutputMode,
    private readonly timeoutMs: number,
    private readonly capacity: number,
  ) {
    super();
    this.fn = cloneUserFunction(fn);
  }

  override setup(setup: OperatorSetup<OUT>): void {
    super.setup(setup);
    this.queue = this.mode === 'ordered' ? new OrderedQueue(this) : new UnorderedQueue(this);
  }

  /** Keeps the restored elements for `open`, which feeds them in ahead of new input. */
  initializeState(restored: RestoredOperatorState): void {
    this.restored = (restored.get(IN_FLIGHT_STATE) ?? []) as StoredElement<IN>[];
  }

  override open(): void {
    // As in Flink, the restored elements go in on open: a watermark whose records went to other
    // subtasks (a rescale) leaves at once, and the operators after this one are already open.
    for (const element of this.restored) {
      if (Array.isArray(element)) {
        const [input, timestamp] = element as readonly [IN, number];
        const entry = new AsyncEntry<IN, OUT>(input, timestamp);
        this.queue.add(entry);
        this.waiting.push(entry);
      } else this.advanceWatermark((element as { watermark: number }).watermark);
    }
    this.restored = [];
    const ctx = createRuntimeContext(this.setupInfo);
    const fn = this.fn as AsyncRequestFunction<IN, OUT> & { setRuntimeContext?(ctx: RuntimeContext): void };
    fn.setRuntimeContext?.(ctx);
    const opened = fn.open?.(ctx);
    if (opened !== undefined && typeof (opened as Promise<void>).then === 'function') {
      // The task reads no input until this settles (isAvailable returns it).
      this.opening = (opened as Promise<void>).then(
        () => {
          this.opening = undefined;
          this.requestDrain();
        },
        (error: unknown) => {
          this.opening = undefined;
          this.failure ??= userError(
            ErrorCodes.USER_FUNCTION,
            `the async function of '${this.setupInfo.name}' failed to open: ${messageOf(error)}`,
            error,
          );
          this.requestDrain();
        },
      );
    } else this.startWaiting();
  }

  processElement(value: IN, timestamp: number): void {
    if (this.failure !== undefined) throw this.failure;
    const entry = new AsyncEntry<IN, OUT>(value, timestamp);
    this.queue.add(entry);
    // queue.size counts the new record; the waiting ones are not started yet.
    if (
      this.opening === undefined &&
      this.waitingHead === this.waiting.length &&
      this.queue.size <= this.capacity
    )
      this.start(entry);
    else this.waiting.push(entry);
  }

  /** Watermarks wait behind the records before them (see the queues). */
  protected override advanceWatermark(watermark: number): void {
    if (watermark <= this.latestWatermark) return;
    this.latestWatermark = watermark;
    this.queue.addWatermark(watermark);
  }

  /** Emits a watermark whose turn has come (called by the queue). */
  emitWatermark(watermark: number): void {
    super.advanceWatermark(watermark);
  }

  /** Emits a done record's results with its timestamp (called by the queue). */
  emitResults(entry: AsyncEntry<IN, OUT>): void {
    const results = entry.results!;
    entry.results = undefined;
    const output = this.output;
    for (const value of results) output.collect(value, entry.timestamp);
  }

  isAvailable(): Promise<void> | undefined {
    if (this.opening !== undefined) return this.opening;
    if (this.failure !== undefined || this.closed) return undefined;
    if (this.waitingHead === this.waiting.length && this.queue.size < this.capacity) return undefined;
    if (this.availability === undefined) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.availability = { promise, resolve };
    }
    return this.availability.promise;
  }

  snapshotState(_checkpointId: number): OperatorStateSnapshot | undefined {
    if (this.queue.size === 0) return undefined;
    const entries = this.queue
      .elements()
      .map((e) => (e instanceof HeldWatermark ? { watermark: e.watermark } : [e.input, e.timestamp]));
    return { [IN_FLIGHT_STATE]: { mode: 'split', entries } };
  }

  /** Waits until every request has completed and its results have left. */
  override async finish(): Promise<void> {
    this.finishing = true;
    // Whatever settled before was posted to the mailbox, which the task ran just before; from
    // now on drains run directly, since the task loop is parked on this promise.
    this.drainRequested = false;
    this.drainSafely();
    while (this.queue.size > 0 || this.opening !== undefined) {
      if (this.failure !== undefined) throw this.failure;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    }
    if (this.failure !== undefined) throw this.failure;
  }

  /** Releases the function; a promise from its `close` (closing connections) is awaited. */
  override close(): void | Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.availability?.resolve();
    return this.fn.close?.();
  }

  private start(entry: AsyncEntry<IN, OUT>): void {
    entry.state = 'running';
    entry.deadline = performance.now() + this.timeoutMs;
    this.timeouts.push(entry);
    if (this.timer === undefined) this.armTimer();
    let promise: Promise<Iterable<OUT>>;
    try {
      promise = this.fn.asyncInvoke(entry.input);
    } catch (error) {
      promise = Promise.reject(error);
    }
    if (promise === null || typeof promise !== 'object' || typeof promise.then !== 'function') {
      promise = Promise.reject(new Error('asyncInvoke must return a Promise of an iterable of results'));
    }
    promise.then(
      (results) => this.settled(entry, results, undefined),
      (error: unknown) => this.settled(entry, undefined, error ?? new Error('rejected')),
    );
  }

  /** Runs outside the task loop: only notes the outcome and asks the loop to take it. */
  private settled(entry: AsyncEntry<IN, OUT>, results: Iterable<OUT> | undefined, error: unknown): void {
    if (this.closed || entry.state !== 'running' || entry.settled) return;
    entry.settled = true;
    entry.results = results;
    entry.error = error;
    this.settledEntries.push(entry);
    this.requestDrain();
  }

  /** Makes {@link drain} run on the task loop (directly while finishing, when the loop is parked on us). */
  private requestDrain(): void {
    if (this.drainRequested || this.closed) return;
    this.drainRequested = true;
    const mailbox = this.setupInfo.mailbox;
    if (this.finishing || mailbox === undefined) queueMicrotask(this.drainSafely);
    else mailbox.post(this.drainAction);
  }

  /**
   * On the task loop: takes the settled requests and the expired ones, emits what may go, starts
   * waiting records while capacity allows, and releases the task if it waits for a slot. A
   * failed request fails the task here.
   */
  private drain(): void {
    this.drainRequested = false;
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) return;
    const settled = this.settledEntries;
    if (settled.length > 0) {
      this.settledEntries = [];
      for (const entry of settled) {
        if (entry.state !== 'running') continue;
        if (entry.error !== undefined) {
          throw (this.failure = userError(
            ErrorCodes.USER_FUNCTION,
            `the async function of '${this.setupInfo.name}' failed: ${messageOf(entry.error)}`,
            entry.error,
          ));
        }
        this.complete(entry, entry.results);
      }
    }
    this.expireTimeouts();
    this.startWaiting();
    const availability = this.availability;
    if (availability !== undefined && this.isAvailable() === undefined) {
      this.availability = undefined;
      availability.resolve();
    }
  }

  private complete(entry: AsyncEntry<IN, OUT>, results: Iterable<OUT> | undefined): void {
    if (results === null || typeof results !== 'object' || typeof results[Symbol.iterator] !== 'function') {
      throw (this.failure = userError(
        ErrorCodes.USER_FUNCTION,
        `the async function of '${this.setupInfo.name}' resolved to ${String(results)}; resolve to an iterable of results, e.g. [row] or [] for none`,
      ));
    }
    entry.state = 'done';
    entry.results = results;
    this.queue.completed(entry);
  }

  /** Starts waiting records, oldest first, while the queue's started records stay under capacity. */
  private startWaiting(): void {
    if (this.opening !== undefined) return;
    const waiting = this.waiting;
    while (this.waitingHead < waiting.length) {
      const unstarted = waiting.length - this.waitingHead;
      if (this.queue.size - unstarted >= this.capacity) break;
      this.start(waiting[this.waitingHead++]!);
    }
    if (this.waitingHead === waiting.length && waiting.length > 0) {
      this.waiting = [];
      this.waitingHead = 0;
    }
  }

  /** Times out the started requests whose deadline had passed, unsettled, when the timer fired. */
  private expireTimeouts(): void {
    const timeouts = this.timeouts;
    const firedAt = this.timedOutBy;
    while (this.timeoutsHead < timeouts.length) {
      const entry = timeouts[this.timeoutsHead]!;
      if (entry.state === 'running' && !entry.settled) {
        if (entry.deadline > firedAt) break;
        if (this.fn.timeout === undefined) {
          throw (this.failure = userError(
            ErrorCodes.USER_FUNCTION,
            `an async request of '${this.setupInfo.name}' did not complete within ${this.timeoutMs} ms; raise the timeoutMs argument of AsyncDataStream.orderedWait/unorderedWait, or implement AsyncFunction.timeout to emit a fallback`,
          ));
        }
        this.complete(entry, this.fn.timeout(entry.input));
      }
      this.timeoutsHead++;
    }
    if (this.timeoutsHead === timeouts.length) {
      this.timeouts = [];
      this.timeoutsHead = 0;
    } else if (timeouts.length - this.timeoutsHead > 2 * this.capacity + 64) {
      // Requests done behind a slow one stay in the list until it expires: drop them now.
      this.timeouts = timeouts.slice(this.timeoutsHead).filter((e) => e.state === 'running');
      this.timeoutsHead = 0;
    }
    if (this.timer === undefined) this.armTimer();
  }

  /** One timer for the oldest started request; it re-arms itself for the next one. */
  private armTimer(): void {
    if (this.closed || !Number.isFinite(this.timeoutMs)) return;
    let entry: AsyncEntry<IN, OUT> | undefined;
    for (let i = this.timeoutsHead; i < this.timeouts.length; i++) {
      const e = this.timeouts[i]!;
      if (e.state === 'running' && !e.settled) {
        entry = e;
        break;
      }
    }
    if (entry === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timedOutBy = performance.now();
        this.requestDrain();
      },
      Math.max(0, Math.ceil(entry.deadline - performance.now())),
    );
  }

  private wakeFinish(): void {
    const wake = this.drained;
    if (wake !== undefined) {
      this.drained = undefined;
      wake();
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
