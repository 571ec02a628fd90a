/**
 * Runs a sink's writer. For a two-phase-commit sink the operator drives the commit protocol:
 * on each checkpoint barrier the writer flushes and turns what it wrote into committables
 * (pre-commit), which go into the checkpoint; when the checkpoint completes they are
 * committed. A restored operator commits the committables of its checkpoint again (commits are
 * idempotent), because the crash may have come between completion and commit. With
 * checkpoints, end of input only flushes: the job's final checkpoint follows it and commits
 * the rest like any other. Without checkpoints, end of input flushes, prepares and commits at
 * once, so a bounded job's output is complete when it finishes.
 *
 * A writer that sends asynchronously may report through `isAvailable` that it takes no more
 * records for now; the task asks {@link SinkOperator.isAvailable} before each input step.
 */
import { NO_TIMESTAMP } from '../../types/elements.js';
import {
  type Committer,
  type CommittingSinkWriter,
  isTwoPhaseCommittingSink,
  type Sink,
  type SinkInitContext,
  type SinkWriter,
  type SinkWriterContext,
} from '../../types/sink.js';
import { AbstractStreamOperator, type OneInputStreamOperator } from '../operator.js';
import { allEntriesName, type OperatorStateSnapshot, type RestoredOperatorState } from '../snapshot.js';

const WRITER_STATE = 'writer';
const COMMITTABLES_STATE = 'committables';

/** Committables waiting for their checkpoint to complete. */
interface PendingCommittable {
  readonly checkpointId: number;
  readonly committable: unknown;
}

/** Writes records to a sink. */
export class SinkOperator<T>
  extends AbstractStreamOperator<never>
  implements OneInputStreamOperator<T, never>
{
  private writer!: SinkWriter<T>;
  /** Set for two-phase-commit sinks: the writer's committables go to this committer. */
  private commit:
    | {
        writer: CommittingSinkWriter<T, unknown>;
        committer: Committer<unknown>;
      }
    | undefined;
  private pending: PendingCommittable[] = [];
  private restored: RestoredOperatorState = new Map();
  private recordTimestamp = NO_TIMESTAMP;
  /** False once checkpoints commit everything, including what comes while finishing. */
  private commitInFinish = true;
  /** The writer's last flush (`flush(true)`) happened. */
  private inputEnded = false;
  /** Records handed to the writer so far. */
  recordsWritten = 0;
  /** The job's name, for the writer's {@link SinkInitContext}; set by the task before `open`. */
  jobName: string | undefined;
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

  /**
   * Commits the restored committables of this subtask again, and on subtask 0 lets the sink
   * clean up what earlier attempts left behind (also after a restart that had no checkpoint
   * to restore, whose predecessor may have left files too).
   */
  async initializeState(restored: RestoredOperatorState): Promise<void> {
    this.restored = restored;
    if (!isTwoPhaseCommittingSink(this.sink)) return;
    const { restoredCheckpointId, subtaskIndex, attemptId, attemptNumber } = this.setupInfo;
    if (restoredCheckpointId === undefined && attemptNumber === 0) return;
    const context = this.initContext();
    const mine = (restored.get(COMMITTABLES_STATE) ?? []) as PendingCommittable[];
    const committer = this.sink.createCommitter();
    try {
      if (mine.length > 0) await committer.commit(mine.map((p) => p.committable));
      if (subtaskIndex === 0 && this.sink.cleanupAfterRestore !== undefined) {
        const all = (restored.get(allEntriesName(COMMITTABLES_STATE)) ?? []) as PendingCommittable[];
        await this.sink.cleanupAfterRestore(
          restored.get(allEntriesName(WRITER_STATE)) ?? [],
          all.map((p) => p.committable),
          attemptId,
          context,
        );
      }
    } finally {
      await committer.close();
    }
  }

  override open(): void {
    const restoredWriterState = [...(this.restored.get(WRITER_STATE) ?? [])];
    this.restored = new Map();
    this.writer = this.sink.createWriter(this.initContext(), restoredWriterState);
    if (isTwoPhaseCommittingSink(this.sink)) {
      this.commit = {
        writer: this.writer as CommittingSinkWriter<T, unknown>,
        committer: this.sink.createCommitter(),
      };
    }
  }

  /** Whether the writer may hold the task back: false for writers that do not say. */
  get throttles(): boolean {
    return this.writer.isAvailable !== undefined;
  }

  /** Undefined while the writer takes records; else resolves once it does again. */
  isAvailable(): Promise<void> | undefined {
    return this.writer.isAvailable?.();
  }

  private initContext(): SinkInitContext {
    const { subtaskIndex, parallelism, attemptNumber, processingTime, attemptId, restoredCheckpointId, uid } =
      this.setupInfo;
    return {
      subtaskIndex,
      parallelism,
      attemptNumber,
      attemptId,
      restoredCheckpointId,
      jobId: this.jobId,
      jobName: this.jobName,
      operatorUid: uid,
      currentProcessingTime: () => processingTime.now(),
      // Once the last flush happened nothing may be sent any more.
      scheduleProcessingTime: (time, callback) =>
        processingTime.schedule(time, (t) => {
          if (!this.inputEnded) callback(t);
        }),
    };
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

  /**
   * The job takes checkpoints, and a final one after end of input: `finish` leaves the
   * committing to it, so the tail of the output is committed exactly once, with the checkpoint.
   */
  commitThroughCheckpoints(): void {
    this.commitInFinish = false;
  }

  /** Pre-commits: what the writer wrote up to the barrier becomes committables of this checkpoint. */
  async snapshotState(checkpointId: number): Promise<OperatorStateSnapshot | undefined> {
    if (!this.inputEnded) await this.writer.flush(false);
    if (this.commit === undefined) return undefined;
    const committables = await this.commit.writer.prepareCommit();
    for (const committable of committables) this.pending.push({ checkpointId, committable });
    const writerState = this.commit.writer.snapshotState?.(checkpointId) ?? [];
    return {
      [WRITER_STATE]: { mode: 'split', entries: writerState },
      [COMMITTABLES_STATE]: { mode: 'split', entries: this.pending },
    };
  }

  /** Commits everything pre-committed up to checkpoint `checkpointId`. */
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    if (this.commit === undefined) return;
    const due = this.pending.filter((p) => p.checkpointId <= checkpointId);
    if (due.length === 0) return;
    this.pending = this.pending.filter((p) => p.checkpointId > checkpointId);
    await this.commit.committer.commit(due.map((p) => p.committable));
  }

  /**
   * Flushes the writer for the last time. Without checkpoints it also commits everything: this
   * is the one commit of the job. With them, the final checkpoint prepares and commits it.
   */
  override async finish(): Promise<void> {
    await this.writer.flush(true);
    this.inputEnded = true;
    if (this.commit !== undefined && this.commitInFinish) {
      const committables = [
        ...this.pending.map((p) => p.committable),
        ...(await this.commit.writer.prepareCommit()),
      ];
      this.pending = [];
      if (committables.length > 0) await this.commit.committer.commit(committables);
    }
  }

  override async close(): Promise<void> {
    await this.writer?.close();
    await this.commit?.committer.close();
  }
}
