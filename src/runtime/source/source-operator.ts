/**
 * The head of a source chain: drives a source reader from the task loop. The reader gets splits
 * from the enumerator through the task's mailbox; `emitNext` reads what is ready without
 * blocking. At end of input the maximum watermark is emitted so every event-time window and
 * timer downstream fires. The reader's unfinished splits, with their positions, are the
 * operator's state: a restored reader starts with them.
 */
import type { Clock } from '../../time/clock.js';
import type { WatermarkStrategy } from '../../time/watermarks.js';
import { MAX_WATERMARK } from '../../types/elements.js';
import type { InputStatus, Source, SourceReader, SourceSplit } from '../../types/source.js';
import { AbstractStreamOperator } from '../operator.js';
import type { OperatorStateSnapshot, RestoredOperatorState } from '../snapshot.js';
import { SourceReaderOutput } from './reader-output.js';

/** The operator state holding the reader's unfinished splits. */
const SPLITS_STATE = 'splits';

/** How a source subtask talks to its enumerator. */
export interface SplitRequestGateway {
  requestSplit(subtask: number): void;
  registerReader(subtask: number): void;
}

/** Runs one source reader. */
export class SourceOperator<T> extends AbstractStreamOperator<T> {
  private reader!: SourceReader<T, SourceSplit>;
  private readerOutput!: SourceReaderOutput<T>;
  private cancelPeriodic: (() => void) | undefined;
  private restoredSplits: SourceSplit[] = [];

  constructor(
    private readonly source: Source<T, SourceSplit, unknown>,
    private readonly strategy: WatermarkStrategy<T>,
    private readonly gateway: SplitRequestGateway,
    private readonly clock: Clock,
  ) {
    super();
  }

  initializeState(restored: RestoredOperatorState): void {
    this.restoredSplits = [...((restored.get(SPLITS_STATE) ?? []) as SourceSplit[])];
  }

  snapshotState(checkpointId: number): OperatorStateSnapshot {
    return { [SPLITS_STATE]: { mode: 'split', entries: this.reader.snapshotState(checkpointId) } };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.reader.notifyCheckpointComplete?.(checkpointId);
  }

  override open(): void {
    const { subtaskIndex, parallelism, runtimeMode, autoWatermarkInterval } = this.setupInfo;
    const watermarks = runtimeMode === 'streaming';
    this.readerOutput = new SourceReaderOutput(this.output, this.strategy, this.clock, watermarks);
    this.reader = this.source.createReader({
      subtaskIndex,
      parallelism,
      sendSplitRequest: () => this.gateway.requestSplit(subtaskIndex),
      currentProcessingTime: () => this.clock.now(),
    });
    if (this.restoredSplits.length > 0) this.reader.addSplits(this.restoredSplits);
    this.restoredSplits = [];
    this.reader.start();
    this.gateway.registerReader(subtaskIndex);
    if (watermarks && autoWatermarkInterval > 0) this.schedulePeriodicWatermark(autoWatermarkInterval);
  }

  private schedulePeriodicWatermark(interval: number): void {
    const service = this.setupInfo.processingTime;
    const tick = (time: number): void => {
      this.readerOutput.emitPeriodicWatermark();
      this.cancelPeriodic = service.schedule(time + interval, tick);
    };
    this.cancelPeriodic = service.schedule(service.now() + interval, tick);
  }

  /** Emits what the reader has ready. */
  emitNext(): InputStatus {
    return this.reader.pollNext(this.readerOutput);
  }

  /** Resolves when the reader may have more. */
  isAvailable(): Promise<void> {
    return this.reader.isAvailable();
  }

  addSplits(splits: SourceSplit[]): void {
    this.reader.addSplits(splits);
  }

  noMoreSplits(): void {
    this.reader.notifyNoMoreSplits();
  }

  /** The last watermark this source emitted. */
  get outputWatermark(): number {
    return this.readerOutput?.currentWatermark ?? Number.NEGATIVE_INFINITY;
  }

  /** Records emitted so far. */
  get recordsOut(): number {
    return this.readerOutput?.recordsOut ?? 0;
  }

  /**
   * Called by the task when the reader reported end of input, or instead of reading when the
   * task was restored finished (`emitMaxWatermark` false: that watermark went out before).
   */
  endOfSource(emitMaxWatermark = true): void {
    this.cancelPeriodic?.();
    this.cancelPeriodic = undefined;
    if (emitMaxWatermark) this.output.emitWatermark(MAX_WATERMARK);
  }

  processElement(): void {
    throw new Error('a source operator has no input');
  }

  override async close(): Promise<void> {
    this.cancelPeriodic?.();
    if (this.reader !== undefined) await this.reader.close();
  }
}
