/**
 * The timer service contract. Timers are scoped by key and namespace and deduplicated: at most
 * one timer per (key, namespace, timestamp) and domain. Event-time timers fire when the
 * watermark passes them (timestamp <= watermark); processing-time timers when the clock does.
 * Firing makes the timer's key current in the backend first. Timers fire between records,
 * never inside the processing of one.
 */
import type { KeyedStateBackend, Namespace } from './backend.js';

/** A registered timer. */
export interface InternalTimer<N extends Namespace> {
  readonly key: unknown;
  readonly namespace: N;
  readonly timestamp: number;
}

/** Receives fired timers. */
export interface Triggerable<N extends Namespace> {
  onEventTime(timer: InternalTimer<N>): void;
  onProcessingTime(timer: InternalTimer<N>): void;
}

/** Timers of one kind of use (e.g. 'window-timers') in one operator, for the current key. */
export interface InternalTimerService<N extends Namespace> {
  currentProcessingTime(): number;
  currentWatermark(): number;
  registerEventTimeTimer(namespace: N, time: number): void;
  /**
   * Registers an event-time timer the caller knows is not registered (no pending timer of the
   * current key, this namespace and time), without the lookup that deduplicates: for an operator
   * that tracks its own timers (the regular join keeps one pending cleanup timer per key), whose
   * timers then need no index. Registering one that exists makes a second one, which fires too.
   */
  registerNewEventTimeTimer(namespace: N, time: number): void;
  deleteEventTimeTimer(namespace: N, time: number): void;
  registerProcessingTimeTimer(namespace: N, time: number): void;
  deleteProcessingTimeTimer(namespace: N, time: number): void;
  /** Number of registered event-time timers; for tests. */
  numEventTimeTimers(): number;
  numProcessingTimeTimers(): number;
}

/**
 * Wakes the timer services when processing time reaches `time`. The runtime implements it with
 * a real timer that posts into the task's mailbox; test harnesses with a manual clock.
 */
export interface ProcessingTimeScheduler {
  now(): number;
  /** Asks for one call of `onProcessingTime` at or after `time`. Earlier requests may be superseded. */
  requestWakeUp(time: number): void;
}

/** All timer services of one keyed operator. */
export interface TimeServiceManager {
  getInternalTimerService<N extends Namespace>(
    name: string,
    triggerable: Triggerable<N>,
  ): InternalTimerService<N>;
  /** Fires all event-time timers with timestamp <= watermark, in timestamp order, across services. */
  advanceWatermark(watermark: number): void;
  /** Fires all processing-time timers with timestamp <= time. */
  onProcessingTime(time: number): void;
  currentWatermark(): number;

  /**
   * The live timers of every service, by key group, as plain data that
   * {@link restoreKeyGroup} accepts; key groups without timers are left out.
   * Gotcha: the data shares keys and namespaces with live timers; encode it right away.
   * With `keyGroups`, only those key groups (the changed ones of an incremental snapshot).
   */
  snapshotKeyGroups(keyGroups?: ReadonlySet<number>): Map<number, unknown>;

  /**
   * The key groups whose timers changed (registered, deleted, fired or restored) since the
   * previous call (undefined: any of them); starts tracking afresh. Optional, as on
   * `KeyedStateBackend`.
   */
  takeChangedKeyGroups?(): ReadonlySet<number> | undefined;

  /**
   * Loads one key group's timers written by {@link snapshotKeyGroups}. Services are created
   * lazily, after a restore: timers of a service not yet requested wait for
   * {@link getInternalTimerService}, which then also asks the scheduler to wake up for restored
   * processing-time timers. Throws an internal error for data that does not belong to the group.
   */
  restoreKeyGroup(keyGroup: number, data: unknown): void;
}

/** Builds a {@link TimeServiceManager} bound to a backend and a scheduler. */
export type TimeServiceManagerFactory = (
  backend: KeyedStateBackend,
  scheduler: ProcessingTimeScheduler,
) => TimeServiceManager;
