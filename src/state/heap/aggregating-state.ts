/**
 * Heap aggregating state: added values are folded into an accumulator per (key, namespace) with
 * the descriptor's aggregate function; `get()` returns `getResult(accumulator)`, or undefined
 * when nothing was added. Gotcha: accumulators must not be undefined (that reads as "empty").
 * Accumulators may be mutated in place by `add`; the state stores whatever `add` returns.
 */
import type { AggregateFunction } from '../../types/functions.js';
import type { InternalAggregatingState, Namespace } from '../backend.js';
import type { KeyContext } from './key-context.js';
import { mergeSingleValues } from './merge.js';
import { HeapState, TtlHeapState } from './state-base.js';
import type { TtlPolicy, TtlValue } from './ttl.js';

/** Aggregating state without TTL: the table stores the accumulator. */
export class HeapAggregatingState<IN, ACC, OUT>
  extends HeapState<ACC>
  implements InternalAggregatingState<IN, OUT>
{
  constructor(
    name: string,
    ctx: KeyContext,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name, ctx);
  }

  get(): OUT | undefined {
    const acc = this.table.get(this.ns);
    return acc === undefined ? undefined : this.fn.getResult(acc);
  }

  add(value: IN): void {
    const acc = this.table.get(this.ns);
    this.table.put(this.ns, this.fn.add(value, acc === undefined ? this.fn.createAccumulator() : acc));
  }

  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    mergeSingleValues(this.table, target, sources, this.combine);
  }

  private readonly combine = (a: ACC, b: ACC): ACC => this.fn.merge(a, b);
}

/** Aggregating state with TTL (Flink's `TtlAggregatingState` with its `TtlAggregateFunction`). */
export class TtlAggregatingState<IN, ACC, OUT>
  extends TtlHeapState<TtlValue<ACC>>
  implements InternalAggregatingState<IN, OUT>
{
  constructor(
    name: string,
    ctx: KeyContext,
    policy: TtlPolicy,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name, ctx, policy);
  }

  get(): OUT | undefined {
    this.access();
    const stored = this.table.get(this.ns);
    if (stored === undefined) return undefined;
    const policy = this.policy;
    const now = policy.now();
    if (policy.expired(stored.ts, now)) {
      this.table.remove(this.ns);
      return policy.returnExpired ? this.fn.getResult(stored.v) : undefined;
    }
    if (policy.updateOnRead) stored.ts = now;
    return this.fn.getResult(stored.v);
  }

  /** An expired accumulator is replaced by a fresh one, unless ReturnExpiredIfNotCleanedUp. */
  add(value: IN): void {
    this.access();
    const now = this.policy.now();
    const previous = this.policy.usable(this.table.get(this.ns), now);
    const acc = previous === undefined ? this.fn.createAccumulator() : previous.v;
    this.table.put(this.ns, { v: this.fn.add(value, acc), ts: now });
  }

  mergeNamespaces(target: Namespace, sources: readonly Namespace[]): void {
    mergeSingleValues(this.table, target, sources, this.combine);
  }

  /** `TtlAggregateFunction.merge`: unusable sides are skipped; the result gets a fresh timestamp. */
  private readonly combine = (a: TtlValue<ACC>, b: TtlValue<ACC>): TtlValue<ACC> | undefined => {
    const now = this.policy.now();
    const ua = this.policy.usable(a, now);
    const ub = this.policy.usable(b, now);
    if (ua !== undefined && ub !== undefined) return { v: this.fn.merge(ua.v, ub.v), ts: now };
    const one = ua ?? ub;
    return one === undefined ? undefined : { v: one.v, ts: now };
  };
}
