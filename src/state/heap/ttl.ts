/**
 * State time-to-live for the heap backend, following Flink's `AbstractTtlDecorator`,
 * `TtlUtils` and `TtlIncrementalCleanup`:
 * - every stored value (every list element, every map entry) carries the processing time of its
 *   last write, or of its last read too under `OnReadAndWrite`;
 * - it is expired once `lastAccess + ttl <= now`;
 * - reading an expired value removes it; `NeverReturnExpired` then reports it absent, while
 *   `ReturnExpiredIfNotCleanedUp` returns it this one last time;
 * - `cleanupIncrementally(n)` visits the next `n` entries of the state (all keys, round-robin)
 *   on each access of that state, and on every record if asked, removing what has expired.
 */
import type { StateTtlConfig } from '../../types/state.js';
import type { CanonicalKey } from '../key-groups.js';
import { type NamespaceKey, type Slot, type StateTable, slotEntries } from './state-table.js';

/**
 * A user value with its last-access time. Internal only: it never escapes to user code, so the
 * timestamp is refreshed in place rather than by allocating a new wrapper.
 */
export interface TtlValue<T> {
  v: T;
  ts: number;
}

/** The parts of a {@link StateTtlConfig} the states consult on every access. */
export class TtlPolicy {
  readonly ttl: number;
  readonly updateOnRead: boolean;
  readonly returnExpired: boolean;

  constructor(
    config: StateTtlConfig,
    readonly now: () => number,
  ) {
    this.ttl = config.ttlMs;
    this.updateOnRead = config.updateType === 'OnReadAndWrite';
    this.returnExpired = config.stateVisibility === 'ReturnExpiredIfNotCleanedUp';
  }

  /** Flink's `TtlUtils.expired`: the expiration time has been reached (inclusive). */
  expired(ts: number, now: number): boolean {
    return ts + this.ttl <= now;
  }

  /**
   * Flink's `getUnexpired`: the value if it may still be used as an input of a write (e.g. the
   * previous value of a reduce), otherwise undefined.
   */
  usable<T>(value: TtlValue<T> | undefined, now: number): TtlValue<T> | undefined {
    return value === undefined || (!this.returnExpired && this.expired(value.ts, now)) ? undefined : value;
  }
}

/**
 * Says what an entry looks like with its expired parts removed: undefined to remove the entry,
 * the same object when nothing changed. May compact the entry in place.
 */
export type TtlCleaner<V> = (value: V, now: number) => V | undefined;

/** The cleaner for single-value states (value, reducing, aggregating). */
export function singleValueCleaner<T>(policy: TtlPolicy): TtlCleaner<TtlValue<T>> {
  return (value, now) => (policy.expired(value.ts, now) ? undefined : value);
}

/**
 * A resumable scan over one state's entries. JavaScript map iterators tolerate deletion during
 * iteration, so the cursor survives entries being removed by normal access between runs. A row
 * dropped and recreated meanwhile is simply seen again on the next pass.
 */
export class IncrementalCleanup<V> {
  private rowIter: Iterator<[CanonicalKey, Slot<V>]> | undefined = undefined;
  private rowKey: CanonicalKey = '';
  private nsIter: Iterator<[NamespaceKey, V]> | undefined = undefined;

  constructor(
    private readonly table: StateTable<V>,
    private readonly cleanupSize: number,
    private readonly clean: TtlCleaner<V>,
    private readonly now: () => number,
  ) {}

  /** Checks the next `cleanupSize` entries; like Flink, a run stops at the end of a pass. */
  run(): void {
    if (this.cleanupSize <= 0) return;
    const now = this.now();
    const table = this.table;
    if (this.rowIter === undefined) this.rowIter = table.rows.entries();
    let visited = 0;
    while (visited < this.cleanupSize) {
      if (this.nsIter === undefined) {
        const next = this.rowIter.next();
        if (next.done) {
          this.rowIter = undefined;
          return;
        }
        this.rowKey = next.value[0];
        this.nsIter = slotEntries(next.value[1]);
      }
      const entry = this.nsIter.next();
      if (entry.done) {
        this.nsIter = undefined;
        continue;
      }
      visited++;
      const value = entry.value[1];
      // Cleaners of lists and maps compact in place: a changed size is a change too.
      const size = sizeOf(value);
      const cleaned = this.clean(value, now);
      if (cleaned === undefined) table.removeAt(this.rowKey, entry.value[0]);
      else if (cleaned !== value) table.replaceAt(this.rowKey, entry.value[0], cleaned);
      else if (sizeOf(cleaned) !== size) table.changedAt(this.rowKey);
    }
  }
}

/** Elements of a list or entries of a map value; -1 for other values. */
function sizeOf(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return value instanceof Map ? value.size : -1;
}
