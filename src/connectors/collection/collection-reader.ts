/**
 * Reads a {@link CollectionSplit}. For an array it indexes directly; for any other iterable it
 * opens a fresh iterator and skips `offset` elements, which is how a restored split resumes.
 */
import type { SourceOutput, SourceReaderContext } from '../../types/source.js';
import { SplitQueueReader, type SplitStatus } from '../common/split-queue-reader.js';
import type { CollectionSplit } from './collection-split.js';

/** Upper bound of records per `pollNext`, so the task loop stays responsive. */
const MAX_RECORDS_PER_POLL = 1024;

/** The reader of a {@link CollectionSource}. */
export class CollectionReader<T> extends SplitQueueReader<T, CollectionSplit> {
  private iterator: Iterator<T> | undefined;

  constructor(
    context: SourceReaderContext,
    private readonly items: Iterable<T>,
  ) {
    super(context);
  }

  protected override splitStarted(split: CollectionSplit): void {
    if (Array.isArray(this.items)) return;
    this.iterator = this.items[Symbol.iterator]();
    for (let i = 0; i < split.offset; i++) {
      if (this.iterator.next().done) break;
    }
  }

  protected pollSplit(split: CollectionSplit, output: SourceOutput<T>): SplitStatus {
    const items = this.items;
    if (Array.isArray(items)) {
      const end = Math.min(items.length, split.offset + MAX_RECORDS_PER_POLL);
      let i = split.offset;
      for (; i < end; i++) output.collect(items[i] as T);
      split.offset = i;
      return i >= items.length ? 'finished' : 'more';
    }
    const iterator = this.iterator!;
    for (let n = 0; n < MAX_RECORDS_PER_POLL; n++) {
      const next = iterator.next();
      if (next.done) return 'finished';
      split.offset++;
      output.collect(next.value);
    }
    return 'more';
  }

  protected override splitFinished(): void {
    this.iterator = undefined;
  }

  override close(): void {
    this.iterator?.return?.();
    this.iterator = undefined;
    super.close();
  }
}
