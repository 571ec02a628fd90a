/**
 * A source that generates records from their index, like Flink's DataGeneratorSource: the
 * output depends only on the generator and the count, never on timing or parallelism, so a
 * job reading it gives the same result on every run and after every restore.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { Boundedness, Source, SourceReaderContext, SplitEnumeratorContext } from '../../types/source.js';
import { StaticSplitEnumerator, type StaticEnumeratorState } from '../common/static-split-enumerator.js';
import { DataGeneratorReader } from './datagen-reader.js';
import { createGeneratorSplits, type DataGeneratorSplit } from './datagen-split.js';

/**
 * Emits `generator(0)`, `generator(1)`, … up to `count` records (or forever with `Infinity`),
 * optionally at most `ratePerSecond` records per second across all parallel readers.
 *
 * @example
 * const source = new DataGeneratorSource((i) => ({ id: i, amount: (i * 37) % 100 }), 1_000_000, 10_000);
 * env.fromSource(source, WatermarkStrategy.noWatermarks(), 'transactions');
 *
 * Gotchas: the generator must be pure (the same index gives the same record), or replay after a
 * failure gives different records. With a finite count each reader takes a contiguous range of
 * indexes; with `Infinity` reader `i` of `p` takes indexes `i, i + p, …`. Each reader gets
 * `ratePerSecond / parallelism`, so the total rate holds whatever the parallelism.
 */
export class DataGeneratorSource<T>
  implements Source<T, DataGeneratorSplit, StaticEnumeratorState<DataGeneratorSplit>>
{
  declare readonly __type?: T;

  constructor(
    private readonly generator: (index: number) => T,
    private readonly count: number,
    private readonly ratePerSecond?: number,
  ) {
    if (typeof generator !== 'function') {
      throw invalid(
        `generator must be a function of the index, got ${typeof generator}; pass (i) => ({ id: i })`,
      );
    }
    const countOk =
      typeof count === 'number' &&
      (count === Number.POSITIVE_INFINITY || (Number.isSafeInteger(count) && count >= 0));
    if (!countOk) {
      throw invalid(`count must be a whole number >= 0 or Infinity, got ${String(count)}; pass e.g. 1000`);
    }
    if (ratePerSecond !== undefined && !(typeof ratePerSecond === 'number' && ratePerSecond > 0)) {
      throw invalid(
        `ratePerSecond must be a number > 0, got ${String(ratePerSecond)}; pass e.g. 1000, or leave it out for no limit`,
      );
    }
    if (ratePerSecond === Number.POSITIVE_INFINITY) this.ratePerSecond = undefined;
  }

  getBoundedness(): Boundedness {
    return this.count === Number.POSITIVE_INFINITY ? 'unbounded' : 'bounded';
  }

  createEnumerator(
    context: SplitEnumeratorContext<DataGeneratorSplit>,
  ): StaticSplitEnumerator<DataGeneratorSplit> {
    return new StaticSplitEnumerator(
      context,
      createGeneratorSplits(this.count, context.currentParallelism()),
    );
  }

  restoreEnumerator(
    context: SplitEnumeratorContext<DataGeneratorSplit>,
    checkpoint: StaticEnumeratorState<DataGeneratorSplit>,
  ): StaticSplitEnumerator<DataGeneratorSplit> {
    return new StaticSplitEnumerator(context, checkpoint.pending);
  }

  createReader(context: SourceReaderContext): DataGeneratorReader<T> {
    return new DataGeneratorReader(context, this.generator, this.ratePerSecond);
  }
}

function invalid(message: string) {
  return userError(ErrorCodes.INVALID_ARGUMENT, `DataGeneratorSource: ${message}`);
}
