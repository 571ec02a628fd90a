/**
 * What every heap state shares: its table, the current namespace, and for TTL states the
 * incremental cleanup run on each access (Flink's `accessCallback`).
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import { type Namespace, VOID_NAMESPACE, namespaceKeyOf } from '../backend.js';
import type { KeyContext } from './key-context.js';
import { StateTable, type NamespaceKey } from './state-table.js';
import type { IncrementalCleanup, TtlPolicy } from './ttl.js';

/** Base of the five heap state kinds; `V` is what one (key, namespace) entry stores. */
export abstract class HeapState<V> {
  readonly table: StateTable<V>;
  /** `namespaceKeyOf(current namespace)`, computed once per namespace switch. */
  protected ns: NamespaceKey = VOID_NAMESPACE;

  constructor(
    readonly name: string,
    protected readonly ctx: KeyContext,
  ) {
    this.table = new StateTable<V>(ctx);
  }

  setCurrentNamespace(namespace: Namespace): void {
    this.ns = namespaceKeyOf(namespace);
  }

  clear(): void {
    this.table.remove(this.ns);
  }
}

/** Base of TTL states: adds the policy and the optional incremental cleanup. */
export abstract class TtlHeapState<V> extends HeapState<V> {
  /** Set by the backend when the descriptor asks for incremental cleanup. */
  cleanup: IncrementalCleanup<V> | undefined = undefined;

  constructor(
    name: string,
    ctx: KeyContext,
    protected readonly policy: TtlPolicy,
  ) {
    super(name, ctx);
  }

  /** Runs on every read or write, as Flink's TTL wrappers do. */
  protected access(): void {
    if (this.cleanup !== undefined) this.cleanup.run();
  }
}

/** The namespace keys of merge sources, without the target (merging it into itself is a no-op). */
export function sourceKeys(target: NamespaceKey, sources: readonly Namespace[]): NamespaceKey[] {
  const keys: NamespaceKey[] = [];
  for (const source of sources) {
    const key = namespaceKeyOf(source);
    if (key !== target) keys.push(key);
  }
  return keys;
}

/**
 * Rejects a value state cannot store: undefined always (it reads as "absent"), and null too
 * unless `nullAllowed` (list elements reject null, as Flink's lists do).
 */
export function requireDefined(value: unknown, what: string, nullAllowed = false): void {
  if (value === undefined || (value === null && !nullAllowed)) {
    throw userError(
      ErrorCodes.STATE_ACCESS,
      `${what} cannot store ${value === null ? 'null' : 'undefined'}; filter such values out before adding them to state`,
    );
  }
}
