/**
 * Hash partitioning sends each key to the subtask owning its key group, whatever the channel
 * count; with one channel it does so without computing the key, which the receiver computes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignToKeyGroup, operatorIndexForKeyGroup } from '../state/key-groups.js';
import { createChannelSelector } from './partitioner.js';

describe('hash channel selector', () => {
  it('picks the subtask of the key group of the key, for any channel count', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.string(), fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 })),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(8, 128),
        (key, channels, maxParallelism) => {
          const selector = createChannelSelector(
            { kind: 'hash', keySelector: (value: { k: unknown }) => value.k },
            channels,
            0,
            maxParallelism,
          );
          expect(selector.broadcast).toBe(false);
          expect(selector.selectChannel({ k: key })).toBe(
            operatorIndexForKeyGroup(maxParallelism, channels, assignToKeyGroup(key, maxParallelism)),
          );
        },
      ),
    );
  });

  it('with one channel, does not call the key selector', () => {
    let calls = 0;
    const selector = createChannelSelector(
      {
        kind: 'hash',
        keySelector: (value: { k: unknown }) => {
          calls++;
          return value.k;
        },
      },
      1,
      0,
      128,
    );
    expect(selector.selectChannel({ k: 'a' })).toBe(0);
    expect(calls).toBe(0);
  });
});
