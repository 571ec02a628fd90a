/**
 * Batches records per channel. A batch is sent when it is full, before any control event (so
 * events stay in order with records), and when the task flushes (going idle, or the buffer
 * timeout passed). Batching is what makes the per-record cost a push into an array.
 */
import type { StreamEvent } from '../types/elements.js';
import type { ChannelWriter } from './channel.js';
import type { ChannelSelector } from './partitioner.js';

/** Writes the output of one task to the channels of one outgoing edge. */
export class RecordWriter {
  private readonly pendingValues: unknown[][];
  private readonly pendingTimestamps: number[][];
  private pendingCount = 0;
  /** When the oldest unsent record was added (ms, `performance.now()`), or -1. */
  private oldestPending = -1;
  recordsOut = 0;

  constructor(
    readonly channels: readonly ChannelWriter[],
    private readonly selector: ChannelSelector,
    private readonly batchSize: number,
  ) {
    this.pendingValues = channels.map(() => []);
    this.pendingTimestamps = channels.map(() => []);
  }

  /** Emits one record to the channel(s) its partitioner picks. */
  emit(value: unknown, timestamp: number): void {
    if (this.selector.broadcast) {
      for (let c = 0; c < this.channels.length; c++) this.append(c, value, timestamp);
    } else {
      this.append(this.selector.selectChannel(value), value, timestamp);
    }
    this.recordsOut++;
  }

  private append(channel: number, value: unknown, timestamp: number): void {
    const values = this.pendingValues[channel]!;
    values.push(value);
    this.pendingTimestamps[channel]!.push(timestamp);
    if (this.pendingCount++ === 0) this.oldestPending = performance.now();
    if (values.length >= this.batchSize) this.flushChannel(channel);
  }

  /** Sends a control event to every channel, after the records before it. */
  broadcastEvent(event: StreamEvent): void {
    this.flushAll();
    for (const channel of this.channels) channel.send(event);
  }

  /** Sends all partial batches. */
  flushAll(): void {
    if (this.pendingCount === 0) return;
    for (let c = 0; c < this.channels.length; c++) this.flushChannel(c);
    this.pendingCount = 0;
    this.oldestPending = -1;
  }

  /** Sends partial batches if the oldest record has waited at least `timeoutMs`. */
  flushIfOlderThan(timeoutMs: number, now: number): void {
    if (this.pendingCount > 0 && now - this.oldestPending >= timeoutMs) this.flushAll();
  }

  private flushChannel(channel: number): void {
    const values = this.pendingValues[channel]!;
    if (values.length === 0) return;
    this.pendingCount -= values.length;
    if (this.pendingCount === 0) this.oldestPending = -1;
    this.channels[channel]!.send({ kind: 'records', values, timestamps: this.pendingTimestamps[channel]! });
    this.pendingValues[channel] = [];
    this.pendingTimestamps[channel] = [];
  }

  /** True when every channel can take more; the task stops taking input otherwise. */
  hasCredit(): boolean {
    for (const channel of this.channels) if (!channel.hasCredit()) return false;
    return true;
  }
}
