/**
 * Splits of a {@link DataGeneratorSource}: index sequences, like Flink's NumberSequenceSource.
 * A finite count is cut into contiguous ranges, one per reader. An infinite count cannot be cut
 * into contiguous ranges, so split `i` of `p` takes every `p`-th index starting at `i`. Either
 * way the split's `next` is the next index to generate, so a snapshot resumes exactly.
 */
import type { SourceSplit } from '../../types/source.js';

/** A sequence of indexes `next, next + stride, …` below `end` (`end: null` means no end). */
export interface DataGeneratorSplit extends SourceSplit {
  readonly id: string;
  /** The next index to generate; advanced by the reader. */
  next: number;
  /** Exclusive end, or null for an endless sequence (kept as null because JSON has no Infinity). */
  readonly end: number | null;
  readonly stride: number;
}

/** Cuts `[0, count)` into `parallelism` sequences, leaving out empty ones. */
export function createGeneratorSplits(count: number, parallelism: number): DataGeneratorSplit[] {
  const p = Math.max(1, parallelism);
  const splits: DataGeneratorSplit[] = [];
  for (let i = 0; i < p; i++) {
    if (count === Number.POSITIVE_INFINITY) {
      splits.push({ id: `datagen-${i}`, next: i, end: null, stride: p });
      continue;
    }
    const start = Math.floor((i * count) / p);
    const end = Math.floor(((i + 1) * count) / p);
    if (end > start) splits.push({ id: `datagen-${i}`, next: start, end, stride: 1 });
  }
  return splits;
}
