/**
 * Reads {@link DataGeneratorSplit}s: calls the generator for each index, optionally held to a
 * rate. When the rate allows nothing more, `pollNext` returns `nothing-available` and
 * `isAvailable()` resolves on a timer once the next record is allowed.
 */
import type { SourceOutput, SourceReaderContext } from '../../types/source.js';
import { AVAILABLE, WakeUpTimer } from '../common/availability.js';
import { SplitQueueReader, type SplitStatus } from '../common/split-queue-reader.js';
import type { DataGeneratorSplit } from './datagen-split.js';
import { RateLimiter } from './rate-limiter.js';

/** Upper bound of records per `pollNext`, so the task loop stays responsive. */
const MAX_RECORDS_PER_POLL = 1024;

/** The reader of a {@link DataGeneratorSource}. */
export class DataGeneratorReader<T> extends SplitQueueReader<T, DataGeneratorSplit> {
  private readonly limiter: RateLimiter | undefined;
  private readonly wakeUp = new WakeUpTimer();

  /** `ratePerSecond` is the whole source's rate; this reader takes its share of it. */
  constructor(
    context: SourceReaderContext,
    private readonly generator: (index: number) => T,
    ratePerSecond: number | undefined,
  ) {
    super(context);
    if (ratePerSecond !== undefined) {
      const share = ratePerSecond / Math.max(1, context.parallelism);
      this.limiter = new RateLimiter(share, () => context.currentProcessingTime());
    }
  }

  protected pollSplit(split: DataGeneratorSplit, output: SourceOutput<T>): SplitStatus {
    const end = split.end ?? Number.POSITIVE_INFINITY;
    const left = Math.ceil((end - split.next) / split.stride);
    if (left <= 0) return 'finished';
    let budget = Math.min(MAX_RECORDS_PER_POLL, left);
    if (this.limiter !== undefined) {
      budget = this.limiter.acquire(budget);
      if (budget === 0) return 'waiting';
    }
    const generator = this.generator;
    const stride = split.stride;
    let index = split.next;
    for (let n = 0; n < budget; n++) {
      output.collect(generator(index));
      index += stride;
      // Advanced per record so that a throwing generator leaves an exact position behind.
      split.next = index;
    }
    if (split.next >= end) return 'finished';
    // An endless split never finishes: it must take turns with the reader's other splits.
    return split.end === null ? 'yield' : 'more';
  }

  protected override splitAvailable(): Promise<void> {
    if (this.limiter === undefined) return AVAILABLE;
    const delay = this.limiter.delayMs();
    return this.wakeUp.after(delay);
  }

  override close(): void {
    this.wakeUp.cancel();
    super.close();
  }
}
