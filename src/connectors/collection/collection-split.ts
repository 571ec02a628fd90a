/**
 * The single split of a {@link CollectionSource}: a position in the collection. The items stay
 * in the source object (they are part of the job, not of the checkpoint), so the split is a
 * small piece of plain data that a checkpoint can hold.
 */
import type { SourceSplit } from '../../types/source.js';

/** Where a collection reader stands: `offset` is the index of the next element to emit. */
export interface CollectionSplit extends SourceSplit {
  readonly id: string;
  /** Index of the next element; advanced by the reader, so a snapshot resumes exactly there. */
  offset: number;
}

/** The id of the one split of a collection source. */
export const COLLECTION_SPLIT_ID = 'collection-0';
