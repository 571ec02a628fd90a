import { describe, expect, it } from 'vitest';
import { decode } from '../types/codec.js';
import { WeirError } from '../types/errors.js';
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../types/state.js';
import { MergingWindowSet } from '../windowing/merging-window-set.js';
import { EventTimeSessionWindows } from '../windowing/sessions.js';
import { GlobalWindow, TimeWindow } from '../windowing/windows.js';
import { type Namespace, VOID_NAMESPACE } from './backend.js';
import type { HeapKeyedStateBackend } from './heap/heap-backend.js';
import { type StateGroupSnapshot, snapshotRows } from './heap/snapshot.js';
import { FakeClock, newBackend } from './heap/test-helpers.js';
import { assignToKeyGroup } from './key-groups.js';
import { restoreKeyedState, snapshotKeyedState } from './keyed-snapshot.js';
import { type Fired, ManualScheduler, recorder } from './timer-test-helpers.js';
import { createTimeServiceManager } from './timer-service.js';
import type { TimeServiceManager } from './timers.js';

const sum = { reduce: (a: number, b: number) => a + b };
const stats = {
  createAccumulator: () => ({ sum: 0, seen: new Set<number>() }),
  add: (v: number, acc: { sum: number; seen: Set<number> }) => {
    acc.seen.add(v);
    return { sum: acc.sum + v, seen: acc.seen };
  },
  getResult: (acc: { sum: number; seen: Set<number> }) => ({ sum: acc.sum, seen: [...acc.seen].sort() }),
  merge: (a: { sum: number; seen: Set<number> }, b: { sum: number; seen: Set<number> }) => ({
    sum: a.sum + b.sum,
    seen: new Set([...a.seen, ...b.seen]),
  }),
};

/** Fresh descriptors of every kind, as an operator's `open()` would create them. */
function descriptors() {
  return {
    value: new ValueStateDescriptor<{ n: number; at: Date }>('value'),
    list: new ListStateDescriptor<unknown>('list'),
    map: new MapStateDescriptor<unknown, unknown>('map'),
    reducing: new ReducingStateDescriptor<number>('reducing', sum),
    aggregating: new AggregatingStateDescriptor('aggregating', stats),
  };
}

function register(backend: HeapKeyedStateBackend) {
  const d = descriptors();
  return {
    value: backend.getOrCreateState(d.value),
    list: backend.getOrCreateState(d.list),
    map: backend.getOrCreateState(d.map),
    reducing: backend.getOrCreateState(d.reducing),
    aggregating: backend.getOrCreateState(d.aggregating),
  };
}

type States = ReturnType<typeof register>;

// Plain object and array keys are recovered from their canonical form; the last three are not.
const KEYS: unknown[] = [
  { user: 'ann', region: 3 },
  ['b', 2],
  'plain',
  7,
  12n,
  new Date(1000),
  { tag: '#hot', since: new Date(5) },
  '\u0000odd',
];
const NAMESPACES: Namespace[] = [VOID_NAMESPACE, 'w1', 3, new TimeWindow(0, 10)];

function setNamespace(states: States, ns: Namespace): void {
  for (const state of Object.values(states)) state.setCurrentNamespace(ns);
}

/** Writes distinct values of every kind for every key and namespace. */
function fill(backend: HeapKeyedStateBackend, states: States): void {
  KEYS.forEach((key, k) => {
    backend.setCurrentKey(key);
    NAMESPACES.forEach((ns, n) => {
      setNamespace(states, ns);
      const i = k * 10 + n;
      states.value.update({ n: i, at: new Date(i) });
      states.list.addAll([i, `s${i}`, { nested: [i] }]);
      states.map.put(
        { mk: i },
        new Map<string, unknown>([
          ['when', new Date(i)],
          ['big', BigInt(i)],
        ]),
      );
      states.map.put(`d${i}`, new Date(i * 2));
      states.reducing.add(i);
      states.reducing.add(1);
      states.aggregating.add(i);
      states.aggregating.add(i + 1);
    });
  });
}

