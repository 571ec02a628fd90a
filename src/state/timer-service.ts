/**
 * The heap timer service: named {@link InternalTimerService}s of one keyed operator share two
 * queues (event time and processing time), so timers of all services fire in one global order
 * of (timestamp, registration). Each service deduplicates its own timers by (key, namespace,
 * timestamp). Firing makes the timer's key current in the backend and leaves it current.
 *
 * Like Flink, a timer is removed before it fires, so a callback may register new timers; those
 * at or before the current watermark (or processing time) fire within the same call. A callback
 * that always re-registers its own timestamp therefore loops forever, as it would in Flink.
 *
 * The queues bucket timers by timestamp and deduplicate within a bucket (`timer-queue.ts`), so
 * the many keys that share a timestamp (window ends, cleanup times) cost an append each.
 *
 * Snapshots hold every live timer by key group (format in `timer-snapshot.ts`). A restore puts
 * timers straight into the shared queues with their old registration order, so the global
 * firing order survives; a service restored before any operator asked for it is a placeholder
 * whose timers wait in the queues until `getInternalTimerService` hands it its triggerable.
 */
import { ErrorCodes, userError } from '../types/errors.js';
import {
  currentCanonicalKeyReader,
  type KeyedStateBackend,
  type Namespace,
  namespaceKeyOf,
} from './backend.js';
import { ChangedKeyGroups } from './changed-key-groups.js';
import { type CanonicalKey, canonicalKey, keyGroupOfCanonical } from './key-groups.js';
import { Timer } from './timer-index.js';
import { TimerQueue } from './timer-queue.js';
import {
  corruptTimers,
  readTimerSnapshot,
  type TimerData,
  type TimerKeyGroupSnapshot,
  timersByKeyGroup,
} from './timer-snapshot.js';
import type {
  InternalTimerService,
  ProcessingTimeScheduler,
  TimeServiceManager,
  TimeServiceManagerFactory,
  Triggerable,
} from './timers.js';

function noCurrentKey(): never {
  throw userError(
    ErrorCodes.STATE_ACCESS,
    'a timer was registered or deleted with no current key; timers are available only in keyed operators (after keyBy)',
  );
}

function checkTime(time: number): void {
  if (typeof time !== 'number' || Number.isNaN(time)) {
    throw userError(ErrorCodes.INVALID_ARGUMENT, `a timer timestamp must be a number, got ${String(time)}`);
  }
}

/**
 * The triggerable of a service restored from a snapshot but not yet requested. Its timers fire
 * only if the operator never asks for the service, e.g. after a timer service was renamed;
 * failing then beats silently dropping them.
 */
function unrequested(name: string): Triggerable<any> {
  const fail = (): never => {
    throw userError(
      ErrorCodes.STATE_ACCESS,
      `timers of timer service "${name}" were restored, but the operator never asked for that service; keep the timer service names of an operator when changing a job`,
    );
  };
  return { onEventTime: fail, onProcessingTime: fail };
}

/** One named timer service; see {@link InternalTimerService}. */
class HeapTimerService<N extends Namespace> implements InternalTimerService<N> {
  /** Live event-time timers of this service. */
  eventCount = 0;
  /** Live processing-time timers of this service. */
  processingCount = 0;
  /** False for a placeholder a restore created; `getInternalTimerService` makes it true. */
  requested = true;

  constructor(
    private readonly manager: HeapTimeServiceManager,
    public triggerable: Triggerable<N>,
  ) {}

  currentProcessingTime(): number {
    return this.manager.scheduler.now();
  }

  currentWatermark(): number {
    return this.manager.currentWatermark();
  }

  registerEventTimeTimer(namespace: N, time: number): void {
    if (this.register(this.manager.eventQueue, namespace, time)) this.eventCount++;
  }

  deleteEventTimeTimer(namespace: N, time: number): void {
    if (this.delete(this.manager.eventQueue, namespace, time)) this.eventCount--;
  }

  registerNewEventTimeTimer(namespace: N, time: number): void {
    checkTime(time);
    this.add(
      this.manager.eventQueue,
      namespace,
      time,
      this.manager.currentCanonicalKey(),
      namespaceKeyOf(namespace),
    );
    this.eventCount++;
  }

