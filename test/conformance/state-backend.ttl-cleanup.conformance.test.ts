/**
 * State TTL's incremental cleanup (`cleanupIncrementally`), run against each backend: expired
 * entries of keys that are not accessed go away, a bounded number per state access or per record.
 */
import { describe, expect, it } from 'vitest';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../../src/types/state.js';
import { BACKENDS, FakeClock } from './state-backend.fixtures.js';

const TTL = 100;

for (const { name, newBackend } of BACKENDS) {
  function setup() {
    const clock = new FakeClock();
    const backend = newBackend(clock);
    backend.setCurrentKey('k');
    return { clock, backend };
  }

  describe(`${name}: state TTL: incremental cleanup`, () => {
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

    it('removes many expired keys that are never read again, and keeps the live ones', () => {
      const { clock, backend } = setup();
      const config = StateTtlConfig.newBuilder(TTL).cleanupIncrementally(10, true).build();
      const v = backend.getOrCreateState(new ValueStateDescriptor<number>('v').enableTimeToLive(config));
      const m = backend.getOrCreateState(
        new MapStateDescriptor<string, number>('m').enableTimeToLive(config),
      );
      for (let k = 0; k < 2000; k++) {
        backend.setCurrentKey(`old${k}`);
        v.update(k);
        m.put('a', k);
      }
      clock.advance(TTL / 2);
      for (let k = 0; k < 50; k++) {
        backend.setCurrentKey(`live${k}`);
        v.update(k);
      }
      clock.advance(TTL / 2);
      expect(backend.numEntries()).toBe(4050);
      // 500 records on one key: 5000 entries checked per state, more than one pass.
      for (let i = 0; i < 500; i++) backend.setCurrentKey('other');
      expect(backend.numEntries()).toBe(50);
      backend.setCurrentKey('live7');
      expect(v.value()).toBe(7);
    });

    it('cleans partially expired lists and maps in place', () => {
      const { clock, backend } = setup();
      const config = StateTtlConfig.newBuilder(TTL)
        .cleanupIncrementally(10)
        .returnExpiredIfNotCleanedUp()
        .build();
      const l = backend.getOrCreateState(new ListStateDescriptor<number>('l').enableTimeToLive(config));
      const m = backend.getOrCreateState(
        new MapStateDescriptor<string, number>('m').enableTimeToLive(config),
      );
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
}