/** Everything readable through the states, per key and namespace. */
function read(backend: HeapKeyedStateBackend, states: States): unknown[] {
  const out: unknown[] = [];
  for (const key of KEYS) {
    backend.setCurrentKey(key);
    for (const ns of NAMESPACES) {
      setNamespace(states, ns);
      out.push({
        value: states.value.value(),
        list: [...states.list.get()],
        map: [...states.map.entries()],
        reducing: states.reducing.get(),
        aggregating: states.aggregating.get(),
      });
    }
  }
  return out;
}

function copy(
  from: HeapKeyedStateBackend,
  timers?: TimeServiceManager,
  clock = new FakeClock(),
): { backend: HeapKeyedStateBackend; manager: TimeServiceManager; scheduler: ManualScheduler } {
  const snapshot = snapshotKeyedState(from, timers);
  const backend = newBackend(clock);
  const scheduler = new ManualScheduler();
  const manager = createTimeServiceManager(backend, scheduler);
  restoreKeyedState(backend, manager, snapshot);
  return { backend, manager, scheduler };
}

describe('keyed state snapshot: state', () => {
  it('round-trips every state kind over object keys and several namespaces', () => {
    const original = newBackend();
    const states = register(original);
    fill(original, states);
    const expected = read(original, states);

    const { backend } = copy(original);
    expect(backend.numEntries()).toBe(original.numEntries());
    const restored = register(backend);
    const actual = read(backend, restored);
    expect(actual).toEqual(expected);
    // Spot-check that types survived, not just shapes.
    backend.setCurrentKey(KEYS[0]);
    setNamespace(restored, new TimeWindow(0, 10));
    expect(restored.value.value()?.at).toBeInstanceOf(Date);
    const inner = restored.map.get({ mk: 3 }) as Map<string, unknown>;
    expect(inner).toBeInstanceOf(Map);
    expect(inner.get('big')).toBe(3n);
    expect(restored.map.get('d3')).toEqual(new Date(6));
  });

  it('keeps the original keys, so a second snapshot equals the first', () => {
    const original = newBackend();
    fill(original, register(original));
    const first = snapshotKeyedState(original, undefined);
    const { backend } = copy(original);
    register(backend);
    const second = snapshotKeyedState(backend, undefined);
    expect(second.map(([g]) => g)).toEqual(first.map(([g]) => g));
    expect(second.map(([, bytes]) => decode(bytes))).toEqual(first.map(([, bytes]) => decode(bytes)));
    const keys = first.flatMap(([, bytes]) =>
      decode<{ state: StateGroupSnapshot[] }>(bytes).state.flatMap((s) =>
        snapshotRows(s, 0).map((r) => r[0]),
      ),
    );
    expect(keys).toContainEqual({ user: 'ann', region: 3 });
    expect(keys).toContainEqual(['b', 2]);
    expect(keys).toContainEqual(new Date(1000));
    expect(keys).toContainEqual({ tag: '#hot', since: new Date(5) });
    expect(keys).toContain('\u0000odd');
  });

  it('writes one blob per non-empty key group, sorted, and only the groups the keys hash to', () => {
    const backend = newBackend();
    fill(backend, register(backend));
    const groups = snapshotKeyedState(backend, undefined).map(([g]) => g);
    const expected = [...new Set(KEYS.map((k) => assignToKeyGroup(k, 128)))].sort((a, b) => a - b);
    expect(groups).toEqual(expected);
    expect(snapshotKeyedState(newBackend(), undefined)).toEqual([]);
  });

  it('is not affected by state changes after it was taken', () => {
    const clock = new FakeClock();
    const original = newBackend(clock);
    const states = register(original);
    const ttlValue = original.getOrCreateState(
      new ValueStateDescriptor<number>('ttl').enableTimeToLive(StateTtlConfig.newBuilder(100).build()),
    );
    fill(original, states);
    original.setCurrentKey('plain');
    ttlValue.update(1);
    const expected = read(original, states);
    const snapshot = snapshotKeyedState(original, undefined);

    // Change everything in place: lists and maps are mutated, TTL timestamps refreshed.
    clock.advance(60);
    for (const key of KEYS) {
      original.setCurrentKey(key);
      for (const ns of NAMESPACES) {
        setNamespace(states, ns);
        states.value.update({ n: -1, at: new Date(0) });
        states.list.add('later');
        states.map.put('d0', 'later');
        states.map.remove({ mk: 0 });
        states.reducing.add(1000);
        states.aggregating.add(1000);
      }
    }
    original.setCurrentKey('plain');
    ttlValue.update(2);

    const backend = newBackend(clock);
    restoreKeyedState(backend, undefined, snapshot);
    expect(read(backend, register(backend))).toEqual(expected);
    const restoredTtl = backend.getOrCreateState(
      new ValueStateDescriptor<number>('ttl').enableTimeToLive(StateTtlConfig.newBuilder(100).build()),
    );
    backend.setCurrentKey('plain');
    clock.time = 99;
    expect(restoredTtl.value()).toBe(1);
    clock.time = 100; // written at 0: the refresh at 60 came after the snapshot
    expect(restoredTtl.value()).toBeUndefined();
  });

  it('merges several restored key groups and keeps unregistered states for the next snapshot', () => {
    const original = newBackend();
    const states = register(original);
    fill(original, states);
    const expected = read(original, states);
    const blobs = snapshotKeyedState(original, undefined);
    expect(blobs.length).toBeGreaterThan(2);

    const backend = newBackend();
    restoreKeyedState(backend, undefined, blobs.slice(0, 2));
    restoreKeyedState(backend, undefined, blobs.slice(2));
    // Nothing registered yet: the entries wait, and a snapshot still carries them.
    expect(backend.numEntries()).toBe(original.numEntries());
    const again = newBackend();
    restoreKeyedState(again, undefined, snapshotKeyedState(backend, undefined));
    expect(read(again, register(again))).toEqual(expected);
  });

  it('restores into states registered before the restore', () => {
    const original = newBackend();
    const states = register(original);
    fill(original, states);
    const backend = newBackend();
    const early = register(backend);
    restoreKeyedState(backend, undefined, snapshotKeyedState(original, undefined));
    expect(read(backend, early)).toEqual(read(original, states));
  });

  it('round-trips the merging window set of session windows as TimeWindows', () => {
    const original = newBackend();
    const pairs = original.getOrCreateState(
      new ListStateDescriptor<[TimeWindow, TimeWindow]>('merging-window-set'),
    );
    const assigner = EventTimeSessionWindows.withGap(10);
    original.setCurrentKey({ session: 'k' });
    const set = new MergingWindowSet(assigner, pairs);
    set.addWindow(new TimeWindow(0, 10), () => {});
    set.addWindow(new TimeWindow(5, 15), () => {});
    set.addWindow(new TimeWindow(100, 110), () => {});
    set.persist();

    const { backend } = copy(original);
    const restored = backend.getOrCreateState(
      new ListStateDescriptor<[TimeWindow, TimeWindow]>('merging-window-set'),
    );
    backend.setCurrentKey({ session: 'k' });
    for (const [window, stateWindow] of restored.get()) {
      expect(window).toBeInstanceOf(TimeWindow);
      expect(stateWindow).toBeInstanceOf(TimeWindow);
    }
    // No revive function: the restored windows must already be TimeWindows.
    const reloaded = new MergingWindowSet(assigner, restored);
    expect(reloaded.getStateWindow(new TimeWindow(0, 15))).toEqual(new TimeWindow(0, 10));
    expect(reloaded.getStateWindow(new TimeWindow(0, 15))?.maxTimestamp()).toBe(9);
    expect(reloaded.getStateWindow(new TimeWindow(100, 110))).toBeInstanceOf(TimeWindow);
  });
});

