/**
 * Model-based tests run against every backend. Random operation sequences on all five state
 * kinds, over random keys and namespaces, must give the same observations as a plain Map model,
 * and numEntries() must equal the model's number of non-empty entries. With TTL (NeverReturnExpired),
 * what state returns depends only on the timestamps of writes (and reads, under OnReadAndWrite),
 * never on when cleanup happens to run. Map iteration order is the backend's own (insertion order
 * on the heap, key order on disk), so map contents are compared as sets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../../src/types/state.js';
import { canonicalKey } from '../../src/state/key-groups.js';
import { BACKENDS, FakeClock } from './state-backend.fixtures.js';

const keyArb = fc.constantFrom<unknown>('a', 'b', 1, 0, [1, 2], { x: 1 }, true);
const nsArb = fc.constantFrom<string | number>('', 'w1', 2);
const mapKeyArb = fc.constantFrom<unknown>('m', 1, '1', [0], null);
const valArb = fc.constantFrom('x', 'y', 'z', 'w');
const KINDS = ['value', 'list', 'map', 'reducing', 'aggregating'] as const;
const kindArb = fc.constantFrom(...KINDS);

type Op =
  | { op: 'key'; key: unknown }
  | { op: 'ns'; kind: string; ns: string | number }
  | { op: 'write'; kind: string; v: string; mk: unknown; vs: string[]; variant: number }
  | { op: 'read'; kind: string; mk: unknown }
  | { op: 'clear'; kind: string }
  | { op: 'merge'; kind: string; target: string | number; sources: (string | number)[] };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('key' as const), key: keyArb }),
  fc.record({ op: fc.constant('ns' as const), kind: kindArb, ns: nsArb }),
  fc.record({
    op: fc.constant('write' as const),
    kind: kindArb,
    v: valArb,
    mk: mapKeyArb,
    vs: fc.array(valArb, { maxLength: 3 }),
    variant: fc.nat(3),
  }),
  fc.record({ op: fc.constant('read' as const), kind: kindArb, mk: mapKeyArb }),
  fc.record({ op: fc.constant('clear' as const), kind: kindArb }),
  fc.record({
    op: fc.constant('merge' as const),
    kind: fc.constantFrom('list', 'reducing', 'aggregating'),
    target: nsArb,
    sources: fc.array(nsArb, { maxLength: 3 }),
  }),
);

const concat = { reduce: (a: string, b: string) => a + b };
const collect = {
  createAccumulator: (): string[] => [],
  add: (v: string, acc: string[]) => [...acc, v],
  getResult: (acc: string[]) => acc.join('|'),
  merge: (a: string[], b: string[]) => [...a, ...b],
};

/** The model: entry id -> value; lists as arrays, maps as Map<canonical, [key, value]>. */
class Model {
  readonly entries = new Map<string, any>();
  key: unknown;
  readonly ns: Record<string, string | number> = {
    value: '',
    list: '',
    map: '',
    reducing: '',
    aggregating: '',
  };

  id(kind: string, ns = this.ns[kind]!): string {
    return JSON.stringify([kind, String(canonicalKey(this.key)), typeof ns, ns]);
  }
  get(kind: string, ns?: string | number): any {
    return this.entries.get(this.id(kind, ns));
  }
  set(kind: string, value: any, ns?: string | number): void {
    const empty =
      value === undefined ||
      (Array.isArray(value) && value.length === 0) ||
      (value instanceof Map && value.size === 0);
    if (empty) this.entries.delete(this.id(kind, ns));
    else this.entries.set(this.id(kind, ns), value);
  }
}

for (const { name, newBackend } of BACKENDS)
  describe(`${name}: keyed state against a Map model`, () => {
    it('agrees on every read and on numEntries', () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 100, size: 'max' }), (ops) => {
          const backend = newBackend();
          const s = {
            backend,
            value: backend.getOrCreateState(new ValueStateDescriptor<string>('value')),
            list: backend.getOrCreateState(new ListStateDescriptor<string>('list')),
            map: backend.getOrCreateState(new MapStateDescriptor<unknown, string>('map')),
            reducing: backend.getOrCreateState(new ReducingStateDescriptor<string>('reducing', concat)),
            aggregating: backend.getOrCreateState(new AggregatingStateDescriptor('aggregating', collect)),
          };
          const model = new Model();
          backend.setCurrentKey('a');
          model.key = 'a';
          for (const op of ops) {
            apply(op, s, model);
            expect(backend.numEntries()).toBe(model.entries.size);
            for (const kind of KINDS) read({ op: 'read', kind, mk: 'm' }, s, model);
          }
          backend.dispose();
        }),
        { numRuns: name === 'heap' ? 300 : 100 },
      );
    });
  });

const TTL = 10;
const ttlKeyArb = fc.constantFrom('a', 'b', 'c');
const mkArb = fc.constantFrom('x', 'y');

