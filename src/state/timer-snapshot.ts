/**
 * The snapshot format of the heap timer service. A key group's data lists, per timer service
 * name, its event-time and its processing-time timers in firing order, each as
 * `[key, namespace, timestamp, seq]`. The key is the one the key selector returned and the
 * namespace is the object the operator registered (a window), so timers fire after a restore
 * exactly as registered. `seq` is the registration order: restoring it keeps the order of
 * timers with equal timestamps across services and key groups of one subtask.
 */
import { ErrorCodes, WeirError } from '../types/errors.js';
import type { Namespace } from './backend.js';
import { type Timer, timerLess } from './timer-index.js';
import { keyGroupOfCanonical } from './key-groups.js';

/** One timer: key, namespace, timestamp, registration order. */
export type TimerData = [key: unknown, namespace: Namespace, timestamp: number, seq: number];

/** One service's timers in one key group. */
export type ServiceTimers = [name: string, eventTime: TimerData[], processingTime: TimerData[]];

/** What the heap timer service writes for one key group. */
export type TimerKeyGroupSnapshot = ServiceTimers[];

/** The error for timer data that cannot have been written by the timer service. */
export function corruptTimers(message: string): WeirError {
  return new WeirError(ErrorCodes.INTERNAL, `timer snapshot: ${message}`, { domain: 'internal' });
}

/**
 * Live timers (of one service and time domain) split by key group, each group in firing order;
 * with `only`, just the timers of those key groups.
 */
export function timersByKeyGroup(
  live: Iterable<Timer>,
  maxParallelism: number,
  only?: ReadonlySet<number>,
): Map<number, TimerData[]> {
  const byGroup = new Map<number, Timer[]>();
  for (const timer of live) {
    const keyGroup = keyGroupOfCanonical(timer.canonical, maxParallelism);
    if (only !== undefined && !only.has(keyGroup)) continue;
    let timers = byGroup.get(keyGroup);
    if (timers === undefined) {
      timers = [];
      byGroup.set(keyGroup, timers);
    }
    timers.push(timer);
  }
  const out = new Map<number, TimerData[]>();
  for (const [keyGroup, timers] of byGroup) {
    timers.sort((a, b) => (timerLess(a, b) ? -1 : timerLess(b, a) ? 1 : 0));
    out.set(
      keyGroup,
      timers.map((t) => [t.key, t.namespace, t.timestamp, t.seq]),
    );
  }
  return out;
}

/** Checks the shape of one key group's timer data, so corrupt input fails before anything is loaded. */
export function readTimerSnapshot(data: unknown): TimerKeyGroupSnapshot {
  if (!Array.isArray(data)) throw corruptTimers('key group data is not a list of timer services');
  for (const service of data) {
    if (
      !Array.isArray(service) ||
      typeof service[0] !== 'string' ||
      !isTimerList(service[1]) ||
      !isTimerList(service[2])
    ) {
      throw corruptTimers('a timer service entry is not [name, event-time timers, processing-time timers]');
    }
  }
  return data as TimerKeyGroupSnapshot;
}

function isTimerList(timers: unknown): boolean {
  if (!Array.isArray(timers)) return false;
  for (const timer of timers) {
    if (!Array.isArray(timer) || typeof timer[2] !== 'number' || !Number.isInteger(timer[3])) return false;
    const ns = timer[1];
    const nsOk =
      typeof ns === 'string' ||
      typeof ns === 'number' ||
      (typeof ns === 'object' && ns !== null && typeof ns.namespaceKey === 'string');
    if (!nsOk) return false;
  }
  return true;
}