describe('keyed state snapshot: TTL', () => {
  const config = StateTtlConfig.newBuilder(100).build();

  it('keeps each value and list element its own expiry across a restore', () => {
    const clock = new FakeClock();
    const original = newBackend(clock);
    const value = original.getOrCreateState(new ValueStateDescriptor<string>('v').enableTimeToLive(config));
    const list = original.getOrCreateState(new ListStateDescriptor<string>('l').enableTimeToLive(config));
    const map = original.getOrCreateState(
      new MapStateDescriptor<string, number>('m').enableTimeToLive(config),
    );
    original.setCurrentKey(['k']);
    value.update('v');
    list.add('early');
    map.put('early', 1);
    clock.time = 40;
    list.add('late');
    map.put('late', 2);
    clock.time = 50;

    const restoreClock = new FakeClock();
    restoreClock.time = 50;
    const { backend } = copy(original, undefined, restoreClock);
    const v2 = backend.getOrCreateState(new ValueStateDescriptor<string>('v').enableTimeToLive(config));
    const l2 = backend.getOrCreateState(new ListStateDescriptor<string>('l').enableTimeToLive(config));
    const m2 = backend.getOrCreateState(new MapStateDescriptor<string, number>('m').enableTimeToLive(config));
    backend.setCurrentKey(['k']);
    restoreClock.time = 99;
    expect(v2.value()).toBe('v');
    expect([...l2.get()]).toEqual(['early', 'late']);
    expect([...m2.keys()]).toEqual(['early', 'late']);
    restoreClock.time = 100;
    expect(v2.value()).toBeUndefined();
    expect([...l2.get()]).toEqual(['late']);
    expect([...m2.keys()]).toEqual(['late']);
    restoreClock.time = 140;
    expect([...l2.get()]).toEqual([]);
    expect(m2.isEmpty()).toBe(true);
    expect(backend.numEntries()).toBe(0);
  });

  it('converts values when a state gains or loses its TTL between snapshot and restore', () => {
    const clock = new FakeClock();
    const original = newBackend(clock);
    original.setCurrentKey('k');
    original.getOrCreateState(new ValueStateDescriptor<number>('gains')).update(1);
    original.getOrCreateState(new ListStateDescriptor<number>('gainsList')).add(2);
    original.getOrCreateState(new MapStateDescriptor<string, number>('gainsMap')).put('a', 3);
    original.getOrCreateState(new ValueStateDescriptor<number>('loses').enableTimeToLive(config)).update(4);
    original.getOrCreateState(new ListStateDescriptor<number>('losesList').enableTimeToLive(config)).add(5);

    clock.time = 500;
    const { backend } = copy(original, undefined, clock);
    const gains = backend.getOrCreateState(
      new ValueStateDescriptor<number>('gains').enableTimeToLive(config),
    );
    const gainsList = backend.getOrCreateState(
      new ListStateDescriptor<number>('gainsList').enableTimeToLive(config),
    );
    const gainsMap = backend.getOrCreateState(
      new MapStateDescriptor<string, number>('gainsMap').enableTimeToLive(config),
    );
    const loses = backend.getOrCreateState(new ValueStateDescriptor<number>('loses'));
    const losesList = backend.getOrCreateState(new ListStateDescriptor<number>('losesList'));
    backend.setCurrentKey('k');
    clock.time = 599; // values gaining a TTL count as written at the registration
    expect(gains.value()).toBe(1);
    expect([...gainsList.get()]).toEqual([2]);
    expect(gainsMap.get('a')).toBe(3);
    expect(loses.value()).toBe(4);
    expect([...losesList.get()]).toEqual([5]);
    clock.time = 600;
    expect(gains.value()).toBeUndefined();
    expect([...gainsList.get()]).toEqual([]);
    expect(gainsMap.get('a')).toBeUndefined();
    expect(loses.value()).toBe(4);
  });
});

