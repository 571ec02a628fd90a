/**
 * The keyed state backends the conformance suites run against, each created the same way: all
 * 128 key groups (or a given range) and a settable clock. Disk backends are disposed after each
 * test so their stores are deleted.
 */
import { afterEach } from 'vitest';
import type { KeyedStateBackend, KeyedStateBackendFactory } from '../../src/state/backend.js';
import { diskStateBackendFactory } from '../../src/state/disk/disk-backend.js';
import { heapStateBackendFactory } from '../../src/state/heap/heap-backend.js';
import { FakeClock } from '../../src/state/heap/test-helpers.js';
import type { KeyGroupRange } from '../../src/state/key-groups.js';

export { FakeClock };

const created: KeyedStateBackend[] = [];

afterEach(() => {
  for (const backend of created.splice(0)) backend.dispose();
});

function tracked(factory: KeyedStateBackendFactory): KeyedStateBackendFactory {
  return {
    create: (options) => {
      const backend = factory.create(options);
      created.push(backend);
      return backend;
    },
  };
}

/** A backend implementation under test. */
export interface BackendUnderTest {
  readonly name: string;
  readonly factory: KeyedStateBackendFactory;
  /** A backend owning all 128 key groups (or `range`), reading time from `clock`. */
  newBackend(clock?: FakeClock, range?: KeyGroupRange): KeyedStateBackend;
}

function underTest(name: string, factory: KeyedStateBackendFactory): BackendUnderTest {
  const tracking = tracked(factory);
  return {
    name,
    factory: tracking,
    newBackend: (clock = new FakeClock(), range) =>
      tracking.create({
        maxParallelism: 128,
        keyGroupRange: range ?? { start: 0, end: 127 },
        now: clock.now,
      }),
  };
}

/** Every backend: the conformance suites loop over these. */
export const BACKENDS: readonly BackendUnderTest[] = [
  underTest('heap', heapStateBackendFactory),
  underTest('disk', diskStateBackendFactory()),
  // A cache this small evicts and writes back on nearly every access.
  underTest('disk, 4-entry cache', diskStateBackendFactory(undefined, { cacheEntries: 4 })),
];
