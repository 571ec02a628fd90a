/**
 * Reads {@link NexmarkSplit}s: makes each index's event with the generator and emits it with its
 * event time as the record timestamp. Two ways of holding back: with `wallClockBaseTime` an event
 * is emitted once the wall clock reaches its `dateTime` (its scheduled time, so latency can be
 * measured from it), otherwise `ratePerSecond` is a token bucket shared out over the readers.
 * When held back, `pollNext` returns `nothing-available` and `isAvailable()` resolves on a timer.
 */
import type { SourceOutput, SourceReaderContext } from '../../types/source.js';
import { WakeUpTimer } from '../common/availability.js';
import { SplitQueueReader, type SplitStatus } from '../common/split-queue-reader.js';
import { RateLimiter } from '../datagen/rate-limiter.js';
import { type NexmarkEvent, type NexmarkEventTypeCode, nexmarkEventTime } from './model.js';
import type { NexmarkConfig, ResolvedNexmarkConfig } from './nexmark-config.js';
import { NexmarkGenerator } from './nexmark-generator.js';
import type { NexmarkSplit } from './nexmark-split.js';

/** Upper bound of events per `pollNext`, so the task loop stays responsive. */
const MAX_EVENTS_PER_POLL = 1024;

/** The reader of a {@link NexmarkSource}. */
export class NexmarkReader extends SplitQueueReader<NexmarkEvent, NexmarkSplit> {
  private readonly limiter: RateLimiter | undefined;
  private readonly scheduled: boolean;
  /** One generator per base time; a reader normally sees just one. */
  private readonly generators = new Map<number, NexmarkGenerator>();
  private readonly wakeUp = new WakeUpTimer();
  /**
   * The event kinds to emit, as a bit mask (bit N for kind N); undefined emits every event.
   * Events of the other kinds are skipped without being built (the config's `eventTypes`, or a
   * SQL scan with a pushed `event_type` filter); they still count as read for the split's position.
   */
  protected eventTypes: number | undefined;

  constructor(
    context: SourceReaderContext,
    private readonly userConfig: NexmarkConfig,
    config: ResolvedNexmarkConfig,
  ) {
    super(context);
    this.eventTypes = config.eventTypes.length === 3 ? undefined : eventTypeMask(config.eventTypes);
    this.scheduled = config.wallClockBaseTime;
    if (!this.scheduled && config.ratePerSecond !== Number.POSITIVE_INFINITY) {
      const share = config.ratePerSecond / Math.max(1, context.parallelism);
      this.limiter = new RateLimiter(share, () => context.currentProcessingTime());
    }
  }

  protected pollSplit(split: NexmarkSplit, output: SourceOutput<NexmarkEvent>): SplitStatus {
    const end = split.end ?? Number.POSITIVE_INFINITY;
    const stride = split.stride;
    const left = Math.ceil((end - split.next) / stride);
    if (left <= 0) return 'finished';
    let budget = Math.min(MAX_EVENTS_PER_POLL, left);
    if (this.limiter !== undefined) {
      budget = this.limiter.acquire(budget);
      if (budget === 0) return 'waiting';
    }
    const gen = this.generatorFor(split.baseTime);
    let index = split.next;
    if (this.scheduled) {
      const now = this.context.currentProcessingTime();
      let due = 0;
      while (due < budget && gen.timestamp(index + due * stride) <= now) due++;
      if (due === 0) return 'waiting';
      budget = due;
    }
    const kinds = this.eventTypes;
    for (let n = 0; n < budget; n++) {
      if (kinds === undefined || ((kinds >> gen.eventType(index)) & 1) === 1)
        this.collectEvent(gen, index, output);
      index += stride;
      // Advanced per event so that a throwing downstream leaves an exact position behind.
      split.next = index;
    }
    if (index >= end) return 'finished';
    // Take turns with the reader's other splits (it holds several after a restore at a lower
    // parallelism): an endless split would starve them, and a bounded one read to its end
    // first would run far ahead in event time while theirs held the watermark back.
    return 'yield';
  }

  /** Emits event `index` of `gen`; a reader of other records than `NexmarkEvent`s makes its own. */
  protected collectEvent(gen: NexmarkGenerator, index: number, output: SourceOutput<NexmarkEvent>): void {
    const event = gen.event(index);
    output.collect(event, nexmarkEventTime(event));
  }

  protected override splitAvailable(split: NexmarkSplit): Promise<void> {
    let delay = 0;
    if (this.limiter !== undefined) delay = this.limiter.delayMs();
    else if (this.scheduled) {
      delay = this.generatorFor(split.baseTime).timestamp(split.next) - this.context.currentProcessingTime();
    }
    return this.wakeUp.after(delay);
  }

  override close(): void {
    this.wakeUp.cancel();
    super.close();
  }

  private generatorFor(baseTime: number): NexmarkGenerator {
    let gen = this.generators.get(baseTime);
    if (gen === undefined) {
      gen = new NexmarkGenerator({ ...this.userConfig, baseTime });
      this.generators.set(baseTime, gen);
    }
    return gen;
  }
}

/** The bit mask of `kinds` (bit N for kind N), as {@link NexmarkReader} tests events against. */
export function eventTypeMask(kinds: Iterable<NexmarkEventTypeCode>): number {
  let mask = 0;
  for (const kind of kinds) mask |= 1 << kind;
  return mask;
}
