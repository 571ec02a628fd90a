/**
 * The current key of a disk backend, shared by its states, and the base every disk state
 * builds on. The store-key prefix of the current key (key group and canonical key) is computed
 * once per key change, so a state access only appends its state name and namespace.
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import { type Namespace, namespaceKeyOf, VOID_NAMESPACE } from '../backend.js';
import type { CanonicalKey } from '../key-groups.js';
import { encodePart, type NamespaceKey, storeKey } from './key-layout.js';
import type { DiskStore, StoredEntry } from './store.js';
import type { ExpiredEntryScan } from './ttl-cleanup.js';

/** A state's incremental TTL cleanup: the scan over its entries and how far one run reads. */
export interface IncrementalDiskCleanup {
  readonly scan: ExpiredEntryScan;
  readonly cleanupSize: number;
}

/** Mutable current-key state of a disk backend; owned by `DiskKeyedStateBackend`. */
export class DiskKeyContext {
  key: unknown = undefined;
  canonical: CanonicalKey = '';
  keyGroup = -1;
  hasKey = false;
  /** Key group and canonical key bytes of the current key. */
  prefix: Buffer = Buffer.alloc(0);
  /** The key to store with each entry when its canonical form does not parse back to it. */
  original: unknown = undefined;

  constructor(readonly now: () => number) {}

  /** Throws the error for state accessed outside a keyed context. */
  requireKey(): void {
    if (!this.hasKey) {
      throw userError(
        ErrorCodes.STATE_ACCESS,
        'keyed state was accessed with no current key; keyed state is available only in keyed operators (after keyBy), while processing a record or a timer',
      );
    }
  }
}

/** Base of the disk states: reads and writes the current (key, namespace) entry. */
export abstract class DiskState<V> {
  protected ns: NamespaceKey = VOID_NAMESPACE;
  private nsPart: Buffer = encodePart(VOID_NAMESPACE);
  /** The state's name as a store key part. */
  readonly statePart: Buffer;
  /** Set by the backend when the descriptor asks for incremental cleanup. */
  incremental: IncrementalDiskCleanup | undefined = undefined;

  constructor(
    readonly name: string,
    protected readonly ctx: DiskKeyContext,
    protected readonly store: DiskStore,
  ) {
    this.statePart = encodePart(name);
  }

  setCurrentNamespace(namespace: Namespace): void {
    const ns = namespaceKeyOf(namespace);
    if (ns === this.ns) return;
    this.ns = ns;
    this.nsPart = encodePart(ns);
  }

  clear(): void {
    this.access();
    this.removeCurrent();
  }

  /** Removes the current entry without counting as an access of its own. */
  protected removeCurrent(): void {
    this.store.remove(this.entryKey());
  }

  /**
   * Runs at the start of every public read or write, as Flink's TTL wrappers do: the incremental
   * cleanup, if any. Never in the middle of one, so a state never sees its entry change under it.
   */
  protected access(): void {
    const incremental = this.incremental;
    if (incremental !== undefined) incremental.scan.run(incremental.cleanupSize);
  }

  /** The store key of the current key's entry in the current namespace (or `ns`). */
  protected entryKey(ns?: NamespaceKey): Buffer {
    this.ctx.requireKey();
    const nsPart = ns === undefined || ns === this.ns ? this.nsPart : encodePart(ns);
    return storeKey([this.ctx.prefix, this.statePart, nsPart]);
  }

  /** The stored value in the current namespace (or `ns`). */
  protected read(ns?: NamespaceKey): V | undefined {
    const entry: StoredEntry | undefined = this.store.get(this.entryKey(ns));
    return entry === undefined ? undefined : (entry.value as V);
  }

  /** Stores a value (mutated in place or new) in the current namespace (or `ns`). */
  protected write(value: V, ns?: NamespaceKey): void {
    this.store.put(this.entryKey(ns), value, this.ctx.original);
  }

  /** Removes the entry in the current namespace (or `ns`); returns what was there. */
  protected take(ns?: NamespaceKey): V | undefined {
    const key = this.entryKey(ns);
    const entry = this.store.get(key);
    if (entry === undefined) return undefined;
    const value = entry.value as V;
    this.store.remove(key);
    return value;
  }
}
