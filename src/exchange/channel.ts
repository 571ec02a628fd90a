/**
 * The channel contract between two tasks: one writer, one reader, events delivered in order.
 * Flow control is by credit: a channel accepts `capacity` events before `hasCredit()` turns
 * false, and the writing task then stops taking input until the reader drains it. That is
 * how backpressure travels upstream to the sources. A task checks credit before each input
 * step, so a channel overshoots its capacity by at most what one input step produces.
 *
 * The two ends may live on different threads (or, later, processes). Then credit comes back
 * asynchronously: after the reader polls, `hasCredit()` turns true once the grant has crossed
 * over, and the credit listener runs at that moment.
 *
 * Listeners are how a sleeping task is woken: a reader's listener runs when an event arrives,
 * a writer's when credit comes back. Listeners must be cheap and must not re-enter the channel.
 *
 * Closing: each end is closed by its task when the task stops, normally after the `end` event
 * went through, or early when the task fails or is cancelled. A writer that closes before
 * sending `end`, or whose thread dies, breaks the channel: once the reader has polled every
 * event that did arrive, `poll()` throws a `WeirError` with code `CHANNEL_FAILED`, so the
 * reading task fails instead of waiting forever. Sending after the reader closed is dropped
 * silently, because the reader's task has stopped and nobody will read it.
 */
import type { StreamEvent } from '../types/elements.js';

/** The sending end of a channel. */
export interface ChannelWriter {
  /** Appends an event. Callers check {@link hasCredit} before sending records. */
  send(event: StreamEvent): void;
  /** True while the receiver can take more events. */
  hasCredit(): boolean;
  /** Called whenever credit becomes available after it was exhausted. */
  setCreditListener(listener: () => void): void;
  /** Releases this end; before `end` was sent, it breaks the channel for the reader. */
  close(): void;
}

/** The receiving end of a channel. */
export interface ChannelReader {
  /**
   * The next event, or undefined when none is queued. Throws `CHANNEL_FAILED` once the
   * channel broke and every event that arrived before has been polled.
   */
  poll(): StreamEvent | undefined;
  /** Number of queued events (for metrics and tests). */
  queued(): number;
  /** Events the reader grants credit for: `queued() / capacity` is the buffer usage. */
  readonly capacity: number;
  /** Called whenever an event arrives, and when the channel breaks. */
  setDataListener(listener: () => void): void;
  /** Releases this end; events still queued are dropped. */
  close(): void;
}

/** Both ends, as created by a channel factory. */
export interface Channel {
  readonly writer: ChannelWriter;
  readonly reader: ChannelReader;
}
