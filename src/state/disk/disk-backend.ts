/**
 * The on-disk keyed state backend: all state of one operator subtask lives in an lmdb store of
 * its own (see `store.ts`), laid out by key group, key, state, namespace and map key (see
 * `key-layout.ts`), so state may be many times the JavaScript heap. Access stays synchronous:
 * lmdb reads from a memory map, and writes collect in a write-back cache.
 *
 * Snapshots are the heap backend's format (`../heap/snapshot.ts`), value for value, so a
 * snapshot of either backend restores into the other: that data is the canonical savepoint
 * format. TTL follows the heap backend (expired entries are invisible and removed when read,
 * and `cleanupIncrementally` scans that state's entries on each access, and on each record if
 * asked). Besides, expired entries of every TTL state are removed by a scan of the store that
 * needs no configuration, like Flink's RocksDB compaction filter: it reads a few entries every so
 * many key changes (see {@link DiskBackendOptions}), and {@link DiskKeyedStateBackend.cleanupExpired}
 * runs it on demand. See `ttl-cleanup.ts`.
 *
 * @example
 * const backend = diskStateBackendFactory().create({ maxParallelism: 128, keyGroupRange: { start: 0, end: 127 }, now: Date.now });
 * const count = backend.getOrCreateState(new ValueStateDescriptor<number>('count', 0));
 * backend.setCurrentKey('alice');
 * count.update((count.value() ?? 0) + 1);
 * backend.dispose(); // deletes the store
 */
import { tmpdir } from 'node:os';
import { ErrorCodes, userError } from '../../types/errors.js';
import type {
  AggregatingStateDescriptor,
  ReducingStateDescriptor,
  State,
  StateDescriptor,
  StateKind,
} from '../../types/state.js';
import type {
  InternalStateOf,
  KeyedStateBackend,
  KeyedStateBackendFactory,
  KeyedStateBackendOptions,
} from '../backend.js';
import {
  corruptSnapshot,
  type HeapKeyGroupSnapshot,
  readKeyGroupSnapshot,
  snapshotRows,
  ttlConversion,
} from '../heap/snapshot.js';
import { TtlPolicy } from '../heap/ttl.js';
import {
  type CanonicalKey,
  canonicalKey,
  checkKeyGroupRange,
  checkMaxParallelism,
  isCanonicalKeyExact,
  type KeyGroupRange,
  keyFromCanonical,
  keyGroupInRange,
  keyGroupOfCanonical,
} from '../key-groups.js';
import { ChangedKeyGroups } from '../changed-key-groups.js';
import { DiskListState, DiskMapState } from './collection-states.js';
import { DiskKeyContext, type DiskState } from './disk-context.js';
import {
  encodePart,
  isKeyOfState,
  keyGroupPrefix,
  keyPrefix,
  type NamespaceKey,
  parseStoreKey,
  stateNameOf,
  storeKey,
} from './key-layout.js';
import { DiskAggregatingState, DiskReducingState, DiskValueState } from './single-value-states.js';
import { createStoreDirectory } from './stale-stores.js';
import { DiskStore } from './store.js';
import { type DiskTtlCleaner, diskTtlCleaner, ExpiredEntryScan } from './ttl-cleanup.js';

/** What the backend knows of a state with entries in the store. */
interface Catalogued {
  readonly kind: StateKind;
  /** Whether stored values carry TTL timestamps. */
  readonly ttl: boolean;
}

interface Registered extends Catalogued {
  readonly state: unknown;
}

const EVERYTHING = Buffer.alloc(0);

/** Tuning of the disk backend beyond {@link KeyedStateBackendOptions}. */
export interface DiskBackendOptions {
  /**
   * Key changes between two runs of the TTL scan over all states (0 turns it off; default 256).
   * With {@link ttlScanBudget}, the scan reads about one store entry per record by default.
   */
  readonly ttlScanInterval?: number;
  /** Store entries one run of the TTL scan reads (default 256). */
  readonly ttlScanBudget?: number;
  /** Entries the store's write-back cache holds (default 16,384; see `store.ts`). */
  readonly cacheEntries?: number;
}

const DEFAULT_TTL_SCAN_INTERVAL = 256;
const DEFAULT_TTL_SCAN_BUDGET = 256;

/**
 * {@link KeyedStateBackend} on disk. Not thread-safe and never re-entrant: one task thread
 * drives it. `numEntries` and snapshots scan the whole store.
 */
