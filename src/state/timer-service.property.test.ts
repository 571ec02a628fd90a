/**
 * Property: under random register/delete/advance sequences over several keys, namespaces and
 * services, the manager fires exactly the registered-and-not-deleted timers up to each
 * watermark, in (timestamp, registration) order, with the timer's key current while it fires.
 * Registering a timer known to be new (`registerNewEventTimeTimer`, no deduplicating lookup)
 * is the same as registering it checked, also when many keys share a timestamp, so that a
 * bucket of timers pushed unchecked builds its index only at a later checked register or delete.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeapKeyedStateBackend } from './heap/heap-backend.js';
import { canonicalKey } from './key-groups.js';
import { createTimeServiceManager } from './timer-service.js';
import { type Fired, ManualScheduler, recorder } from './timer-test-helpers.js';

const nsArb = fc.constantFrom<string | number>('', 'w', 3);
const serviceArb = fc.constantFrom('s1', 's2');

type Op =
  | { op: 'key'; key: unknown }
  | { op: 'register'; service: string; ns: string | number; ts: number; known: boolean }
  | { op: 'delete'; service: string; ns: string | number; ts: number }
  | { op: 'advance'; by: number };

/**
 * Operations over these keys and timestamps; a `known` register uses the unchecked registration
 * when the timer is new (what its callers guarantee), else the checked one.
 */
function opsOver(
  keyArb: fc.Arbitrary<unknown>,
  tsArb: fc.Arbitrary<number>,
  keyWeight: number,
  advanceMax: number,
): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: keyWeight, arbitrary: fc.record({ op: fc.constant('key' as const), key: keyArb }) },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('register' as const),
        service: serviceArb,
        ns: nsArb,
        ts: tsArb,
        known: fc.boolean(),
      }),
    },
    fc.record({ op: fc.constant('delete' as const), service: serviceArb, ns: nsArb, ts: tsArb }),
    fc.record({ op: fc.constant('advance' as const), by: fc.integer({ min: 0, max: advanceMax }) }),
  );
}

const fewKeys = opsOver(
  fc.constantFrom<unknown>('a', 'b', 7, [1, 'x']),
  fc.integer({ min: 0, max: 40 }),
  1,
  10,
);
/**
 * Up to 90 timer identities per timestamp and a slow watermark: buckets outgrow the scanned size
 * and need an index.
 */
const crowded = opsOver(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 8 }), 3, 1);

interface ModelTimer {
  service: string;
  key: unknown;
  ns: string | number;
  ts: number;
  seq: number;
}

describe('timer service against a model', () => {
  it.each([
    ['few keys', fewKeys, 120],
    ['many keys sharing timestamps', crowded, 400],
  ] as const)(
    'fires exactly the live timers, in (timestamp, registration) order (%s)',
    (_name, opArb, maxLength) => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength, size: 'max' }), (ops) => {
          const backend = new HeapKeyedStateBackend({
            maxParallelism: 128,
            keyGroupRange: { start: 0, end: 127 },
            now: () => 0,
          });
          const manager = createTimeServiceManager(backend, new ManualScheduler());
          const log: Fired[] = [];
          const services = {
            s1: manager.getInternalTimerService('s1', recorder(backend, log, 's1')),
            s2: manager.getInternalTimerService('s2', recorder(backend, log, 's2')),
          } as const;
          const live = new Map<string, ModelTimer>();
          let seq = 0;
          let watermark = -1;
          let key: unknown = 'a';
          backend.setCurrentKey(key);
          const id = (service: string, ns: string | number, ts: number) =>
            JSON.stringify([service, String(canonicalKey(key)), typeof ns, ns, ts]);

          const run = (ops: Op[]): void => {
            for (const op of ops) {
              if (op.op === 'key') {
                key = op.key;
                backend.setCurrentKey(key);
              } else if (op.op === 'register') {
                const k = id(op.service, op.ns, op.ts);
                const service = services[op.service as 's1'];
                if (op.known && !live.has(k)) service.registerNewEventTimeTimer(op.ns, op.ts);
                else service.registerEventTimeTimer(op.ns, op.ts);
                if (!live.has(k)) live.set(k, { service: op.service, key, ns: op.ns, ts: op.ts, seq: seq++ });
              } else if (op.op === 'delete') {
                services[op.service as 's1'].deleteEventTimeTimer(op.ns, op.ts);
                live.delete(id(op.service, op.ns, op.ts));
              } else {
                watermark += op.by;
                const due = [...live.entries()]
                  .filter(([, t]) => t.ts <= watermark)
                  .sort(([, a], [, b]) => a.ts - b.ts || a.seq - b.seq);
                for (const [k] of due) live.delete(k);
                log.length = 0;
                manager.advanceWatermark(watermark);
                expect(log.map((f) => [f.tag, canonicalKey(f.key), f.namespace, f.timestamp])).toEqual(
                  due.map(([, t]) => [t.service, canonicalKey(t.key), t.ns, t.ts]),
                );
                for (const f of log) expect(canonicalKey(f.currentKey)).toBe(canonicalKey(f.key));
                // The timestamps are non-decreasing (implied by the equality, stated for clarity).
                for (let i = 1; i < log.length; i++)
                  expect(log[i]!.timestamp).toBeGreaterThanOrEqual(log[i - 1]!.timestamp);
                // Firing leaves the last timer's key current; keep the model's key in sync.
                key = backend.getCurrentKey();
              }
              for (const name of ['s1', 's2'] as const) {
                const expected = [...live.values()].filter((t) => t.service === name).length;
                expect(services[name].numEventTimeTimers()).toBe(expected);
              }
            }
          };
          run(ops);
          run([{ op: 'advance', by: 1000 }]);
          expect(live.size).toBe(0);
        }),
        { numRuns: 300 },
      );
    },
  );
});
