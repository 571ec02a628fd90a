/**
 * The keyed state backend contract. The runtime sets the current key before it hands a record
 * or a timer to a keyed operator; every state access then reads and writes that key's entry,
 * in the state's current namespace (the window, for window operators; a fixed void namespace
 * otherwise). All access is synchronous and happens on the task's thread, never re-entrantly.
 */
import type {
  AggregatingState,
  ListState,
  MapState,
  ReducingState,
  State,
  StateDescriptor,
  ValueState,
} from '../types/state.js';
import { type CanonicalKey, canonicalKey, type KeyGroupRange } from './key-groups.js';

/**
 * A state namespace: a string or number, or an object with a `namespaceKey` (windows). Two
 * namespaces are the same when their keys are equal.
 */
export type Namespace = string | number | { readonly namespaceKey: string };

/** The namespace of state that is not scoped to a window. */
export const VOID_NAMESPACE = '';

/** The key of a namespace in a state table. */
export function namespaceKeyOf(namespace: Namespace): string | number {
  return typeof namespace === 'object' ? namespace.namespaceKey : namespace;
}

/** State whose namespace the operator switches, e.g. per window. */
export interface InternalKvState {
  setCurrentNamespace(namespace: Namespace): void;
}

/** State that can merge namespaces into one (list, reducing and aggregating): session windows. */
export interface InternalMergingState extends InternalKvState {
  /** Merges the entries of `sources` into `target` for the current key, and removes the sources. */
  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void;
}

/** Internal views of the five state kinds. */
export type InternalValueState<T> = ValueState<T> & InternalKvState;
export type InternalListState<T> = ListState<T> & InternalMergingState;
export type InternalMapState<UK, UV> = MapState<UK, UV> & InternalKvState;
export type InternalReducingState<T> = ReducingState<T> & InternalMergingState;
export type InternalAggregatingState<IN, OUT> = AggregatingState<IN, OUT> & InternalMergingState;

/** The internal view matching a descriptor's user-facing state type. */
export type InternalStateOf<S extends State> = S & InternalKvState;

/**
 * Keyed state of one operator on one subtask. It owns the key groups in `keyGroupRange` only.
 */
export interface KeyedStateBackend {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;

  /** Makes `key` current; throws a user error for undefined or unhashable keys. */
  setCurrentKey(key: unknown): void;
  /** The current key as the key selector returned it. */
  getCurrentKey(): unknown;
  getCurrentKeyGroup(): number;

  /**
   * The state for a descriptor, created on first use. The same name always returns the same
   * object; its namespace starts as {@link VOID_NAMESPACE}. Throws if the name was registered
   * with a different kind of state.
   */
  getOrCreateState<S extends State>(descriptor: StateDescriptor<S, any>): InternalStateOf<S>;

  /** Number of (key, namespace) entries across all states; for tests and metrics. */
  numEntries(): number;

  /**
   * The entries of every state, restored ones not yet registered included, by key group, as
   * plain data that {@link restoreKeyGroup} of the same kind of backend accepts. Key groups
   * without entries are left out. Called between records, synchronously.
   * Gotcha: the data shares objects with the live state; encode it before state is used again.
   * With `keyGroups`, only those key groups (the changed ones of an incremental snapshot).
   */
  snapshotKeyGroups(keyGroups?: ReadonlySet<number>): Map<number, unknown>;

  /**
   * The key groups whose entries may have changed since the previous call (undefined: any of
   * them), for incremental snapshots; starts tracking afresh. Marks are conservative: a group
   * may be reported without having changed, never left out when it did. Optional: without it
   * every snapshot is a full one.
   */
  takeChangedKeyGroups?(): ReadonlySet<number> | undefined;

  /**
   * Loads one key group written by {@link snapshotKeyGroups}, merged with what is there. States
   * are registered lazily, after a restore, so entries of a state not yet registered wait for
   * {@link getOrCreateState}, which fails with a user error if the restored kind differs. The
   * backend owns `data` afterwards. Throws an internal error for a key group outside
   * {@link keyGroupRange} or data that does not belong to the group.
   */
  restoreKeyGroup(keyGroup: number, data: unknown): void;

  /** Releases everything. */
  dispose(): void;
}

/** Creates a backend for one operator subtask. */
export interface KeyedStateBackendFactory {
  create(options: KeyedStateBackendOptions): KeyedStateBackend;
}

/** What a backend needs to know. */
export interface KeyedStateBackendOptions {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  /** Processing time, for state TTL. */
  readonly now: () => number;
}

/** A backend that hands out the canonical current key it computed when the key was made current. */
interface CanonicalKeySource {
  getCurrentCanonicalKey(): CanonicalKey | undefined;
}

/**
 * Reads `backend`'s current key in canonical form (undefined while no key is current): from a
 * backend that keeps the form it computed when the key was made current (the heap backend), or
 * computed again, which for a composite key is a stringify per call.
 */
export function currentCanonicalKeyReader(backend: KeyedStateBackend): () => CanonicalKey | undefined {
  const source = backend as Partial<CanonicalKeySource>;
  if (typeof source.getCurrentCanonicalKey === 'function') {
    const keeping = backend as unknown as CanonicalKeySource;
    return () => keeping.getCurrentCanonicalKey();
  }
  return () => {
    const key = backend.getCurrentKey();
    return key === undefined ? undefined : canonicalKey(key);
  };
}