export class DiskKeyedStateBackend implements KeyedStateBackend {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  private readonly ctx: DiskKeyContext;
  private readonly store: DiskStore;
  /** Marked by every store write (see `DiskStore`), so exact: reads mark nothing. */
  private readonly changes: ChangedKeyGroups;
  private readonly states = new Map<string, Registered>();
  /**
   * Restored states no descriptor has registered yet: their entries sit in the store as the
   * snapshot had them, and are converted if the descriptor's TTL differs when it registers.
   */
  private readonly restored = new Map<string, Catalogued>();
  /** The cleaner of each registered TTL state, by name, for the scan over all states. */
  private readonly ttlCleaners = new Map<string, DiskTtlCleaner>();
  private readonly ttlScan: ExpiredEntryScan;
  private readonly ttlScanInterval: number;
  private readonly ttlScanBudget: number;
  /** Key changes left until the next run of {@link ttlScan}. */
  private untilTtlScan: number;
  /** Incremental cleanups configured with `runForEveryRecord`, run on each key change. */
  private perRecordCleanups: DiskState<any>[] = [];

  constructor(options: KeyedStateBackendOptions, directory: string, tuning: DiskBackendOptions = {}) {
    this.maxParallelism = checkMaxParallelism(options.maxParallelism);
    this.keyGroupRange = checkKeyGroupRange(options.keyGroupRange, this.maxParallelism);
    this.ctx = new DiskKeyContext(options.now);
    this.changes = new ChangedKeyGroups(this.keyGroupRange, this.maxParallelism);
    this.store = new DiskStore(directory, tuning.cacheEntries, this.changes);
    const cleaners = this.ttlCleaners;
    this.ttlScan = new ExpiredEntryScan(
      this.store,
      (key) => (cleaners.size === 0 ? undefined : cleaners.get(stateNameOf(key))),
      options.now,
    );
    this.ttlScanInterval = tuning.ttlScanInterval ?? DEFAULT_TTL_SCAN_INTERVAL;
    this.ttlScanBudget = tuning.ttlScanBudget ?? DEFAULT_TTL_SCAN_BUDGET;
    this.untilTtlScan = this.ttlScanInterval;
  }

  /**
   * Reads up to `maxEntries` store entries from where the previous run stopped (by default, all
   * of them from the start of the store), removing expired entries of every registered TTL state whether or not their keys are
   * ever read again; returns how many store entries were removed. A run ends at the end of a pass
   * over the store. Call it between records, e.g. when the task is idle; the backend also runs it
   * by itself every few key changes. Entries of restored states not registered yet are left
   * alone: their TTL is not known until their descriptor is.
   */
  cleanupExpired(maxEntries = Number.POSITIVE_INFINITY): number {
    // Without a limit, a whole pass: the current one may have started in the middle of the store.
    if (maxEntries === Number.POSITIVE_INFINITY) this.ttlScan.restart();
    return this.ttlScan.run(maxEntries);
  }

  setCurrentKey(key: unknown): void {
    const ctx = this.ctx;
    const canonical = canonicalKey(key);
    if (!ctx.hasKey || canonical !== ctx.canonical) {
      const keyGroup = keyGroupInRange(key, canonical, this.maxParallelism, this.keyGroupRange);
      ctx.canonical = canonical;
      ctx.keyGroup = keyGroup;
      ctx.prefix = keyPrefix(keyGroup, canonical);
      ctx.hasKey = true;
    }
    ctx.key = key;
    ctx.original = isCanonicalKeyExact(key, canonical) ? undefined : key;
    const cleanups = this.perRecordCleanups;
    for (let i = 0; i < cleanups.length; i++) {
      const incremental = cleanups[i]!.incremental!;
      incremental.scan.run(incremental.cleanupSize);
    }
    if (--this.untilTtlScan === 0) {
      this.untilTtlScan = this.ttlScanInterval;
      if (this.ttlCleaners.size > 0) this.ttlScan.run(this.ttlScanBudget);
    }
  }

  getCurrentKey(): unknown {
    return this.ctx.key;
  }

