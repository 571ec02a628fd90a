/**
 * A channel between two tasks on the same thread: a ring buffer of events handed over by
 * reference. Records are not copied, so a downstream operator sees the object upstream
 * emitted; functions must not mutate their inputs.
 */
import type { StreamEvent } from '../types/elements.js';
import type { Channel, ChannelReader, ChannelWriter } from './channel.js';

const noop = (): void => {};

/** A same-thread channel with credit-based flow control. */
export class LocalChannel implements Channel, ChannelWriter, ChannelReader {
  private buffer: (StreamEvent | undefined)[];
  private head = 0;
  private size = 0;
  private dataListener: () => void = noop;
  private creditListener: () => void = noop;

  /** @param capacity number of events the reader grants credit for */
  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`channel capacity must be >= 1, got ${capacity}`);
    this.buffer = new Array(nextPowerOfTwo(capacity * 2));
  }

  get writer(): ChannelWriter {
    return this;
  }

  get reader(): ChannelReader {
    return this;
  }

  send(event: StreamEvent): void {
    if (this.size === this.buffer.length) this.grow();
    this.buffer[(this.head + this.size) & (this.buffer.length - 1)] = event;
    this.size++;
    this.dataListener();
  }

  hasCredit(): boolean {
    return this.size < this.capacity;
  }

  setCreditListener(listener: () => void): void {
    this.creditListener = listener;
  }

  poll(): StreamEvent | undefined {
    if (this.size === 0) return undefined;
    const event = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.size--;
    if (this.size === this.capacity - 1) this.creditListener();
    return event;
  }

  queued(): number {
    return this.size;
  }

  setDataListener(listener: () => void): void {
    this.dataListener = listener;
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
