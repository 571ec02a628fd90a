/**
 * Behaviour every keyed state backend shares, run against each of them: the five state kinds,
 * namespaces and their merging, key handling and registration.
 */
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../src/types/errors.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '../../src/types/state.js';
import {
  type InternalAggregatingState,
  type InternalListState,
  type InternalReducingState,
  VOID_NAMESPACE,
} from '../../src/state/backend.js';
import { assignToKeyGroup } from '../../src/state/key-groups.js';
import { BACKENDS } from './state-backend.fixtures.js';

const sum = { reduce: (a: number, b: number) => a + b };
const average = {
  createAccumulator: () => ({ sum: 0, count: 0 }),
  add: (v: number, acc: { sum: number; count: number }) => ({ sum: acc.sum + v, count: acc.count + 1 }),
  getResult: (acc: { sum: number; count: number }) => acc.sum / acc.count,
  merge: (a: { sum: number; count: number }, b: { sum: number; count: number }) => ({
    sum: a.sum + b.sum,
    count: a.count + b.count,
  }),
};

for (const { name, factory, newBackend } of BACKENDS) {
  describe(`${name}: value state`, () => {
    it('scopes values by key and namespace and returns the default when empty', () => {
      const backend = newBackend();
      const state = backend.getOrCreateState(new ValueStateDescriptor<number>('v', 7));
      backend.setCurrentKey('a');
      expect(state.value()).toBe(7);
      state.update(1);
      backend.setCurrentKey('b');
      expect(state.value()).toBe(7);
      state.update(2);
      state.setCurrentNamespace('w1');
      expect(state.value()).toBe(7);
      state.update(3);
      state.setCurrentNamespace(VOID_NAMESPACE);
      expect(state.value()).toBe(2);
      backend.setCurrentKey('a');
      expect(state.value()).toBe(1);
      expect(backend.numEntries()).toBe(3);
    });

    it('compares keys by value, including objects and -0', () => {
      const backend = newBackend();
      const state = backend.getOrCreateState(new ValueStateDescriptor<string>('v'));
      backend.setCurrentKey({ a: 1, b: [2, 3] });
      state.update('x');
      backend.setCurrentKey({ b: [2, 3], a: 1 });
      expect(state.value()).toBe('x');
      expect(backend.getCurrentKey()).toEqual({ b: [2, 3], a: 1 });
      backend.setCurrentKey(0);
      state.update('zero');
      backend.setCurrentKey(-0);
      expect(state.value()).toBe('zero');
      backend.setCurrentKey('0');
      expect(state.value()).toBeUndefined();
    });

    it('clears on update(undefined) and clear(), keeping numEntries exact', () => {
      const backend = newBackend();
      const state = backend.getOrCreateState(new ValueStateDescriptor<number | null>('v'));
      backend.setCurrentKey('k');
      state.update(null);
      expect(state.value()).toBeNull();
      expect(backend.numEntries()).toBe(1);
      state.update(undefined);
      expect(backend.numEntries()).toBe(0);
      state.update(5);
      state.clear();
      expect(state.value()).toBeUndefined();
      expect(backend.numEntries()).toBe(0);
    });
  });

  describe(`${name}: list state`, () => {
    it('appends, replaces and returns an empty iterable when empty', () => {
      const backend = newBackend();
      const list = backend.getOrCreateState(new ListStateDescriptor<number>('l'));
      backend.setCurrentKey(1);
      expect([...list.get()]).toEqual([]);
      list.add(1);
      list.addAll([2, 3]);
      expect([...list.get()]).toEqual([1, 2, 3]);
      list.update([9]);
      expect([...list.get()]).toEqual([9]);
      list.update([]);
      expect(backend.numEntries()).toBe(0);
      list.addAll([]);
      expect(backend.numEntries()).toBe(0);
    });

    it('returns a copy, so adding while iterating terminates', () => {
      const backend = newBackend();
      const list = backend.getOrCreateState(new ListStateDescriptor<number>('l'));
      backend.setCurrentKey(1);
      list.addAll([1, 2]);
      for (const x of list.get()) list.add(x * 10);
      expect([...list.get()]).toEqual([1, 2, 10, 20]);
    });

    it('rejects null and undefined elements without storing anything', () => {
      const backend = newBackend();
      const list = backend.getOrCreateState(new ListStateDescriptor<number | null | undefined>('l'));
      backend.setCurrentKey(1);
      expect(() => list.add(undefined)).toThrow(/cannot store undefined/);
      expect(() => list.add(null)).toThrow(/cannot store null/);
      expect(() => list.addAll([1, null])).toThrow(WeirError);
      expect(() => list.update([1, undefined])).toThrow(WeirError);
      expect([...list.get()]).toEqual([]);
    });

    it('merges namespaces: target first, then sources in order; sources removed', () => {
      const backend = newBackend();
      const list = backend.getOrCreateState(
        new ListStateDescriptor<string>('l'),
      ) as InternalListState<string>;
      backend.setCurrentKey('k');
      for (const [ns, v] of [
        ['t', 't1'],
        ['s1', 'a'],
        ['s2', 'b'],
      ] as const) {
        list.setCurrentNamespace(ns);
        list.add(v);
      }
      list.mergeNamespaces('t', ['s1', 'missing', 's2', 't']);
      list.setCurrentNamespace('t');
      expect([...list.get()]).toEqual(['t1', 'a', 'b']);
      list.setCurrentNamespace('s1');
      expect([...list.get()]).toEqual([]);
      expect(backend.numEntries()).toBe(1);
    });

    it('merges into an empty target', () => {
      const backend = newBackend();
      const list = backend.getOrCreateState(
        new ListStateDescriptor<string>('l'),
      ) as InternalListState<string>;
      backend.setCurrentKey('k');
      list.setCurrentNamespace('s');
      list.add('x');
      list.mergeNamespaces('t', ['s']);
      list.setCurrentNamespace('t');
      expect([...list.get()]).toEqual(['x']);
      expect(backend.numEntries()).toBe(1);
    });
  });

  describe(`${name}: map state`, () => {
    it('compares map keys by value and iterates original keys', () => {
      const backend = newBackend();
      const map = backend.getOrCreateState(new MapStateDescriptor<unknown, string>('m'));
      backend.setCurrentKey('k');
      expect(map.isEmpty()).toBe(true);
      map.put([1, 2], 'a');
      expect(map.get([1, 2])).toBe('a');
      expect(map.contains([1, 2])).toBe(true);
      map.put(1, 'n');
      map.put('1', 's');
      expect(map.get(1)).toBe('n');
      expect(map.get('1')).toBe('s');
      // Iteration order is the backend's own (insertion on the heap, key order on disk).
      const entries = [...map.entries()];
      expect(entries).toHaveLength(3);
      expect(entries).toEqual(
        expect.arrayContaining([
          [[1, 2], 'a'],
          [1, 'n'],
          ['1', 's'],
        ]),
      );
      expect(new Set(map.keys())).toEqual(new Set(entries.map(([k]) => k)));
      expect([...map.values()]).toEqual(entries.map(([, v]) => v));
      expect(map.isEmpty()).toBe(false);
    });

    it('removes the entry when the map empties; putAll accepts a Map and tuples', () => {
      const backend = newBackend();
      const map = backend.getOrCreateState(new MapStateDescriptor<string, number>('m'));
      backend.setCurrentKey('k');
      map.putAll(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      );
      map.putAll([['c', 3]]);
      expect(backend.numEntries()).toBe(1);
      map.remove('a');
      map.remove('b');
      map.remove('zz');
      expect(backend.numEntries()).toBe(1);
      map.remove('c');
      expect(backend.numEntries()).toBe(0);
      expect(map.isEmpty()).toBe(true);
    });

    it('rejects undefined map keys', () => {
      const backend = newBackend();
      const map = backend.getOrCreateState(new MapStateDescriptor<string | undefined, number>('m'));
      backend.setCurrentKey('k');
      expect(() => map.put(undefined, 1)).toThrow(/map state keys cannot be undefined/);
    });
  });

  describe(`${name}: reducing and aggregating state`, () => {
    it('reduces added values and merges namespaces', () => {
      const backend = newBackend();
      const r = backend.getOrCreateState(
        new ReducingStateDescriptor<number>('r', sum),
      ) as InternalReducingState<number>;
      backend.setCurrentKey('k');
      expect(r.get()).toBeUndefined();
      r.add(1);
      r.add(2);
      expect(r.get()).toBe(3);
      r.setCurrentNamespace('s1');
      r.add(10);
      r.setCurrentNamespace('s2');
      r.add(100);
      r.mergeNamespaces(VOID_NAMESPACE, ['s1', 's2']);
      r.setCurrentNamespace(VOID_NAMESPACE);
      expect(r.get()).toBe(113);
      expect(backend.numEntries()).toBe(1);
      expect(() => r.add(undefined as unknown as number)).toThrow(/reducing state cannot store undefined/);
    });

    it('aggregates with an accumulator and merges accumulators', () => {
      const backend = newBackend();
      const a = backend.getOrCreateState(
        new AggregatingStateDescriptor('avg', average),
      ) as InternalAggregatingState<number, number>;
      backend.setCurrentKey('k');
      expect(a.get()).toBeUndefined();
      a.add(2);
      a.add(4);
      expect(a.get()).toBe(3);
      a.setCurrentNamespace(1);
      a.add(9);
      a.mergeNamespaces(2, [VOID_NAMESPACE, 1]);
      a.setCurrentNamespace(2);
      expect(a.get()).toBe(5);
      a.setCurrentNamespace(VOID_NAMESPACE);
      expect(a.get()).toBeUndefined();
      expect(backend.numEntries()).toBe(1);
      a.setCurrentNamespace(2);
      a.clear();
      expect(backend.numEntries()).toBe(0);
    });

    it('treats window-like namespaces by their namespaceKey', () => {
      const backend = newBackend();
      const r = backend.getOrCreateState(
        new ReducingStateDescriptor<number>('r', sum),
      ) as InternalReducingState<number>;
      backend.setCurrentKey('k');
      r.setCurrentNamespace({ namespaceKey: '0-10' });
      r.add(1);
      r.setCurrentNamespace({ namespaceKey: '0-10' });
      r.add(2);
      expect(r.get()).toBe(3);
    });
  });

  describe(`${name}: registration and key groups`, () => {
    it('returns the same state object per name and rejects a kind change', () => {
      const backend = factory.create({
        maxParallelism: 128,
        keyGroupRange: { start: 0, end: 127 },
        now: () => 0,
      });
      const a = backend.getOrCreateState(new ValueStateDescriptor<number>('x'));
      expect(backend.getOrCreateState(new ValueStateDescriptor<number>('x'))).toBe(a);
      expect(() => backend.getOrCreateState(new ListStateDescriptor<number>('x'))).toThrow(
        /already registered as value state and cannot be reused as list state/,
      );
    });

    it('rejects state access before a key is set', () => {
      const backend = newBackend();
      const v = backend.getOrCreateState(new ValueStateDescriptor<number>('x'));
      expect(() => v.value()).toThrow(/no current key/);
    });

    it('rejects keys outside the key group range and keeps the previous key', () => {
      const inRange = 'a';
      const group = assignToKeyGroup(inRange, 128);
      const backend = newBackend(undefined, { start: group, end: group });
      backend.setCurrentKey(inRange);
      expect(backend.getCurrentKeyGroup()).toBe(group);
      let outside = 0;
      while (assignToKeyGroup(outside, 128) === group) outside++;
      let error: unknown;
      try {
        backend.setCurrentKey(outside);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WeirError);
      expect((error as WeirError).code).toBe('INVALID_KEY');
      expect((error as WeirError).message).toMatch(/outside this subtask's key group range/);
      expect(backend.getCurrentKey()).toBe(inRange);
    });

    it('rejects undefined and unhashable keys', () => {
      const backend = newBackend();
      expect(() => backend.setCurrentKey(undefined)).toThrow(/undefined/);
      expect(() => backend.setCurrentKey(() => 1)).toThrow(WeirError);
    });

    it('rejects bad options', () => {
      expect(() => newBackend(undefined, { start: 5, end: 200 })).toThrow(/key group range/);
      expect(() =>
        factory.create({
          maxParallelism: 0,
          keyGroupRange: { start: 0, end: 0 },
          now: () => 0,
        }),
      ).toThrow(/maxParallelism/);
    });
  });
}
