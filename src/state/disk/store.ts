/**
 * The disk backend's store: one lmdb environment in a directory of its own, fronted by a
 * write-back cache of decoded entries. lmdb reads synchronously from a memory map (about 0.8
 * million point reads a second in bench/state-store.ts) but commits a write transaction at
 * about 50 thousand a second, so writes collect in the cache and reach lmdb in one transaction
 * when the cache fills up, before a range scan, and before a snapshot. The cache also remembers
 * keys lmdb does not hold, so reading one again costs no lmdb read, removing it writes nothing,
 * and an entry read as absent, then created and removed between two write-backs (a short
 * window), never reaches lmdb.
 *
 * When the cache is full it is written back and emptied whole. Evicting only the least recently
 * used part measured slower (bench/README.md): lmdb's cost is per transaction and per page as
 * much as per write, so one large write-back beats several small ones, and with keys spread
 * evenly few entries are used again before they would be evicted anyway.
 *
 * Values are stored as `[stored]`, or `[stored, originalKey]` when the key the selector
 * returned cannot be parsed back from its canonical form (see `isCanonicalKeyExact`), encoded
 * with the engine's codec. Durability is not the store's job: checkpoints are, so lmdb runs
 * without fsync and the directory is deleted on close.
 */
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RootDatabase } from 'lmdb';
import { decode, encode } from '../../types/codec.js';
import type { ChangedKeyGroups } from '../changed-key-groups.js';
import { ErrorCodes, userError } from '../../types/errors.js';
import { prefixEnd } from './key-layout.js';

/**
 * lmdb, loaded when the first store opens: its native addon and modules take a few hundred
 * milliseconds to load, and every process and worker thread imports this module whether or not
 * its job uses the disk backend.
 */
let lmdb: typeof import('lmdb') | undefined;
function loadLmdb(): typeof import('lmdb') {
  lmdb ??= createRequire(import.meta.url)('lmdb') as typeof import('lmdb');
  return lmdb;
}

/** One entry as the store hands it out. */
export interface StoredEntry {
  readonly key: Buffer;
  /** The stored value: decoded, owned by the cache, mutated in place by states that then `put` it. */
  readonly value: unknown;
  /** The key as the selector returned it, when it differs from what its canonical form parses to. */
  readonly original: unknown;
}

interface CacheEntry {
  readonly key: Buffer;
  /** undefined: the entry is absent (a pending delete when dirty). */
  value: unknown;
  original: unknown;
  dirty: boolean;
  /**
   * Whether lmdb may hold the key. False when it is known not to (a read missed, or a delete
   * was written back): removing such an entry needs no lmdb write.
   */
  stored: boolean;
}

/** Cached entries at which the cache is written back and emptied. */
const DEFAULT_CACHE_ENTRIES = 16_384;

/** An lmdb store with a write-back cache; synchronous, used by one thread. */
export class DiskStore {
  private readonly db: RootDatabase<Buffer, Buffer>;
  private readonly cache = new Map<string, CacheEntry>();
  private dirty = 0;
  private closed = false;

  constructor(
    readonly directory: string,
    private readonly cacheEntries = DEFAULT_CACHE_ENTRIES,
    /** Where every write marks its key group (a store key's first two bytes). */
    private readonly changes?: ChangedKeyGroups,
  ) {
    this.db = loadLmdb().open<Buffer, Buffer>({
      path: directory,
      keyEncoding: 'binary',
      encoding: 'binary',
      noSync: true,
      cache: false,
    });
  }

  /** The entry at `key`, or undefined. */
  get(key: Buffer): StoredEntry | undefined {
    const id = key.toString('latin1');
    let entry = this.cache.get(id);
    if (entry === undefined) {
      const bytes = this.db.getBinaryFast(key);
      if (bytes === undefined) {
        // Remembered as absent: reading it again, or removing it, needs no lmdb access.
        entry = { key, value: undefined, original: undefined, dirty: false, stored: false };
      } else {
        const [value, original] = decodeValue(bytes);
        entry = { key, value, original, dirty: false, stored: true };
      }
      this.remember(id, entry);
    }
    return entry.value === undefined ? undefined : entry;
  }

