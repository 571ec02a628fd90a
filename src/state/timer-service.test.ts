import { describe, expect, it } from 'vitest';
import { HeapKeyedStateBackend } from './heap/heap-backend.js';
import type { KeyedStateBackend } from './backend.js';
import { createTimeServiceManager } from './timer-service.js';
import { type Fired, ManualScheduler, recorder } from './timer-test-helpers.js';

function setup(backend: KeyedStateBackend = newBackend()) {
  const scheduler = new ManualScheduler();
  const manager = createTimeServiceManager(backend, scheduler);
  const log: Fired[] = [];
  return { backend, scheduler, manager, log };
}

function newBackend(): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    now: () => 0,
  });
}

describe('timer service: event time', () => {
  it('returns the same service per name and lets a later call rebind the triggerable', () => {
    const { backend, manager, log } = setup();
    const first = manager.getInternalTimerService('t', recorder(backend, log, 'first'));
    const again = manager.getInternalTimerService('t', recorder(backend, log, 'second'));
    expect(again).toBe(first);
    expect(manager.getInternalTimerService('other', recorder(backend, log))).not.toBe(first);
    backend.setCurrentKey('k');
    first.registerEventTimeTimer('w', 5);
    manager.advanceWatermark(5);
    expect(log.map((f) => f.tag)).toEqual(['second']);
  });

  it('fires timers <= watermark in timestamp order across services, ties in registration order', () => {
    const { backend, manager, log } = setup();
    const a = manager.getInternalTimerService('a', recorder(backend, log, 'a'));
    const b = manager.getInternalTimerService('b', recorder(backend, log, 'b'));
    backend.setCurrentKey('k1');
    a.registerEventTimeTimer('x', 30);
    b.registerEventTimeTimer('x', 10);
    backend.setCurrentKey('k2');
    a.registerEventTimeTimer('x', 10);
    b.registerEventTimeTimer('y', 20);
    a.registerEventTimeTimer('x', 40);
    manager.advanceWatermark(30);
    expect(log.map((f) => [f.tag, f.key, f.timestamp])).toEqual([
      ['b', 'k1', 10],
      ['a', 'k2', 10],
      ['b', 'k2', 20],
      ['a', 'k1', 30],
    ]);
    expect(log.every((f) => f.currentKey === f.key)).toBe(true);
    expect(a.numEventTimeTimers()).toBe(1);
    expect(b.numEventTimeTimers()).toBe(0);
    expect(manager.currentWatermark()).toBe(30);
  });

  it('deduplicates per (key, namespace, timestamp), keys and namespaces compared by value', () => {
    const { backend, manager, log } = setup();
    const t = manager.getInternalTimerService('t', recorder(backend, log));
    backend.setCurrentKey({ id: 1, tags: ['a'] });
    t.registerEventTimeTimer({ namespaceKey: 'w0' }, 7);
    backend.setCurrentKey({ tags: ['a'], id: 1 });
    t.registerEventTimeTimer({ namespaceKey: 'w0' }, 7);
    t.registerEventTimeTimer({ namespaceKey: 'w1' }, 7);
    t.registerEventTimeTimer({ namespaceKey: 'w0' }, 8);
    expect(t.numEventTimeTimers()).toBe(3);
    manager.advanceWatermark(100);
    expect(log.map((f) => [(f.namespace as { namespaceKey: string }).namespaceKey, f.timestamp])).toEqual([
      ['w0', 7],
      ['w1', 7],
      ['w0', 8],
    ]);
  });

  it('deletes timers; a deleted then re-registered timer fires once', () => {
    const { backend, manager, log } = setup();
    const t = manager.getInternalTimerService('t', recorder(backend, log));
    backend.setCurrentKey('k');
    t.registerEventTimeTimer('n', 1);
    t.registerEventTimeTimer('n', 2);
    t.deleteEventTimeTimer('n', 1);
    t.deleteEventTimeTimer('n', 99);
    expect(t.numEventTimeTimers()).toBe(1);
    t.deleteEventTimeTimer('n', 2);
    t.registerEventTimeTimer('n', 2);
    backend.setCurrentKey('other');
    t.deleteEventTimeTimer('n', 2); // other key: no effect
    expect(t.numEventTimeTimers()).toBe(1);
    manager.advanceWatermark(10);
    expect(log.map((f) => [f.key, f.timestamp])).toEqual([['k', 2]]);
    expect(t.numEventTimeTimers()).toBe(0);
  });

  it('fires timers registered during firing in the same call when <= watermark', () => {
    const { backend, manager, log } = setup();
    const seen: number[] = [];
    const t = manager.getInternalTimerService(
      't',
      recorder(backend, log, '', (timer) => {
        seen.push(t.currentWatermark());
        if (timer.timestamp === 10) {
          t.registerEventTimeTimer('late', 5);
          t.registerEventTimeTimer('later', 60);
        }
      }),
    );
    backend.setCurrentKey('k');
    t.registerEventTimeTimer('n', 10);
    t.registerEventTimeTimer('n', 20);
    manager.advanceWatermark(50);
    expect(log.map((f) => f.timestamp)).toEqual([10, 5, 20]);
    expect(t.numEventTimeTimers()).toBe(1);
    manager.advanceWatermark(60);
    expect(log.map((f) => f.timestamp)).toEqual([10, 5, 20, 60]);
    expect(seen).toEqual([50, 50, 50, 60]);
  });

  it('starts at -Infinity and rejects timers without a key or with NaN timestamps', () => {
    const { backend, manager, log } = setup();
    const t = manager.getInternalTimerService('t', recorder(backend, log));
    expect(manager.currentWatermark()).toBe(Number.NEGATIVE_INFINITY);
    expect(() => t.registerEventTimeTimer('n', 1)).toThrow(/no current key/);
    backend.setCurrentKey('k');
    expect(() => t.registerEventTimeTimer('n', Number.NaN)).toThrow(/must be a number/);
  });

  it('works with a backend that only implements the contract', () => {
    const inner = newBackend();
    const plain: KeyedStateBackend = {
      maxParallelism: inner.maxParallelism,
      keyGroupRange: inner.keyGroupRange,
      setCurrentKey: (k) => inner.setCurrentKey(k),
      getCurrentKey: () => inner.getCurrentKey(),
      getCurrentKeyGroup: () => inner.getCurrentKeyGroup(),
      getOrCreateState: (d) => inner.getOrCreateState(d),
      numEntries: () => inner.numEntries(),
      snapshotKeyGroups: () => inner.snapshotKeyGroups(),
      restoreKeyGroup: (g, d) => inner.restoreKeyGroup(g, d),
      dispose: () => inner.dispose(),
    };
    const { manager, log } = setup(plain);
    const t = manager.getInternalTimerService('t', recorder(plain, log));
    expect(() => t.registerEventTimeTimer('n', 1)).toThrow(/no current key/);
    plain.setCurrentKey([1]);
    t.registerEventTimeTimer('n', 1);
    plain.setCurrentKey([1]);
    t.registerEventTimeTimer('n', 1);
    manager.advanceWatermark(1);
    expect(log).toHaveLength(1);
  });
});