  getCurrentKeyGroup(): number {
    return this.ctx.keyGroup;
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
      return existing.state as InternalStateOf<S>;
    }
    const ttl = descriptor.ttlConfig !== undefined;
    const restored = this.restored.get(name);
    if (restored !== undefined) {
      requireRestoredKind(name, restored.kind, descriptor.kind);
      this.restored.delete(name);
      if (restored.ttl !== ttl) this.convertState(name, restored.kind, restored.ttl, ttl);
    }
    const state = this.createState(descriptor);
    this.states.set(name, { kind: descriptor.kind, ttl, state });
    const config = descriptor.ttlConfig;
    if (config !== undefined) {
      const cleaner = diskTtlCleaner(descriptor.kind, new TtlPolicy(config, this.ctx.now));
      this.ttlCleaners.set(name, cleaner);
      const incremental = config.cleanupIncrementally;
      if (incremental !== undefined) {
        const disk = state as DiskState<any>;
        const statePart = disk.statePart;
        const scan = new ExpiredEntryScan(
          this.store,
          (key) => (isKeyOfState(key, statePart) ? cleaner : undefined),
          this.ctx.now,
        );
        disk.incremental = { scan, cleanupSize: incremental.cleanupSize };
        if (incremental.runForEveryRecord) this.perRecordCleanups.push(disk);
      }
    }
    return state as InternalStateOf<S>;
  }

  numEntries(): number {
    let total = 0;
    let previous: Buffer | undefined;
    for (const { key } of this.store.range(EVERYTHING)) {
      // Map slots of one (key, state, namespace) are adjacent and count as one entry.
      const entry = key.subarray(0, parseStoreKey(key).entryLength);
      if (previous === undefined || !previous.equals(entry)) total++;
      previous = entry;
    }
    return total;
  }

  takeChangedKeyGroups(): ReadonlySet<number> | undefined {
    return this.changes.take();
  }

  snapshotKeyGroups(keyGroups?: ReadonlySet<number>): Map<number, HeapKeyGroupSnapshot> {
    if (keyGroups === undefined) return this.snapshotRange(EVERYTHING);
    const out = new Map<number, HeapKeyGroupSnapshot>();
    // Entries are sorted by key group first: each group is one range of the store.
    for (const keyGroup of [...keyGroups].sort((a, b) => a - b)) {
      const snapshot = this.snapshotRange(keyGroupPrefix(keyGroup)).get(keyGroup);
      if (snapshot !== undefined) out.set(keyGroup, snapshot);
    }
    return out;
  }

  /** The snapshot of the entries whose store keys start with `prefix`, by key group. */
  private snapshotRange(prefix: Buffer): Map<number, HeapKeyGroupSnapshot> {
    /** Per key group, per state name, per key (by its store prefix): the row being built. */
    const groups = new Map<number, Map<string, Map<string, unknown[]>>>();
    for (const { key, value, original } of this.store.range(prefix)) {
      const parsed = parseStoreKey(key);
      let states = groups.get(parsed.keyGroup);
      if (states === undefined) {
        states = new Map();
        groups.set(parsed.keyGroup, states);
      }
      let rows = states.get(parsed.state);
      if (rows === undefined) {
        rows = new Map();
        states.set(parsed.state, rows);
      }
      const rowId = `${typeof parsed.key}:${String(parsed.key)}`;
      let row = rows.get(rowId);
      if (row === undefined) {
        row = [original === undefined ? keyFromCanonical(parsed.key) : original];
        rows.set(rowId, row);
      }
      if (parsed.userKey === undefined) {
        row.push(parsed.ns, value);
        continue;
      }
      // Map slots of one namespace are adjacent: extend the slot map of the row's last namespace.
      const last = row.length - 2;
      let slots =
        last >= 1 && row[last] === parsed.ns ? (row[last + 1] as Map<CanonicalKey, unknown>) : undefined;
      if (slots === undefined) {
        slots = new Map();
        row.push(parsed.ns, slots);
      }
      slots.set(parsed.userKey, value);
    }
    const out = new Map<number, HeapKeyGroupSnapshot>();
    for (const [keyGroup, states] of groups) {
      const snapshot: HeapKeyGroupSnapshot = [];
      for (const [name, rows] of states) {
        const { kind, ttl } = this.catalogued(name);
        snapshot.push({ name, kind, ttl, rows: [...rows.values()] });
      }
      out.set(keyGroup, snapshot);
    }
    return out;
  }

  restoreKeyGroup(keyGroup: number, data: unknown): void {
    const { start, end } = this.keyGroupRange;
    if (!Number.isInteger(keyGroup) || keyGroup < start || keyGroup > end) {
      throw corruptSnapshot(
        `key group ${keyGroup} was assigned to a subtask with key group range ${start}..${end}`,
      );
    }
    const now = this.ctx.now();
    for (const snapshot of readKeyGroupSnapshot(data)) {
      const { name, kind } = snapshot;
      const registered = this.states.get(name);
      let target: Catalogued;
      if (registered !== undefined) {
        requireRestoredKind(name, kind, registered.kind);
        target = registered;
      } else {
        const restored = this.restored.get(name);
        if (restored !== undefined && restored.kind !== kind) {
          throw corruptSnapshot(`state "${name}" was restored both as ${restored.kind} and as ${kind} state`);
        }
        target = restored ?? { kind, ttl: snapshot.ttl };
        this.restored.set(name, target);
      }
      const convert = ttlConversion(kind, snapshot.ttl, target.ttl, now);
      this.restoreRows(name, kind, snapshotRows(snapshot, keyGroup), keyGroup, convert);
    }
  }

  dispose(): void {
    this.states.clear();
    this.restored.clear();
    this.ttlCleaners.clear();
    this.perRecordCleanups = [];
    this.store.close();
    const ctx = this.ctx;
    ctx.hasKey = false;
    ctx.key = undefined;
    ctx.keyGroup = -1;
  }

  private catalogued(name: string): Catalogued {
    const known = this.states.get(name) ?? this.restored.get(name);
    if (known === undefined) throw corruptSnapshot(`the store holds entries of unknown state "${name}"`);
    return known;
  }

  private createState(descriptor: StateDescriptor<any, any>): unknown {
    const { name, ttlConfig } = descriptor;
    const ctx = this.ctx;
    const store = this.store;
    const policy = ttlConfig === undefined ? undefined : new TtlPolicy(ttlConfig, ctx.now);
    switch (descriptor.kind) {
      case 'value':
        return new DiskValueState(name, ctx, store, policy, descriptor.defaultValue);
      case 'list':
        return new DiskListState(name, ctx, store, policy);
      case 'map':
        return new DiskMapState(name, ctx, store, policy);
      case 'reducing':
        return new DiskReducingState(
          name,
          ctx,
          store,
          policy,
          (descriptor as ReducingStateDescriptor<any>).reduceFunction,
        );
      case 'aggregating':
        return new DiskAggregatingState(
          name,
          ctx,
          store,
          policy,
          (descriptor as AggregatingStateDescriptor<any, any, any>).aggregateFunction,
        );
    }
  }

  /** Rewrites a restored state's values when it is registered with TTL switched on or off. */
  private convertState(name: string, kind: StateKind, fromTtl: boolean, toTtl: boolean): void {
    const convert = ttlConversion(kind, fromTtl, toTtl, this.ctx.now());
    if (convert === undefined && kind !== 'map') return;
    const now = this.ctx.now();
    const rewrites: Array<[Buffer, unknown, unknown]> = [];
    for (const { key, value, original } of this.store.range(EVERYTHING)) {
      if (parseStoreKey(key).state !== name) continue;
      if (kind === 'map') {
        if (toTtl) (value as { ts: number }).ts = now;
        rewrites.push([key, value, original]);
      } else rewrites.push([key, convert!(value), original]);
    }
    for (const [key, value, original] of rewrites) this.store.put(key, value, original);
  }

  private restoreRows(
    name: string,
    kind: StateKind,
    rows: readonly unknown[][],
    keyGroup: number,
    convert: ((value: any) => unknown) | undefined,
  ): void {
    const statePart = encodePart(name);
    const store = this.store;
    for (const row of rows) {
      if (!Array.isArray(row) || row.length < 3 || row.length % 2 === 0) {
        throw corruptSnapshot(`a row of key group ${keyGroup} is not [key, ns, value, …]`);
      }
      const key = row[0];
      const canonical = canonicalKey(key);
      const actual = keyGroupOfCanonical(canonical, this.maxParallelism);
      if (actual !== keyGroup) {
        throw corruptSnapshot(
          `a key of key group ${actual} was restored as part of key group ${keyGroup} (maxParallelism ${this.maxParallelism}); the snapshot was taken with another maxParallelism or assigned to the wrong subtask`,
        );
      }
      const original = isCanonicalKeyExact(key, canonical) ? undefined : key;
      const prefix = keyPrefix(keyGroup, canonical);
      for (let i = 1; i < row.length; i += 2) {
        const entryKey = storeKey([prefix, statePart, encodePart(row[i] as NamespaceKey)]);
        const value = convert === undefined ? row[i + 1] : convert(row[i + 1]);
        if (kind !== 'map') {
          store.put(entryKey, value, original);
          continue;
        }
        if (!(value instanceof Map))
          throw corruptSnapshot(`a map state entry of key group ${keyGroup} is not a Map`);
        // A restored entry replaces what is there, as on the heap: the whole map of that namespace.
        store.removeRange(entryKey);
        for (const [ck, slot] of value as Map<CanonicalKey, unknown>) {
          store.put(storeKey([entryKey, encodePart(ck)]), slot, original);
        }
      }
    }
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

/**
 * A factory of disk backends, each in a fresh temporary directory under `directory` (default:
 * the OS temp directory) that its `dispose()` deletes. The directory is working space only:
 * what survives a failure is the checkpoint, not the store. Its name carries the process id, so
 * that the first backend a process creates removes the directories of processes that died
 * without deleting theirs (see `stale-stores.ts`).
 */
export function diskStateBackendFactory(
  directory?: string,
  tuning?: DiskBackendOptions,
): KeyedStateBackendFactory {
  return {
    create: (options) =>
      new DiskKeyedStateBackend(options, createStoreDirectory(directory ?? tmpdir()), tuning),
  };
}
