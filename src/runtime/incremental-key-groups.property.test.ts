/**
 * Incremental snapshots against full ones, on both backends: random state writes, clears, TTL
 * expiry, timer registrations, deletions and firings, interleaved with snapshots that are then
 * completed or aborted in any order. A stand-in for the coordinator fills in blobs sent by name
 * only from the checkpoint that was the last completed one when the snapshot was taken (stricter
 * than the coordinator, which looks in the last two completed), and
 * every completed checkpoint must then equal a full snapshot taken at the same moment, and
 * restore into a fresh backend as exactly that state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyedStateBackend } from '../state/backend.js';
import { DiskKeyedStateBackend } from '../state/disk/disk-backend.js';
import { HeapKeyedStateBackend } from '../state/heap/heap-backend.js';
import { FakeClock } from '../state/heap/test-helpers.js';
import { restoreKeyedState, snapshotKeyedState } from '../state/keyed-snapshot.js';
import { createTimeServiceManager } from '../state/timer-service.js';
import type { InternalTimerService, TimeServiceManager } from '../state/timers.js';
import { decode } from '../types/codec.js';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from '../types/state.js';
import { IncrementalKeyGroups } from './incremental-key-groups.js';
import type { SharedKeyGroupState } from './snapshot.js';

const MAX_PARALLELISM = 16;
const RANGE = { start: 0, end: MAX_PARALLELISM - 1 };
const TTL = 10;

const root = mkdtempSync(join(tmpdir(), 'weir-incremental-property-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Kind = 'heap' | 'disk';

function newBackend(kind: Kind, clock: FakeClock): KeyedStateBackend {
  const options = { maxParallelism: MAX_PARALLELISM, keyGroupRange: RANGE, now: clock.now };
  if (kind === 'heap') return new HeapKeyedStateBackend(options);
  // A TTL scan every few key changes, so expiry also happens away from the current key.
  return new DiskKeyedStateBackend(options, mkdtempSync(join(root, 'store-')), {
    ttlScanInterval: 3,
    ttlScanBudget: 4,
  });
}

/** A subtask's keyed state layer as an operator uses it. */
class Subtask {
  readonly clock = new FakeClock();
  readonly backend: KeyedStateBackend;
  readonly timers: TimeServiceManager;
  readonly service: InternalTimerService<number>;

  constructor(kind: Kind) {
    this.backend = newBackend(kind, this.clock);
    this.timers = createTimeServiceManager(this.backend, { now: this.clock.now, requestWakeUp: () => {} });
    const fired = this.backend.getOrCreateState(new ValueStateDescriptor<number>('fired'));
    this.service = this.timers.getInternalTimerService<number>('t', {
      // Some firings write state of the timer's key, others change nothing but the timers.
      onEventTime: (timer) => {
        if (timer.timestamp % 2 === 0) fired.update((fired.value() ?? 0) + timer.timestamp);
      },
      onProcessingTime: () => {},
    });
  }

  value = () => this.backend.getOrCreateState(new ValueStateDescriptor<number>('value'));
  list = () => this.backend.getOrCreateState(new ListStateDescriptor<number>('list'));
  map = () => this.backend.getOrCreateState(new MapStateDescriptor<number, number>('map'));
  ttl = () =>
    this.backend.getOrCreateState(
      new ValueStateDescriptor<number>('ttl').enableTimeToLive(
        StateTtlConfig.newBuilder(TTL).cleanupIncrementally(2, true).build(),
      ),
    );
}

type Command =
  | { op: 'value' | 'list' | 'ttl' | 'readTtl' | 'clear'; key: number; n: number }
  | { op: 'map' | 'mapRemove'; key: number; uk: number; n: number }
  | { op: 'timer' | 'deleteTimer'; key: number; ts: number }
  | { op: 'watermark'; ts: number }
  | { op: 'tick'; ms: number }
  | { op: 'snapshot' }
  | { op: 'complete' | 'abort'; pick: number };

