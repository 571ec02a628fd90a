/**
 * A checkpoint's copy of the rows a regular join's expiring sides hold in memory (see
 * `expiring-buffer.ts`). The join's operator takes them as union operator state at each barrier
 * and leaves them where they are, where moving them into keyed state cost a state write per row
 * (a miss in a map of every key on the heap) and a timer per key, at every checkpoint of any job
 * running longer than one interval.
 *
 * Each row is kept with its join key as the key selector returned it, so a restore at any
 * parallelism keeps the rows of the key groups it owns (union state gives every subtask all of
 * them, as Flink does for state that is not split by key) and puts them back in memory, where the
 * watermark expires them as before: a row's bound is computed again from the row. A key's rows
 * keep their arrival order, and were all later than the key's rows in keyed state, which a probe
 * reads first.
 */
import { ErrorCodes, userError } from '../../../types/errors.js';
import type { Row } from '../../expressions/compiler.js';
import type { ExpiringBuffer } from './expiring-buffer.js';

/** The name of the union operator state holding the rows in memory. */
export const BUFFERED_ROWS_STATE = 'join-buffered-rows';

/** Rows per entry: each entry is encoded on its own, so a row costs no entry. */
export const ROWS_PER_ENTRY = 1024;

/** Rows of one side in memory, each with its key, a key's rows in arrival order. */
export interface BufferedRowsEntry {
  readonly left: boolean;
  readonly keys: unknown[];
  readonly rows: Row[];
}

/**
 * Appends to `out` the rows of `buffer` (a `left` side or not) whose bound `expiry` gives is
 * later than `watermark`; the rest can match nothing any more.
 */
export function bufferedEntries(
  buffer: ExpiringBuffer,
  left: boolean,
  expiry: (row: Row) => number | null,
  watermark: number,
  out: BufferedRowsEntry[],
): void {
  let entry: BufferedRowsEntry | undefined;
  buffer.forEachRow((key, row) => {
    const at = expiry(row);
    if (at === null || at <= watermark) return;
    if (entry === undefined || entry.rows.length >= ROWS_PER_ENTRY) {
      entry = { left, keys: [], rows: [] };
      out.push(entry);
    }
    entry.keys.push(key);
    entry.rows.push(row);
  });
}

/** An entry as restored; throws a one-line error for data that is not one. */
export function readBufferedEntry(entry: unknown): BufferedRowsEntry {
  const e = entry as Partial<BufferedRowsEntry> | null;
  if (
    typeof e !== 'object' ||
    e === null ||
    typeof e.left !== 'boolean' ||
    !Array.isArray(e.keys) ||
    !Array.isArray(e.rows) ||
    e.keys.length !== e.rows.length
  )
    throw userError(
      ErrorCodes.CHECKPOINT_UNUSABLE,
      `the checkpoint's ${BUFFERED_ROWS_STATE} state of a regular join is not rows with their keys; restore a checkpoint this job wrote`,
    );
  return e as BufferedRowsEntry;
}
