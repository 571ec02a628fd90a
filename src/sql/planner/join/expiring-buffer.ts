/**
 * The rows of a regular join's side that leave by the watermark (see `watermark-complete.ts`),
 * held in memory before they reach keyed state, as Flink's window aggregates buffer rows in
 * memory between checkpoints (`table.exec.window-agg.buffer-size-limit`). A row that arrives
 * is only added to a map from its join key to its rows; a checkpoint (before its barrier), the
 * end of input or more than a limit of rows move every key's rows into the `expiring` view with
 * the key's cleanup timer, so checkpoints hold exactly what they held before. A row whose bound
 * the watermark reaches while it is still here leaves with no state access and no timer: the
 * rows are listed by time bucket, and the watermark sweeps the buckets it passes.
 *
 * A key is listed in the bucket of each bound that is later than all its rows' bounds so far,
 * and leaves when the watermark passes the latest: then every row of it has expired. A row may
 * so stay a while after its own bound, which changes no output (no later row of the other side
 * can match it, see `watermark-complete.ts`); the buffer is bounded by the limit regardless.
 */
import type { CanonicalKey } from '../../../state/key-groups.js';
import type { Row } from '../../expressions/compiler.js';
import type { StoredRows } from './join-state-views.js';

/**
 * Most rows that wait in memory, over all keys, before they move into keyed state, where state
 * is kept off the heap: there the buffer is memory the join would not use otherwise.
 */
export const JOIN_BUFFER_LIMIT = 100_000;

/**
 * The limit over the heap backend, whose state holds the same row objects on the same heap (and
 * more per row: its entries and the keys' timers), so the buffer costs no memory of its own;
 * the limit bounds the work of one move instead, which a barrier waits for.
 */
export const HEAP_JOIN_BUFFER_LIMIT = 1_000_000;

/** The width of a time bucket: the watermark frees memory at most once per bucket it passes. */
const BUCKET_MS = 1000;

/** One join key's rows in memory. */
export interface BufferedKey {
  /** The key as the key selector returned it, to make it current again. */
  readonly key: unknown;
  readonly canonical: CanonicalKey;
  /** The rows in arrival order, as a {@link RowsView} keeps them: the row alone, or an array. */
  rows: StoredRows;
  /** The end of the latest bucket the key is listed in; every row's bound is at most this. */
  bucket: number;
}

/** One side's rows in memory, by join key and by time bucket (see the module comment). */
export class ExpiringBuffer {
  private readonly keys = new Map<CanonicalKey, BufferedKey>();
  /** The keys listed in each bucket, by the bucket's end. */
  private readonly buckets = new Map<number, BufferedKey[]>();
  /** The earliest and the latest bucket end listed; a watermark below the first sweeps nothing. */
  private earliest = Number.POSITIVE_INFINITY;
  private latest = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(private readonly limit = JOIN_BUFFER_LIMIT) {}

  /** How many rows wait in memory. */
  get size(): number {
    return this.count;
  }

  /** A key's rows in memory (undefined for none), as stored: walk them before adding more. */
  rowsOf(canonical: CanonicalKey): StoredRows | undefined {
    return this.keys.get(canonical)?.rows;
  }

  /**
   * Adds a row of `key` that expires once the watermark reaches `at`. Returns whether more rows
   * than the limit now wait, when the caller moves them into state.
   */
  add(canonical: CanonicalKey, key: unknown, row: Row, at: number): boolean {
    const bucket = Math.ceil(at / BUCKET_MS) * BUCKET_MS;
    const entry = this.keys.get(canonical);
    if (entry === undefined) {
      const added: BufferedKey = { key, canonical, rows: row, bucket };
      this.keys.set(canonical, added);
      this.list(added, bucket);
    } else {
      const rows = entry.rows;
      if (Array.isArray(rows)) rows.push(row);
      else entry.rows = [rows, row];
      if (bucket > entry.bucket) {
        entry.bucket = bucket;
        this.list(entry, bucket);
      }
    }
    return ++this.count > this.limit;
  }

  private list(entry: BufferedKey, bucket: number): void {
    const listed = this.buckets.get(bucket);
    if (listed === undefined) this.buckets.set(bucket, [entry]);
    else listed.push(entry);
    if (bucket < this.earliest) this.earliest = bucket;
    if (bucket > this.latest) this.latest = bucket;
  }

  /** Drops the keys whose every row's bound `watermark` has reached. */
  sweep(watermark: number): void {
    if (watermark < this.earliest) return;
    if (watermark >= this.latest) {
      // Every bucket is passed (the final watermark always does this): all rows leave at once.
      this.clear();
      return;
    }
    let earliest = Number.POSITIVE_INFINITY;
    for (const [end, listed] of this.buckets) {
      if (end > watermark) {
        if (end < earliest) earliest = end;
        continue;
      }
      this.buckets.delete(end);
      for (const entry of listed) {
        // A key listed in a later bucket too has rows that may still match.
        if (entry.bucket !== end) continue;
        this.keys.delete(entry.canonical);
        this.count -= Array.isArray(entry.rows) ? entry.rows.length : 1;
      }
    }
    this.earliest = earliest;
  }

  /** Every key's rows, emptying the buffer (the caller moves them into state). */
  take(): BufferedKey[] {
    const taken = [...this.keys.values()];
    this.clear();
    return taken;
  }

  private clear(): void {
    this.keys.clear();
    this.buckets.clear();
    this.earliest = Number.POSITIVE_INFINITY;
    this.latest = Number.NEGATIVE_INFINITY;
    this.count = 0;
  }
}
