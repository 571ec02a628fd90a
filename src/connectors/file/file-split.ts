/**
 * Splits of a {@link FileSource}: for now one whole file each. The position is the byte offset
 * of the next unread record's first line, so a restored split re-reads nothing that was
 * emitted and skips nothing that was not.
 */
import type { SourceSplit } from '../../types/source.js';

/** A file and how far it has been read. */
export interface FileSplit extends SourceSplit {
  readonly id: string;
  /** Absolute path of the file. */
  readonly path: string;
  /** Byte offset of the first line of the next record to emit. */
  offset: number;
  /** 1-based number of the line at `offset`, for messages about malformed lines. */
  lineNumber: number;
  /** What the format's decoder needs to resume (e.g. CSV column names); plain data. */
  formatState?: unknown;
}

/** Checkpointed state of the file enumerator: unassigned splits, and every path seen so far. */
export interface FileEnumeratorState {
  readonly pending: FileSplit[];
  readonly seen: string[];
}

/** The split for a newly discovered file: read from its start. */
export function newFileSplit(path: string): FileSplit {
  return { id: path, path, offset: 0, lineNumber: 1 };
}
