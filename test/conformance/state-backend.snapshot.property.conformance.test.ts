/**
 * Property: a snapshot taken at any point restores into any backend (the same kind or the
 * other), through the checkpoint encoding, such that the original and the restored backend,
 * given the same operations afterwards, show the same state: every value, list, reduced and
 * aggregated value in every namespace, and every map's entries (in any order), with and without
 * TTL on a shared clock.
 */
import fc from 'fast-check';
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

/** Keys spread over several key groups, some whose canonical form is not the key itself. */
const KEYS: unknown[] = ['a', 'b', 3, 17, -1.5, true, [1, 'x'], { id: 2 }];
const NAMESPACES = ['', 'w1', 7] as const;
const MAP_KEYS: unknown[] = ['m', 1, '1', [0], null];
const NAMES = ['value', 'list', 'map', 'reducing', 'aggregating', 'ttlValue', 'ttlList', 'ttlMap'] as const;
type Name = (typeof NAMES)[number];
const MERGING = ['list', 'reducing', 'aggregating', 'ttlList'] as const;
const TTL = 10;

const concat = { reduce: (a: string, b: string) => a + b };
const collect = {
  createAccumulator: (): string[] => [],
  add: (v: string, acc: string[]) => [...acc, v],
  getResult: (acc: string[]) => acc.join('|'),
  merge: (a: string[], b: string[]) => [...a, ...b],
};

function register(backend: KeyedStateBackend): Record<Name, any> {
  const ttl = StateTtlConfig.newBuilder(TTL).build();
  return {
    value: backend.getOrCreateState(new ValueStateDescriptor<string>('value')),
    list: backend.getOrCreateState(new ListStateDescriptor<string>('list')),
    map: backend.getOrCreateState(new MapStateDescriptor<unknown, string>('map')),
    reducing: backend.getOrCreateState(new ReducingStateDescriptor<string>('reducing', concat)),
    aggregating: backend.getOrCreateState(new AggregatingStateDescriptor('aggregating', collect)),
    ttlValue: backend.getOrCreateState(new ValueStateDescriptor<string>('ttlValue').enableTimeToLive(ttl)),
    ttlList: backend.getOrCreateState(new ListStateDescriptor<string>('ttlList').enableTimeToLive(ttl)),
    ttlMap: backend.getOrCreateState(new MapStateDescriptor<unknown, string>('ttlMap').enableTimeToLive(ttl)),
  };
}

type Op =
  | { op: 'key'; key: number }
  | { op: 'ns'; state: Name; ns: number }
  | { op: 'write'; state: Name; v: string; mk: number; variant: number }
  | { op: 'clear'; state: Name }
  | { op: 'merge'; state: (typeof MERGING)[number]; target: number; sources: number[] }
  | { op: 'tick'; ms: number };

const nameArb = fc.constantFrom(...NAMES);
const nsArb = fc.nat(NAMESPACES.length - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('key' as const), key: fc.nat(KEYS.length - 1) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('ns' as const), state: nameArb, ns: nsArb }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('write' as const),
      state: nameArb,
      v: fc.constantFrom('x', 'y', 'z'),
      mk: fc.nat(MAP_KEYS.length - 1),
      variant: fc.nat(3),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ op: fc.constant('clear' as const), state: nameArb }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('merge' as const),
      state: fc.constantFrom(...MERGING),
      target: nsArb,
      sources: fc.array(nsArb, { maxLength: 3 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 6 }) }),
    weight: 1,
  },
);

/** The current key and namespaces, which a restored backend does not carry over. */
interface Context {
  key: number;
  ns: Record<Name, number>;
}