  /** Stores `value` (never undefined) at `key`; `original` as in {@link StoredEntry}. */
  put(key: Buffer, value: unknown, original: unknown): void {
    this.changes?.mark(key.readUInt16BE(0));
    const id = key.toString('latin1');
    const entry = this.cache.get(id);
    if (entry === undefined) {
      this.remember(id, { key, value, original, dirty: true, stored: true });
      this.dirty++;
      return;
    }
    entry.value = value;
    entry.original = original;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty++;
    }
  }

  /** Removes the entry at `key`, if any. */
  remove(key: Buffer): void {
    this.changes?.mark(key.readUInt16BE(0));
    const id = key.toString('latin1');
    const entry = this.cache.get(id);
    if (entry === undefined) {
      this.remember(id, { key, value: undefined, original: undefined, dirty: true, stored: true });
      this.dirty++;
      return;
    }
    entry.value = undefined;
    entry.original = undefined;
    if (!entry.stored) {
      // Created and removed between two write-backs: lmdb never sees it.
      if (entry.dirty) {
        entry.dirty = false;
        this.dirty--;
      }
    } else if (!entry.dirty) {
      entry.dirty = true;
      this.dirty++;
    }
  }

  /** Entries whose keys start with `prefix`, in key order; writes the cache back first. */
  *range(prefix: Buffer): Generator<StoredEntry> {
    this.flush();
    const end = prefixEnd(prefix);
    const options = end === undefined ? { start: prefix } : { start: prefix, end };
    for (const { key, value } of this.db.getRange(options)) {
      const [decoded, original] = decodeValue(value);
      yield { key: Buffer.from(key), value: decoded, original };
    }
  }

  /**
   * Up to `limit` entries of lmdb after `after` (from the start when undefined), in key order,
   * each as the cache sees it: a cached value wins and a pending delete is left out. Unlike
   * {@link range} it does not write the cache back, so a background scan costs no write
   * transaction; entries only in the cache are for {@link dirtyEntries}. Keys `wanted` rejects
   * are not decoded. `read` counts the keys read, `last` is the last of them (the cursor to resume
   * after), and `end` is true when lmdb has nothing more.
   */
  scan(
    after: Buffer | undefined,
    limit: number,
    wanted: (key: Buffer) => boolean,
  ): { entries: StoredEntry[]; read: number; last: Buffer | undefined; end: boolean } {
    const entries: StoredEntry[] = [];
    let last: Buffer | undefined;
    let read = 0;
    // The range is read to completion before anything is written: lmdb must not commit a write
    // transaction (a cache write-back) while this thread's read iterator is open.
    const options = after === undefined ? { limit: limit + 1 } : { start: after, limit: limit + 1 };
    const rows: Array<{ key: Buffer; value: Uint8Array }> = [];
    for (const row of this.db.getRange(options)) rows.push(row);
    for (const { key: rawKey, value } of rows) {
      const key = Buffer.from(rawKey);
      if (after !== undefined && read === 0 && key.equals(after)) continue;
      if (read === limit) break;
      read++;
      last = key;
      if (!wanted(key)) continue;
      const cached = this.cache.get(key.toString('latin1'));
      if (cached !== undefined) {
        if (cached.value !== undefined) entries.push(cached);
        continue;
      }
      const [decoded, original] = decodeValue(value);
      entries.push({ key, value: decoded, original });
    }
    return { entries, read, last, end: read < limit };
  }

  /**
   * The cached entries with a pending write, in the order they were cached: what a background
   * scan of lmdb cannot see yet. The iterator ends early if the cache is written back and emptied
   * meanwhile, which is harmless: those entries are then in lmdb.
   */
  *dirtyEntries(): Generator<StoredEntry> {
    // At most the entries cached now: a cache that keeps filling must not make the walk endless.
    let left = this.cache.size;
    for (const entry of this.cache.values()) {
      if (left-- === 0) return;
      if (entry.dirty && entry.value !== undefined) yield entry;
    }
  }

  /** Removes every entry whose key starts with `prefix`. */
  removeRange(prefix: Buffer): void {
    const keys: Buffer[] = [];
    for (const { key } of this.range(prefix)) keys.push(key);
    for (const key of keys) this.remove(key);
  }

  /** Writes every pending change to lmdb in one transaction, and empties the cache if full. */
  flush(): void {
    if (this.dirty > 0) {
      const db = this.db;
      db.transactionSync(() => {
        for (const entry of this.cache.values()) {
          if (!entry.dirty) continue;
          if (entry.value === undefined) {
            db.removeSync(entry.key);
            entry.stored = false;
          } else {
            db.putSync(entry.key, encodeValue(entry.value, entry.original));
            entry.stored = true;
          }
          entry.dirty = false;
        }
      });
      this.dirty = 0;
    }
    if (this.cache.size >= this.cacheEntries) this.cache.clear();
  }

  /** Closes lmdb and deletes the directory; pending writes are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    this.dirty = 0;
    void this.db.close().finally(() => rmSync(this.directory, { recursive: true, force: true }));
  }

  private remember(id: string, entry: CacheEntry): void {
    if (this.cache.size >= this.cacheEntries) this.flush();
    this.cache.set(id, entry);
  }
}

function encodeValue(value: unknown, original: unknown): Buffer {
  try {
    return Buffer.from(encode(original === undefined ? [value] : [value, original]));
  } catch (error) {
    throw userError(
      ErrorCodes.STATE_ACCESS,
      `a state value cannot be encoded for the disk state backend (${String(error)}); keep state values to plain data`,
      error,
    );
  }
}

function decodeValue(bytes: Uint8Array): [unknown, unknown] {
  const decoded = decode<unknown[]>(bytes);
  return [decoded[0], decoded[1]];
}
