/**
 * Which key groups of one subtask changed since the last incremental snapshot. A backend or a
 * timer service marks the group of every change it makes; the snapshot takes the marks and then
 * encodes and hashes only those groups, referring to the previous blob of every other one.
 *
 * Marking is cheap (a byte per group, set once), so a write path can mark on every write. A
 * group may be marked without having changed (a conservative mark costs one re-encode), never
 * the reverse: a missed mark would make a checkpoint restore stale state.
 */
import { type CanonicalKey, type KeyGroupRange, keyGroupOfCanonical } from './key-groups.js';

/** The changed key groups of one subtask's range; see the module comment. */
export class ChangedKeyGroups {
  /** One flag per group of the range, by `keyGroup - range.start`. */
  private readonly flags: Uint8Array;
  private marked: number[] = [];
  /**
   * Everything counts as changed: before the first {@link take} (nothing was snapshotted yet)
   * and after {@link markAll}.
   */
  private all = true;

  constructor(
    readonly range: KeyGroupRange,
    private readonly maxParallelism: number,
  ) {
    this.flags = new Uint8Array(range.end - range.start + 1);
  }

  /** Marks one key group of the range as changed. */
  mark(keyGroup: number): void {
    const i = keyGroup - this.range.start;
    if (this.flags[i] === 0) {
      this.flags[i] = 1;
      this.marked.push(keyGroup);
    }
  }

  /** Marks the key group of a canonical key, for changes made outside the current key. */
  markKey(canonical: CanonicalKey): void {
    this.mark(keyGroupOfCanonical(canonical, this.maxParallelism));
  }

  /** Marks every key group, for changes that rewrite state wholesale (a restored state's TTL). */
  markAll(): void {
    this.all = true;
  }

  /**
   * The key groups changed since the last call (undefined: all of them, possibly), and starts
   * tracking afresh.
   */
  take(): ReadonlySet<number> | undefined {
    const all = this.all;
    const marked = this.marked;
    this.all = false;
    this.marked = [];
    this.flags.fill(0);
    return all ? undefined : new Set(marked);
  }
}

/** Something that tracks its changed key groups: a keyed state backend or a timer service. */
export interface TracksChangedKeyGroups {
  /** See {@link ChangedKeyGroups.take}. */
  takeChangedKeyGroups(): ReadonlySet<number> | undefined;
}
