/**
 * The operator of a regular join with a side cleaned by the watermark (the `expiring` layout):
 * the keyed co-process operator, which also lends the join its keys and timers and tells it of
 * the watermark, the checkpoints and the end of input, so that such a side holds its rows in
 * memory first (see `expiring-buffer.ts` and `RegularJoinFunction.bufferExpiring`).
 */
import { CoProcessOperator } from '../../../runtime/operators/process-operators.js';
import { HeapKeyedStateBackend } from '../../../state/heap/heap-backend.js';
import type { Row } from '../../expressions/compiler.js';
import { type ExpiringBufferOptions, HEAP_JOIN_BUFFER_LIMIT, JOIN_BUFFER_LIMIT } from './expiring-buffer.js';
import type { RegularJoinFunction } from './join-function.js';

/** Runs a {@link RegularJoinFunction} whose expiring sides buffer rows in memory. */
export class ExpiringJoinOperator extends CoProcessOperator<Row, Row, Row> {
  /**
   * `buffer`: how each side holds its rows (see `ExpiringBufferOptions`); tests pass small
   * values. Without a limit, the backend's (see `JOIN_BUFFER_LIMIT`).
   */
  constructor(
    fn: RegularJoinFunction,
    private readonly buffer: ExpiringBufferOptions = {},
  ) {
    super(fn, true);
  }

  private get join(): RegularJoinFunction {
    return this.userFunction as RegularJoinFunction;
  }

  override open(): void {
    super.open();
    const backend = this.keyedBackend;
    this.join.bufferExpiring(
      {
        timers: this.ctx.timerService(),
        currentKey: () => backend.getCurrentKey(),
        setCurrentKey: (key) => backend.setCurrentKey(key),
      },
      {
        ...this.buffer,
        limit:
          this.buffer.limit ??
          (backend instanceof HeapKeyedStateBackend ? HEAP_JOIN_BUFFER_LIMIT : JOIN_BUFFER_LIMIT),
      },
    );
  }

  /** Before a checkpoint's barrier: the checkpoint takes the rows in memory as keyed state. */
  prepareSnapshotPreBarrier(): void {
    this.join.moveBufferedToState();
  }

  /** Rows the final watermark did not expire stay in keyed state, as a checkpoint takes them. */
  override finish(): void {
    this.join.moveBufferedToState();
  }

  protected override advanceWatermark(watermark: number): void {
    if (watermark > this.currentWatermark) this.join.sweepBuffered(watermark);
    super.advanceWatermark(watermark);
  }
}
