/**
 * The channel contract between two tasks: one writer, one reader, events delivered in order.
 * Flow control is by credit: a channel accepts `capacity` events before `hasCredit()` turns
 * false, and the writing task then stops taking input until the reader drains it. That is
 * how backpressure travels upstream to the sources. A task checks credit before each input
 * step, so a channel overshoots its capacity by at most what one input step produces.
 *
 * Listeners are how a sleeping task is woken: a reader's listener runs when an event arrives,
 * a writer's when credit comes back. Listeners must be cheap and must not re-enter the channel.
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
}

/** The receiving end of a channel. */
export interface ChannelReader {
  /** The next event, or undefined when none is queued. */
  poll(): StreamEvent | undefined;
  /** Number of queued events (for metrics and tests). */
  queued(): number;
  /** Called whenever an event arrives. */
  setDataListener(listener: () => void): void;
}

/** Both ends, as created by a channel factory. */
export interface Channel {
  readonly writer: ChannelWriter;
  readonly reader: ChannelReader;
}
