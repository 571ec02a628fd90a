/**
 * The Nexmark source: the stream of people, auctions and bids of the Nexmark benchmark, made by
 * {@link NexmarkGenerator} in parallel readers that share the event index space by stride, each
 * event emitted with its `dateTime` as the record timestamp (so a watermark strategy needs no
 * timestamp assigner). The output depends only on the config, never on timing or parallelism:
 * a job reading it gives the same result on every run and after every restore.
 */
import type { Boundedness, Source, SourceReaderContext, SplitEnumeratorContext } from '../../types/source.js';
import { type StaticEnumeratorState, StaticSplitEnumerator } from '../common/static-split-enumerator.js';
import type { NexmarkEvent } from './model.js';
import { type NexmarkConfig, type ResolvedNexmarkConfig, resolveNexmarkConfig } from './nexmark-config.js';
import { NexmarkReader } from './nexmark-reader.js';
import { createNexmarkSplits, type NexmarkSplit } from './nexmark-split.js';

/**
 * Emits events `0 … events - 1` of the Nexmark stream (forever with the default
 * `events: Infinity`). See {@link NexmarkConfig} for the knobs; the defaults are the reference's.
 *
 * @example
 * const source = new NexmarkSource({ events: 10_000_000 });
 * env.fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000), 'nexmark');
 *
 * Measuring latency: `new NexmarkSource({ ratePerSecond: 100_000, wallClockBaseTime: true })`
 * sets the base time to the wall clock when the job starts (kept in the splits, so a restore
 * keeps it) and spaces event times at `ratePerSecond`; each event is emitted no earlier than its
 * `dateTime`, so `dateTime` is its scheduled emission time and the time at the sink minus
 * `dateTime` is the latency, queueing in a backlog included.
 *
 * Gotchas: without `wallClockBaseTime`, `ratePerSecond` only throttles (a token bucket,
 * `ratePerSecond / parallelism` per reader) and event times keep their own spacing
 * (`firstEventRate`, 10M/s by default, so a million events span 100 ms of event time).
 */
export class NexmarkSource
  implements Source<NexmarkEvent, NexmarkSplit, StaticEnumeratorState<NexmarkSplit>>
{
  declare readonly __type?: NexmarkEvent;
  /** The config with every default filled in. */
  readonly config: ResolvedNexmarkConfig;
  private readonly userConfig: NexmarkConfig;

  constructor(config?: NexmarkConfig) {
    this.config = resolveNexmarkConfig(config, 'NexmarkSource');
    this.userConfig = { ...config };
  }

  getBoundedness(): Boundedness {
    return this.config.events === Number.POSITIVE_INFINITY ? 'unbounded' : 'bounded';
  }

  createEnumerator(context: SplitEnumeratorContext<NexmarkSplit>): StaticSplitEnumerator<NexmarkSplit> {
    // Runs once when the job starts (a restore goes through restoreEnumerator and the splits).
    const baseTime = this.config.wallClockBaseTime ? Date.now() : this.config.baseTime;
    return new StaticSplitEnumerator(
      context,
      createNexmarkSplits(this.config.events, context.currentParallelism(), baseTime),
    );
  }

  restoreEnumerator(
    context: SplitEnumeratorContext<NexmarkSplit>,
    checkpoint: StaticEnumeratorState<NexmarkSplit>,
  ): StaticSplitEnumerator<NexmarkSplit> {
    return new StaticSplitEnumerator(context, checkpoint.pending);
  }

  createReader(context: SourceReaderContext): NexmarkReader {
    return new NexmarkReader(context, this.userConfig, this.config);
  }
}