  registerProcessingTimeTimer(namespace: N, time: number): void {
    const queue = this.manager.processingQueue;
    const head = queue.peek();
    if (this.register(queue, namespace, time)) {
      this.processingCount++;
      if (head === undefined || time < head.timestamp) this.manager.wakeUpAt(time);
    }
  }

  /** Does not cancel a requested wake-up: an early wake-up just finds nothing to fire. */
  deleteProcessingTimeTimer(namespace: N, time: number): void {
    if (this.delete(this.manager.processingQueue, namespace, time)) this.processingCount--;
  }

  numEventTimeTimers(): number {
    return this.eventCount;
  }

  numProcessingTimeTimers(): number {
    return this.processingCount;
  }

  /** Adds the timer unless it exists; returns whether it was added. */
  private register(queue: TimerQueue, namespace: N, time: number): boolean {
    checkTime(time);
    const manager = this.manager;
    const canonical = manager.currentCanonicalKey();
    const nsKey = namespaceKeyOf(namespace);
    if (queue.get(this, canonical, nsKey, time) !== undefined) return false;
    this.add(queue, namespace, time, canonical, nsKey);
    return true;
  }

  /** Adds a timer whose identity the caller knows is not registered. */
  private add(
    queue: TimerQueue,
    namespace: N,
    time: number,
    canonical: CanonicalKey,
    nsKey: string | number,
  ): void {
    const manager = this.manager;
    const key = manager.backend.getCurrentKey();
    queue.push(new Timer(key, canonical, namespace, nsKey, time, manager.nextSeq++, this));
    manager.changes.mark(manager.backend.getCurrentKeyGroup());
  }

  /** Deletes the timer if it exists; returns whether it did. */
  private delete(queue: TimerQueue, namespace: N, time: number): boolean {
    const timer = queue.remove(this, this.manager.currentCanonicalKey(), namespaceKeyOf(namespace), time);
    if (timer === undefined) return false;
    this.manager.changes.mark(this.manager.backend.getCurrentKeyGroup());
    return true;
  }
}

/** The {@link TimeServiceManager} of one keyed operator subtask. */
class HeapTimeServiceManager implements TimeServiceManager {
  readonly eventQueue = new TimerQueue();
  readonly processingQueue = new TimerQueue();
  nextSeq = 0;
  /** Key groups whose timers changed since the last incremental snapshot. */
  readonly changes: ChangedKeyGroups;
  private readonly services = new Map<string, HeapTimerService<any>>();
  private watermark = Number.NEGATIVE_INFINITY;
  private firingProcessing = false;
  private readonly readCanonicalKey: () => CanonicalKey | undefined;

  constructor(
    readonly backend: KeyedStateBackend,
    readonly scheduler: ProcessingTimeScheduler,
  ) {
    this.changes = new ChangedKeyGroups(backend.keyGroupRange, backend.maxParallelism);
    this.readCanonicalKey = currentCanonicalKeyReader(backend);
  }

  getInternalTimerService<N extends Namespace>(
    name: string,
    triggerable: Triggerable<N>,
  ): InternalTimerService<N> {
    let service = this.services.get(name);
    if (service === undefined) {
      service = new HeapTimerService<N>(this, triggerable);
      this.services.set(name, service);
    } else {
      service.triggerable = triggerable;
      if (!service.requested) {
        service.requested = true;
        // Nothing asked the scheduler for the restored processing-time timers yet.
        if (service.processingCount > 0) this.wakeUpAtHead();
      }
    }
    return service;
  }

  takeChangedKeyGroups(): ReadonlySet<number> | undefined {
    return this.changes.take();
  }

  snapshotKeyGroups(keyGroups?: ReadonlySet<number>): Map<number, TimerKeyGroupSnapshot> {
    const groups = new Map<number, TimerKeyGroupSnapshot>();
    const maxParallelism = this.backend.maxParallelism;
    for (const [name, service] of this.services) {
      const event = timersByKeyGroup(this.eventQueue.timersOf(service), maxParallelism, keyGroups);
      const processing = timersByKeyGroup(this.processingQueue.timersOf(service), maxParallelism, keyGroups);
      for (const keyGroup of new Set([...event.keys(), ...processing.keys()])) {
        let services = groups.get(keyGroup);
        if (services === undefined) {
          services = [];
          groups.set(keyGroup, services);
        }
        services.push([name, event.get(keyGroup) ?? [], processing.get(keyGroup) ?? []]);
      }
    }
    return groups;
  }

