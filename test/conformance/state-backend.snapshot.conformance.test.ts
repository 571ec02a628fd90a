/**
 * Snapshots are portable between backends: what one backend's `snapshotKeyGroups` writes,
 * encoded as a checkpoint encodes it, restores into any other with the same observable state.
 */
import { describe, expect, it } from 'vitest';
import type { KeyedStateBackend } from '../../src/state/backend.js';
import { restoreKeyedState, snapshotKeyedState } from '../../src/state/keyed-snapshot.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../../src/types/state.js';
import { BACKENDS, FakeClock } from './state-backend.fixtures.js';

const KEYS: unknown[] = ['a', 7, -0.5, true, 12n, { id: 1, tags: ['x'] }, [1, 'two'], '#weird'];
const sum = { reduce: (a: number, b: number) => a + b };
const count = {
  createAccumulator: () => ({ n: 0 }),
  add: (_: string, acc: { n: number }) => ({ n: acc.n + 1 }),
  getResult: (acc: { n: number }) => acc.n,
  merge: (a: { n: number }, b: { n: number }) => ({ n: a.n + b.n }),
};
const ttl = StateTtlConfig.newBuilder(1000).build();

function descriptors() {
  return {
    value: new ValueStateDescriptor<string>('value'),
    ttlValue: new ValueStateDescriptor<number>('ttl-value').enableTimeToLive(ttl),
    list: new ListStateDescriptor<number>('list'),
    map: new MapStateDescriptor<unknown, string>('map'),
    ttlMap: new MapStateDescriptor<string, number>('ttl-map').enableTimeToLive(ttl),
    reducing: new ReducingStateDescriptor<number>('reducing', sum),
    aggregating: new AggregatingStateDescriptor('aggregating', count),
  };
}

function fill(backend: KeyedStateBackend): void {
  const d = descriptors();
  const value = backend.getOrCreateState(d.value);
  const ttlValue = backend.getOrCreateState(d.ttlValue);
  const list = backend.getOrCreateState(d.list);
  const map = backend.getOrCreateState(d.map);
  const ttlMap = backend.getOrCreateState(d.ttlMap);
  const reducing = backend.getOrCreateState(d.reducing);
  const aggregating = backend.getOrCreateState(d.aggregating);
  KEYS.forEach((key, i) => {
    backend.setCurrentKey(key);
    value.update(`v${i}`);
    ttlValue.update(i);
    list.addAll([i, i + 1]);
    map.put({ k: i }, `m${i}`);
    map.put(i, `n${i}`);
    ttlMap.put(`t${i}`, i);
    for (const ns of ['w1', 'w2']) {
      reducing.setCurrentNamespace(ns);
      reducing.add(i);
      aggregating.setCurrentNamespace(ns);
      aggregating.add('x');
      list.setCurrentNamespace(ns);
      list.add(i * 10);
    }
    list.setCurrentNamespace('');
  });
}

/** Everything observable through the states, per key, with map entries in a stable order. */
function observe(backend: KeyedStateBackend): unknown {
  const d = descriptors();
  const value = backend.getOrCreateState(d.value);
  const ttlValue = backend.getOrCreateState(d.ttlValue);
  const list = backend.getOrCreateState(d.list);
  const map = backend.getOrCreateState(d.map);
  const ttlMap = backend.getOrCreateState(d.ttlMap);
  const reducing = backend.getOrCreateState(d.reducing);
  const aggregating = backend.getOrCreateState(d.aggregating);
  const sortEntries = (entries: Iterable<[unknown, unknown]>) =>
    [...entries].map((e) => JSON.stringify(e, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
  return KEYS.map((key) => {
    backend.setCurrentKey(key);
    const out: Record<string, unknown> = {
      key: backend.getCurrentKey(),
      value: value.value(),
      ttlValue: ttlValue.value(),
      map: sortEntries(map.entries()),
      ttlMap: sortEntries(ttlMap.entries()),
    };
    for (const ns of ['', 'w1', 'w2']) {
      list.setCurrentNamespace(ns);
      reducing.setCurrentNamespace(ns);
      aggregating.setCurrentNamespace(ns);
      out[`list@${ns}`] = [...list.get()];
      out[`reducing@${ns}`] = reducing.get();
      out[`aggregating@${ns}`] = aggregating.get();
    }
    list.setCurrentNamespace('');
    return out;
  });
}

describe('keyed state snapshots across backends', () => {
  for (const from of BACKENDS) {
    for (const to of BACKENDS) {
      it(`${from.name} -> ${to.name} -> ${from.name} keeps every state, key and namespace`, () => {
        const clock = new FakeClock();
        const source = from.newBackend(clock);
        fill(source);
        const expected = observe(source);
        const entries = source.numEntries();
        expect(entries).toBeGreaterThan(KEYS.length * 7);

        const middle = to.newBackend(clock);
        restoreKeyedState(middle, undefined, snapshotKeyedState(source, undefined));
        expect(middle.numEntries()).toBe(entries);
        const back = from.newBackend(clock);
        restoreKeyedState(back, undefined, snapshotKeyedState(middle, undefined));
        expect(observe(middle)).toEqual(expected);
        expect(observe(back)).toEqual(expected);

        // TTL timestamps survive the trip: everything with a TTL expires at the same moment.
        clock.advance(1000);
        const expired = observe(back) as Array<Record<string, unknown>>;
        expect(expired.every((k) => k.ttlValue === undefined && (k.ttlMap as unknown[]).length === 0)).toBe(
          true,
        );
      });
    }
  }

  it('restores state that is registered only after the restore, converting a gained TTL', () => {
    const clock = new FakeClock();
    for (const to of BACKENDS) {
      const source = BACKENDS[0]!.newBackend(clock);
      const plain = source.getOrCreateState(new ValueStateDescriptor<number>('late'));
      source.setCurrentKey('k');
      plain.update(5);
      const target = to.newBackend(clock);
      restoreKeyedState(target, undefined, snapshotKeyedState(source, undefined));
      expect(target.numEntries()).toBe(1);
      const withTtl = target.getOrCreateState(new ValueStateDescriptor<number>('late').enableTimeToLive(ttl));
      target.setCurrentKey('k');
      expect(withTtl.value()).toBe(5);
      clock.advance(1000);
      expect(withTtl.value()).toBeUndefined();
    }
  });
});
