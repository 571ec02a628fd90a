/**
 * A channel between two tasks on the same thread: a ring buffer of events handed over by
 * reference. Records are not copied, so a downstream operator sees the object upstream
 * emitted; functions must not mutate their inputs.
 */
import type { StreamEvent } from '../types/elements.js';
import { ErrorCodes, WeirError } from '../types/errors.js';
import type { Channel, ChannelReader, ChannelWriter } from './channel.js';

const noop = (): void => {};

/** A same-thread channel with credit-based flow control. */
export class LocalChannel implements Channel {
  /** The sending end. */
  readonly writer: ChannelWriter;
  /** The receiving end. */
  readonly reader: ChannelReader;
  private buffer: (StreamEvent | undefined)[];
  private head = 0;
  private size = 0;
  private dataListener: () => void = noop;
  private creditListener: () => void = noop;
  private endSent = false;
  private writerClosed = false;
  private readerClosed = false;

  /** @param capacity number of events the reader grants credit for */
  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`channel capacity must be >= 1, got ${capacity}`);
    this.buffer = new Array(nextPowerOfTwo(capacity * 2));
    this.writer = {
      send: (event) => this.send(event),
      hasCredit: () => this.hasCredit(),
      setCreditListener: (listener) => {
        this.creditListener = listener;
      },
      close: () => this.closeWriter(),
    };
    this.reader = {
      capacity,
      poll: () => this.poll(),
      queued: () => this.size,
      setDataListener: (listener) => {
        this.dataListener = listener;
      },
      close: () => this.closeReader(),
    };
  }

  private send(event: StreamEvent): void {
    if (this.readerClosed || this.writerClosed) return;
    if (event.kind === 'end') this.endSent = true;
    if (this.size === this.buffer.length) this.grow();
    this.buffer[(this.head + this.size) & (this.buffer.length - 1)] = event;
    this.size++;
    this.dataListener();
  }

  private hasCredit(): boolean {
    return this.size < this.capacity;
  }

  private poll(): StreamEvent | undefined {
    if (this.size === 0) {
      if (this.writerClosed && !this.endSent && !this.readerClosed) {
        throw new WeirError(
          ErrorCodes.CHANNEL_FAILED,
          'the sending task stopped before the end of its output',
          {
            domain: 'internal',
            retriable: true,
          },
        );
      }
      return undefined;
    }
    const event = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.size--;
    if (this.size === this.capacity - 1) this.creditListener();
    return event;
  }

  /** The writer's task stopped; before `end` was sent, that breaks the channel. */
  private closeWriter(): void {
    if (this.writerClosed) return;
    this.writerClosed = true;
    if (!this.endSent) this.dataListener();
  }

  /** The reader's task stopped: what is queued will never be read. */
  private closeReader(): void {
    this.readerClosed = true;
    this.buffer.fill(undefined);
    this.head = 0;
    this.size = 0;
  }

  /** Overshoot beyond capacity (one input step's output) is rare; grow rather than drop. */
  private grow(): void {
    const next = new Array<StreamEvent | undefined>(this.buffer.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.buffer[(this.head + i) & (this.buffer.length - 1)];
    this.buffer = next;
    this.head = 0;
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}
