/**
 * Tracks checkpoint barriers across all input channels of a task. A checkpoint is taken when
 * the barrier has arrived on every open channel. In exactly-once mode each channel is blocked
 * once its barrier arrived, so the snapshot reflects exactly the records before the barrier on
 * every channel; in at-least-once mode channels keep flowing, and records after the barrier on
 * a fast channel may also be in the snapshot (and replayed after a restore).
 *
 * A barrier of a newer checkpoint abandons an unfinished alignment (its checkpoint was aborted
 * or subsumed); barriers of older or finished checkpoints are ignored.
 */
import type { BarrierEvent } from '../types/elements.js';

/** Whether barriers are aligned. */
export type CheckpointingMode = 'exactly-once' | 'at-least-once';

/** The channels the aligner controls. */
export interface AlignedInputs {
  block(gate: number, channel: number): void;
  unblockAll(): void;
  /** Channels (over all gates) that have not ended. */
  openChannels(): number;
}

/** A barrier whose alignment finished, with how long the alignment took. */
export interface AlignedBarrier {
  readonly barrier: BarrierEvent;
  readonly alignmentDurationMs: number;
}

/** Barrier bookkeeping of one task; see the module comment. */
export class BarrierAligner {
  private current: BarrierEvent | undefined;
  private readonly arrived = new Set<number>();
  private alignmentStart = 0;
  private lastCompleted = 0;

  constructor(
    private readonly mode: CheckpointingMode,
    private readonly inputs: AlignedInputs,
  ) {}

  /** A barrier arrived on a channel; returns it once every open channel has delivered it. */
  onBarrier(barrier: BarrierEvent, gate: number, channel: number): AlignedBarrier | undefined {
    const id = barrier.checkpointId;
    if (id <= this.lastCompleted) return undefined;
    if (this.current === undefined || id > this.current.checkpointId) {
      if (this.current !== undefined) this.inputs.unblockAll();
      this.current = barrier;
      this.arrived.clear();
      this.alignmentStart = performance.now();
    } else if (id < this.current.checkpointId) {
      return undefined;
    }
    this.arrived.add(channelKey(gate, channel));
    if (this.mode === 'exactly-once') this.inputs.block(gate, channel);
    return this.completeIfAligned();
  }

  /** A channel ended: it no longer has to deliver the barrier. */
  onChannelEnded(gate: number, channel: number): AlignedBarrier | undefined {
    this.arrived.delete(channelKey(gate, channel));
    return this.completeIfAligned();
  }

  /** True while some channels delivered a barrier and others not yet. */
  isAligning(): boolean {
    return this.current !== undefined;
  }

  private completeIfAligned(): AlignedBarrier | undefined {
    const barrier = this.current;
    if (barrier === undefined || this.arrived.size < this.inputs.openChannels()) return undefined;
    this.current = undefined;
    this.arrived.clear();
    this.lastCompleted = barrier.checkpointId;
    this.inputs.unblockAll();
    return { barrier, alignmentDurationMs: performance.now() - this.alignmentStart };
  }
}

function channelKey(gate: number, channel: number): number {
  return gate * 0x10000 + channel;
}
