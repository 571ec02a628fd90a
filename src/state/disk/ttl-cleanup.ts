/**
 * Removal of expired TTL entries from the disk store without reading their keys, so state whose
 * keys are never seen again does not stay on disk for ever (Flink does this with RocksDB's
 * compaction filter and with `cleanupIncrementally`). A scan walks the store a bounded number of
 * entries at a time from a cursor that persists between runs: first lmdb in key order, straight
 * from the memory map without writing the cache back, then the cache's pending writes that lmdb
 * does not have yet. Removals and rewrites go through the write-back cache like any other write,
 * so the cache never disagrees with what the states see. Everything runs on the task's thread,
 * between or at the start of state accesses, never inside one.
 */
import type { StateKind } from '../../types/state.js';
import type { TtlPolicy, TtlValue } from '../heap/ttl.js';
import type { DiskStore, StoredEntry } from './store.js';

/** What becomes of one stored value of a TTL state once its expired parts are dropped. */
export type CleanupVerdict = 'keep' | 'remove' | 'rewrite';

/**
 * Looks at a stored value of a TTL state: removal when everything has expired, a rewrite when a
 * list lost some elements (compacted in place).
 */
export type DiskTtlCleaner = (value: any, now: number) => CleanupVerdict;

/**
 * The cleaner for a state kind. Single values, and map slots (each its own store entry), carry
 * one timestamp; lists carry one per element.
 */
export function diskTtlCleaner(kind: StateKind, policy: TtlPolicy): DiskTtlCleaner {
  if (kind !== 'list') {
    return (value: { ts: number }, now) => (policy.expired(value.ts, now) ? 'remove' : 'keep');
  }
  return (list: TtlValue<unknown>[], now) => {
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const element = list[i]!;
      if (!policy.expired(element.ts, now)) list[kept++] = element;
    }
    if (kept === 0) return 'remove';
    if (kept === list.length) return 'keep';
    list.length = kept;
    return 'rewrite';
  };
}

/**
 * A resumable scan removing expired entries. `cleanerOf` picks the cleaner for a store key, or
 * undefined for entries the scan leaves alone (other states, states without TTL); those are not
 * decoded but still count against the budget, which bounds the work of a run by what it reads.
 */
export class ExpiredEntryScan {
  /** The last lmdb key read; undefined at the start of a pass. */
  private cursor: Buffer | undefined = undefined;
  /** The walk over the cache's pending writes, once lmdb has been read to its end. */
  private pending: Iterator<StoredEntry> | undefined = undefined;

  constructor(
    private readonly store: DiskStore,
    private readonly cleanerOf: (key: Buffer) => DiskTtlCleaner | undefined,
    private readonly now: () => number,
  ) {}

  /**
   * Reads at most `budget` entries from where the last run stopped and removes what has expired;
   * returns how many store entries it removed. Like Flink's incremental cleanup, a run stops at
   * the end of a pass, so a small store is not scanned more than once per run.
   */
  run(budget: number): number {
    if (!(budget > 0)) return 0;
    const now = this.now();
    const store = this.store;
    const cleanerOf = this.cleanerOf;
    let visited = 0;
    let removed = 0;
    while (visited < budget) {
      if (this.pending === undefined) {
        const batch = store.scan(this.cursor, budget - visited, (key) => cleanerOf(key) !== undefined);
        visited += batch.read;
        for (const entry of batch.entries) removed += this.clean(entry, cleanerOf(entry.key)!, now);
        if (batch.last !== undefined) this.cursor = batch.last;
        if (!batch.end) return removed;
        this.cursor = undefined;
        this.pending = store.dirtyEntries();
        continue;
      }
      const next = this.pending.next();
      if (next.done) {
        this.pending = undefined;
        return removed;
      }
      visited++;
      const cleaner = cleanerOf(next.value.key);
      if (cleaner !== undefined) removed += this.clean(next.value, cleaner, now);
    }
    return removed;
  }

  /** Starts the next run at the beginning of a pass, e.g. for a run over the whole store. */
  restart(): void {
    this.cursor = undefined;
    this.pending = undefined;
  }

  private clean(entry: StoredEntry, cleaner: DiskTtlCleaner, now: number): number {
    switch (cleaner(entry.value, now)) {
      case 'keep':
        return 0;
      case 'remove':
        this.store.remove(entry.key);
        return 1;
      case 'rewrite':
        this.store.put(entry.key, entry.value, entry.original);
        return 0;
    }
  }
}
