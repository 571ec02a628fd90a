/**
 * The operator of a regular join with a side cleaned by the watermark (the `expiring` layout):
 * the keyed co-process operator, which also lends the join its keys and timers and tells it of
 * the watermark, so that such a side holds its rows in memory first (see `expiring-buffer.ts` and
 * `RegularJoinFunction.bufferExpiring`): on the heap backend until the watermark expires them, on
 * another up to a limit. A checkpoint takes the rows in memory as union operator state by key
 * group and leaves them there (see `expiring-buffer-state.ts`); a restore puts back those of
 * this subtask's key groups. Each side's latest stored time, by which the join skips probes that
 * cannot match (see `expiring-probe-bound.ts`), is union state too.
 */
import { CoProcessOperator } from '../../../runtime/operators/process-operators.js';
import type { OperatorStateSnapshot, RestoredOperatorState } from '../../../runtime/snapshot.js';
import { currentCanonicalKeyReader } from '../../../state/backend.js';
import { HeapKeyedStateBackend } from '../../../state/heap/heap-backend.js';
import type { CanonicalKey } from '../../../state/key-groups.js';
import type { Row } from '../../expressions/compiler.js';
import { bufferLimit, type ExpiringBufferOptions, JOIN_BUFFER_LIMIT } from './expiring-buffer.js';
import { BUFFERED_ROWS_STATE } from './expiring-buffer-state.js';
import { STORED_TIMES_STATE } from './expiring-probe-bound.js';
import type { RegularJoinFunction } from './join-function.js';

/** Runs a {@link RegularJoinFunction} whose expiring sides buffer rows in memory. */
export class ExpiringJoinOperator extends CoProcessOperator<Row, Row, Row> {
  /** The rows in memory a restored checkpoint took, for `open` to put back. */
  private restoredRows: readonly unknown[] = [];
  /** The latest stored times a restored checkpoint took (undefined: none, or no restore). */
  private restoredTimes: readonly unknown[] | undefined;

  /**
   * `buffer`: how each side holds its rows (see `ExpiringBufferOptions`); tests pass small
   * values. Without a limit: none on the heap backend, else this subtask's share of
   * {@link JOIN_BUFFER_LIMIT}.
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
        currentCanonicalKey: currentCanonicalKeyReader(backend) as () => CanonicalKey,
        setCurrentKey: (key) => backend.setCurrentKey(key),
      },
      {
        ...this.buffer,
        limit:
          this.buffer.limit ??
          (backend instanceof HeapKeyedStateBackend
            ? Number.POSITIVE_INFINITY
            : bufferLimit(JOIN_BUFFER_LIMIT, this.setupInfo.parallelism)),
      },
    );
    // A restore without latest times (an earlier version's checkpoint) skips no probe.
    if (this.setupInfo.restoredCheckpointId !== undefined || this.restoredTimes !== undefined)
      this.join.storedTimes?.restore(this.restoredTimes);
    this.restoredTimes = undefined;
    if (this.restoredRows.length === 0) return;
    // Union state hands every subtask every entry: each keeps those of its own key groups.
    this.join.restoreBuffered(this.restoredRows, backend.maxParallelism, backend.keyGroupRange);
    this.restoredRows = [];
  }

  /** Keeps the restored rows in memory for `open`, once the join has its buffers. */
  initializeState(restored: RestoredOperatorState): void {
    this.restoredRows = restored.get(BUFFERED_ROWS_STATE) ?? [];
    this.restoredTimes = restored.get(STORED_TIMES_STATE);
  }

  /** The rows in memory, which stay there, and the latest stored times (see the module comment). */
  snapshotState(_checkpointId: number): OperatorStateSnapshot | undefined {
    const entries = this.join.bufferedEntries(this.currentWatermark, this.keyedBackend.maxParallelism);
    const times = this.join.storedTimes;
    if (entries.length === 0 && times === undefined) return undefined;
    return {
      ...(entries.length === 0 ? {} : { [BUFFERED_ROWS_STATE]: { mode: 'union', entries } }),
      ...(times === undefined ? {} : { [STORED_TIMES_STATE]: { mode: 'union', entries: [times.entry()] } }),
    };
  }

  protected override advanceWatermark(watermark: number): void {
    if (watermark > this.currentWatermark) this.join.sweepBuffered(watermark);
    super.advanceWatermark(watermark);
  }
}
