/**
 * Rescaling property: state and timers snapshotted at parallelism p and restored at parallelism
 * q (each new subtask getting only the key groups of its range) must give every key the same
 * state and timers as before, on exactly one new subtask.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../types/codec.js';
import { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from '../types/state.js';
import { TimeWindow } from '../windowing/windows.js';
import type { Namespace } from './backend.js';
import type { HeapKeyedStateBackend } from './heap/heap-backend.js';
import { type StateGroupSnapshot, snapshotRows } from './heap/snapshot.js';
import { FakeClock, newBackend } from './heap/test-helpers.js';
import {
  assignToKeyGroup,
  canonicalKey,
  keyGroupRangeForSubtask,
  operatorIndexForKeyGroup,
} from './key-groups.js';
import { restoreKeyedState, snapshotKeyedState } from './keyed-snapshot.js';
import { type Fired, ManualScheduler, recorder } from './timer-test-helpers.js';
import { createTimeServiceManager } from './timer-service.js';
import type { TimeServiceManager } from './timers.js';

const MAX_PARALLELISM = 128;

const keyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.tuple(fc.constantFrom('a', 'b'), fc.nat(50)),
  fc.record({ id: fc.nat(50), tag: fc.constantFrom('x', 'y') }),
);

const entryArb = fc.record({
  key: keyArb,
  value: fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.array(fc.nat(9), { maxLength: 3 })),
  items: fc.array(fc.nat(99), { minLength: 1, maxLength: 3 }),
  window: fc.nat(20),
  timer: fc.nat(1000),
});

type Entry = typeof entryArb extends fc.Arbitrary<infer E> ? E : never;

interface Subtask {
  backend: HeapKeyedStateBackend;
  manager: TimeServiceManager;
  log: Fired[];
}

function subtask(parallelism: number, index: number): Subtask {
  const range = keyGroupRangeForSubtask(MAX_PARALLELISM, parallelism, index);
  const backend = newBackend(new FakeClock(), range);
  const manager = createTimeServiceManager(backend, new ManualScheduler());
  return { backend, manager, log: [] };
}

/** What an operator's `open()` does: register the states and the timer service. */
function open(t: Subtask) {
  return {
    value: t.backend.getOrCreateState(new ValueStateDescriptor<unknown>('value')),
    list: t.backend.getOrCreateState(new ListStateDescriptor<number>('list')),
    map: t.backend.getOrCreateState(new MapStateDescriptor<unknown, number>('map')),
    timers: t.manager.getInternalTimerService<Namespace>('timers', recorder(t.backend, t.log)),
  };
}

function owner(key: unknown, parallelism: number): number {
  return operatorIndexForKeyGroup(MAX_PARALLELISM, parallelism, assignToKeyGroup(key, MAX_PARALLELISM));
}

/** What a key holds, read through the states of its subtask. */
function readKey(t: Subtask, key: unknown, window: TimeWindow): unknown {
  const s = open(t);
  t.backend.setCurrentKey(key);
  s.value.setCurrentNamespace(window);
  s.list.setCurrentNamespace(window);
  return {
    value: s.value.value(),
    list: [...s.list.get()],
    map: [...s.map.entries()],
  };
}

/** The canonical keys a subtask's snapshot holds state for. */
function keysIn(t: Subtask): string[] {
  const keys: string[] = [];
  for (const [, bytes] of snapshotKeyedState(t.backend, t.manager)) {
    const blob = decode<{ state: StateGroupSnapshot[] | null }>(bytes);
    for (const state of blob.state ?? [])
      for (const row of snapshotRows(state, 0)) keys.push(String(canonicalKey(row[0])));
  }
  return [...new Set(keys)];
}

describe('keyed state snapshot: rescaling', () => {
  it('restores every key, once, with its state and timers, from parallelism p to q', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (entries: Entry[], p: number, q: number) => {
          const before = Array.from({ length: p }, (_, i) => subtask(p, i));
          // Last write per key wins, as in the states; remember each key's window for reading.
          const windows = new Map<string, { key: unknown; window: TimeWindow }>();
          for (const e of entries) {
            const t = before[owner(e.key, p)]!;
            const s = open(t);
            const window = new TimeWindow(e.window * 10, e.window * 10 + 10);
            t.backend.setCurrentKey(e.key);
            s.value.setCurrentNamespace(window);
            s.list.setCurrentNamespace(window);
            s.value.update(e.value);
            s.list.addAll(e.items);
            s.map.put(e.items, e.timer);
            s.timers.registerEventTimeTimer(window, e.timer);
            windows.set(String(canonicalKey(e.key)), { key: e.key, window });
          }
          const expected = new Map<string, unknown>();
          for (const [ck, { key, window }] of windows) {
            expected.set(ck, readKey(before[owner(key, p)]!, key, window));
          }

          const blobs = before.flatMap((t) => snapshotKeyedState(t.backend, t.manager));
          const after = Array.from({ length: q }, (_, i) => {
            const t = subtask(q, i);
            const { start, end } = t.backend.keyGroupRange;
            restoreKeyedState(
              t.backend,
              t.manager,
              blobs.filter(([g]) => g >= start && g <= end),
            );
            return t;
          });

          const holders = new Map<string, number>();
          for (const t of after) for (const ck of keysIn(t)) holders.set(ck, (holders.get(ck) ?? 0) + 1);
          expect([...holders.keys()].sort()).toEqual([...windows.keys()].sort());
          expect([...holders.values()].every((n) => n === 1)).toBe(true);

          for (const [ck, { key, window }] of windows) {
            expect(readKey(after[owner(key, q)]!, key, window)).toEqual(expected.get(ck));
          }

          // Timers fire on the new owner with the original key and window.
          for (const t of [...before, ...after]) t.manager.advanceWatermark(1000);
          const fired = (ts: Subtask[]) =>
            ts
              .flatMap((t) => t.log)
              .map((f) => [
                String(canonicalKey(f.key)),
                String(canonicalKey(f.currentKey)),
                f.namespace,
                f.timestamp,
              ])
              .sort((a, b) => String(a).localeCompare(String(b)));
          expect(fired(after)).toEqual(fired(before));
          for (const f of after.flatMap((t) => t.log)) expect(f.namespace).toBeInstanceOf(TimeWindow);
        },
      ),
      { numRuns: 150 },
    );
  });
});
