/**
 * A checkpoint's copy of the rows a regular join's expiring sides hold in memory (see
 * `expiring-buffer.ts`). The join's operator takes them as union operator state at each barrier
 * and leaves them where they are, where moving them into keyed state cost a state write per row
 * (a miss in a map of every key on the heap) and a timer per key, at every checkpoint of any job
 * running longer than one interval.
 *
 * Union state gives every subtask of a restore every entry, as Flink does for state that is not
 * split by key, so each entry holds the rows of one key group, encoded on their own: a subtask
 * decodes only the entries of the key groups it owns, and a restore at any parallelism decodes
 * each row once however many subtasks read the checkpoint. Each row is kept with its join key as
 * the key selector returned it and put back in memory, where the watermark expires it as before:
 * a row's bound is computed again from the row. A key's rows keep their arrival order, and were
 * all later than the key's rows in keyed state, which a probe reads first.
 *
 * Checkpoints written before entries were split by key group hold `{ left, keys, rows }` entries
 * of mixed keys, decoded whole; they still restore, each subtask keeping its own keys' rows.
 */
import { keyGroupOfCanonical } from '../../../state/key-groups.js';
import { decode, encode } from '../../../types/codec.js';
import { ErrorCodes, userError } from '../../../types/errors.js';
import type { Row } from '../../expressions/compiler.js';
import type { ExpiringBuffer } from './expiring-buffer.js';

/** The name of the union operator state holding the rows in memory. */
export const BUFFERED_ROWS_STATE = 'join-buffered-rows';

/** Most rows per entry: each entry is encoded on its own, so a row costs no entry. */
export const ROWS_PER_ENTRY = 1024;

/** Rows of one side and one key group in memory, as a checkpoint takes them. */
export interface BufferedRowsEntry {
  readonly left: boolean;
  readonly keyGroup: number;
  /** `[keys, rows]`, encoded: decoded only by the subtask that owns the key group. */
  readonly data: Uint8Array;
}

/** Rows of one side in memory, each with its key, a key's rows in arrival order. */
export interface BufferedRows {
  readonly left: boolean;
  readonly keys: readonly unknown[];
  readonly rows: readonly Row[];
  /** The rows of an earlier checkpoint's entry, of any key group: the reader keeps its own. */
  readonly mixedKeyGroups: boolean;
}

/**
 * Appends to `out` the rows of `buffer` (a `left` side or not) whose bound `expiry` gives is
 * later than `watermark` (the rest can match nothing any more), an entry per key group of
 * `maxParallelism` and at most {@link ROWS_PER_ENTRY} rows.
 */
export function bufferedEntries(
  buffer: ExpiringBuffer,
  left: boolean,
  expiry: (row: Row) => number | null,
  watermark: number,
  maxParallelism: number,
  out: BufferedRowsEntry[],
): void {
  const groups = new Map<number, { keys: unknown[]; rows: Row[] }>();
  buffer.forEachRow((key, canonical, row) => {
    const at = expiry(row);
    if (at === null || at <= watermark) return;
    const keyGroup = keyGroupOfCanonical(canonical, maxParallelism);
    let group = groups.get(keyGroup);
    if (group === undefined) groups.set(keyGroup, (group = { keys: [], rows: [] }));
    group.keys.push(key);
    group.rows.push(row);
    if (group.rows.length < ROWS_PER_ENTRY) return;
    out.push({ left, keyGroup, data: encode([group.keys, group.rows]) });
    groups.delete(keyGroup);
  });
  for (const [keyGroup, { keys, rows }] of groups) out.push({ left, keyGroup, data: encode([keys, rows]) });
}

/**
 * The rows of a restored entry if `ownsKeyGroup` takes its key group, else undefined, without
 * decoding them; an entry of an earlier checkpoint (mixed keys) comes whole, for the caller to
 * keep its own keys' rows. Throws a one-line error for data that is neither.
 */
export function readBufferedEntry(
  entry: unknown,
  ownsKeyGroup: (keyGroup: number) => boolean,
): BufferedRows | undefined {
  const e = entry as Partial<BufferedRowsEntry & BufferedRows> | null;
  if (typeof e === 'object' && e !== null && typeof e.left === 'boolean') {
    if (typeof e.keyGroup === 'number' && e.data instanceof Uint8Array) {
      if (!ownsKeyGroup(e.keyGroup)) return undefined;
      const decoded = decodeRows(e.data);
      if (decoded !== undefined)
        return { left: e.left, keys: decoded[0], rows: decoded[1], mixedKeyGroups: false };
    } else if (Array.isArray(e.keys) && Array.isArray(e.rows) && e.keys.length === e.rows.length) {
      return { left: e.left, keys: e.keys, rows: e.rows, mixedKeyGroups: true };
    }
  }
  throw userError(
    ErrorCodes.CHECKPOINT_UNUSABLE,
    `the checkpoint's ${BUFFERED_ROWS_STATE} state of a regular join is not rows with their keys; restore a checkpoint this job wrote`,
  );
}

/** `[keys, rows]` of an entry's data, or undefined for bytes that are not that. */
function decodeRows(data: Uint8Array): [unknown[], Row[]] | undefined {
  let value: unknown;
  try {
    value = decode(data);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [keys, rows] = value as [unknown, unknown];
  if (!Array.isArray(keys) || !Array.isArray(rows) || keys.length !== rows.length) return undefined;
  return [keys, rows as Row[]];
}
