/**
 * The indexed form of an `ExpiringBuffer` (see `expiring-buffer.ts`): a map from join key to the
 * key's rows, for a side the other side probes often, plus the keys listed by time bucket so
 * the watermark drops them with no lookup. A key is listed in the bucket of each bound that is
 * later than all its rows' bounds so far, and leaves when the watermark passes the latest: then
 * every row of it has expired. A row may so stay a while after its own bound, which changes no
 * output (no later row of the other side can match it, see `watermark-complete.ts`).
 */
import type { CanonicalKey } from '../../../state/key-groups.js';
import type { Row } from '../../expressions/compiler.js';
import type { StoredRows } from './join-state-views.js';

/** The width of a time bucket: the watermark frees memory at most once per bucket it passes. */
const BUCKET_MS = 1000;

/**
 * Takes rows out of a buffer to move them into state: `rows` (the row alone, or an array, in
 * arrival order) are of `key`, as the key selector returned it, whose canonical form is given.
 */
export type HandOver = (key: unknown, canonical: CanonicalKey, rows: StoredRows) => void;

/** One join key's rows in the index. */
interface IndexedKey {
  /** The key as the key selector returned it, to make it current again. */
  readonly key: unknown;
  readonly canonical: CanonicalKey;
  /** The rows in arrival order, as a {@link RowsView} keeps them: the row alone, or an array. */
  rows: StoredRows;
  /** The end of the latest bucket the key is listed in; every row's bound is at most this. */
  bucket: number;
}

/** A side's rows in memory by join key and by time bucket (see the module comment). */
export class ExpiringKeyIndex {
  private readonly keys = new Map<CanonicalKey, IndexedKey>();
  /** The keys listed in each bucket, by the bucket's end. */
  private readonly buckets = new Map<number, IndexedKey[]>();
  /** The earliest and the latest bucket end listed; a watermark below the first sweeps nothing. */
  private earliest = Number.POSITIVE_INFINITY;
  private latest = Number.NEGATIVE_INFINITY;
  private count = 0;

  /** How many rows wait in memory. */
  get size(): number {
    return this.count;
  }

  /** A key's rows (undefined for none), as stored: walk them before adding more. */
  rowsOf(canonical: CanonicalKey): StoredRows | undefined {
    return this.keys.get(canonical)?.rows;
  }

  /** Adds a row of `key` that expires once the watermark reaches `at`. */
  add(canonical: CanonicalKey, key: unknown, row: Row, at: number): void {
    const bucket = Math.ceil(at / BUCKET_MS) * BUCKET_MS;
    const entry = this.keys.get(canonical);
    if (entry === undefined) {
      const added: IndexedKey = { key, canonical, rows: row, bucket };
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
    this.count++;
  }

  private list(entry: IndexedKey, bucket: number): void {
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

  /** Hands every key's rows over at once, the keys in the order they first arrived. */
  forEachKey(each: HandOver): void {
    for (const entry of this.keys.values()) each(entry.key, entry.canonical, entry.rows);
  }

  /** Drops every row. */
  clear(): void {
    this.keys.clear();
    this.buckets.clear();
    this.earliest = Number.POSITIVE_INFINITY;
    this.latest = Number.NEGATIVE_INFINITY;
    this.count = 0;
  }
}
