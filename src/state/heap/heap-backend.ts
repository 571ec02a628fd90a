/**
 * The heap keyed state backend: all state of one operator subtask lives in JavaScript maps on
 * the task's thread, accessed synchronously. Layout per state: canonical key -> namespace key ->
 * value (see `state-table.ts`), with the current key's row cached between accesses.
 *
 * @example
 * const backend = heapStateBackendFactory.create({ maxParallelism: 128, keyGroupRange: { start: 0, end: 127 }, now: Date.now });
 * const count = backend.getOrCreateState(new ValueStateDescriptor<number>('count', 0));
 * backend.setCurrentKey('alice');
 * count.update((count.value() ?? 0) + 1);
 */
import { ErrorCodes, userError } from '../../types/errors.js';
import type { State, StateDescriptor, StateKind } from '../../types/state.js';
import type {
  InternalStateOf,
  KeyedStateBackend,
  KeyedStateBackendFactory,
  KeyedStateBackendOptions,
} from '../backend.js';
import {
  type CanonicalKey,
  canonicalKey,
  checkMaxParallelism,
  type KeyGroupRange,
  keyGroupOfCanonical,
} from '../key-groups.js';
import { createHeapState } from './create-state.js';
import { KeyContext } from './key-context.js';
import type { HeapState } from './state-base.js';
import type { IncrementalCleanup } from './ttl.js';

interface Registered {
  readonly kind: StateKind;
  readonly state: HeapState<any>;
}

/**
 * {@link KeyedStateBackend} on the JavaScript heap. Not thread-safe and never re-entrant: one
 * task thread drives it. Besides the contract it exposes {@link getCurrentCanonicalKey} so the
 * timer service does not canonicalize the key a second time.
 */
export class HeapKeyedStateBackend implements KeyedStateBackend {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  private readonly ctx: KeyContext;
  private readonly states = new Map<string, Registered>();
  /** Incremental cleanups configured with `runForEveryRecord`, run on each key change. */
  private perRecordCleanups: IncrementalCleanup<any>[] = [];

  constructor(options: KeyedStateBackendOptions) {
    this.maxParallelism = checkMaxParallelism(options.maxParallelism);
    const range = options.keyGroupRange;
    if (
      !(
        Number.isInteger(range.start) &&
        Number.isInteger(range.end) &&
        range.start >= 0 &&
        range.start <= range.end &&
        range.end < this.maxParallelism
      )
    ) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `key group range ${range.start}..${range.end} must be integers with 0 <= start <= end < maxParallelism (${this.maxParallelism})`,
      );
    }
    this.keyGroupRange = { start: range.start, end: range.end };
    this.ctx = new KeyContext(options.now);
  }

  setCurrentKey(key: unknown): void {
    const ctx = this.ctx;
    const canonical = canonicalKey(key);
    if (!ctx.hasKey || canonical !== ctx.canonical) {
      const keyGroup = keyGroupOfCanonical(canonical, this.maxParallelism);
      const { start, end } = this.keyGroupRange;
      if (keyGroup < start || keyGroup > end) {
        throw userError(
          ErrorCodes.INVALID_KEY,
          `key ${describeKey(key)} is in key group ${keyGroup}, outside this subtask's key group range ${start}..${end}; the key selector must be deterministic (return the same key for the same record, also after keyBy)`,
        );
      }
      ctx.canonical = canonical;
      ctx.keyGroup = keyGroup;
      ctx.hasKey = true;
      ctx.epoch++;
    }
    ctx.key = key;
    const cleanups = this.perRecordCleanups;
    for (let i = 0; i < cleanups.length; i++) cleanups[i]!.run();
  }

  getCurrentKey(): unknown {
    return this.ctx.key;
  }

  getCurrentKeyGroup(): number {
    return this.ctx.keyGroup;
  }

  /** The canonical form of the current key (undefined before the first `setCurrentKey`). */
  getCurrentCanonicalKey(): CanonicalKey | undefined {
    return this.ctx.hasKey ? this.ctx.canonical : undefined;
  }

  getOrCreateState<S extends State>(descriptor: StateDescriptor<S, any>): InternalStateOf<S> {
    const existing = this.states.get(descriptor.name);
    if (existing !== undefined) {
      if (existing.kind !== descriptor.kind) {
        throw userError(
          ErrorCodes.STATE_ACCESS,
          `state "${descriptor.name}" is already registered as ${existing.kind} state and cannot be reused as ${descriptor.kind} state; give each state descriptor a unique name`,
        );
      }
      return existing.state as unknown as InternalStateOf<S>;
    }
    const created = createHeapState(descriptor, this.ctx);
    this.states.set(descriptor.name, { kind: descriptor.kind, state: created.state });
    if (created.perRecordCleanup !== undefined) this.perRecordCleanups.push(created.perRecordCleanup);
    return created.state as unknown as InternalStateOf<S>;
  }

  numEntries(): number {
    let total = 0;
    for (const { state } of this.states.values()) total += state.table.size;
    return total;
  }

  dispose(): void {
    for (const { state } of this.states.values()) state.table.clearAll();
    this.states.clear();
    this.perRecordCleanups = [];
    const ctx = this.ctx;
    ctx.hasKey = false;
    ctx.key = undefined;
    ctx.keyGroup = -1;
    ctx.epoch++;
  }
}

/** A short rendering of a key for error messages. */
function describeKey(key: unknown): string {
  const text =
    typeof key === 'string'
      ? JSON.stringify(key)
      : typeof key === 'object'
        ? JSON.stringify(key)
        : String(key);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}

/** The default backend factory: state on the JavaScript heap. */
export const heapStateBackendFactory: KeyedStateBackendFactory = {
  create: (options) => new HeapKeyedStateBackend(options),
};