describe('keyed state snapshot: timers', () => {
  /** Registers the same timers in a fresh manager; returns the manager and its fire log. */
  function withTimers(backend: HeapKeyedStateBackend) {
    const scheduler = new ManualScheduler();
    const manager = createTimeServiceManager(backend, scheduler);
    const log: Fired[] = [];
    const windows = manager.getInternalTimerService<Namespace>('windows', recorder(backend, log, 'windows'));
    const other = manager.getInternalTimerService<Namespace>('other', recorder(backend, log, 'other'));
    for (const [i, key] of KEYS.entries()) {
      backend.setCurrentKey(key);
      windows.registerEventTimeTimer(new TimeWindow(0, 10), 9);
      other.registerEventTimeTimer('n', 9); // same timestamp: registration order decides
      windows.registerEventTimeTimer(GlobalWindow.get(), 20 + i);
      windows.registerProcessingTimeTimer(new TimeWindow(i, i + 5), 100 + i);
      other.registerProcessingTimeTimer(i, 100 + i);
    }
    backend.setCurrentKey(KEYS[1]);
    windows.deleteEventTimeTimer(GlobalWindow.get(), 21);
    return { manager, log, scheduler };
  }

  function restoreTimers(snapshot: Array<[number, Uint8Array]>) {
    const backend = newBackend();
    const scheduler = new ManualScheduler();
    const manager = createTimeServiceManager(backend, scheduler);
    restoreKeyedState(backend, manager, snapshot);
    const log: Fired[] = [];
    return { backend, manager, scheduler, log };
  }

  it('fire after a restore in the original order, with the original key current and window namespaces', () => {
    const backend = newBackend();
    const original = withTimers(backend);
    const snapshot = snapshotKeyedState(backend, original.manager);

    const restored = restoreTimers(snapshot);
    const windows = restored.manager.getInternalTimerService<Namespace>(
      'windows',
      recorder(restored.backend, restored.log, 'windows'),
    );
    restored.manager.getInternalTimerService<Namespace>(
      'other',
      recorder(restored.backend, restored.log, 'other'),
    );
    expect(windows.numEventTimeTimers()).toBe(KEYS.length * 2 - 1);
    expect(windows.numProcessingTimeTimers()).toBe(KEYS.length);

    original.manager.advanceWatermark(1000);
    original.manager.onProcessingTime(1000);
    restored.manager.advanceWatermark(1000);
    restored.manager.onProcessingTime(1000);
    expect(restored.log).toEqual(original.log);
    expect(restored.log).toHaveLength(KEYS.length * 5 - 1);

    const first = restored.log[0]!;
    expect(first.key).toEqual({ user: 'ann', region: 3 });
    expect(first.currentKey).toEqual({ user: 'ann', region: 3 });
    expect(first.namespace).toBeInstanceOf(TimeWindow);
    expect((first.namespace as TimeWindow).maxTimestamp()).toBe(9);
    expect(restored.log.find((f) => f.timestamp === 20)?.namespace).toBe(GlobalWindow.get());
  });

  it('wait for their service to be requested, which asks the scheduler to wake up', () => {
    const backend = newBackend();
    const original = withTimers(backend);
    const restored = restoreTimers(snapshotKeyedState(backend, original.manager));
    expect(restored.scheduler.wakeUps).toEqual([]);
    restored.manager.getInternalTimerService('windows', recorder(restored.backend, restored.log, 'windows'));
    expect(restored.scheduler.wakeUps).toEqual([100]);
    restored.manager.getInternalTimerService('other', recorder(restored.backend, restored.log, 'other'));
    restored.scheduler.time = 101;
    restored.manager.onProcessingTime(101);
    expect(restored.log.map((f) => [f.tag, f.timestamp, f.currentKey])).toEqual([
      ['windows', 100, KEYS[0]],
      ['other', 100, KEYS[0]],
      ['windows', 101, KEYS[1]],
      ['other', 101, KEYS[1]],
    ]);
    expect(restored.scheduler.wakeUps.at(-1)).toBe(102);
  });

  it('keeps firing order for timers registered after the restore', () => {
    const backend = newBackend();
    const original = withTimers(backend);
    const restored = restoreTimers(snapshotKeyedState(backend, original.manager));
    const t = restored.manager.getInternalTimerService<Namespace>(
      'windows',
      recorder(restored.backend, restored.log, 'windows'),
    );
    restored.manager.getInternalTimerService('other', recorder(restored.backend, restored.log, 'other'));
    restored.backend.setCurrentKey('new');
    t.registerEventTimeTimer('late', 9);
    restored.manager.advanceWatermark(9);
    expect(restored.log.at(-1)).toMatchObject({ key: 'new', timestamp: 9 });
    expect(restored.log).toHaveLength(KEYS.length * 2 + 1);
  });

  it('fail loudly if their service is never requested', () => {
    const backend = newBackend();
    const original = withTimers(backend);
    const restored = restoreTimers(snapshotKeyedState(backend, original.manager));
    restored.manager.getInternalTimerService('windows', recorder(restored.backend, restored.log, 'windows'));
    expect(() => restored.manager.advanceWatermark(9)).toThrow(/timer service "other" were restored/);
  });

  it('refuses to restore timers without a timer service manager to hold them', () => {
    const backend = newBackend();
    const { manager } = withTimers(backend);
    const snapshot = snapshotKeyedState(backend, manager);
    expect(() => restoreKeyedState(newBackend(), undefined, snapshot)).toThrow(/holds timers/);
  });
});

