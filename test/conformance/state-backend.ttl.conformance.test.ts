/**
 * State TTL semantics every keyed state backend shares (expiry, update types, visibility, per
 * element and per entry TTL, merging), run against each backend.
 */
import { describe, expect, it } from 'vitest';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  type TtlStateVisibility,
  type TtlUpdateType,
  ValueStateDescriptor,
} from '../../src/types/state.js';
import type { InternalReducingState } from '../../src/state/backend.js';
import { BACKENDS, FakeClock } from './state-backend.fixtures.js';

const TTL = 100;

function ttl(update: TtlUpdateType, visibility: TtlStateVisibility): StateTtlConfig {
  return StateTtlConfig.newBuilder(TTL).setUpdateType(update).setStateVisibility(visibility).build();
}

for (const { name, newBackend } of BACKENDS) {
  function setup() {
    const clock = new FakeClock();
    const backend = newBackend(clock);
    backend.setCurrentKey('k');
    return { clock, backend };
  }

  describe(`${name}: state TTL: value state`, () => {
    it('expires exactly at lastWrite + ttl (inclusive), and removes the entry on read', () => {
      const { clock, backend } = setup();
      const v = backend.getOrCreateState(
        new ValueStateDescriptor<string>('v', 'dflt').enableTimeToLive(
          ttl('OnCreateAndWrite', 'NeverReturnExpired'),
        ),
      );
      v.update('x');
      clock.advance(TTL - 1);
      expect(v.value()).toBe('x');
      clock.advance(1);
      expect(backend.numEntries()).toBe(1);
      expect(v.value()).toBe('dflt');
      expect(backend.numEntries()).toBe(0);
    });

    it('OnCreateAndWrite: reads do not extend the lifetime; writes do', () => {
      const { clock, backend } = setup();
      const v = backend.getOrCreateState(
        new ValueStateDescriptor<number>('v').enableTimeToLive(ttl('OnCreateAndWrite', 'NeverReturnExpired')),
      );
      v.update(1);
      clock.advance(60);
      expect(v.value()).toBe(1);
      clock.advance(60);
      expect(v.value()).toBeUndefined();
      v.update(2);
      clock.advance(60);
      v.update(3);
      clock.advance(60);
      expect(v.value()).toBe(3);
    });

    it('OnReadAndWrite: reads extend the lifetime', () => {
      const { clock, backend } = setup();
      const v = backend.getOrCreateState(
        new ValueStateDescriptor<number>('v').enableTimeToLive(ttl('OnReadAndWrite', 'NeverReturnExpired')),
      );
      v.update(1);
      for (let i = 0; i < 5; i++) {
        clock.advance(60);
        expect(v.value()).toBe(1);
      }
      clock.advance(100);
      expect(v.value()).toBeUndefined();
    });

    it('ReturnExpiredIfNotCleanedUp: returns an expired value once, then it is gone', () => {
      const { clock, backend } = setup();
      const v = backend.getOrCreateState(
        new ValueStateDescriptor<number>('v').enableTimeToLive(
          ttl('OnCreateAndWrite', 'ReturnExpiredIfNotCleanedUp'),
        ),
      );
      v.update(1);
      clock.advance(500);
      expect(v.value()).toBe(1);
      expect(v.value()).toBeUndefined();
      expect(backend.numEntries()).toBe(0);
    });
  });

  describe(`${name}: state TTL: list state (per element)`, () => {
    it('expires elements independently and drops the entry when all expired', () => {
      const { clock, backend } = setup();
      const l = backend.getOrCreateState(
        new ListStateDescriptor<string>('l').enableTimeToLive(ttl('OnCreateAndWrite', 'NeverReturnExpired')),
      );
      l.add('a');
      clock.advance(50);
      l.addAll(['b', 'c']);
      clock.advance(50);
      expect([...l.get()]).toEqual(['b', 'c']);
      clock.advance(50);
      expect([...l.get()]).toEqual([]);
      expect(backend.numEntries()).toBe(0);
    });

    it('OnReadAndWrite refreshes every unexpired element on get()', () => {
      const { clock, backend } = setup();
      const l = backend.getOrCreateState(
        new ListStateDescriptor<string>('l').enableTimeToLive(ttl('OnReadAndWrite', 'NeverReturnExpired')),
      );
      l.add('a');
      clock.advance(50);
      l.add('b');
      clock.advance(49);
      expect([...l.get()]).toEqual(['a', 'b']);
      clock.advance(99);
      expect([...l.get()]).toEqual(['a', 'b']);
      clock.advance(100);
      expect([...l.get()]).toEqual([]);
    });

    it('ReturnExpiredIfNotCleanedUp returns expired elements on the read that removes them', () => {
      const { clock, backend } = setup();
      const l = backend.getOrCreateState(
        new ListStateDescriptor<string>('l').enableTimeToLive(
          ttl('OnCreateAndWrite', 'ReturnExpiredIfNotCleanedUp'),
        ),
      );
      l.add('old');
      clock.advance(100);
      l.add('new');
      expect([...l.get()]).toEqual(['old', 'new']);
      expect([...l.get()]).toEqual(['new']);
    });

    it('update() stamps all elements with the current time', () => {
      const { clock, backend } = setup();
      const l = backend.getOrCreateState(
        new ListStateDescriptor<number>('l').enableTimeToLive(ttl('OnCreateAndWrite', 'NeverReturnExpired')),
      );
      l.add(1);
      clock.advance(90);
      l.update([2, 3]);
      clock.advance(90);
      expect([...l.get()]).toEqual([2, 3]);
    });
  });

  describe(`${name}: state TTL: map state (per entry)`, () => {
    it('expires entries independently; get/contains/entries/isEmpty respect TTL', () => {
      const { clock, backend } = setup();
      const m = backend.getOrCreateState(
        new MapStateDescriptor<string, number>('m').enableTimeToLive(
          ttl('OnCreateAndWrite', 'NeverReturnExpired'),
        ),
      );
      m.put('a', 1);
      clock.advance(50);
      m.put('b', 2);
      clock.advance(50);
      expect(m.get('a')).toBeUndefined();
      expect(m.contains('a')).toBe(false);
      expect(m.get('b')).toBe(2);
      expect([...m.entries()]).toEqual([['b', 2]]);
      clock.advance(50);
      expect(m.isEmpty()).toBe(true);
      expect(backend.numEntries()).toBe(0);
    });

    it('OnReadAndWrite refreshes only the entries read', () => {
      const { clock, backend } = setup();
      const m = backend.getOrCreateState(
        new MapStateDescriptor<string, number>('m').enableTimeToLive(
          ttl('OnReadAndWrite', 'NeverReturnExpired'),
        ),
      );
      m.putAll([
        ['a', 1],
        ['b', 2],
      ]);
      clock.advance(60);
      expect(m.get('a')).toBe(1);
      clock.advance(60);
      expect([...m.keys()]).toEqual(['a']);
      clock.advance(60);
      expect([...m.values()]).toEqual([1]);
    });

    it('ReturnExpiredIfNotCleanedUp: an expired entry is seen once by get, contains or iteration', () => {
      const { clock, backend } = setup();
      const m = backend.getOrCreateState(
        new MapStateDescriptor<string, number>('m').enableTimeToLive(
          ttl('OnCreateAndWrite', 'ReturnExpiredIfNotCleanedUp'),
        ),
      );
      m.putAll([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]);
      clock.advance(100);
      expect(m.get('a')).toBe(1);
      expect(m.get('a')).toBeUndefined();
      expect(m.contains('b')).toBe(true);
      expect(m.contains('b')).toBe(false);
      expect([...m.entries()]).toEqual([['c', 3]]);
      expect([...m.entries()]).toEqual([]);
      expect(backend.numEntries()).toBe(0);
    });
  });

  describe(`${name}: state TTL: reducing and aggregating state`, () => {
    const sum = { reduce: (a: number, b: number) => a + b };
    const count = {
      createAccumulator: () => 0,
      add: (_: string, acc: number) => acc + 1,
      getResult: (acc: number) => acc,
      merge: (a: number, b: number) => a + b,
    };

    it('reducing: an expired value is not folded into the next add (NeverReturnExpired)', () => {
      const { clock, backend } = setup();
      const r = backend.getOrCreateState(
        new ReducingStateDescriptor<number>('r', sum).enableTimeToLive(
          ttl('OnCreateAndWrite', 'NeverReturnExpired'),
        ),
      );
      r.add(1);
      r.add(2);
      clock.advance(100);
      r.add(10);
      expect(r.get()).toBe(10);
      clock.advance(99);
      expect(r.get()).toBe(10);
      clock.advance(1);
      expect(r.get()).toBeUndefined();
    });

    it('reducing: with ReturnExpiredIfNotCleanedUp the expired value is still folded in, as in Flink', () => {
      const { clock, backend } = setup();
      const r = backend.getOrCreateState(
        new ReducingStateDescriptor<number>('r', sum).enableTimeToLive(
          ttl('OnCreateAndWrite', 'ReturnExpiredIfNotCleanedUp'),
        ),
      );
      r.add(1);
      clock.advance(100);
      r.add(10);
      expect(r.get()).toBe(11);
    });

    it('aggregating: expiry restarts the accumulator; OnReadAndWrite get() extends it', () => {
      const { clock, backend } = setup();
      const a = backend.getOrCreateState(
        new AggregatingStateDescriptor('a', count).enableTimeToLive(
          ttl('OnReadAndWrite', 'NeverReturnExpired'),
        ),
      );
      a.add('x');
      a.add('y');
      clock.advance(90);
      expect(a.get()).toBe(2);
      clock.advance(90);
      expect(a.get()).toBe(2);
      clock.advance(100);
      a.add('z');
      expect(a.get()).toBe(1);
    });

    it('merging skips expired sources (NeverReturnExpired)', () => {
      const { clock, backend } = setup();
      const r = backend.getOrCreateState(
        new ReducingStateDescriptor<number>('r', sum).enableTimeToLive(
          ttl('OnCreateAndWrite', 'NeverReturnExpired'),
        ),
      ) as InternalReducingState<number>;
      r.setCurrentNamespace('old');
      r.add(1000);
      clock.advance(100);
      r.setCurrentNamespace('s');
      r.add(5);
      r.setCurrentNamespace('t');
      r.add(1);
      r.mergeNamespaces('t', ['old', 's']);
      expect(r.get()).toBe(6);
      expect(backend.numEntries()).toBe(1);
    });
  });
}
