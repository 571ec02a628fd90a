/**
 * The source behind `env.fromElements(...)` and `env.fromCollection(iterable)`: the elements, in
 * order, from one reader. It is replayable because its one split is only a position.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { Boundedness, Source, SourceReaderContext, SplitEnumeratorContext } from '../../types/source.js';
import { StaticSplitEnumerator, type StaticEnumeratorState } from '../common/static-split-enumerator.js';
import { CollectionReader } from './collection-reader.js';
import { COLLECTION_SPLIT_ID, type CollectionSplit } from './collection-split.js';

/**
 * Emits the items of an iterable, in order, with parallelism 1.
 *
 * @example
 * env.fromSource(new CollectionSource([1, 2, 3]), WatermarkStrategy.noWatermarks(), 'numbers');
 * env.fromSource(CollectionSource.of('a', 'b'), WatermarkStrategy.noWatermarks(), 'letters');
 *
 * Gotchas: an array is the normal case. Any other iterable must be finite, and must give the same
 * elements each time it is iterated (a Set, a Map, an object whose `[Symbol.iterator]` starts over),
 * for a restored split to resume at the right element; a one-shot generator cannot be replayed.
 * The items are kept by reference and must not be changed while the job runs.
 */
export class CollectionSource<T>
  implements Source<T, CollectionSplit, StaticEnumeratorState<CollectionSplit>>
{
  /** One reader: the order of a collection is its meaning. */
  readonly maxParallelism = 1;
  declare readonly __type?: T;

  constructor(private readonly items: Iterable<T>) {
    if (items === null || typeof (items as Partial<Iterable<T>>)?.[Symbol.iterator] !== 'function') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `CollectionSource needs an iterable such as an array, got ${describe(items)}; pass e.g. [1, 2, 3]`,
      );
    }
  }

  /** A source of the given elements, in argument order. */
  static of<T>(...items: T[]): CollectionSource<T> {
    return new CollectionSource(items);
  }

  getBoundedness(): Boundedness {
    return 'bounded';
  }

  createEnumerator(context: SplitEnumeratorContext<CollectionSplit>): StaticSplitEnumerator<CollectionSplit> {
    return new StaticSplitEnumerator(context, [{ id: COLLECTION_SPLIT_ID, offset: 0 }]);
  }

  restoreEnumerator(
    context: SplitEnumeratorContext<CollectionSplit>,
    checkpoint: StaticEnumeratorState<CollectionSplit>,
  ): StaticSplitEnumerator<CollectionSplit> {
    return new StaticSplitEnumerator(context, checkpoint.pending);
  }

  createReader(context: SourceReaderContext): CollectionReader<T> {
    return new CollectionReader(context, this.items);
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}
