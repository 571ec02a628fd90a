/**
 * Byte-string keys survive a checkpoint: state written under a Buffer key (as SQL literals and
 * casts make them) is found after a snapshot and restore, at another parallelism, under a plain
 * Uint8Array with the same bytes (as concatenation or a decoded file makes them), and the other
 * way round, in the heap and the disk backend; different bytes find no state. The codec may
 * give a key back as either kind, so only a key by the bytes lets a restored job find its state.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { ValueStateDescriptor } from '../types/state.js';
import type { KeyedStateBackend } from './backend.js';
import { diskStateBackendFactory } from './disk/disk-backend.js';
import { FakeClock, newBackend } from './heap/test-helpers.js';
import { assignToKeyGroup, keyGroupRangeForSubtask, operatorIndexForKeyGroup } from './key-groups.js';
import { restoreKeyedState, snapshotKeyedState } from './keyed-snapshot.js';

const MAX_PARALLELISM = 128;
const disposers: Array<() => void> = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
});

type Kind = 'heap' | 'disk';

function backendOf(kind: Kind, parallelism: number, index: number): KeyedStateBackend {
  const keyGroupRange = keyGroupRangeForSubtask(MAX_PARALLELISM, parallelism, index);
  if (kind === 'heap') return newBackend(new FakeClock(), keyGroupRange);
  const backend = diskStateBackendFactory(undefined, { ttlScanInterval: 0 }).create({
    maxParallelism: MAX_PARALLELISM,
    keyGroupRange,
    now: new FakeClock().now,
  });
  disposers.push(() => backend.dispose());
  return backend;
}

const owner = (key: unknown, parallelism: number) =>
  operatorIndexForKeyGroup(MAX_PARALLELISM, parallelism, assignToKeyGroup(key, MAX_PARALLELISM));

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe.each<Kind>(['heap', 'disk'])('byte-string keys in a %s backend snapshot', (kind) => {
  test('property: a restored key is found by its bytes, whatever kind of byte array asks', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.uint8Array({ maxLength: 4 }), { minLength: 1, maxLength: 8, selector: hex }),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        (keys, writeBuffers, p, q) => {
          // Written as one kind, with a compound key of the bytes and a number too.
          const written = (b: Uint8Array) => (writeBuffers ? Buffer.from(b) : new Uint8Array(b));
          const asked = (b: Uint8Array) => (writeBuffers ? new Uint8Array(b) : Buffer.from(b));
          const descriptor = new ValueStateDescriptor<string>('v');
          const before = Array.from({ length: p }, (_, i) => backendOf(kind, p, i));
          for (const b of keys) {
            for (const key of [written(b), [written(b), 1]]) {
              const backend = before[owner(key, p)]!;
              backend.setCurrentKey(key);
              backend.getOrCreateState(descriptor).update(`${hex(b)}/${Array.isArray(key)}`);
            }
          }
          const blobs = before.flatMap((b) => snapshotKeyedState(b, undefined));
          const after = Array.from({ length: q }, (_, i) => {
            const backend = backendOf(kind, q, i);
            const { start, end } = backend.keyGroupRange;
            restoreKeyedState(
              backend,
              undefined,
              blobs.filter(([g]) => g >= start && g <= end),
            );
            return backend;
          });
          const read = (key: unknown) => {
            const backend = after[owner(key, q)]!;
            backend.setCurrentKey(key);
            return backend.getOrCreateState(descriptor).value();
          };
          for (const b of keys) {
            expect(read(asked(b))).toBe(`${hex(b)}/false`);
            expect(read([asked(b), 1])).toBe(`${hex(b)}/true`);
            // A byte more is other bytes: no state.
            const longer = new Uint8Array([...b, 0]);
            if (!keys.some((k) => hex(k) === hex(longer))) expect(read(asked(longer)) ?? null).toBeNull();
          }
        },
      ),
      { numRuns: kind === 'disk' ? 25 : 100 },
    );
  });
});