  restoreKeyGroup(keyGroup: number, data: unknown): void {
    const { start, end } = this.backend.keyGroupRange;
    if (!Number.isInteger(keyGroup) || keyGroup < start || keyGroup > end) {
      throw corruptTimers(
        `key group ${keyGroup} was assigned to a subtask with key group range ${start}..${end}`,
      );
    }
    this.changes.mark(keyGroup);
    for (const [name, event, processing] of readTimerSnapshot(data)) {
      let service = this.services.get(name);
      if (service === undefined) {
        service = new HeapTimerService(this, unrequested(name));
        service.requested = false;
        this.services.set(name, service);
      }
      service.eventCount += this.restoreTimers(service, this.eventQueue, event, keyGroup);
      service.processingCount += this.restoreTimers(service, this.processingQueue, processing, keyGroup);
      if (service.requested && processing.length > 0) this.wakeUpAtHead();
    }
  }

  /** Puts restored timers into a queue; returns how many were added (not already there). */
  private restoreTimers(
    service: HeapTimerService<any>,
    queue: TimerQueue,
    timers: readonly TimerData[],
    keyGroup: number,
  ): number {
    const maxParallelism = this.backend.maxParallelism;
    let added = 0;
    for (const [key, namespace, timestamp, seq] of timers) {
      const canonical = canonicalKey(key);
      const actual = keyGroupOfCanonical(canonical, maxParallelism);
      if (actual !== keyGroup) {
        throw corruptTimers(
          `a timer of key group ${actual} was restored as part of key group ${keyGroup} (maxParallelism ${maxParallelism})`,
        );
      }
      const nsKey = namespaceKeyOf(namespace);
      if (queue.get(service, canonical, nsKey, timestamp) !== undefined) continue;
      queue.push(new Timer(key, canonical, namespace, nsKey, timestamp, seq, service));
      added++;
      if (seq >= this.nextSeq) this.nextSeq = seq + 1;
    }
    return added;
  }

  private wakeUpAtHead(): void {
    const head = this.processingQueue.peek();
    if (head !== undefined) this.wakeUpAt(head.timestamp);
  }

  advanceWatermark(watermark: number): void {
    // Set first: timers read currentWatermark() while firing, as in Flink.
    this.watermark = watermark;
    const queue = this.eventQueue;
    for (
      let timer = queue.peek();
      timer !== undefined && timer.timestamp <= watermark;
      timer = queue.peek()
    ) {
      queue.popPeeked();
      const service = timer.owner as HeapTimerService<any>;
      service.eventCount--;
      this.backend.setCurrentKey(timer.key);
      this.changes.mark(this.backend.getCurrentKeyGroup());
      service.triggerable.onEventTime(timer);
    }
  }

  onProcessingTime(time: number): void {
    const queue = this.processingQueue;
    // Wake-ups requested by callbacks would be superseded below; ask once at the end instead.
    this.firingProcessing = true;
    try {
      for (let timer = queue.peek(); timer !== undefined && timer.timestamp <= time; timer = queue.peek()) {
        queue.popPeeked();
        const service = timer.owner as HeapTimerService<any>;
        service.processingCount--;
        this.backend.setCurrentKey(timer.key);
        this.changes.mark(this.backend.getCurrentKeyGroup());
        service.triggerable.onProcessingTime(timer);
      }
    } finally {
      this.firingProcessing = false;
    }
    const next = queue.peek();
    if (next !== undefined) this.scheduler.requestWakeUp(next.timestamp);
  }

  currentWatermark(): number {
    return this.watermark;
  }

  /** Asks the scheduler for a wake-up, unless {@link onProcessingTime} will ask when it ends. */
  wakeUpAt(time: number): void {
    if (!this.firingProcessing) this.scheduler.requestWakeUp(time);
  }

  currentCanonicalKey(): CanonicalKey {
    return this.readCanonicalKey() ?? noCurrentKey();
  }
}

/**
 * Creates the timer services of one keyed operator, bound to its backend (for the current key)
 * and to a scheduler (for processing-time wake-ups). The watermark starts at -Infinity.
 */
export const createTimeServiceManager: TimeServiceManagerFactory = (backend, scheduler) =>
  new HeapTimeServiceManager(backend, scheduler);
