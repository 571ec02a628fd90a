/**
 * The partial cache of a lookup join (`'lookup.cache' = 'PARTIAL'`), with the semantics of
 * Flink's default lookup cache: each lookup key maps to the rows the database returned for it
 * (an empty list for a key it has no rows for, when missing keys are cached). An entry goes
 *
 * - when `maxRows` entries are cached and another is put: the least recently used one (a get or
 *   a put uses it). As in Flink, the bound counts keys, not the rows under them;
 * - `expireAfterWriteMs` after it was put, however often it is read;
 * - `expireAfterAccessMs` after it was last got or put.
 *
 * Time comes from an injected clock, so tests move it by hand. The cache is per subtask and in
 * memory only: nothing of it is checkpointed, since it holds only what the database would answer
 * again (a restored job starts with an empty cache).
 */

/** How the cache bounds itself; an absent bound is no bound. */
export interface LookupCacheOptions {
  readonly maxRows?: number;
  readonly expireAfterWriteMs?: number;
  readonly expireAfterAccessMs?: number;
}

interface Entry<V> {
  readonly value: V;
  readonly writtenAt: number;
  accessedAt: number;
}

/**
 * A bounded LRU map with expiry by write and by access; see the module comment. Not safe for
 * re-entrant use, which the single-threaded task loop never does.
 */
export class LookupCache<K, V> {
  /** Insertion order is recency order: the first entry is the least recently used. */
  private readonly byUse = new Map<K, Entry<V>>();
  /** The same entries in the order they were put, so the expired-by-write ones lead. */
  private readonly byWrite = new Map<K, Entry<V>>();

  constructor(
    private readonly options: LookupCacheOptions,
    /** Milliseconds, for expiry; `Date.now` unless a test moves time by hand. */
    private readonly now: () => number = Date.now,
  ) {}

  /** The number of entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.byUse.size;
  }

  /** The live value of `key`, marking it used; undefined when absent or expired (then dropped). */
  get(key: K): V | undefined {
    const entry = this.byUse.get(key);
    if (entry === undefined) return undefined;
    const now = this.now();
    this.byUse.delete(key);
    if (this.expired(entry, now)) {
      this.byWrite.delete(key);
      return undefined;
    }
    entry.accessedAt = now;
    this.byUse.set(key, entry);
    return entry.value;
  }

  /**
   * Puts `value` for `key` as the most recently used entry. When `maxRows` are held, expired
   * entries go first, then the least recently used live ones, so a live entry never makes way
   * while an expired one stays.
   */
  put(key: K, value: V): void {
    const now = this.now();
    this.byUse.delete(key);
    this.byWrite.delete(key);
    const { maxRows } = this.options;
    if (maxRows !== undefined) {
      if (maxRows <= 0) return;
      if (this.byUse.size >= maxRows) this.dropExpired(now);
      while (this.byUse.size >= maxRows) this.remove(this.byUse.keys().next().value as K);
    }
    const entry: Entry<V> = { value, writtenAt: now, accessedAt: now };
    this.byUse.set(key, entry);
    this.byWrite.set(key, entry);
  }

  /** Drops every entry. */
  clear(): void {
    this.byUse.clear();
    this.byWrite.clear();
  }

  private expired(entry: Entry<V>, now: number): boolean {
    const { expireAfterWriteMs, expireAfterAccessMs } = this.options;
    return (
      (expireAfterWriteMs !== undefined && now - entry.writtenAt >= expireAfterWriteMs) ||
      (expireAfterAccessMs !== undefined && now - entry.accessedAt >= expireAfterAccessMs)
    );
  }

  private remove(key: K): void {
    this.byUse.delete(key);
    this.byWrite.delete(key);
  }

  /**
   * Drops the expired entries, each map from its head: entries expired by write lead the write
   * order and those expired by access lead the use order, so this stops at the first live one.
   */
  private dropExpired(now: number): void {
    for (const order of [this.byWrite, this.byUse])
      for (const [key, entry] of order) {
        if (!this.expired(entry, now)) break;
        this.remove(key);
      }
  }
}