function apply(op: Op, backend: KeyedStateBackend, s: Record<Name, any>, ctx: Context): void {
  switch (op.op) {
    case 'key':
      backend.setCurrentKey(KEYS[op.key]);
      ctx.key = op.key;
      return;
    case 'ns':
      s[op.state].setCurrentNamespace(NAMESPACES[op.ns]);
      ctx.ns[op.state] = op.ns;
      return;
    case 'clear':
      s[op.state].clear();
      return;
    case 'merge':
      s[op.state].mergeNamespaces(
        NAMESPACES[op.target],
        op.sources.map((i) => NAMESPACES[i]),
      );
      return;
    case 'tick':
      return;
    case 'write': {
      const state = s[op.state];
      switch (op.state) {
        case 'value':
        case 'ttlValue':
          state.update(op.variant === 0 ? undefined : op.v);
          return;
        case 'list':
        case 'ttlList':
          if (op.variant === 0) state.update(op.v === 'z' ? [] : [op.v, op.v]);
          else if (op.variant === 1) state.addAll([op.v, 'w']);
          else state.add(op.v);
          return;
        case 'map':
        case 'ttlMap':
          if (op.variant === 0) state.remove(MAP_KEYS[op.mk]);
          else if (op.variant === 1) state.putAll([[MAP_KEYS[op.mk], op.v]]);
          else state.put(MAP_KEYS[op.mk], op.v);
          return;
        default:
          state.add(op.v);
      }
    }
  }
}

function restoreContext(backend: KeyedStateBackend, s: Record<Name, any>, ctx: Context): void {
  backend.setCurrentKey(KEYS[ctx.key]);
  for (const name of NAMES) s[name].setCurrentNamespace(NAMESPACES[ctx.ns[name]]);
}

/** Everything observable, for every key and namespace; map entries sorted. */
function observe(backend: KeyedStateBackend, s: Record<Name, any>): unknown {
  const render = (v: unknown) => JSON.stringify(v);
  const out: unknown[] = [];
  for (const key of KEYS) {
    backend.setCurrentKey(key);
    for (const ns of NAMESPACES) {
      for (const name of NAMES) s[name].setCurrentNamespace(ns);
      out.push({
        key: render(key),
        ns,
        value: s.value.value(),
        ttlValue: s.ttlValue.value(),
        list: [...s.list.get()],
        ttlList: [...s.ttlList.get()],
        map: [...s.map.entries()].map(render).sort(),
        ttlMap: [...s.ttlMap.entries()].map(render).sort(),
        mapEmpty: s.map.isEmpty(),
        reducing: s.reducing.get(),
        aggregating: s.aggregating.get(),
      });
    }
  }
  return out;
}

describe('keyed state snapshots at any point, restored into either backend', () => {
  it('leave the original and the restored backend indistinguishable under the same operations', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 60, size: 'max' }),
        fc.nat(),
        fc.nat(BACKENDS.length - 1),
        fc.nat(BACKENDS.length - 1),
        (ops, cut, fromIndex, toIndex) => {
          const at = cut % (ops.length + 1);
          const clock = new FakeClock();
          const original = BACKENDS[fromIndex]!.newBackend(clock);
          const s = register(original);
          const ctx: Context = { key: 0, ns: Object.fromEntries(NAMES.map((n) => [n, 0])) as Context['ns'] };
          original.setCurrentKey(KEYS[0]);
          const tick = (op: Op) => {
            if (op.op === 'tick') clock.advance(op.ms);
          };
          for (const op of ops.slice(0, at)) {
            tick(op);
            apply(op, original, s, ctx);
          }
          const blobs = snapshotKeyedState(original, undefined);
          const restored = BACKENDS[toIndex]!.newBackend(clock);
          restoreKeyedState(restored, undefined, blobs);
          // Restored entries are counted before any state registers, as after a real restore.
          expect(restored.numEntries()).toBe(original.numEntries());
          const r = register(restored);
          restoreContext(restored, r, ctx);
          const rctx: Context = { key: ctx.key, ns: { ...ctx.ns } };
          for (const op of ops.slice(at)) {
            tick(op);
            apply(op, original, s, ctx);
            apply(op, restored, r, rctx);
          }
          expect(observe(restored, r)).toEqual(observe(original, s));
          // Reading everything removed every expired entry on both sides.
          expect(restored.numEntries()).toBe(original.numEntries());
          original.dispose();
          restored.dispose();
        },
      ),
      { numRuns: 300 },
    );
  });
});