const key = fc.integer({ min: 0, max: 39 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    op: fc.constantFrom('value', 'list', 'ttl', 'readTtl', 'clear'),
    key,
    n: fc.integer({ min: 0, max: 99 }),
  }) as fc.Arbitrary<Command>,
  fc.record({
    op: fc.constantFrom('map', 'mapRemove'),
    key,
    uk: fc.integer({ min: 0, max: 3 }),
    n: fc.integer({ min: 0, max: 99 }),
  }) as fc.Arbitrary<Command>,
  fc.record({
    op: fc.constantFrom('timer', 'deleteTimer'),
    key,
    ts: fc.integer({ min: 0, max: 50 }),
  }) as fc.Arbitrary<Command>,
  fc.record({ op: fc.constant('watermark'), ts: fc.integer({ min: 0, max: 50 }) }) as fc.Arbitrary<Command>,
  fc.record({ op: fc.constant('tick'), ms: fc.integer({ min: 1, max: 8 }) }) as fc.Arbitrary<Command>,
  fc.constant({ op: 'snapshot' } as Command),
  fc.record({
    op: fc.constantFrom('complete', 'abort'),
    pick: fc.nat(),
  }) as fc.Arbitrary<Command>,
);

function apply(t: Subtask, c: Command): void {
  switch (c.op) {
    case 'value':
      t.backend.setCurrentKey(c.key);
      t.value().update(c.n);
      return;
    case 'list':
      t.backend.setCurrentKey(c.key);
      t.list().add(c.n);
      return;
    case 'ttl':
      t.backend.setCurrentKey(c.key);
      t.ttl().update(c.n);
      return;
    case 'readTtl':
      t.backend.setCurrentKey(c.key);
      t.ttl().value();
      return;
    case 'clear':
      t.backend.setCurrentKey(c.key);
      [t.value, t.list, t.map][c.n % 3]!().clear();
      return;
    case 'map':
      t.backend.setCurrentKey(c.key);
      t.map().put(c.uk, c.n);
      return;
    case 'mapRemove':
      t.backend.setCurrentKey(c.key);
      t.map().remove(c.uk);
      return;
    case 'timer':
      t.backend.setCurrentKey(c.key);
      t.service.registerEventTimeTimer(c.ts % 3, c.ts);
      return;
    case 'deleteTimer':
      t.backend.setCurrentKey(c.key);
      t.service.deleteEventTimeTimer(c.ts % 3, c.ts);
      return;
    case 'watermark':
      t.timers.advanceWatermark(Math.max(t.timers.currentWatermark(), c.ts));
      return;
    case 'tick':
      t.clock.advance(c.ms);
      return;
  }
}

/** A decoded key group blob with its states and timer services in name order. */
function normalized(bytes: Uint8Array): unknown {
  const blob = decode<{ state: { name: string }[] | null; timers: [string][] | null }>(bytes);
  return {
    state: blob.state === null ? null : [...blob.state].sort((a, b) => a.name.localeCompare(b.name)),
    timers: blob.timers === null ? null : [...blob.timers].sort((a, b) => a[0].localeCompare(b[0])),
  };
}

function normalizedAll(groups: Iterable<readonly [number, Uint8Array]>): Map<number, unknown> {
  const out = new Map<number, unknown>();
  for (const [keyGroup, bytes] of groups) out.set(keyGroup, normalized(bytes));
  return out;
}

interface Taken {
  readonly id: number;
  readonly shared: Array<readonly [number, SharedKeyGroupState]>;
  /** A full snapshot at the same moment: what the checkpoint must restore. */
  readonly expected: Map<number, unknown>;
  /** Blob bytes of the last completed checkpoint at the time, by name: all a reference may name. */
  readonly base: Map<string, Uint8Array>;
}

