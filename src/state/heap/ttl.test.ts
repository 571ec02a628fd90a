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
} from '../../types/state.js';
import type { InternalReducingState } from '../backend.js';
import { FakeClock, newBackend } from './test-helpers.js';

const TTL = 100;

function ttl(update: TtlUpdateType, visibility: TtlStateVisibility): StateTtlConfig {
  return StateTtlConfig.newBuilder(TTL).setUpdateType(update).setStateVisibility(visibility).build();
}

function setup() {
  const clock = new FakeClock();
  const backend = newBackend(clock);
  backend.setCurrentKey('k');
  return { clock, backend };
}

describe('state TTL: value state', () => {
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

describe('state TTL: list state (per element)', () => {
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

describe('state TTL: map state (per entry)', () => {
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

describe('state TTL: reducing and aggregating state', () => {
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
