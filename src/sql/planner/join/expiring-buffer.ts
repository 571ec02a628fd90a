/**
 * The rows of a regular join's side that leave by the watermark (see `watermark-complete.ts`),
 * held in memory before they reach keyed state, as Flink's window aggregates buffer rows in
 * memory (`table.exec.window-agg.buffer-size-limit`). On a backend that keeps state off the heap,
 * more than a limit of rows move every key's rows into the `expiring` view with the key's cleanup
 * timer; on the heap backend they stay here (see {@link JOIN_BUFFER_LIMIT}). A checkpoint takes
 * the rows here as they are (see `expiring-buffer-state.ts`). A row whose bound the watermark reaches while it
 * is still here leaves with no state access and no timer. Only insert-only sides are cleaned,
 * so nothing here is ever retracted.
 *
 * How the rows are held depends on how often the other side probes them. They start in arrival
 * order, unindexed (`expiring-log.ts`): adding a row is an append, and a probe (whose key is the
 * operator's current key) scans every row here for its key. The buffer counts the rows its
 * probes scan against the rows it adds; once scanning would cost more than {@link SCAN_FACTOR}
 * times adding, it indexes the rows by key (`expiring-key-index.ts`) and keeps the index until
 * it is empty again. Scanning so costs at most a fixed multiple of adding, and a side probed
 * rarely (Nexmark q7's bids, probed once per window) costs no map entry per key. Either way a
 * probe finds a key's rows in arrival order, and rows the watermark has expired may stay a
 * while (with later rows of their key, or of their chunk), which changes no output: no later
 * row of the other side can match them.
 */
import type { CanonicalKey } from '../../../state/key-groups.js';
import type { Row } from '../../expressions/compiler.js';
import { ExpiringKeyIndex, type HandOver } from './expiring-key-index.js';
import { ExpiringLog } from './expiring-log.js';
import type { StoredRows } from './join-state-views.js';

export type { HandOver } from './expiring-key-index.js';

/**
 * Most rows that wait in memory, over all keys and all subtasks of the join (see
 * {@link bufferLimit}), before they move into keyed state, on a backend that keeps state off the
 * heap: there the buffer is memory the join would not use otherwise. On the heap backend there is
 * no limit: its state would hold the same row objects on the same heap, at a state write (a miss
 * in a map of every key) and a timer per key on the way, which at a million rows and more cost
 * more than the rest of the join (Nexmark q7 at 3M events: 2.1 of 6.4 CPU-seconds).
 */
export const JOIN_BUFFER_LIMIT = 100_000;

/**
 * The limit of one subtask's buffer: its share of a limit over all `parallelism` subtasks, so
 * that the memory a job's buffers take does not grow with its parallelism.
 */
export function bufferLimit(limit: number, parallelism: number): number {
  return Math.max(1, Math.floor(limit / parallelism));
}

/**
 * How many rows the probes of an unindexed buffer may scan per row added before it indexes
 * them: a scanned row costs a comparison, an indexed one a map entry and more garbage.
 */
export const SCAN_FACTOR = 6;

/** Rows per chunk of an unindexed buffer, which the watermark drops together. */
export const CHUNK_ROWS = 1024;

/** How a buffer holds its rows; tests pass small values to exercise every path. */
export interface ExpiringBufferOptions {
  /** Most rows in memory (see {@link JOIN_BUFFER_LIMIT}). */
  readonly limit?: number;
  /** Rows scanned per row added before the rows are indexed (see {@link SCAN_FACTOR}). */
  readonly scanFactor?: number;
  /** Rows per chunk while unindexed (see {@link CHUNK_ROWS}). */
  readonly chunkRows?: number;
}

/** One side's rows in memory, unindexed or by join key (see the module comment). */
export class ExpiringBuffer {
  private readonly log: ExpiringLog;
  /** The rows by key, once probes scanned too many; undefined while they are in the log. */
  private index: ExpiringKeyIndex | undefined;
  /** Rows added to the log and rows its probes scanned, since the buffer was last empty. */
  private added = 0;
  private scanned = 0;
  private readonly limit: number;
  private readonly scanFactor: number;

  constructor(options: ExpiringBufferOptions = {}) {
    this.limit = options.limit ?? JOIN_BUFFER_LIMIT;
    this.scanFactor = options.scanFactor ?? SCAN_FACTOR;
    this.log = new ExpiringLog(options.chunkRows ?? CHUNK_ROWS);
  }

  /** How many rows wait in memory. */
  get size(): number {
    return this.index === undefined ? this.log.size : this.index.size;
  }

  /**
   * A key's rows in memory in arrival order (undefined for none): walk them before adding more.
   * May index the rows first (see the module comment).
   */
  rowsOf(canonical: CanonicalKey): StoredRows | undefined {
    if (this.index !== undefined) return this.index.rowsOf(canonical);
    const n = this.log.size;
    if (n === 0) return undefined;
    if (this.scanned + n <= this.scanFactor * this.added) {
      this.scanned += n;
      return this.log.rowsOf(canonical);
    }
    const index = new ExpiringKeyIndex();
    this.log.forEach((c, key, row, at) => {
      index.add(c, key, row, at);
    });
    this.log.clear();
    this.index = index;
    return index.rowsOf(canonical);
  }

  /**
   * Adds a row of `key` that expires once the watermark reaches `at`. Returns whether more rows
   * than the limit now wait, when the caller moves them into state.
   */
  add(canonical: CanonicalKey, key: unknown, row: Row, at: number): boolean {
    if (this.index !== undefined) {
      this.index.add(canonical, key, row, at);
      return this.index.size > this.limit;
    }
    this.log.add(canonical, key, row, at);
    this.added++;
    return this.log.size > this.limit;
  }

  /** Drops rows whose bound `watermark` has reached (see the module comment for which). */
  sweep(watermark: number): void {
    if (this.index === undefined) this.log.sweep(watermark);
    else this.index.sweep(watermark);
    if (this.size === 0) this.clear();
  }

  /**
   * Hands every row over, emptying the buffer: indexed, each key's rows at once; unindexed, row
   * by row in arrival order, so a key may come back after others (grouping them by key would
   * cost what indexing costs, and storing them one by one leaves the same state behind). Either
   * way a key's rows come in arrival order and the keys first in the order they first arrived.
   */
  drain(each: HandOver): void {
    if (this.index !== undefined) this.index.forEachKey(each);
    else
      this.log.forEach((canonical, key, row) => {
        each(key, canonical, row);
      });
    this.clear();
  }

  /**
   * Calls `each` with every row, its key as the key selector returned it and in canonical form,
   * keeping them (for a checkpoint, see `expiring-buffer-state.ts`): a key's rows in arrival order.
   */
  forEachRow(each: (key: unknown, canonical: CanonicalKey, row: Row) => void): void {
    if (this.index !== undefined)
      this.index.forEachKey((key, canonical, rows) => {
        if (!Array.isArray(rows)) each(key, canonical, rows);
        else for (let i = 0; i < rows.length; i++) each(key, canonical, rows[i]!);
      });
    else
      this.log.forEach((canonical, key, row) => {
        each(key, canonical, row);
      });
  }

  /** The rows while they are unindexed, in arrival order; undefined once indexed. */
  get unindexed(): ExpiringLog | undefined {
    return this.index === undefined ? this.log : undefined;
  }

  /** Empty again: the next rows start unindexed. */
  private clear(): void {
    this.log.clear();
    this.index = undefined;
    this.added = 0;
    this.scanned = 0;
  }
}
