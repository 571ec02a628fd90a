/**
 * State reads and writes per second through the `KeyedStateBackend` API, the way an operator
 * uses it: `setCurrentKey` and then one state access, over many keys, on one backend in this
 * thread (see bench/state-backend.ts). Each phase touches every key once, in key order
 * ("sequential") or in a fixed pseudo-random permutation ("random"); the disk backend's
 * write-back cache holds 16k entries, so with many keys random access mostly misses it.
 */
import { MapStateDescriptor, ValueStateDescriptor } from '../src/index.js';
import type { KeyedStateBackend } from '../src/state/backend.js';
import { type StateBackendName, stateBackendFactory } from '../src/state/backends.js';

/** Operations per second of each phase, with a checksum of what the reads returned. */
export interface OpsResult {
  readonly keys: number;
  /** ValueState.update of a new entry per key, keys in order. */
  readonly valueInsertSequential: number;
  /** ValueState.value, keys in order. */
  readonly valueGetSequential: number;
  /** ValueState.value, keys in random order. */
  readonly valueGetRandom: number;
  /** ValueState.value then update (a counter), keys in random order: one read and one write each. */
  readonly valueReadModifyWriteRandom: number;
  /** MapState.put of `mapEntries` user keys per key (ops = keys × mapEntries), keys in order. */
  readonly mapPut: number;
  /** MapState.get of one user key, keys in random order. */
  readonly mapGetRandom: number;
  readonly mapEntries: number;
  /** Sum of the values read, equal for every backend when both behave the same. */
  readonly checksum: number;
}

const MAP_ENTRIES = 4;

/** A permutation of 0..n-1 from a fixed seed, so both backends see the same order. */
function permutation(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let seed = 0x9e3779b9;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = seed % (i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

function perSecond(ops: number, start: number): number {
  return Math.round((ops * 1000) / (performance.now() - start));
}

/** Runs every phase on a fresh backend of `name` with `keys` keys (numbers). */
export function measureOps(name: StateBackendName, keys: number): OpsResult {
  const backend: KeyedStateBackend = stateBackendFactory(name).create({
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    now: Date.now,
  });
  try {
    const order = permutation(keys);
    const value = backend.getOrCreateState(new ValueStateDescriptor<number>('value'));
    const map = backend.getOrCreateState(new MapStateDescriptor<number, number>('map'));
    let checksum = 0;

    let start = performance.now();
    for (let k = 0; k < keys; k++) {
      backend.setCurrentKey(k);
      value.update(k);
    }
    const valueInsertSequential = perSecond(keys, start);

    start = performance.now();
    for (let k = 0; k < keys; k++) {
      backend.setCurrentKey(k);
      checksum += value.value() ?? 0;
    }
    const valueGetSequential = perSecond(keys, start);

    start = performance.now();
    for (let i = 0; i < keys; i++) {
      backend.setCurrentKey(order[i]!);
      checksum += value.value() ?? 0;
    }
    const valueGetRandom = perSecond(keys, start);

    start = performance.now();
    for (let i = 0; i < keys; i++) {
      backend.setCurrentKey(order[i]!);
      value.update((value.value() ?? 0) + 1);
    }
    const valueReadModifyWriteRandom = perSecond(keys, start);

    start = performance.now();
    for (let k = 0; k < keys; k++) {
      backend.setCurrentKey(k);
      for (let u = 0; u < MAP_ENTRIES; u++) map.put(u, k + u);
    }
    const mapPut = perSecond(keys * MAP_ENTRIES, start);

    start = performance.now();
    for (let i = 0; i < keys; i++) {
      const k = order[i]!;
      backend.setCurrentKey(k);
      checksum += map.get(k % MAP_ENTRIES) ?? 0;
    }
    const mapGetRandom = perSecond(keys, start);

    // Read back the read-modify-write phase so that a lost write shows in the checksum.
    for (let k = 0; k < keys; k += 97) {
      backend.setCurrentKey(k);
      checksum += value.value() ?? 0;
    }
    return {
      keys,
      valueInsertSequential,
      valueGetSequential,
      valueGetRandom,
      valueReadModifyWriteRandom,
      mapPut,
      mapGetRandom,
      mapEntries: MAP_ENTRIES,
      checksum,
    };
  } finally {
    backend.dispose();
  }
}
