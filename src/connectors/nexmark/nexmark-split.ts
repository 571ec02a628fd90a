/**
 * Splits of a {@link NexmarkSource}: split `i` of `p` takes event indexes `i, i + p, i + 2p, …`
 * below the event count (or forever). Striding rather than contiguous ranges keeps the readers
 * at nearly the same event time, so the watermark (the minimum over readers) trails the newest
 * events by little, as it would with one reader. The split's `next` is its checkpointed
 * position, and it carries the `baseTime` the job started with, so a restore (at any
 * parallelism: splits are never re-cut, only dealt out again) makes the very same events.
 */
import type { SourceSplit } from '../../types/source.js';

/** The indexes `next, next + stride, …` below `end` (`null`: no end), made with `baseTime`. */
export interface NexmarkSplit extends SourceSplit {
  readonly id: string;
  /** The next index to emit; advanced by the reader. */
  next: number;
  /** Exclusive end, or null for an endless split (null because JSON has no Infinity). */
  readonly end: number | null;
  readonly stride: number;
  /** Event time of event 0, epoch ms: the config's, or the wall clock at the job's start. */
  readonly baseTime: number;
}

/** Cuts the indexes `[0, events)` into `parallelism` strided splits, leaving out empty ones. */
export function createNexmarkSplits(events: number, parallelism: number, baseTime: number): NexmarkSplit[] {
  const p = Math.max(1, parallelism);
  const end = events === Number.POSITIVE_INFINITY ? null : events;
  const splits: NexmarkSplit[] = [];
  for (let i = 0; i < p; i++) {
    if (end !== null && i >= end) break;
    splits.push({ id: `nexmark-${i}`, next: i, end, stride: p, baseTime });
  }
  return splits;
}
