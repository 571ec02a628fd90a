/**
 * An input gate merges the channels of one logical input (input 1 or 2 of the head operator)
 * into a single sequence of events, taking channels round-robin so none starves. It owns the
 * input's watermark valve and knows when every channel has sent its last record (end-of-data or
 * end-of-partition) and when every channel has ended. A channel can be blocked
 * (while exactly-once barrier alignment waits for the other channels); its events then stay
 * queued in the channel, which in turn backpressures its sender.
 */
import type { ChannelReader } from '../exchange/channel.js';
import type { StreamEvent } from '../types/elements.js';
import { StatusWatermarkValve, type ValveOutput } from './watermark-valve.js';

/** The channels of one input. */
export class InputGate {
  readonly valve: StatusWatermarkValve;
  private readonly ended: boolean[];
  private readonly dataEnded: boolean[];
  private dataEndedCount = 0;
  private readonly blocked: boolean[];
  private blockedCount = 0;
  private endedCount = 0;
  private next = 0;
  /** Channel index of the event last returned by {@link pollNext}. */
  lastChannel = -1;

  constructor(
    /** 1 or 2. */
    readonly inputIndex: number,
    readonly channels: readonly ChannelReader[],
    valveOutput: ValveOutput,
  ) {
    this.valve = new StatusWatermarkValve(channels.length, valveOutput);
    this.ended = new Array(channels.length).fill(false);
    this.dataEnded = new Array(channels.length).fill(false);
    this.blocked = new Array(channels.length).fill(false);
  }

  /** The next event from any channel, or undefined when all are empty. */
  pollNext(): StreamEvent | undefined {
    const n = this.channels.length;
    for (let i = 0; i < n; i++) {
      const c = this.next;
      this.next = c + 1 === n ? 0 : c + 1;
      if (this.ended[c] || this.blocked[c]) continue;
      const event = this.channels[c]!.poll();
      if (event !== undefined) {
        this.lastChannel = c;
        return event;
      }
    }
    return undefined;
  }

  /**
   * Records that channel `channel` will send no more records (end-of-data, or end-of-partition
   * without it). Returns true if that made it the gate's last such channel.
   */
  channelDataEnded(channel: number): boolean {
    if (this.dataEnded[channel]) return false;
    this.dataEnded[channel] = true;
    this.dataEndedCount++;
    return this.dataEndedCount === this.channels.length;
  }

  /** True once every channel has sent its last record. */
  isDataFinished(): boolean {
    return this.dataEndedCount === this.channels.length;
  }

  /** Records that channel `channel` sent its end-of-partition event (which also ends its data). */
  channelEnded(channel: number): void {
    if (this.ended[channel]) return;
    this.ended[channel] = true;
    this.endedCount++;
  }

  /** Stops taking events from `channel` until {@link unblockAll}. */
  block(channel: number): void {
    if (this.blocked[channel]) return;
    this.blocked[channel] = true;
    this.blockedCount++;
  }

  /** Takes events from every channel again. */
  unblockAll(): void {
    if (this.blockedCount === 0) return;
    this.blocked.fill(false);
    this.blockedCount = 0;
  }

  /** Channels that have not ended. */
  openChannels(): number {
    return this.channels.length - this.endedCount;
  }

  /** True once every channel has ended. */
  isFinished(): boolean {
    return this.endedCount === this.channels.length;
  }

  /** Events waiting in the gate's channels. */
  queued(): number {
    let total = 0;
    for (const channel of this.channels) total += channel.queued();
    return total;
  }
}