describe('timer service: processing time', () => {
  it('requests a wake-up only when a new timer becomes the earliest', () => {
    const { backend, scheduler, manager, log } = setup();
    const t = manager.getInternalTimerService('t', recorder(backend, log));
    backend.setCurrentKey('k');
    t.registerProcessingTimeTimer('n', 100);
    t.registerProcessingTimeTimer('n', 200);
    t.registerProcessingTimeTimer('n', 100);
    t.registerProcessingTimeTimer('n', 50);
    expect(scheduler.wakeUps).toEqual([100, 50]);
    expect(t.numProcessingTimeTimers()).toBe(3);
    expect(t.currentProcessingTime()).toBe(0);
  });

  it('fires due timers, then requests a wake-up for the next one', () => {
    const { backend, scheduler, manager, log } = setup();
    const t = manager.getInternalTimerService(
      't',
      recorder(backend, log, '', (timer) => {
        if (timer.timestamp === 100) {
          t.registerProcessingTimeTimer('n', 90); // due now: fires in this call
          t.registerProcessingTimeTimer('n', 120);
        }
      }),
    );
    backend.setCurrentKey('a');
    t.registerProcessingTimeTimer('n', 100);
    backend.setCurrentKey('b');
    t.registerProcessingTimeTimer('n', 150);
    t.registerProcessingTimeTimer('n', 300);
    t.deleteProcessingTimeTimer('n', 300);
    scheduler.wakeUps.length = 0;
    scheduler.time = 100;
    manager.onProcessingTime(100);
    expect(log.map((f) => [f.domain, f.key, f.timestamp])).toEqual([
      ['processing', 'a', 100],
      ['processing', 'a', 90],
    ]);
    expect(scheduler.wakeUps).toEqual([120]);
    manager.onProcessingTime(1000);
    expect(log.map((f) => f.timestamp)).toEqual([100, 90, 120, 150]);
    expect(scheduler.wakeUps).toEqual([120]);
    expect(t.numProcessingTimeTimers()).toBe(0);
  });

  it('keeps event-time and processing-time timers apart', () => {
    const { backend, manager, log } = setup();
    const t = manager.getInternalTimerService('t', recorder(backend, log));
    backend.setCurrentKey('k');
    t.registerEventTimeTimer('n', 5);
    t.registerProcessingTimeTimer('n', 5);
    t.deleteProcessingTimeTimer('n', 5);
    manager.onProcessingTime(10);
    expect(log).toEqual([]);
    manager.advanceWatermark(10);
    expect(log.map((f) => f.domain)).toEqual(['event']);
  });
});
