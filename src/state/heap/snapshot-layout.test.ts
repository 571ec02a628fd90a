/**
 * The two entry layouts of keyed state snapshots (see `snapshot.ts`): the heap backend writes
 * layout 2, and a snapshot in layout 1, as older versions wrote it (the fixture
 * `../fixtures/layout1-snapshot.json` was written by them from {@link fill}), restores into
 * both backends to exactly the state the same writes give.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { decode, encode } from '../../types/codec.js';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../../types/state.js';
import { TimeWindow } from '../../windowing/windows.js';
import type { KeyedStateBackend } from '../backend.js';
import { diskStateBackendFactory } from '../disk/disk-backend.js';
import { restoreKeyedState, snapshotKeyedState } from '../keyed-snapshot.js';
import { heapStateBackendFactory } from './heap-backend.js';
import { type StateGroupSnapshot, snapshotRows } from './snapshot.js';
import { FakeClock } from './test-helpers.js';

/** The writes the fixture holds: list rows, TTL map and value state, windowed value state. */
function fill(backend: KeyedStateBackend): void {
  const ttl = StateTtlConfig.newBuilder(60_000).build();
  const list = backend.getOrCreateState(new ListStateDescriptor<unknown>('bids'));
  const map = backend.getOrCreateState(
    new MapStateDescriptor<string, unknown>('counts').enableTimeToLive(ttl),
  );
  const value = backend.getOrCreateState(new ValueStateDescriptor<unknown>('last').enableTimeToLive(ttl));
  const windowed = backend.getOrCreateState(new ValueStateDescriptor<number>('sum'));
  const keys: unknown[] = [1, 2, 'ann', 'zoë', { user: 'bo', region: 3 }, ['x', 7], 40, 41, 42];
  keys.forEach((key, i) => {
    backend.setCurrentKey(key);
    for (let j = 0; j <= i % 4; j++)
      list.add({ auction: i, price: j * 1.5, channel: `c${j}`, extra: j % 2 ? null : 'e'.repeat(70) });
    map.put(`m${i}`, [i, 1, 0]);
    if (i % 2 === 0) map.put('other', { n: i });
    value.update(new Date(1000 + i));
    for (let w = 0; w <= i % 3; w++) {
      windowed.setCurrentNamespace(new TimeWindow(w * 10, w * 10 + 10));
      windowed.update(i * 100 + w);
    }
  });
}

const backends: KeyedStateBackend[] = [];
afterEach(() => {
  for (const backend of backends.splice(0)) backend.dispose();
});

const factories = [
  ['heap', heapStateBackendFactory],
  ['disk', diskStateBackendFactory()],
] as const;

function create(factory: (typeof factories)[number][1]): KeyedStateBackend {
  const clock = new FakeClock();
  clock.time = 5000;
  const backend = factory.create({
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    now: clock.now,
  });
  backends.push(backend);
  return backend;
}

/**
 * A snapshot as comparable data: per key group, each state's entries in layout 1. The disk
 * backend orders states, keys and namespaces by their store keys, so all three are sorted here.
 */
function normalized(groups: Array<[number, Uint8Array]>): unknown {
  const byText = <T>(items: T[], text: (item: T) => string): T[] =>
    items.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
  return groups.map(([group, bytes]) => {
    const blob = decode<{ state: StateGroupSnapshot[] | null }>(bytes);
    const states = (blob.state ?? []).map((s) => {
      const rows = snapshotRows(s, group).map(([key, ...flat]) => {
        const pairs: [unknown, unknown][] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
        return { key, entries: byText(pairs, ([ns]) => String(ns)) };
      });
      return { name: s.name, kind: s.kind, ttl: s.ttl, rows: byText(rows, (r) => JSON.stringify(r.key)) };
    });
    return [group, byText(states, (s) => s.name)];
  });
}

function layout1Fixture(): Array<[number, Uint8Array]> {
  const text = readFileSync(new URL('../fixtures/layout1-snapshot.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as [number, string][]).map(([g, b64]) => [
    g,
    new Uint8Array(Buffer.from(b64, 'base64')),
  ]);
}

describe('keyed snapshot entry layouts', () => {
  it('the heap backend writes layout 2: one flat entry list per state and key group', () => {
    const backend = create(heapStateBackendFactory);
    fill(backend);
    for (const [, bytes] of snapshotKeyedState(backend, undefined)) {
      for (const state of decode<{ state: StateGroupSnapshot[] }>(bytes).state) {
        expect(state.rows).toBeUndefined();
        expect(Array.isArray(state.entries)).toBe(true);
      }
    }
  });

  it('the fixture is in layout 1', () => {
    const states = layout1Fixture().flatMap(
      ([, bytes]) => decode<{ state: StateGroupSnapshot[] }>(bytes).state,
    );
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) expect([Array.isArray(state.rows), state.entries]).toEqual([true, undefined]);
  });

  for (const [name, factory] of factories) {
    it(`${name}: a layout 1 snapshot restores to the state the same writes give`, () => {
      const expected = create(factory);
      fill(expected);
      const restored = create(factory);
      restoreKeyedState(restored, undefined, layout1Fixture());
      expect(restored.numEntries()).toBe(expected.numEntries());
      expect(normalized(snapshotKeyedState(restored, undefined))).toEqual(
        normalized(snapshotKeyedState(expected, undefined)),
      );
    });

    it(`${name}: a heap layout 2 snapshot restores to the same state`, () => {
      const source = create(heapStateBackendFactory);
      fill(source);
      const snapshot = snapshotKeyedState(source, undefined);
      const restored = create(factory);
      restoreKeyedState(restored, undefined, snapshot);
      expect(normalized(snapshotKeyedState(restored, undefined))).toEqual(normalized(snapshot));
    });
  }

  it('rejects layout 2 entries whose counts do not match the list', () => {
    const source = create(heapStateBackendFactory);
    fill(source);
    const [group, bytes] = snapshotKeyedState(source, undefined)[0]!;
    const blob = decode<{ state: { entries: unknown[] }[]; timers: unknown }>(bytes);
    blob.state[0]!.entries[1] = 99;
    expect(() =>
      restoreKeyedState(create(heapStateBackendFactory), undefined, [[group, encode(blob)]]),
    ).toThrow(/not \[key, n, ns, value/);
  });
});
