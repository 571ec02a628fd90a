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
  checkKeyGroupRange,
  checkMaxParallelism,
  type KeyGroupRange,
  keyGroupInRange,
} from '../key-groups.js';
import { ChangedKeyGroups } from '../changed-key-groups.js';
import { createHeapState } from './create-state.js';
import { KeyContext } from './key-context.js';
import {
  corruptSnapshot,
  type HeapKeyGroupSnapshot,
  moveRows,
  readKeyGroupSnapshot,
  restoreRows,
  snapshotTable,
  ttlConversion,
} from './snapshot.js';
import type { HeapState } from './state-base.js';
import { StateTable } from './state-table.js';
import type { IncrementalCleanup } from './ttl.js';

interface Registered {
  readonly kind: StateKind;
  /** Whether the descriptor has a TTL config, i.e. values are stored wrapped with a timestamp. */
  readonly ttl: boolean;
  readonly state: HeapState<any>;
}

/** Entries restored for a state that no descriptor has registered yet. */
interface Restored {
  readonly kind: StateKind;
  readonly ttl: boolean;
  readonly table: StateTable<unknown>;
}

/**
 * {@link KeyedStateBackend} on the JavaScript heap. Not thread-safe and never re-entrant: one
 * task thread drives it. Besides the contract it exposes {@link getCurrentCanonicalKey} so the
 * timer service does not canonicalize the key a second time. Snapshots use the format of
 * `snapshot.ts`.
 */
export class HeapKeyedStateBackend implements KeyedStateBackend {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  private readonly ctx: KeyContext;
  private readonly states = new Map<string, Registered>();
  /**
   * Restored entries waiting for their state's registration: operators register states in
   * `open()`, after the restore. They are part of snapshots meanwhile, so a state the job does
   * not use for a while is not lost.
   */
  private readonly restored = new Map<string, Restored>();
  /** Incremental cleanups configured with `runForEveryRecord`, run on each key change. */
  private perRecordCleanups: IncrementalCleanup<any>[] = [];

  constructor(options: KeyedStateBackendOptions) {
    this.maxParallelism = checkMaxParallelism(options.maxParallelism);
    this.keyGroupRange = checkKeyGroupRange(options.keyGroupRange, this.maxParallelism);
    this.ctx = new KeyContext(options.now);
    this.ctx.changes = new ChangedKeyGroups(this.keyGroupRange, this.maxParallelism);
  }

  setCurrentKey(key: unknown): void {
    const ctx = this.ctx;
    const canonical = canonicalKey(key);
    if (!ctx.hasKey || canonical !== ctx.canonical) {
      const keyGroup = keyGroupInRange(key, canonical, this.maxParallelism, this.keyGroupRange);
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
    const name = descriptor.name;
    const existing = this.states.get(name);
    if (existing !== undefined) {
      if (existing.kind !== descriptor.kind) {
        throw userError(
          ErrorCodes.STATE_ACCESS,
          `state "${name}" is already registered as ${existing.kind} state and cannot be reused as ${descriptor.kind} state; give each state descriptor a unique name`,
        );
      }
      return existing.state as unknown as InternalStateOf<S>;
    }
    const restored = this.restored.get(name);
    if (restored !== undefined) requireRestoredKind(name, restored.kind, descriptor.kind);
    const created = createHeapState(descriptor, this.ctx);
    const ttl = descriptor.ttlConfig !== undefined;
    this.states.set(name, { kind: descriptor.kind, ttl, state: created.state });
    if (restored !== undefined) {
      this.restored.delete(name);
      // The state's entries may change form (TTL on or off) in every key group.
      if (restored.ttl !== ttl) this.ctx.changes!.markAll();
      const convert = ttlConversion(restored.kind, restored.ttl, ttl, this.ctx.now());
      moveRows(restored.table, created.state.table, convert);
    }
    if (created.perRecordCleanup !== undefined) this.perRecordCleanups.push(created.perRecordCleanup);
    return created.state as unknown as InternalStateOf<S>;
  }

  numEntries(): number {
    let total = 0;
    for (const { state } of this.states.values()) total += state.table.size;
    for (const { table } of this.restored.values()) total += table.size;
    return total;
  }

  /**
   * Marks the key group of every key whose state was accessed, reads included: states change
   * values in place, so an access is as close as the tables can tell.
   */
  takeChangedKeyGroups(): ReadonlySet<number> | undefined {
    // Each state table marks a key's group when it first looks the key's row up: a new epoch
    // makes the current key's next access look it up (and mark it) again.
    this.ctx.epoch++;
    return this.ctx.changes!.take();
  }

  snapshotKeyGroups(keyGroups?: ReadonlySet<number>): Map<number, HeapKeyGroupSnapshot> {
    const groups = new Map<number, HeapKeyGroupSnapshot>();
    const maxParallelism = this.maxParallelism;
    for (const [name, { kind, ttl, state }] of this.states) {
      snapshotTable(groups, name, kind, ttl, state.table, maxParallelism, keyGroups);
    }
    for (const [name, { kind, ttl, table }] of this.restored) {
      snapshotTable(groups, name, kind, ttl, table, maxParallelism, keyGroups);
    }
    return groups;
  }

  restoreKeyGroup(keyGroup: number, data: unknown): void {
    const { start, end } = this.keyGroupRange;
    if (!Number.isInteger(keyGroup) || keyGroup < start || keyGroup > end) {
      throw corruptSnapshot(
        `key group ${keyGroup} was assigned to a subtask with key group range ${start}..${end}`,
      );
    }
    this.ctx.changes!.mark(keyGroup);
    const now = this.ctx.now();
    for (const snapshot of readKeyGroupSnapshot(data)) {
      const { name, kind } = snapshot;
      const registered = this.states.get(name);
      if (registered !== undefined) {
        requireRestoredKind(name, kind, registered.kind);
        const convert = ttlConversion(kind, snapshot.ttl, registered.ttl, now);
        restoreRows(registered.state.table, snapshot, keyGroup, this.maxParallelism, convert);
        continue;
      }
      let restored = this.restored.get(name);
      if (restored === undefined) {
        restored = { kind, ttl: snapshot.ttl, table: new StateTable<unknown>(this.ctx) };
        this.restored.set(name, restored);
      } else if (restored.kind !== kind) {
        throw corruptSnapshot(`state "${name}" was restored both as ${restored.kind} and as ${kind} state`);
      }
      const convert = ttlConversion(kind, snapshot.ttl, restored.ttl, now);
      restoreRows(restored.table, snapshot, keyGroup, this.maxParallelism, convert);
    }
  }

  dispose(): void {
    for (const { state } of this.states.values()) state.table.clearAll();
    this.states.clear();
    this.restored.clear();
    this.perRecordCleanups = [];
    const ctx = this.ctx;
    ctx.hasKey = false;
    ctx.key = undefined;
    ctx.keyGroup = -1;
    ctx.epoch++;
  }
}

/** Rejects registering restored state as another kind: its stored values would not fit. */
function requireRestoredKind(name: string, restored: StateKind, registered: StateKind): void {
  if (restored !== registered) {
    throw userError(
      ErrorCodes.STATE_ACCESS,
      `state "${name}" was restored as ${restored} state but is registered as ${registered} state; keep the kind of a state when changing a job, or give the new state a new name`,
    );
  }
}

/** The default backend factory: state on the JavaScript heap. */
export const heapStateBackendFactory: KeyedStateBackendFactory = {
  create: (options) => new HeapKeyedStateBackend(options),
};
