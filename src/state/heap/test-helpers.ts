/**
 * Shared fixtures for the heap backend tests: a backend over all key groups with a manual clock.
 */
import type { KeyGroupRange } from '../key-groups.js';
import { HeapKeyedStateBackend } from './heap-backend.js';

/** A settable processing-time clock for TTL tests. */
export class FakeClock {
  time = 0;
  readonly now = (): number => this.time;
  advance(ms: number): void {
    this.time += ms;
  }
}

/** A backend owning all 128 key groups (or `range`), reading time from `clock`. */
export function newBackend(clock = new FakeClock(), range?: KeyGroupRange): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    maxParallelism: 128,
    keyGroupRange: range ?? { start: 0, end: 127 },
    now: clock.now,
  });
}
