/**
 * The engine's default initial old generation for task threads: bounded, derived from the
 * memory per core, and never in place of a size the job asked for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultOldGenerationMb,
  MAX_DEFAULT_OLD_GENERATION_MB,
  taskOldGenerationMb,
  V8_OWN_OLD_GENERATION,
} from './old-generation.js';

const memory = fc.integer({ min: 0, max: 4 * 1024 * 1024 });
const cores = fc.integer({ min: 1, max: 512 });

describe('task threads’ default initial old generation', () => {
  it('is V8’s own start or between 64 MB and the cap, and at most a quarter of the memory per core', () => {
    fc.assert(
      fc.property(memory, cores, (mb, n) => {
        const size = defaultOldGenerationMb(mb, n);
        if (size === V8_OWN_OLD_GENERATION) return;
        expect(size).toBeGreaterThanOrEqual(64);
        expect(size).toBeLessThanOrEqual(MAX_DEFAULT_OLD_GENERATION_MB);
        expect(size * 4 * n).toBeLessThanOrEqual(mb);
      }),
    );
  });

  it('grows with memory and shrinks with cores', () => {
    fc.assert(
      fc.property(memory, memory, cores, cores, (m1, m2, n1, n2) => {
        const [lo, hi] = m1 <= m2 ? [m1, m2] : [m2, m1];
        const [few, many] = n1 <= n2 ? [n1, n2] : [n2, n1];
        expect(defaultOldGenerationMb(lo, few)).toBeLessThanOrEqual(defaultOldGenerationMb(hi, few));
        expect(defaultOldGenerationMb(lo, many)).toBeLessThanOrEqual(defaultOldGenerationMb(lo, few));
      }),
    );
  });

  it('takes the cap on a machine with memory to spare and V8’s own start on a small one', () => {
    expect(defaultOldGenerationMb(24 * 1024, 2)).toBe(MAX_DEFAULT_OLD_GENERATION_MB);
    expect(defaultOldGenerationMb(4 * 1024, 8)).toBe(128);
    expect(defaultOldGenerationMb(1024, 8)).toBe(V8_OWN_OLD_GENERATION);
  });

  it('keeps the size a job asked for, V8’s own start (0) included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65536 }), (mb) => {
        expect(taskOldGenerationMb(mb)).toBe(mb);
      }),
    );
  });

  it('resolves an unset size to a bounded default for this machine', () => {
    const size = taskOldGenerationMb(undefined);
    expect(size === V8_OWN_OLD_GENERATION || (size >= 64 && size <= MAX_DEFAULT_OLD_GENERATION_MB)).toBe(
      true,
    );
  });
});
