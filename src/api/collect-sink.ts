/**
 * The sink behind `executeAndCollect`: gathers records into an array in this process. With a
 * limit, it asks the job to stop once enough records arrived.
 */
import type { Sink, SinkWriter } from '../types/sink.js';

/** Collects into `results`; calls `onLimit` once when `limit` records are in. */
export class CollectSink<T> implements Sink<T> {
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

  createWriter(): SinkWriter<T> {
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
      close: () => {},
    };
  }
}
