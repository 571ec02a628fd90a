/**
 * Value, reducing and aggregating state on disk. Each stores one value per (key, namespace),
 * the user value itself or, with a TTL, `{ v, ts }` as the heap backend stores it, so the two
 * backends' snapshots are the same data. TTL semantics follow the heap states (`../heap/ttl.ts`):
 * an expired value is removed when read and is invisible unless ReturnExpiredIfNotCleanedUp.
 */
import type { AggregateFunction, ReduceFunction } from '../../types/functions.js';
import {
  type InternalAggregatingState,
  type InternalReducingState,
  type InternalValueState,
  type Namespace,
  namespaceKeyOf,
} from '../backend.js';
import { requireDefined, sourceKeys } from '../heap/state-base.js';
import type { TtlPolicy, TtlValue } from '../heap/ttl.js';
import { DiskState } from './disk-context.js';

/** Combines two stored values; undefined when nothing is left. */
type Combine = (a: any, b: any) => unknown;

/**
 * A single-value state, with or without TTL. `stored` values are the user value (no policy) or
 * a `TtlValue` (policy).
 */
abstract class SingleValueState extends DiskState<any> {
  constructor(
    name: string,
    ctx: DiskState<any>['ctx'],
    store: DiskState<any>['store'],
    protected readonly policy: TtlPolicy | undefined,
  ) {
    super(name, ctx, store);
  }

  /**
   * The user value, applying TTL: an expired value is removed, and returned only under
   * ReturnExpiredIfNotCleanedUp; `found` tells whether a value was visible.
   */
  protected visible(): { found: boolean; value: unknown } {
    const stored = this.read();
    if (stored === undefined) return NOTHING;
    const policy = this.policy;
    if (policy === undefined) return { found: true, value: stored };
    const now = policy.now();
    if (policy.expired(stored.ts, now)) {
      this.take();
      return policy.returnExpired ? { found: true, value: stored.v } : NOTHING;
    }
    if (policy.updateOnRead) {
      stored.ts = now;
      this.write(stored);
    }
    return { found: true, value: stored.v };
  }

  /** The previous user value usable as input to a write (Flink's `getUnexpired`). */
  protected usable(): { found: boolean; value: unknown } {
    const stored = this.read();
    if (stored === undefined) return NOTHING;
    const policy = this.policy;
    if (policy === undefined) return { found: true, value: stored };
    const usable = policy.usable(stored as TtlValue<unknown>, policy.now());
    return usable === undefined ? NOTHING : { found: true, value: usable.v };
  }

  /** Stores a user value, wrapped with the current time under a TTL. */
  protected store1(value: unknown): void {
    const policy = this.policy;
    this.write(policy === undefined ? value : { v: value, ts: policy.now() });
  }

  /**
   * Merges as the heap's `mergeSingleValues`: sources removed and folded left to right, then
   * folded into the target. `combineUser` folds two user values; under a TTL unusable sides are
   * skipped and the result gets a fresh timestamp, as Flink's TTL reduce and aggregate functions do.
   */
  protected mergeInto(target: Namespace, sources: readonly Namespace[], combineUser: Combine): void {
    const policy = this.policy;
    const combine: Combine =
      policy === undefined
        ? combineUser
        : (a: TtlValue<unknown>, b: TtlValue<unknown>) => {
            const now = policy.now();
            const ua = policy.usable(a, now);
            const ub = policy.usable(b, now);
            if (ua !== undefined && ub !== undefined) {
              const combined = combineUser(ua.v, ub.v);
              return combined === undefined ? undefined : { v: combined, ts: now };
            }
            const one = ua ?? ub;
            return one === undefined ? undefined : { v: one.v, ts: now };
          };
    const targetKey = namespaceKeyOf(target);
    let merged: unknown;
    for (const key of sourceKeys(targetKey, sources)) {
      const source = this.take(key);
      if (source === undefined) continue;
      merged = merged === undefined ? source : combine(merged, source);
    }
    if (merged === undefined) return;
    const current = this.read(targetKey);
    const result = current === undefined ? merged : combine(current, merged);
    if (result === undefined) this.take(targetKey);
    else this.write(result, targetKey);
  }
}

const NOTHING = { found: false, value: undefined };

/** Value state on disk; `update(undefined)` clears, as on the heap. */
export class DiskValueState<T> extends SingleValueState implements InternalValueState<T> {
  constructor(
    name: string,
    ctx: DiskState<any>['ctx'],
    store: DiskState<any>['store'],
    policy: TtlPolicy | undefined,
    private readonly defaultValue: T | undefined,
  ) {
    super(name, ctx, store, policy);
  }

  value(): T | undefined {
    this.access();
    const { found, value } = this.visible();
    return found ? (value as T) : this.defaultValue;
  }

  update(value: T | undefined): void {
    if (value === undefined) this.clear();
    else {
      this.access();
      this.store1(value);
    }
  }
}

/** Reducing state on disk. */
export class DiskReducingState<T> extends SingleValueState implements InternalReducingState<T> {
  constructor(
    name: string,
    ctx: DiskState<any>['ctx'],
    store: DiskState<any>['store'],
    policy: TtlPolicy | undefined,
    private readonly fn: ReduceFunction<T>,
  ) {
    super(name, ctx, store, policy);
  }

  get(): T | undefined {
    this.access();
    return this.visible().value as T | undefined;
  }

  add(value: T): void {
    requireDefined(value, 'reducing state', true);
    this.access();
    const previous = this.usable();
    const next = previous.found ? this.fn.reduce(previous.value as T, value) : value;
    if (next === undefined) this.removeCurrent();
    else this.store1(next);
  }

  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    this.access();
    this.mergeInto(target, sources, (a, b) => this.fn.reduce(a, b));
  }
}

/** Aggregating state on disk: stores the accumulator. */
export class DiskAggregatingState<IN, ACC, OUT>
  extends SingleValueState
  implements InternalAggregatingState<IN, OUT>
{
  constructor(
    name: string,
    ctx: DiskState<any>['ctx'],
    store: DiskState<any>['store'],
    policy: TtlPolicy | undefined,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name, ctx, store, policy);
  }

  get(): OUT | undefined {
    this.access();
    const { found, value } = this.visible();
    return found ? this.fn.getResult(value as ACC) : undefined;
  }

  add(value: IN): void {
    this.access();
    const previous = this.usable();
    const acc = previous.found ? (previous.value as ACC) : this.fn.createAccumulator();
    this.store1(this.fn.add(value, acc));
  }

  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    this.access();
    this.mergeInto(target, sources, (a, b) => this.fn.merge(a, b));
  }
}
