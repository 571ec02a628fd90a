/**
 * Heap value state: one value per (key, namespace). `update(undefined)` clears the entry (Flink
 * clears on null; in JavaScript null is an ordinary value and is stored). When nothing is stored
 * `value()` returns the descriptor's default, which is shared, not copied: do not mutate it.
 */
import type { InternalValueState } from '../backend.js';
import type { KeyContext } from './key-context.js';
import { HeapState, TtlHeapState } from './state-base.js';
import type { TtlPolicy, TtlValue } from './ttl.js';

/** Value state without TTL: the table stores the user value itself. */
export class HeapValueState<T> extends HeapState<T> implements InternalValueState<T> {
  constructor(
    name: string,
    ctx: KeyContext,
    private readonly defaultValue: T | undefined,
  ) {
    super(name, ctx);
  }

  value(): T | undefined {
    const value = this.table.get(this.ns);
    return value === undefined ? this.defaultValue : value;
  }

  update(value: T | undefined): void {
    if (value === undefined) this.table.remove(this.ns);
    else this.table.put(this.ns, value);
  }
}

/** Value state with TTL (Flink's `TtlValueState`). */
export class TtlValueState<T> extends TtlHeapState<TtlValue<T>> implements InternalValueState<T> {
  constructor(
    name: string,
    ctx: KeyContext,
    policy: TtlPolicy,
    private readonly defaultValue: T | undefined,
  ) {
    super(name, ctx, policy);
  }

  value(): T | undefined {
    this.access();
    const stored = this.table.get(this.ns);
    if (stored === undefined) return this.defaultValue;
    const policy = this.policy;
    const now = policy.now();
    if (policy.expired(stored.ts, now)) {
      this.table.remove(this.ns);
      return policy.returnExpired ? stored.v : this.defaultValue;
    }
    if (policy.updateOnRead) stored.ts = now;
    return stored.v;
  }

  update(value: T | undefined): void {
    this.access();
    if (value === undefined) {
      this.table.remove(this.ns);
      return;
    }
    const now = this.policy.now();
    // The wrapper never escapes, so reuse it instead of allocating one per write.
    const stored = this.table.get(this.ns);
    if (stored === undefined) this.table.put(this.ns, { v: value, ts: now });
    else {
      stored.v = value;
      stored.ts = now;
    }
  }
}
