import { describe, expect, it } from 'vitest';
import { StateTtlConfig, ValueStateDescriptor } from '../../types/state.js';
import { FakeClock, newBackend } from './test-helpers.js';

const TTL = 100;

function setup() {
  const clock = new FakeClock();
  const backend = newBackend(clock);
  backend.setCurrentKey('k');
  return { clock, backend };
}

// The TTL behaviour shared with other backends is in test/conformance/state-backend.ttl*.conformance.test.ts
// and state-backend.property.conformance.test.ts.
describe('state TTL: incremental cleanup', () => {
  it('does not clean without incremental cleanup configured (only reads remove)', () => {
    const { clock, backend } = setup();
    const v = backend.getOrCreateState(
      new ValueStateDescriptor<number>('v').enableTimeToLive(StateTtlConfig.newBuilder(TTL).build()),
    );
    for (let k = 0; k < 3; k++) {
      backend.setCurrentKey(k);
      v.update(k);
    }
    clock.advance(TTL);
    backend.setCurrentKey(0);
    for (let i = 0; i < 5; i++) v.value();
    expect(backend.numEntries()).toBe(2);
  });
});
