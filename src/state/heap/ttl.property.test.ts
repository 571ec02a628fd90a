/**
 * Property: with NeverReturnExpired, what TTL state returns depends only on the timestamps of
 * writes (and reads, under OnReadAndWrite), never on when cleanup happens to run. Checked
 * against a model that keeps every element with its last-access time, with and without
 * incremental cleanup.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../../types/state.js';
import { FakeClock, newBackend } from './test-helpers.js';

const TTL = 10;
const keyArb = fc.constantFrom('a', 'b', 'c');
const mkArb = fc.constantFrom('x', 'y');

type Op =
  | { op: 'key'; key: string }
  | { op: 'tick'; ms: number }
  | { op: 'setValue' | 'readValue' | 'addList' | 'readList' | 'readMapAll' | 'clear'; v: number }
  | { op: 'put' | 'get'; mk: string; v: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('key' as const), key: keyArb }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 7 }) }),
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

describe('state TTL against a timestamp model (NeverReturnExpired)', () => {
  it('returns exactly the unexpired values, for both update types, with or without cleanup', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 100, size: 'max' }),
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
        },
      ),
      { numRuns: 300 },
    );
  });
});