function runScenario(kind: Kind, commands: readonly Command[]): number {
  const t = new Subtask(kind);
  const incremental = new IncrementalKeyGroups();
  let nextId = 1;
  let pending: Taken[] = [];
  let lastCompleted: { id: number; blobs: Map<string, Uint8Array> } | undefined;
  let checked = 0;
  try {
    for (const c of commands) {
      if (c.op === 'snapshot') {
        const id = nextId++;
        const expected = normalizedAll(snapshotKeyedState(t.backend, t.timers));
        const base = lastCompleted?.blobs ?? new Map<string, Uint8Array>();
        pending.push({ id, shared: incremental.snapshot(id, t.backend, t.timers), expected, base });
        continue;
      }
      if (c.op === 'abort' || c.op === 'complete') {
        if (pending.length === 0) continue;
        const taken = pending[c.pick % pending.length]!;
        pending = pending.filter((p) => p !== taken);
        if (c.op === 'abort') continue;
        // Resolve as the coordinator does, but only from the one checkpoint allowed.
        const resolved: Array<[number, Uint8Array]> = [];
        const blobs = new Map<string, Uint8Array>();
        for (const [keyGroup, part] of taken.shared) {
          const bytes = part.bytes ?? taken.base.get(part.sha256);
          expect(
            bytes,
            `checkpoint ${taken.id} refers to a blob no completed checkpoint holds`,
          ).toBeDefined();
          resolved.push([keyGroup, bytes!]);
          blobs.set(part.sha256, bytes!);
        }
        expect(normalizedAll(resolved)).toEqual(taken.expected);
        // Restoring it gives exactly that state.
        const fresh = new Subtask(kind);
        try {
          restoreKeyedState(fresh.backend, fresh.timers, resolved);
          expect(normalizedAll(snapshotKeyedState(fresh.backend, fresh.timers))).toEqual(taken.expected);
        } finally {
          fresh.backend.dispose();
        }
        checked++;
        // Completing an older checkpoint after a newer one changes nothing at the task.
        if (lastCompleted === undefined || taken.id > lastCompleted.id)
          lastCompleted = { id: taken.id, blobs };
        incremental.completed(taken.id);
        continue;
      }
      apply(t, c);
    }
  } finally {
    t.backend.dispose();
  }
  return checked;
}

describe('incremental snapshots of changed key groups', () => {
  for (const kind of ['heap', 'disk'] as const) {
    it(`${kind}: every completed checkpoint restores the state at its snapshot, whatever was aborted`, () => {
      let checked = 0;
      fc.assert(
        fc.property(fc.array(command, { minLength: 10, maxLength: 80 }), (commands) => {
          checked += runScenario(kind, commands);
        }),
        { numRuns: kind === 'heap' ? 300 : 120 },
      );
      // The scenarios must actually complete checkpoints, or the property says nothing.
      expect(checked).toBeGreaterThan(50);
    });
  }

  it('after a snapshot that failed, the next one encodes every key group again', () => {
    const t = new Subtask('heap');
    const incremental = new IncrementalKeyGroups();
    for (let k = 0; k < 40; k++) apply(t, { op: 'value', key: k, n: k });
    const first = new Map(incremental.snapshot(1, t.backend, t.timers).map(([, p]) => [p.sha256, p.bytes!]));
    incremental.completed(1);
    apply(t, { op: 'value', key: 3, n: 1000 });
    // The same backend, failing to snapshot once the changed key groups were taken.
    const failing: KeyedStateBackend = Object.create(t.backend);
    failing.snapshotKeyGroups = () => {
      throw new Error('a state value cannot be encoded');
    };
    expect(() => incremental.snapshot(2, failing, t.timers)).toThrow(/cannot be encoded/);
    // Key 3's change was taken by the failed snapshot: the next one must still carry it.
    const third = incremental.snapshot(3, t.backend, t.timers);
    const resolved = normalizedAll(third.map(([g, p]) => [g, p.bytes ?? first.get(p.sha256)!] as const));
    expect(resolved).toEqual(normalizedAll(snapshotKeyedState(t.backend, t.timers)));
    t.backend.dispose();
  });

  it('refers to unchanged key groups by name once a checkpoint holding them completed', () => {
    const t = new Subtask('heap');
    const incremental = new IncrementalKeyGroups();
    for (let k = 0; k < 40; k++) apply(t, { op: 'value', key: k, n: k });
    const first = incremental.snapshot(1, t.backend, t.timers);
    expect(first.every(([, part]) => part.bytes !== undefined)).toBe(true);
    incremental.completed(1);
    apply(t, { op: 'value', key: 7, n: 1000 });
    const second = incremental.snapshot(2, t.backend, t.timers);
    const withBytes = second.filter(([, part]) => part.bytes !== undefined).map(([g]) => g);
    t.backend.setCurrentKey(7);
    expect(withBytes).toEqual([t.backend.getCurrentKeyGroup()]);
    expect(second.map(([g]) => g)).toEqual(first.map(([g]) => g));
    t.backend.dispose();
  });
});
