/**
 * A checkpoint's copy of the rows a regular join's expiring sides hold in memory (see
 * `expiring-buffer.ts`). The join's operator takes them as union operator state at each barrier
 * and leaves them where they are, where moving them into keyed state cost a state write per row
 * (a miss in a map of every key on the heap) and a timer per key, at every checkpoint of any job
 * running longer than one interval.
 *
 * An entry holds up to {@link ROWS_PER_ENTRY} rows in arrival order, split into up to
 * {@link PARTS_PER_ENTRY} parts by ranges of key groups, each part encoded on its own. Union state
 * gives every subtask of a restore every entry, as Flink does for state that is not split by key,
 * and a subtask decodes only the parts whose key groups meet its own: at parallelism p up to
 * PARTS_PER_ENTRY, a row is decoded about twice at most in all, where whole entries would be
 * decoded by every subtask. (A part per key group would encode a few rows each, and repeat the
 * rows' field names in every part: checkpoints grew by half.) Each row is kept with
 * its join key as the key selector returned it and put back in memory, where the watermark
 * expires it as before: a row's bound is computed again from the row. A key's rows keep their
 * arrival order, and were all later than the key's rows in keyed state, which a probe reads first.
 *
 * Rows held unindexed sit in chunks of arrival order that never change once full, until the
 * watermark drops them whole (`expiring-log.ts`): a full chunk is encoded at the first checkpoint
 * that finds it and the bytes kept with it, so each row is encoded once, not at every checkpoint
 * while it waits (encoding is nearly all of a checkpoint's work: about 1 µs a row). Such an entry
 * may hold rows the watermark has expired, which the chunk holds too; restored, they change no
 * output, as in the chunk, and the next watermark drops them. Other rows (the last chunk, or rows
 * indexed by key) are encoded at each checkpoint, those the watermark has expired left out.
 *
 * Checkpoints written before entries were split by key group hold `{ left, keys, rows }` entries
 * of mixed keys, decoded whole; they still restore, each subtask keeping its own keys' rows.
 */
import { type CanonicalKey, type KeyGroupRange, keyGroupOfCanonical } from '../../../state/key-groups.js';
import { decode, encode } from '../../../types/codec.js';
import { ErrorCodes, userError } from '../../../types/errors.js';
import type { Row } from '../../expressions/compiler.js';
import type { ExpiringBuffer } from './expiring-buffer.js';

/** The name of the union operator state holding the rows in memory. */
export const BUFFERED_ROWS_STATE = 'join-buffered-rows';

/** Most rows per entry: each entry is encoded on its own, so a row costs no entry. */
export const ROWS_PER_ENTRY = 1024;

/** Most parts of an entry, each the rows of a range of key groups (see the module comment). */
export const PARTS_PER_ENTRY = 8;

/** Up to {@link ROWS_PER_ENTRY} rows of one side in memory, as a checkpoint takes them. */
export interface BufferedRowsEntry {
  readonly left: boolean;
  readonly parts: readonly BufferedRowsPart[];
}

/** The rows of an entry in a range of key groups. */
export interface BufferedRowsPart {
  /** The least and greatest key group of its rows. */
  readonly first: number;
  readonly last: number;
  /** `[keys, rows]` encoded: decoded only by a subtask owning one of its key groups. */
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
 * Appends to `out` the rows of `buffer` (a `left` side or not) that can still match, as entries
 * by key group of `maxParallelism` (see the module comment): a full chunk's as encoded when a
 * checkpoint first found it, other rows whose bound `expiry` gives is later than `watermark`.
 */
export function bufferedEntries(
  buffer: ExpiringBuffer,
  left: boolean,
  expiry: (row: Row) => number | null,
  watermark: number,
  maxParallelism: number,
  out: BufferedRowsEntry[],
): void {
  const batch = new RowBatch(maxParallelism);
  const take = (key: unknown, canonical: CanonicalKey, row: Row) => {
    const at = expiry(row);
    if (at === null || at <= watermark) return;
    batch.add(key, canonical, row);
    if (batch.size >= ROWS_PER_ENTRY) out.push({ left, parts: batch.encode() });
  };
  const log = buffer.unindexed;
  if (log === undefined) buffer.forEachRow(take);
  else
    log.forEachChunk((chunk, full) => {
      const { rows, keys, raws } = chunk;
      if (!full) {
        for (let i = 0; i < rows.length; i++)
          take(raws === undefined ? keys[i] : raws[i], keys[i]!, rows[i]!);
        return;
      }
      if (chunk.snapshot === undefined) {
        const whole = new RowBatch(maxParallelism);
        for (let i = 0; i < rows.length; i++)
          whole.add(raws === undefined ? keys[i] : raws[i], keys[i]!, rows[i]!);
        chunk.snapshot = whole.encode();
      }
      out.push({ left, parts: chunk.snapshot as BufferedRowsPart[] });
    });
  if (batch.size > 0) out.push({ left, parts: batch.encode() });
}

/** Rows gathered by range of key groups, in arrival order within each, until encoded. */
class RowBatch {
  private parts: ({ first: number; last: number; keys: unknown[]; rows: Row[] } | undefined)[] = [];
  size = 0;

