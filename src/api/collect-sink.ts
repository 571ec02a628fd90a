/**
 * The sink behind `executeAndCollect`: gathers records into an array in this process. With a
 * limit, it asks the job to stop once enough records arrived.
 *
 * It takes part in checkpoints so that restarts do not duplicate results: its state is the
 * number of results at the checkpoint, and a restored writer drops what was collected after it
 * (a restart without a checkpoint drops everything), because the source replays those records.
 */
import type {
  Committer,
  CommittingSinkWriter,
  SinkInitContext,
  TwoPhaseCommittingSink,
} from '../types/sink.js';

/** Collects into `results`; calls `onLimit` once when `limit` records are in. */
export class CollectSink<T> implements TwoPhaseCommittingSink<T, never> {
  readonly results: T[] = [];
  private limitReached = false;

  constructor(
    private readonly limit: number,
    private readonly onLimit: () => void,
  ) {}

  /** True once the limit stopped the job. */
  get stoppedByLimit(): boolean {
    return this.limitReached;
  }

  createWriter(context: SinkInitContext, restoredState: unknown[] = []): CommittingSinkWriter<T, never> {
    if (context.attemptNumber > 0 || context.restoredCheckpointId !== undefined) {
      const kept = restoredState.length === 0 ? 0 : Math.max(...(restoredState as number[]));
      this.results.length = Math.min(this.results.length, kept);
    }
    return {
      write: (value) => {
        if (this.results.length >= this.limit) return;
        this.results.push(value);
        if (this.results.length === this.limit && !this.limitReached) {
          this.limitReached = true;
          this.onLimit();
        }
      },
      flush: () => {},
      prepareCommit: () => [],
      snapshotState: () => [this.results.length],
      close: () => {},
    };
  }

  createCommitter(): Committer<never> {
    return { commit: () => {}, close: () => {} };
  }
}
