import { afterEach, describe, expect, it } from 'vitest';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../../types/state.js';
import { FakeClock } from '../heap/test-helpers.js';
import {
  type DiskBackendOptions,
  type DiskKeyedStateBackend,
  diskStateBackendFactory,
} from './disk-backend.js';

const TTL = 100;
const backends: DiskKeyedStateBackend[] = [];

afterEach(() => {
  for (const backend of backends.splice(0)) backend.dispose();
});

function setup(tuning: DiskBackendOptions = { ttlScanInterval: 0 }) {
  const clock = new FakeClock();
  const backend = diskStateBackendFactory(undefined, tuning).create({
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    now: clock.now,
  }) as DiskKeyedStateBackend;
  backends.push(backend);
  return { clock, backend };
}

const ttl = StateTtlConfig.newBuilder(TTL).build();

describe('disk backend: removing expired state without reading it', () => {
  it('cleanupExpired removes every expired entry of every kind, in lmdb and in the cache, and keeps live ones', () => {
    const { clock, backend } = setup();
    const v = backend.getOrCreateState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    const l = backend.getOrCreateState(new ListStateDescriptor<number>('l').enableTimeToLive(ttl));
    const m = backend.getOrCreateState(new MapStateDescriptor<string, number>('m').enableTimeToLive(ttl));
    const plain = backend.getOrCreateState(new ValueStateDescriptor<number>('plain'));
    for (let k = 0; k < 500; k++) {
      backend.setCurrentKey(k);
      v.update(k);
      l.add(k);
      m.put('a', k);
      m.put('b', k);
      plain.update(k);
    }
    // Half of the entries reach lmdb now, the rest stay as pending writes in the cache.
    expect(backend.numEntries()).toBe(2000);
    for (let k = 500; k < 1000; k++) {
      backend.setCurrentKey(k);
      v.update(k);
      l.add(k);
      m.put('a', k);
    }
    clock.advance(TTL - 1);
    backend.setCurrentKey('live');
    v.update(1);
    l.add(1);
    m.put('a', 1);
    clock.advance(1);
    // 3 TTL entries per key for 1000 keys (2 map slots for the first 500), all expired.
    expect(backend.cleanupExpired()).toBe(3500);
    expect(backend.numEntries()).toBe(500 + 3);
    expect(backend.cleanupExpired()).toBe(0);
    backend.setCurrentKey(7);
    expect(plain.value()).toBe(7);
    backend.setCurrentKey('live');
    expect(v.value()).toBe(1);
    expect([...l.get()]).toEqual([1]);
    expect([...m.entries()]).toEqual([['a', 1]]);
  });

  it('reads at most maxEntries per run and resumes where it stopped', () => {
    const { clock, backend } = setup();
    const v = backend.getOrCreateState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    for (let k = 0; k < 100; k++) {
      backend.setCurrentKey(k);
      v.update(k);
    }
    expect(backend.numEntries()).toBe(100);
    clock.advance(TTL);
    const removed: number[] = [];
    for (let i = 0; i < 11; i++) removed.push(backend.cleanupExpired(10));
    expect(removed.slice(0, 10)).toEqual(Array(10).fill(10));
    expect(backend.numEntries()).toBe(0);
  });

  it('drops only the expired elements of a list', () => {
    const { clock, backend } = setup();
    const config = StateTtlConfig.newBuilder(TTL).returnExpiredIfNotCleanedUp().build();
    const l = backend.getOrCreateState(new ListStateDescriptor<number>('l').enableTimeToLive(config));
    backend.setCurrentKey('k');
    l.add(1);
    clock.advance(50);
    l.add(2);
    clock.advance(50);
    expect(backend.cleanupExpired()).toBe(0);
    expect(backend.numEntries()).toBe(1);
    clock.advance(50);
    // Under ReturnExpiredIfNotCleanedUp a read shows what the scan left: without it, [1, 2].
    expect([...l.get()]).toEqual([2]);
    expect(backend.numEntries()).toBe(0);
  });

  it('runs by itself every ttlScanInterval key changes, so keys never read again do not stay', () => {
    const { clock, backend } = setup({ ttlScanInterval: 10, ttlScanBudget: 50 });
    const v = backend.getOrCreateState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    for (let k = 0; k < 1000; k++) {
      backend.setCurrentKey(k);
      v.update(k);
    }
    clock.advance(TTL);
    expect(backend.numEntries()).toBe(1000);
    // Other keys, state untouched: 200 runs of 50 entries cover the store more than once.
    for (let i = 0; i < 2000; i++) backend.setCurrentKey(`other${i % 3}`);
    expect(backend.numEntries()).toBe(0);
  });

  it('leaves state without TTL alone, and restored states not registered yet', () => {
    const { clock, backend } = setup();
    const plain = backend.getOrCreateState(new ValueStateDescriptor<number>('plain'));
    const v = backend.getOrCreateState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    backend.setCurrentKey('k');
    plain.update(1);
    v.update(1);
    const snapshot = backend.snapshotKeyGroups();
    const { backend: restored, clock: clock2 } = setup();
    for (const [group, data] of snapshot) restored.restoreKeyGroup(group, data);
    clock.advance(TTL);
    clock2.advance(TTL);
    expect(backend.cleanupExpired()).toBe(1);
    expect(backend.numEntries()).toBe(1);
    expect(restored.cleanupExpired()).toBe(0);
    expect(restored.numEntries()).toBe(2);
    restored.getOrCreateState(new ValueStateDescriptor<number>('v').enableTimeToLive(ttl));
    expect(restored.cleanupExpired()).toBe(1);
    expect(restored.numEntries()).toBe(1);
  });
});
