/**
 * A channel between tasks on different threads, over one `MessagePort` pair. Each event
 * crosses as one message: serialized by the writer's {@link EventEncoder} into a fresh
 * ArrayBuffer that is transferred, not copied, and decoded by the reader only when polled.
 *
 * Credit: the writer starts with `capacity` credits and spends one per event; the reader gives
 * credits back over the same port after polling, a few at a time (a quarter of the capacity,
 * or whatever it owes once its queue is empty). Both ends must be built with the same capacity.
 * A writer out of credit always gets some back once the reader drains: a grant is due whenever
 * the debt reaches the batch size, which never exceeds the capacity.
 *
 * Closing and failure: a port pair closes as a whole, whether an end calls `close()` or its
 * thread exits or is terminated, and messages posted before that are still delivered. So the
 * reader learns that the writer is gone after its last event, and fails the channel
 * (`CHANNEL_FAILED`) if no `end` came first; the writer learns that the reader is gone and
 * drops what it sends from then on.
 *
 * Keep-alive: both ports are unref'ed. A thread stays alive for its task loop and its
 * coordinator port, not for a channel; a port would otherwise keep a finished worker running.
 * The flip side: a thread whose only pending work is waiting on a channel exits, so the
 * executor must hold the thread open (it does, by listening on its `parentPort`).
 *
 * @example
 * // On the coordinating thread:
 * const { port1, port2 } = new MessageChannel();
 * writerThread.postMessage({ port: port1 }, [port1]);
 * readerThread.postMessage({ port: port2 }, [port2]);
 * // On the writer's thread: new PortChannelWriter(port, capacity)
 * // On the reader's thread: new PortChannelReader(port, capacity)
 */
import type { MessagePort } from 'node:worker_threads';
import type { StreamEvent } from '../types/elements.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import type { ChannelReader, ChannelWriter } from './channel.js';
import { EventDecoder, EventEncoder, isEndMessage } from './event-serializer.js';

const noop = (): void => {};

/** The sending end, on the writer's thread. Messages it receives are credit grants. */
export class PortChannelWriter implements ChannelWriter {
  private readonly encoder = new EventEncoder();
  /** Events the reader can still take; negative after an overshoot. */
  private credits: number;
  private creditListener: () => void = noop;
  private closed = false;
  private readerGone = false;

  /**
   * @param port the writer's end of a `MessageChannel` (transferred to this thread)
   * @param capacity events the reader grants credit for; the reader's must be the same
   */
  constructor(
    private readonly port: MessagePort,
    readonly capacity: number,
  ) {
    checkCapacity(capacity);
    this.credits = capacity;
    port.on('message', (grant: number) => this.onGrant(grant));
    port.on('close', () => this.onReaderGone());
    port.unref();
  }

  /** Serializes and posts the event; throws `SERIALIZATION` (and sends nothing) if it cannot. */
  send(event: StreamEvent): void {
    if (this.closed || this.readerGone) return;
    const buffer = this.encoder.encode(event);
    this.port.postMessage(buffer, [buffer]);
    this.credits--;
  }

  /** True while the reader has room; also once the reader is gone, so the task never stalls. */
  hasCredit(): boolean {
    return this.credits > 0 || this.readerGone || this.closed;
  }

  /** See {@link ChannelWriter.setCreditListener}; runs on this thread's event loop. */
  setCreditListener(listener: () => void): void {
    this.creditListener = listener;
  }

  /** Closes the port. Events posted before are still delivered; without `end`, the reader fails. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
  }

  private onGrant(grant: number): void {
    const exhausted = this.credits <= 0;
    this.credits += grant;
    if (exhausted && this.credits > 0 && !this.closed) this.creditListener();
  }

  /** The reader closed or its thread died; also runs after our own close, then it is moot. */
  private onReaderGone(): void {
    if (this.closed || this.readerGone) return;
    this.readerGone = true;
    // A task asleep for credit must wake, find credit, and go on dropping into the void.
    if (this.credits <= 0) this.creditListener();
  }
}

/** The receiving end, on the reader's thread. Messages it receives are encoded events. */
export class PortChannelReader implements ChannelReader {
  private readonly decoder = new EventDecoder();
  /** Arrived, not yet polled; `queue[head]` is the next one. */
  private queue: (ArrayBuffer | undefined)[] = [];
  private head = 0;
  /** Credits polled but not yet given back. */
  private owed = 0;
  private readonly grantBatch: number;
  private dataListener: () => void = noop;
  private endArrived = false;
  private writerGone = false;
  private closed = false;

  /**
   * @param port the reader's end of a `MessageChannel` (transferred to this thread)
   * @param capacity events this reader grants credit for; the writer's must be the same
   */
  constructor(
    private readonly port: MessagePort,
    readonly capacity: number,
  ) {
    checkCapacity(capacity);
    this.grantBatch = Math.max(1, Math.floor(capacity / 4));
    port.on('message', (buffer: ArrayBuffer) => this.onMessage(buffer));
    port.on('close', () => this.onWriterGone());
    port.unref();
  }

  /** See {@link ChannelReader.poll}. Decodes here, so only the reading task pays for it. */
  poll(): StreamEvent | undefined {
    const queue = this.queue;
    if (this.head === queue.length) {
      if (this.writerGone && !this.endArrived && !this.closed) {
        throw new WeirError(
          ErrorCodes.CHANNEL_FAILED,
          'the sending task on another thread stopped before the end of its output',
          { domain: 'internal', retriable: true },
        );
      }
      return undefined;
    }
    const buffer = queue[this.head]!;
    queue[this.head++] = undefined;
    const empty = this.head === queue.length;
    if (empty) {
      queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= queue.length) {
      // Only an overshoot far beyond capacity gets here; drop the polled prefix.
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    const event = this.decoder.decode(buffer);
    if (++this.owed >= this.grantBatch || empty) this.grant();
    return event;
  }

  /** Events that arrived and were not polled yet. */
  queued(): number {
    return this.queue.length - this.head;
  }

  /** See {@link ChannelReader.setDataListener}; runs on this thread's event loop. */
  setDataListener(listener: () => void): void {
    this.dataListener = listener;
  }

  /** Drops what is queued and closes the port; the writer stops sending into it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.head = 0;
    this.port.close();
  }

  private grant(): void {
    if (!this.writerGone && !this.closed) this.port.postMessage(this.owed);
    this.owed = 0;
  }

  private onMessage(buffer: ArrayBuffer): void {
    if (this.closed) return;
    this.queue.push(buffer);
    if (isEndMessage(buffer)) this.endArrived = true;
    this.dataListener();
  }

  /** The writer closed or its thread died; every message it posted has arrived before this. */
  private onWriterGone(): void {
    if (this.closed || this.writerGone) return;
    this.writerGone = true;
    if (!this.endArrived) this.dataListener();
  }
}

function checkCapacity(capacity: number): void {
  if (!(Number.isInteger(capacity) && capacity >= 1))
    throw new RangeError(`channel capacity must be a whole number >= 1, got ${capacity}`);
}
