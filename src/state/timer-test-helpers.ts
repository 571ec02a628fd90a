/**
 * Fixtures for timer service tests: a manual processing-time scheduler that records wake-up
 * requests, and a triggerable that records what fired with the backend's key at that moment.
 */
import type { KeyedStateBackend, Namespace } from './backend.js';
import type { InternalTimer, ProcessingTimeScheduler, Triggerable } from './timers.js';

/** Scheduler whose time is set by the test; `wakeUps` lists every requested time. */
export class ManualScheduler implements ProcessingTimeScheduler {
  time = 0;
  readonly wakeUps: number[] = [];
  now(): number {
    return this.time;
  }
  requestWakeUp(time: number): void {
    this.wakeUps.push(time);
  }
}

/** One fired timer as seen by a triggerable. */
export interface Fired {
  readonly domain: 'event' | 'processing';
  readonly tag: string;
  readonly key: unknown;
  readonly currentKey: unknown;
  readonly namespace: Namespace;
  readonly timestamp: number;
}

/** Records fired timers into `log`; `onFire` lets a test act inside the callback. */
export function recorder(
  backend: KeyedStateBackend,
  log: Fired[],
  tag = '',
  onFire?: (timer: InternalTimer<Namespace>) => void,
): Triggerable<Namespace> {
  const record = (domain: 'event' | 'processing', timer: InternalTimer<Namespace>): void => {
    log.push({
      domain,
      tag,
      key: timer.key,
      currentKey: backend.getCurrentKey(),
      namespace: timer.namespace,
      timestamp: timer.timestamp,
    });
    onFire?.(timer);
  };
  return {
    onEventTime: (timer) => record('event', timer),
    onProcessingTime: (timer) => record('processing', timer),
  };
}