describe('keyed state snapshot: restore errors', () => {
  function snapshotOf(keys: unknown[]) {
    const backend = newBackend();
    const state = backend.getOrCreateState(new ValueStateDescriptor<number>('v'));
    for (const key of keys) {
      backend.setCurrentKey(key);
      state.update(1);
    }
    return snapshotKeyedState(backend, undefined);
  }

  function internalError(run: () => void): WeirError {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(WeirError);
      expect((error as WeirError).code).toBe('INTERNAL');
      expect((error as WeirError).domain).toBe('internal');
      return error as WeirError;
    }
    throw new Error('expected an internal error');
  }

  it('throws for a key group outside the range, before loading anything', () => {
    const snapshot = snapshotOf(['a', 'b', 'c', 'd', 'e']);
    const [inside, outside] = [snapshot[0]!, snapshot.at(-1)!];
    const range = { start: inside[0], end: outside[0] - 1 };
    const backend = newBackend(new FakeClock(), range);
    const error = internalError(() => restoreKeyedState(backend, undefined, [inside, outside]));
    expect(error.message).toMatch(`key group ${outside[0]}`);
    expect(error.message).toMatch(`${range.start}..${range.end}`);
    expect(backend.numEntries()).toBe(0);
    internalError(() => backend.restoreKeyGroup(outside[0], []));
  });

  it('throws for a key group given twice, or bytes filed under the wrong key group', () => {
    const [a, b] = snapshotOf(['a', 'b']) as [[number, Uint8Array], [number, Uint8Array]];
    internalError(() => restoreKeyedState(newBackend(), undefined, [a, a]));
    const error = internalError(() => restoreKeyedState(newBackend(), undefined, [[b[0], a[1]]]));
    expect(error.message).toMatch(`restored as part of key group ${b[0]}`);
    internalError(() => restoreKeyedState(newBackend(), undefined, [[a[0], new Uint8Array([0xc1])]]));
  });

  it('names the state when a restored state is registered as another kind', () => {
    const backend = newBackend();
    restoreKeyedState(backend, undefined, snapshotOf(['a']));
    let error: unknown;
    try {
      backend.getOrCreateState(new ListStateDescriptor<number>('v'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).domain).toBe('user');
    expect((error as WeirError).message).toMatch(
      /state "v" was restored as value state but is registered as list state/,
    );
    // The failed registration left the restored entries in place.
    const v = backend.getOrCreateState(new ValueStateDescriptor<number>('v'));
    backend.setCurrentKey('a');
    expect(v.value()).toBe(1);
  });
});
