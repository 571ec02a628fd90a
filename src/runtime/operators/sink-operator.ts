/**
 * Runs a sink's writer. For a two-phase-commit sink, end of input flushes the writer, takes
 * its committables and commits them, so a bounded job's output is complete when it finishes.
 */
import { NO_TIMESTAMP } from '../../types/elements.js';
import {
  type Committer,
  type CommittingSinkWriter,
  isTwoPhaseCommittingSink,
  type Sink,
  type SinkWriter,
  type SinkWriterContext,
} from '../../types/sink.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../operator.js';

/** Writes records to a sink. */
export class SinkOperator<T>
  extends AbstractStreamOperator<never>
  implements OneInputStreamOperator<T, never>
{
  private writer!: SinkWriter<T>;
  /** Set for two-phase-commit sinks: the writer's committables go to this committer. */
  private commit: { writer: CommittingSinkWriter<T, unknown>; committer: Committer<unknown> } | undefined;
  private recordTimestamp = NO_TIMESTAMP;
  /** Records handed to the writer so far. */
  recordsWritten = 0;
  private readonly context: SinkWriterContext = {
    timestamp: () => (this.recordTimestamp === NO_TIMESTAMP ? undefined : this.recordTimestamp),
    currentWatermark: () => this.currentWatermark,
  };

  constructor(
    private readonly sink: Sink<T>,
    private readonly jobId: string,
  ) {
    super();
  }

  override open(): void {
    const { subtaskIndex, parallelism, attemptNumber, processingTime } = this.setupInfo;
    this.writer = this.sink.createWriter({
      subtaskIndex,
      parallelism,
      attemptNumber,
      jobId: this.jobId,
      currentProcessingTime: () => processingTime.now(),
    });
    if (isTwoPhaseCommittingSink(this.sink)) {
      this.commit = {
        writer: this.writer as CommittingSinkWriter<T, unknown>,
        committer: this.sink.createCommitter(),
      };
    }
  }

  processElement(value: T, timestamp: number): void {
    this.recordTimestamp = timestamp;
    this.recordsWritten++;
    this.writer.write(value, this.context);
  }

  protected override advanceWatermark(watermark: number): void {
    if (watermark <= this.currentWatermark) return;
    this.currentWatermark = watermark;
    this.writer.writeWatermark?.(watermark);
  }

  override async finish(): Promise<void> {
    await this.writer.flush(true);
    if (this.commit !== undefined) {
      const committables = await this.commit.writer.prepareCommit();
      if (committables.length > 0) await this.commit.committer.commit(committables);
    }
  }

  override async close(): Promise<void> {
    await this.writer?.close();
    await this.commit?.committer.close();
  }
}
