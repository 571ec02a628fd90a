/**
 * Heap reducing state: added values are folded with the descriptor's reduce function into one
 * value per (key, namespace). Adding undefined is rejected (it would read as "empty"); a reduce
 * function returning undefined empties the entry.
 */
import type { ReduceFunction } from '../../types/functions.js';
import type { InternalReducingState, Namespace } from '../backend.js';
import type { KeyContext } from './key-context.js';
import { mergeSingleValues } from './merge.js';
import { HeapState, requireDefined, TtlHeapState } from './state-base.js';
import type { TtlPolicy, TtlValue } from './ttl.js';

const WHAT = 'reducing state';

/** Reducing state without TTL: the table stores the reduced value. */
export class HeapReducingState<T> extends HeapState<T> implements InternalReducingState<T> {
  constructor(
    name: string,
    ctx: KeyContext,
    private readonly fn: ReduceFunction<T>,
  ) {
    super(name, ctx);
  }

  get(): T | undefined {
    return this.table.get(this.ns);
  }

  add(value: T): void {
    requireDefined(value, WHAT, true);
    const current = this.table.get(this.ns);
    const next = current === undefined ? value : this.fn.reduce(current, value);
    if (next === undefined) this.table.remove(this.ns);
    else this.table.put(this.ns, next);
  }

  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    mergeSingleValues(this.table, target, sources, this.combine);
  }

  private readonly combine = (a: T, b: T): T | undefined => this.fn.reduce(a, b);
}

/** Reducing state with TTL (Flink's `TtlReducingState` with its `TtlReduceFunction`). */
export class TtlReducingState<T> extends TtlHeapState<TtlValue<T>> implements InternalReducingState<T> {
  constructor(
    name: string,
    ctx: KeyContext,
    policy: TtlPolicy,
    private readonly fn: ReduceFunction<T>,
  ) {
    super(name, ctx, policy);
  }

  get(): T | undefined {
    this.access();
    const stored = this.table.get(this.ns);
    if (stored === undefined) return undefined;
    const policy = this.policy;
    const now = policy.now();
    if (policy.expired(stored.ts, now)) {
      this.table.remove(this.ns);
      return policy.returnExpired ? stored.v : undefined;
    }
    if (policy.updateOnRead) stored.ts = now;
    return stored.v;
  }

  /** An expired previous value is dropped, unless ReturnExpiredIfNotCleanedUp (as in Flink). */
  add(value: T): void {
    this.access();
    requireDefined(value, WHAT, true);
    const now = this.policy.now();
    const previous = this.policy.usable(this.table.get(this.ns), now);
    const next = previous === undefined ? value : this.fn.reduce(previous.v, value);
    if (next === undefined) this.table.remove(this.ns);
    else this.table.put(this.ns, { v: next, ts: now });
  }

  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    mergeSingleValues(this.table, target, sources, this.combine);
  }

  /** `TtlReduceFunction.reduce`: unusable sides are skipped; the result gets a fresh timestamp. */
  private readonly combine = (a: TtlValue<T>, b: TtlValue<T>): TtlValue<T> | undefined => {
    const now = this.policy.now();
    const ua = this.policy.usable(a, now);
    const ub = this.policy.usable(b, now);
    if (ua !== undefined && ub !== undefined) {
      const reduced = this.fn.reduce(ua.v, ub.v);
      return reduced === undefined ? undefined : { v: reduced, ts: now };
    }
    const one = ua ?? ub;
    return one === undefined ? undefined : { v: one.v, ts: now };
  };
}
