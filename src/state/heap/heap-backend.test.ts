import { describe, expect, it } from 'vitest';
import { ValueStateDescriptor } from '../../types/state.js';
import { newBackend } from './test-helpers.js';

// The behaviour shared with other backends is in test/conformance/state-backend.conformance.test.ts.
describe('HeapKeyedStateBackend: dispose', () => {
  it('dispose releases all entries and the current key', () => {
    const backend = newBackend();
    const v = backend.getOrCreateState(new ValueStateDescriptor<number>('x'));
    backend.setCurrentKey('k');
    v.update(1);
    backend.dispose();
    expect(backend.numEntries()).toBe(0);
    expect(backend.getCurrentKey()).toBeUndefined();
    const again = backend.getOrCreateState(new ValueStateDescriptor<number>('x'));
    expect(again).not.toBe(v);
    backend.setCurrentKey('k');
    expect(again.value()).toBeUndefined();
  });
});
