import { describe, expect, it } from 'vitest';
import { NO_TIMESTAMP } from '../types/elements.js';
import type { TimestampedValue } from './evictor.js';
import { CountEvictor, DeltaEvictor, TimeEvictor } from './evictors.js';
import { GlobalWindow } from './windows.js';

const ctx = { getCurrentProcessingTime: () => 0, getCurrentWatermark: () => 0 };
const g = GlobalWindow.get();
const els = (...pairs: Array<[number, number]>): TimestampedValue<number>[] =>
  pairs.map(([value, timestamp]) => ({ value, timestamp }));

describe('evictors', () => {
  it('CountEvictor keeps the last n, before by default and after when asked', () => {
    const a = els([1, 1], [2, 2], [3, 3], [4, 4]);
    CountEvictor.of(2).evictBefore(a, a.length, g, ctx);
    expect(a.map((e) => e.value)).toEqual([3, 4]);
    const b = els([1, 1], [2, 2], [3, 3]);
    const after = CountEvictor.of(1, true);
    after.evictBefore(b, 3, g, ctx);
    expect(b).toHaveLength(3);
    after.evictAfter(b, 3, g, ctx);
    expect(b.map((e) => e.value)).toEqual([3]);
  });

  it('TimeEvictor removes elements at or before max - size, ignoring untimestamped input', () => {
    const a = els([1, 100], [2, 105], [3, 110], [4, 109]);
    TimeEvictor.of(5).evictBefore(a, a.length, g, ctx);
    expect(a.map((e) => e.value)).toEqual([3, 4]);
    const b = els([1, NO_TIMESTAMP], [2, 5]);
    TimeEvictor.of(1).evictBefore(b, 2, g, ctx);
    expect(b).toHaveLength(2);
  });

  it('DeltaEvictor removes elements whose delta to the newest is >= threshold', () => {
    const a = els([1, 0], [8, 0], [5, 0], [7, 0]);
    DeltaEvictor.of(3, (x: number, y: number) => Math.abs(x - y)).evictBefore(a, a.length, g, ctx);
    expect(a.map((e) => e.value)).toEqual([8, 5, 7]);
  });

  it('rejects bad arguments with one-line user errors', () => {
    expect(() => CountEvictor.of(0)).toThrow(/CountEvictor\.of: count must be a positive integer, got 0/);
    expect(() => TimeEvictor.of(-1)).toThrow(/TimeEvictor\.of: window size must be > 0 ms/);
    expect(() => DeltaEvictor.of(1, 5 as never)).toThrow(/delta function/);
  });
});
