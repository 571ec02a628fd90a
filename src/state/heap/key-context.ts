/**
 * The current-key context shared by every state of one heap backend. Each state caches the
 * row (the namespaces of the current key) it last looked up; `epoch` changes whenever the
 * current key changes, so a state notices a stale cache with one integer comparison instead
 * of a map lookup per access.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { ChangedKeyGroups } from '../changed-key-groups.js';
import type { CanonicalKey } from '../key-groups.js';

/** Mutable current-key state of a heap backend; owned by {@link HeapKeyedStateBackend}. */
export class KeyContext {
  /** The key as the key selector returned it. */
  key: unknown = undefined;
  /** `canonicalKey(key)`: what rows are stored under. */
  canonical: CanonicalKey = '';
  keyGroup = -1;
  hasKey = false;
  /**
   * Bumped on every key change, on dispose and when the changed key groups are taken (so the
   * next access of each state marks its group again); 0 means "no key yet".
   */
  epoch = 0;
  /** Where the states mark the key groups they change; set by the backend. */
  changes: ChangedKeyGroups | undefined = undefined;

  constructor(readonly now: () => number) {}

  /** Throws the error for state accessed outside a keyed context. Called only on a cache miss. */
  requireKey(): void {
    if (!this.hasKey) {
      throw userError(
        ErrorCodes.STATE_ACCESS,
        'keyed state was accessed with no current key; keyed state is available only in keyed operators (after keyBy), while processing a record or a timer',
      );
    }
  }
}
