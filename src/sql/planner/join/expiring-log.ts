/**
 * The unindexed form of an `ExpiringBuffer` (see `expiring-buffer.ts`): a side's rows in arrival
 * order, for a side the other side rarely probes, where a map entry per key would cost more
 * than every probe together (Nexmark q7 stores a bid per price and probes the bids once per
 * window). Rows go into chunks of a fixed size, each chunk with the latest bound of its rows, and
 * the watermark drops a chunk once it passes that bound; the rows of a chunk that have expired
 * before it stay until then, which changes no output (no later row of the other side can match
 * them, see `watermark-complete.ts`). A probe scans every live chunk for the rows of its key.
 */
import type { CanonicalKey } from '../../../state/key-groups.js';
import type { Row } from '../../expressions/compiler.js';
import type { StoredRows } from './join-state-views.js';

/** A run of consecutive rows with each row's key. */
interface Chunk {
  readonly rows: Row[];
  readonly keys: CanonicalKey[];
  /**
   * The keys as the key selector returned them, once one differs from its canonical form (a
   * composite key, or -0); until then each is its canonical key.
   */
  raws: unknown[] | undefined;
  /** The latest bound of its rows: once the watermark reaches it, every row has expired. */
  bound: number;
  /** What a checkpoint made of the chunk once it was full (see {@link LogChunk.snapshot}). */
  snapshot: unknown;
}

/** A chunk of the log as a checkpoint reads it. */
export interface LogChunk {
  readonly rows: readonly Row[];
  readonly keys: readonly CanonicalKey[];
  /** The keys as the key selector returned them, where one differs from its canonical form. */
  readonly raws: readonly unknown[] | undefined;
  /**
   * A full chunk never changes until the watermark drops it whole, so a checkpoint may keep here
   * what it made of the chunk (its encoded rows) for the next checkpoints; undefined until then.
   */
  snapshot: unknown;
}

/** A side's rows in arrival order, in chunks the watermark drops whole (see the module comment). */
export class ExpiringLog {
  /** The live chunks in arrival order; rows are added to the last while it has room. */
  private chunks: Chunk[] = [];
  /** The earliest bound of a chunk; a watermark below it drops nothing. */
  private earliest = Number.POSITIVE_INFINITY;
  private count = 0;

  /** `chunkRows`: most rows per chunk, which the watermark drops together. */
  constructor(private readonly chunkRows: number) {}

  /** How many rows wait in memory (expired ones in live chunks too). */
  get size(): number {
    return this.count;
  }

  /** Adds a row of `key` that expires once the watermark reaches `at`. */
  add(canonical: CanonicalKey, key: unknown, row: Row, at: number): void {
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || chunk.rows.length >= this.chunkRows) {
      chunk = { rows: [], keys: [], raws: undefined, bound: at, snapshot: undefined };
      this.chunks.push(chunk);
    } else if (at > chunk.bound) chunk.bound = at;
    if (chunk.bound < this.earliest) this.earliest = chunk.bound;
    if (chunk.raws !== undefined) chunk.raws.push(key);
    else if (key !== canonical) {
      chunk.raws = chunk.keys.slice();
      chunk.raws.push(key);
    }
    chunk.rows.push(row);
    chunk.keys.push(canonical);
    this.count++;
  }

  /**
   * The rows of a key in arrival order (undefined for none): the row alone, or a new array.
   * Scans every live row; keys compare as a map's do (NaN equals NaN).
   */
  rowsOf(canonical: CanonicalKey): StoredRows | undefined {
    let found: Row | Row[] | undefined;
    const nan = Number.isNaN(canonical);
    for (const chunk of this.chunks) {
      const keys = chunk.keys;
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (k !== canonical && !(nan && Number.isNaN(k))) continue;
        const row = chunk.rows[i]!;
        if (found === undefined) found = row;
        else if (Array.isArray(found)) found.push(row);
        else found = [found, row];
      }
    }
    return found;
  }

  /** Drops the chunks whose every row's bound `watermark` has reached. */
  sweep(watermark: number): void {
    if (watermark < this.earliest) return;
    let earliest = Number.POSITIVE_INFINITY;
    let kept = 0;
    for (const chunk of this.chunks) {
      if (chunk.bound <= watermark) {
        this.count -= chunk.rows.length;
        continue;
      }
      this.chunks[kept++] = chunk;
      if (chunk.bound < earliest) earliest = chunk.bound;
    }
    this.chunks.length = kept;
    this.earliest = earliest;
  }

  /**
   * Calls `each` with every row, its keys and its chunk's bound, in arrival order (to index the
   * rows, where a row's chunk bound stands for its own: it is never earlier; or to move them).
   */
  forEach(each: (canonical: CanonicalKey, key: unknown, row: Row, at: number) => void): void {
    for (const { rows, keys, raws, bound } of this.chunks)
      for (let i = 0; i < rows.length; i++)
        each(keys[i]!, raws === undefined ? keys[i] : raws[i], rows[i]!, bound);
  }

  /**
   * Calls `each` with every chunk in arrival order, and whether it is full (it takes no more
   * rows, so it stays as it is until the watermark drops it).
   */
  forEachChunk(each: (chunk: LogChunk, full: boolean) => void): void {
    for (const chunk of this.chunks) each(chunk, chunk.rows.length >= this.chunkRows);
  }

  /** Drops every row. */
  clear(): void {
    this.chunks = [];
    this.earliest = Number.POSITIVE_INFINITY;
    this.count = 0;
  }
}
