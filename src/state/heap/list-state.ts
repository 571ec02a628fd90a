/**
 * Heap list state. Gotchas:
 * - `get()` returns an empty iterable when nothing is stored (Flink returns null), and a copy,
 *   so adding while iterating is safe and the caller may keep the result.
 * - null and undefined elements are rejected, as Flink rejects null.
 * - Merging namespaces appends the sources, in the given order, after the target's elements.
 */
import type { InternalListState, Namespace } from '../backend.js';
import { namespaceKeyOf } from '../backend.js';
import type { KeyContext } from './key-context.js';
import { HeapState, requireDefined, sourceKeys, TtlHeapState } from './state-base.js';
import type { TtlCleaner, TtlPolicy, TtlValue } from './ttl.js';

const EMPTY: readonly never[] = Object.freeze([]);
const WHAT = 'list state';

/** Copies `values` into a new array, rejecting null and undefined before anything is stored. */
function checkedCopy<T>(values: Iterable<T>): T[] {
  const out: T[] = [];
  for (const value of values) {
    requireDefined(value, WHAT);
    out.push(value);
  }
  return out;
}

/** Moves the source lists behind the target's list, for the current key. */
function mergeLists<E>(state: HeapState<E[]>, target: Namespace, sources: readonly Namespace[]): void {
  const table = state.table;
  const targetKey = namespaceKeyOf(target);
  let merged = table.get(targetKey);
  for (const key of sourceKeys(targetKey, sources)) {
    const source = table.remove(key);
    if (source === undefined) continue;
    if (merged === undefined) {
      merged = source;
      table.put(targetKey, source);
    } else {
      for (let i = 0; i < source.length; i++) merged.push(source[i]!);
    }
  }
}

/** List state without TTL: the table stores a non-empty array. */
export class HeapListState<T> extends HeapState<T[]> implements InternalListState<T> {
  constructor(name: string, ctx: KeyContext) {
    super(name, ctx);
  }

  get(): Iterable<T> {
    const list = this.table.get(this.ns);
    return list === undefined ? EMPTY : list.slice();
  }

  add(value: T): void {
    requireDefined(value, WHAT);
    const list = this.table.get(this.ns);
    if (list === undefined) this.table.put(this.ns, [value]);
    else list.push(value);
  }

  addAll(values: Iterable<T>): void {
    const added = checkedCopy(values);
    if (added.length === 0) return;
    const list = this.table.get(this.ns);
    if (list === undefined) this.table.put(this.ns, added);
    else for (let i = 0; i < added.length; i++) list.push(added[i]!);
  }

  update(values: Iterable<T>): void {
    const list = checkedCopy(values);
    if (list.length === 0) this.table.remove(this.ns);
    else this.table.put(this.ns, list);
  }

  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    mergeLists(this, target, sources);
  }
}

/** List state with a TTL per element (Flink's `TtlListState`). */
export class TtlListState<T> extends TtlHeapState<TtlValue<T>[]> implements InternalListState<T> {
  constructor(name: string, ctx: KeyContext, policy: TtlPolicy) {
    super(name, ctx, policy);
  }

  /**
   * Unexpired elements, with their timestamps refreshed under OnReadAndWrite. Expired elements
   * are removed as they are met and, under ReturnExpiredIfNotCleanedUp, returned this last time.
   * (Flink removes them only once all have expired, or in a cleanup; reading here is a cleanup.)
   */
  get(): Iterable<T> {
    this.access();
    const list = this.table.get(this.ns);
    if (list === undefined) return EMPTY;
    const { returnExpired, updateOnRead } = this.policy;
    const now = this.policy.now();
    const out: T[] = [];
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const element = list[i]!;
      if (this.policy.expired(element.ts, now)) {
        if (returnExpired) out.push(element.v);
        continue;
      }
      if (updateOnRead) element.ts = now;
      out.push(element.v);
      list[kept++] = element;
    }
    if (kept === 0) this.table.remove(this.ns);
    else list.length = kept;
    return out;
  }

  add(value: T): void {
    this.access();
    requireDefined(value, WHAT);
    const element = { v: value, ts: this.policy.now() };
    const list = this.table.get(this.ns);
    if (list === undefined) this.table.put(this.ns, [element]);
    else list.push(element);
  }

  addAll(values: Iterable<T>): void {
    this.access();
    const added = this.wrap(checkedCopy(values));
    if (added.length === 0) return;
    const list = this.table.get(this.ns);
    if (list === undefined) this.table.put(this.ns, added);
    else for (let i = 0; i < added.length; i++) list.push(added[i]!);
  }

  update(values: Iterable<T>): void {
    this.access();
    const list = this.wrap(checkedCopy(values));
    if (list.length === 0) this.table.remove(this.ns);
    else this.table.put(this.ns, list);
  }

  /** Concatenates as Flink does: elements keep their own timestamps, expired ones included. */
  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    mergeLists(this, target, sources);
  }

  private wrap(values: T[]): TtlValue<T>[] {
    const ts = this.policy.now();
    return values.map((v) => ({ v, ts }));
  }
}

/** Drops expired elements in place; removes the entry when none is left. */
export function listCleaner<T>(policy: TtlPolicy): TtlCleaner<TtlValue<T>[]> {
  return (list, now) => {
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const element = list[i]!;
      if (!policy.expired(element.ts, now)) list[kept++] = element;
    }
    if (kept === 0) return undefined;
    list.length = kept;
    return list;
  };
}