  constructor(private readonly maxParallelism: number) {}

  add(key: unknown, canonical: CanonicalKey, row: Row): void {
    const keyGroup = keyGroupOfCanonical(canonical, this.maxParallelism);
    const at = Math.floor((keyGroup * PARTS_PER_ENTRY) / this.maxParallelism);
    const part = this.parts[at];
    if (part === undefined) this.parts[at] = { first: keyGroup, last: keyGroup, keys: [key], rows: [row] };
    else {
      if (keyGroup < part.first) part.first = keyGroup;
      if (keyGroup > part.last) part.last = keyGroup;
      part.keys.push(key);
      part.rows.push(row);
    }
    this.size++;
  }

  /** Each range's rows encoded on their own; the batch is empty again. */
  encode(): BufferedRowsPart[] {
    const out: BufferedRowsPart[] = [];
    for (const part of this.parts) {
      if (part === undefined) continue;
      // Copied out of the codec's shared buffer: a full chunk keeps its parts while it lives.
      const data = Uint8Array.prototype.slice.call(encode([part.keys, part.rows]));
      out.push({ first: part.first, last: part.last, data });
    }
    this.parts = [];
    this.size = 0;
    return out;
  }
}

/**
 * The rows of a restored entry in the parts whose key groups meet `owned` (this subtask's range),
 * decoding no other part; `mixedKeyGroups` when some may be of other key groups (a part that
 * reaches past the range, or an entry of an earlier checkpoint, which mixes every subtask's keys),
 * for the caller to keep its own keys' rows. Throws a one-line error for data that is neither.
 */
export function readBufferedEntry(entry: unknown, owned: KeyGroupRange): BufferedRows {
  const e = entry as Partial<BufferedRowsEntry & BufferedRows> | null;
  if (typeof e === 'object' && e !== null && typeof e.left === 'boolean') {
    if (Array.isArray(e.parts)) {
      const keys: unknown[] = [];
      const rows: Row[] = [];
      let mixedKeyGroups = false;
      let readable = true;
      for (let i = 0; i < e.parts.length && readable; i++) {
        const part = e.parts[i] as Partial<BufferedRowsPart> | null;
        const { first, last } = part ?? {};
        if (typeof first !== 'number' || typeof last !== 'number') readable = false;
        else if (last >= owned.start && first <= owned.end) {
          if (first < owned.start || last > owned.end) mixedKeyGroups = true;
          readable = decodeRows(part!.data, keys, rows);
        }
      }
      if (readable) return { left: e.left, keys, rows, mixedKeyGroups };
    } else if (Array.isArray(e.keys) && Array.isArray(e.rows) && e.keys.length === e.rows.length) {
      return { left: e.left, keys: e.keys, rows: e.rows, mixedKeyGroups: true };
    }
  }
  throw userError(
    ErrorCodes.CHECKPOINT_UNUSABLE,
    `the checkpoint's ${BUFFERED_ROWS_STATE} state of a regular join is not rows with their keys; restore a checkpoint this job wrote`,
  );
}

/** Appends the `[keys, rows]` of one key group's part to `keys` and `rows`; false for bytes that are not that. */
function decodeRows(data: unknown, keys: unknown[], rows: Row[]): boolean {
  if (!(data instanceof Uint8Array)) return false;
  let value: unknown;
  try {
    value = decode(data);
  } catch {
    return false;
  }
  if (!Array.isArray(value) || value.length !== 2) return false;
  const [k, r] = value as [unknown, unknown];
  if (!Array.isArray(k) || !Array.isArray(r) || k.length !== r.length) return false;
  for (let i = 0; i < k.length; i++) {
    keys.push(k[i]);
    rows.push(r[i] as Row);
  }
  return true;
}
