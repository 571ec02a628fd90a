/**
 * Splits of a {@link FileSource}: byte ranges `[start, end)` of a file, aligned to lines by a
 * rule every reader applies on its own, so that no reader needs to see its neighbour's range: a
 * line belongs to the split that holds its first byte. A reader of a split that starts mid-file
 * therefore skips the partial line it starts in (unless the byte before `start` is a newline),
 * and reads every line that starts before `end`, even one that ends beyond it.
 *
 * A file becomes several splits only when its format is splittable and it is larger than the
 * split size; otherwise it is one split from byte 0 to its end. The last split of a file has no
 * `end`: it reads to the end of the file as it is when read, as a whole-file split always did.
 *
 * The position is the byte offset of the next unread record's first line, so a restored split
 * re-reads nothing that was emitted and skips nothing that was not.
 */
import type { SourceSplit } from '../../types/source.js';

/**
 * The default split size. Readers take splits in file order, so parallel readers of a file
 * whose event time grows along it are about one split apart in event time; a downstream
 * watermark is the slowest reader's, and every window in between stays open. 1 MiB keeps that
 * gap near a tenth of a second of typical event data (parallelism 2 went from 1.41x to 1.57x
 * of parallelism 1 on bench/file-window.ts against 16 MiB), while a split still takes tens of
 * milliseconds to read, far more than asking for it.
 */
export const DEFAULT_SPLIT_SIZE = 1024 * 1024;

/**
 * How much larger than the split size a file's last split may be. Without it a file just over
 * the split size would end in a sliver of a split, whose reader costs more than it reads.
 */
const LAST_SPLIT_SLACK = 1.1;

/** A byte range of a file and how far it has been read. */
export interface FileSplit extends SourceSplit {
  /** `<path>#<start>`: unique, because the start never contains '#'. */
  readonly id: string;
  /** Absolute path of the file. */
  readonly path: string;
  /**
   * First byte of the range. Splits checkpointed before files were split have none and are read
   * as whole files, from 0.
   */
  readonly start: number;
  /** Exclusive end of the range: no line that starts here or later is read. Absent: to the end of the file. */
  readonly end?: number;
  /**
   * Byte offset of the first line of the next record to emit. While it equals a non-zero
   * `start`, a reader first drops the partial line the range starts in; doing that again after
   * a restore is harmless, since the offset only stays at `start` if no such line was there.
   */
  offset: number;
  /**
   * 1-based number of the line at `offset`, for messages about malformed lines. Absent when not
   * known, i.e. for a split that starts mid-file: messages then name the byte offset.
   */
  lineNumber?: number;
  /** What the format's decoder needs to resume (e.g. CSV column names); plain data. */
  formatState?: unknown;
}

/** Checkpointed state of the file enumerator: unassigned splits, and every path seen so far. */
export interface FileEnumeratorState {
  readonly pending: FileSplit[];
  readonly seen: string[];
}

/** The id of the split of `path` that starts at byte `start`. */
export function fileSplitId(path: string, start: number): string {
  return `${path}#${start}`;
}

/** The split for a whole file: read from its start to its end. */
export function newFileSplit(path: string): FileSplit {
  return { id: fileSplitId(path, 0), path, start: 0, offset: 0, lineNumber: 1 };
}

/**
 * The splits of a file of `size` bytes, in file order: ranges of `splitSize` bytes, the last one
 * up to 10% longer and open-ended. `splitSize` undefined (a format that cannot be split) gives
 * one whole-file split, as does a file no larger than the split size.
 */
export function splitFile(path: string, size: number, splitSize: number | undefined): FileSplit[] {
  if (splitSize === undefined || size <= splitSize * LAST_SPLIT_SLACK) return [newFileSplit(path)];
  const splits: FileSplit[] = [];
  let start = 0;
  while (size - start > splitSize * LAST_SPLIT_SLACK) {
    const end = start + splitSize;
    splits.push(rangeSplit(path, start, end));
    start = end;
  }
  splits.push(rangeSplit(path, start, undefined));
  return splits;
}

function rangeSplit(path: string, start: number, end: number | undefined): FileSplit {
  // Keys are left out rather than set to undefined, so a split survives the state codec unchanged.
  return {
    id: fileSplitId(path, start),
    path,
    start,
    ...(end === undefined ? {} : { end }),
    offset: start,
    ...(start === 0 ? { lineNumber: 1 } : {}),
  };
}