type TtlOp =
  | { op: 'key'; key: string }
  | { op: 'tick'; ms: number }
  | { op: 'scan'; budget: number }
  | { op: 'setValue' | 'readValue' | 'addList' | 'readList' | 'readMapAll' | 'clear'; v: number }
  | { op: 'put' | 'get'; mk: string; v: number };

const ttlOpArb: fc.Arbitrary<TtlOp> = fc.oneof(
  fc.record({ op: fc.constant('key' as const), key: ttlKeyArb }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('scan' as const), budget: fc.integer({ min: 1, max: 4 }) }),
  fc.record({
    op: fc.constantFrom('setValue', 'readValue', 'addList', 'readList', 'readMapAll', 'clear'),
    v: fc.nat(9),
  }),
  fc.record({ op: fc.constantFrom('put', 'get'), mk: mkArb, v: fc.nat(9) }),
);

interface Stamped {
  v: number;
  ts: number;
}

for (const { name, newBackend } of BACKENDS)
  describe(`${name}: state TTL against a timestamp model (NeverReturnExpired)`, () => {
    it('returns exactly the unexpired values, for both update types, with or without cleanup', () => {
      fc.assert(
        fc.property(
          fc.array(ttlOpArb, { maxLength: 100, size: 'max' }),
          fc.boolean(),
          fc.constantFrom(0, 1, 3),
          (ops, onRead, cleanupSize) => {
            const clock = new FakeClock();
            const backend = newBackend(clock);
            let builder = StateTtlConfig.newBuilder(TTL).setUpdateType(
              onRead ? 'OnReadAndWrite' : 'OnCreateAndWrite',
            );
            if (cleanupSize > 0) builder = builder.cleanupIncrementally(cleanupSize, true);
            const config = builder.build();
            const value = backend.getOrCreateState(
              new ValueStateDescriptor<number>('v').enableTimeToLive(config),
            );
            const list = backend.getOrCreateState(
              new ListStateDescriptor<number>('l').enableTimeToLive(config),
            );
            const map = backend.getOrCreateState(
              new MapStateDescriptor<string, number>('m').enableTimeToLive(config),
            );
            const mv = new Map<string, Stamped>();
            const ml = new Map<string, Stamped[]>();
            const mm = new Map<string, Map<string, Stamped>>();
            let key = 'a';
            backend.setCurrentKey(key);
            const live = (s: Stamped | undefined) => s !== undefined && s.ts + TTL > clock.time;
            const touch = (s: Stamped) => {
              if (onRead) s.ts = clock.time;
            };
            for (const op of ops) {
              const now = clock.time;
              switch (op.op) {
                case 'key':
                  key = op.key;
                  backend.setCurrentKey(key);
                  break;
                case 'tick':
                  clock.advance(op.ms);
                  break;
                case 'scan':
                  // A backend's own scan for expired state (the disk backend's), where it has one.
                  (backend as { cleanupExpired?: (budget: number) => number }).cleanupExpired?.(op.budget);
                  break;
                case 'setValue':
                  value.update(op.v);
                  mv.set(key, { v: op.v, ts: now });
                  break;
                case 'readValue': {
                  const s = mv.get(key);
                  const expected = live(s) ? s!.v : undefined;
                  if (live(s)) touch(s!);
                  expect(value.value()).toBe(expected);
                  break;
                }
                case 'addList':
                  list.add(op.v);
                  ml.set(key, [...(ml.get(key) ?? []), { v: op.v, ts: now }]);
                  break;
                case 'readList': {
                  const kept = (ml.get(key) ?? []).filter(live);
                  kept.forEach(touch);
                  ml.set(key, kept);
                  expect([...list.get()]).toEqual(kept.map((s) => s.v));
                  break;
                }
                case 'put': {
                  const m = mm.get(key) ?? new Map<string, Stamped>();
                  m.set(op.mk, { v: op.v, ts: now });
                  mm.set(key, m);
                  map.put(op.mk, op.v);
                  break;
                }
                case 'get': {
                  const s = mm.get(key)?.get(op.mk);
                  const expected = live(s) ? s!.v : undefined;
                  if (live(s)) touch(s!);
                  expect(map.get(op.mk)).toBe(expected);
                  break;
                }
                case 'readMapAll': {
                  const m = mm.get(key) ?? new Map<string, Stamped>();
                  const expected = [...m.entries()].filter(([, s]) => live(s));
                  for (const [, s] of expected) touch(s);
                  expect(new Map(map.entries())).toEqual(new Map(expected.map(([k, s]) => [k, s.v])));
                  break;
                }
                case 'clear':
                  value.clear();
                  list.clear();
                  map.clear();
                  mv.delete(key);
                  ml.delete(key);
                  mm.delete(key);
                  break;
              }
            }
            // Nothing live is ever lost: entries are at least the model's live (key, state) pairs.
            let liveEntries = 0;
            for (const s of mv.values()) if (live(s)) liveEntries++;
            for (const l of ml.values()) if (l.some(live)) liveEntries++;
            for (const m of mm.values()) if ([...m.values()].some(live)) liveEntries++;
            expect(backend.numEntries()).toBeGreaterThanOrEqual(liveEntries);
            // A full scan for expired state, where the backend has one, leaves exactly the live entries.
            const scan = (backend as { cleanupExpired?: () => number }).cleanupExpired;
            if (scan !== undefined) {
              scan.call(backend);
              expect(backend.numEntries()).toBe(liveEntries);
            }
            backend.dispose();
          },
        ),
        { numRuns: name === 'heap' ? 300 : 100 },
      );
    });
  });

