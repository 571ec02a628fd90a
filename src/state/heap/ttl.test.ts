import { describe, expect, it } from 'vitest';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../../types/state.js';
import { FakeClock, newBackend } from './test-helpers.js';

const TTL = 100;

function setup() {
  const clock = new FakeClock();
  const backend = newBackend(clock);
  backend.setCurrentKey('k');
  return { clock, backend };
}

// The TTL behaviour shared with other backends is in test/conformance/state-backend.ttl.conformance.test.ts.
describe('state TTL: incremental cleanup', () => {
  it('removes expired entries of other keys, at most cleanupSize per state access', () => {
    const { clock, backend } = setup();
    const config = StateTtlConfig.newBuilder(TTL).cleanupIncrementally(2).build();
    const v = backend.getOrCreateState(new ValueStateDescriptor<number>('v').enableTimeToLive(config));
    for (let k = 0; k < 6; k++) {
      backend.setCurrentKey(k);
      v.update(k);
    }
    clock.advance(TTL);
    backend.setCurrentKey('fresh');
    v.update(1);
    const counts = [backend.numEntries()];
    for (let i = 0; i < 8; i++) {
      expect(v.value()).toBe(1);
      counts.push(backend.numEntries());
    }
    for (let i = 1; i < counts.length; i++) {
      expect(counts[i - 1]! - counts[i]!).toBeGreaterThanOrEqual(0);
      expect(counts[i - 1]! - counts[i]!).toBeLessThanOrEqual(2);
    }
    expect(counts[0]).toBeGreaterThan(1);
    expect(counts.at(-1)).toBe(1);
  });

  it('runForEveryRecord cleans on key changes, without state access', () => {
    const { clock, backend } = setup();
    const config = StateTtlConfig.newBuilder(TTL).cleanupIncrementally(1, true).build();
    const l = backend.getOrCreateState(new ListStateDescriptor<number>('l').enableTimeToLive(config));
    for (let k = 0; k < 3; k++) {
      backend.setCurrentKey(k);
      l.add(k);
    }
    clock.advance(TTL);
    expect(backend.numEntries()).toBe(3);
    backend.setCurrentKey('x');
    expect(backend.numEntries()).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 5; i++) backend.setCurrentKey(i % 2 === 0 ? 'y' : 'z');
    expect(backend.numEntries()).toBe(0);
  });

  it('does not clean without incremental cleanup configured (only reads remove)', () => {
    const { clock, backend } = setup();
    const v = backend.getOrCreateState(
      new ValueStateDescriptor<number>('v').enableTimeToLive(StateTtlConfig.newBuilder(TTL).build()),
    );
    for (let k = 0; k < 3; k++) {
      backend.setCurrentKey(k);
      v.update(k);
    }
    clock.advance(TTL);
    backend.setCurrentKey(0);
    for (let i = 0; i < 5; i++) v.value();
    expect(backend.numEntries()).toBe(2);
  });

  it('cleans partially expired lists and maps in place', () => {
    const { clock, backend } = setup();
    const config = StateTtlConfig.newBuilder(TTL)
      .cleanupIncrementally(10)
      .returnExpiredIfNotCleanedUp()
      .build();
    const l = backend.getOrCreateState(new ListStateDescriptor<number>('l').enableTimeToLive(config));
    const m = backend.getOrCreateState(new MapStateDescriptor<string, number>('m').enableTimeToLive(config));
    l.add(1);
    m.put('old', 1);
    clock.advance(50);
    l.add(2);
    m.put('new', 2);
    clock.advance(50);
    // Each access first runs the cleanup, so the expired parts are gone before being read.
    expect([...l.get()]).toEqual([2]);
    expect([...m.entries()]).toEqual([['new', 2]]);
  });
});