function apply(op: Op, s: any, m: Model): void {
  switch (op.op) {
    case 'key':
      // Each state keeps its own namespace across key changes, in the model too.
      s.backend.setCurrentKey(op.key);
      m.key = op.key;
      return;
    case 'ns':
      s[op.kind].setCurrentNamespace(op.ns);
      m.ns[op.kind] = op.ns;
      return;
    case 'clear':
      s[op.kind].clear();
      m.set(op.kind, undefined);
      return;
    case 'merge': {
      s[op.kind].mergeNamespaces(op.target, op.sources);
      let acc = m.get(op.kind, op.target);
      for (const src of op.sources) {
        if (src === op.target) continue;
        const v = m.get(op.kind, src);
        m.set(op.kind, undefined, src);
        if (v === undefined) continue;
        acc = acc === undefined ? v : op.kind === 'reducing' ? acc + v : [...acc, ...v];
      }
      m.set(op.kind, acc, op.target);
      // Like a window operator: continue in the merged namespace.
      s[op.kind].setCurrentNamespace(op.target);
      m.ns[op.kind] = op.target;
      return;
    }
    case 'write':
      write(op, s, m);
      return;
    case 'read':
      read(op, s, m);
      return;
  }
}

function write(op: Extract<Op, { op: 'write' }>, s: any, m: Model): void {
  const cur = m.get(op.kind);
  switch (op.kind) {
    case 'value':
      if (op.variant === 0) {
        s.value.update(undefined);
        m.set('value', undefined);
      } else {
        s.value.update(op.v);
        m.set('value', op.v);
      }
      return;
    case 'list':
      if (op.variant === 0) {
        s.list.update(op.vs);
        m.set('list', [...op.vs]);
      } else if (op.variant === 1) {
        s.list.addAll(op.vs);
        m.set('list', [...(cur ?? []), ...op.vs]);
      } else {
        s.list.add(op.v);
        m.set('list', [...(cur ?? []), op.v]);
      }
      return;
    case 'map': {
      const next = new Map(cur ?? []);
      const ck = canonicalKey(op.mk);
      if (op.variant === 0) {
        s.map.remove(op.mk);
        next.delete(ck);
      } else {
        s.map.put(op.mk, op.v);
        const old = next.get(ck) as [unknown, string] | undefined;
        next.set(ck, [old === undefined ? op.mk : old[0], op.v]);
      }
      m.set('map', next);
      return;
    }
    case 'reducing':
      s.reducing.add(op.v);
      m.set('reducing', cur === undefined ? op.v : cur + op.v);
      return;
    case 'aggregating':
      s.aggregating.add(op.v);
      m.set('aggregating', [...(cur ?? []), op.v]);
      return;
  }
}

function read(op: Extract<Op, { op: 'read' }>, s: any, m: Model): void {
  const cur = m.get(op.kind);
  switch (op.kind) {
    case 'value':
      expect(s.value.value()).toBe(cur);
      return;
    case 'list':
      expect([...s.list.get()]).toEqual(cur ?? []);
      return;
    case 'map': {
      const entry = cur?.get(canonicalKey(op.mk));
      expect(s.map.get(op.mk)).toBe(entry?.[1]);
      expect(s.map.contains(op.mk)).toBe(entry !== undefined);
      expect(sortedEntries(s.map.entries())).toEqual(sortedEntries(cur === undefined ? [] : cur.values()));
      expect(s.map.isEmpty()).toBe(cur === undefined);
      return;
    }
    case 'reducing':
      expect(s.reducing.get()).toBe(cur);
      return;
    case 'aggregating':
      expect(s.aggregating.get()).toBe(cur === undefined ? undefined : cur.join('|'));
      return;
  }
}

/** Map entries in a fixed order, so that backends with different iteration orders compare. */
function sortedEntries(entries: Iterable<[unknown, unknown]>): [unknown, unknown][] {
  return [...entries].sort(([a], [b]) => {
    const ca = `${typeof a}:${JSON.stringify(a)}`;
    const cb = `${typeof b}:${JSON.stringify(b)}`;
    return ca < cb ? -1 : ca > cb ? 1 : 0;
  });
}
