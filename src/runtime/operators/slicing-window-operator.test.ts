import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../../types/elements.js';
import { ValueStateDescriptor } from '../../types/state.js';
import type { Collector } from '../../types/functions.js';
import { EventTimeTrigger } from '../../windowing/time-triggers.js';
import { SlidingEventTimeWindows } from '../../windowing/sliding.js';
import { TumblingEventTimeWindows } from '../../windowing/tumbling.js';
import type { TimeWindow } from '../../windowing/windows.js';
import { SlicingWindowOperator } from './slicing-window-operator.js';
import { createAggregateWindowOperator } from './window-operator-builder.js';
import { type KV, kvHarness } from './window-test-utils.js';
import { WindowOperator } from './window-operator.js';

const sum = {
  createAccumulator: () => 0,
  add: (e: KV, acc: number) => acc + e[1],
  getResult: (acc: number) => acc,
  merge: (a: number, b: number) => a + b,
};

function describeSum(key: string, w: TimeWindow, sums: Iterable<number>, out: Collector<string>): void {
  for (const s of sums) out.collect(`${key}@${w.start}-${w.end}:${s}`);
}

describe('slicing window operator', () => {
  it('is chosen only for overlapping sliding windows with the default trigger and no lateness', () => {
    const sliding = SlidingEventTimeWindows.of(100, 10);
    const pick = (spec: Parameters<typeof createAggregateWindowOperator>[0]) =>
      createAggregateWindowOperator(spec, sum).constructor;
    expect(pick({ assigner: sliding })).toBe(SlicingWindowOperator);
    expect(pick({ assigner: TumblingEventTimeWindows.of(100) })).toBe(WindowOperator);
    expect(pick({ assigner: SlidingEventTimeWindows.of(10, 10) })).toBe(WindowOperator);
    expect(pick({ assigner: sliding, allowedLateness: 5 })).toBe(WindowOperator);
    expect(pick({ assigner: sliding, trigger: EventTimeTrigger.create() })).toBe(WindowOperator);
    // A merge that hands back its second argument would change a shared slice.
    const reusesB = {
      createAccumulator: () => ({ n: 0 }),
      add: (_e: KV, acc: { n: number }) => acc,
      getResult: (acc: { n: number }) => acc.n,
      merge: (a: { n: number }, b: { n: number }) => {
        b.n += a.n;
        return b;
      },
    };
    expect(createAggregateWindowOperator({ assigner: sliding }, reusesB).constructor).toBe(WindowOperator);
  });

  it('keeps one accumulator and one timer per slice, not per window, and fires every window', () => {
    const h = kvHarness(
      createAggregateWindowOperator({ assigner: SlidingEventTimeWindows.of(100, 10) }, sum, describeSum),
    );
    for (let t = 0; t < 100; t++) h.processElement(['a', 1], t);
    // Ten slices of 10 ms, not the 19 windows the elements belong to.
    const backend = h.keyedBackend!;
    backend.setCurrentKey('a');
    const slices = backend.getOrCreateState(new ValueStateDescriptor<number>('window-slice'));
    const held: number[] = [];
    for (let start = -100; start < 200; start += 10) {
      slices.setCurrentNamespace(start);
      if (slices.value() !== undefined) held.push(start);
    }
    expect(held).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(h.numKeyedStateEntries()).toBe(10);
    // Each slice's first window end; later ends follow one by one as windows fire.
    expect(h.numEventTimeTimers()).toBe(10);
    h.processWatermark(MAX_WATERMARK);
    const out = h.extractOutputValues();
    expect(out).toHaveLength(19);
    expect(out).toContain('a@0-100:100');
    expect(out).toContain('a@-90-10:10');
    expect(out).toContain('a@90-190:10');
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('fails in one line when merge hands back a shared slice', () => {
    const sometimesB = {
      createAccumulator: () => ({ n: 0 }),
      add: (_e: KV, acc: { n: number }) => ({ n: acc.n + 1 }),
      getResult: (acc: { n: number }) => acc.n,
      merge: (a: { n: number }, b: { n: number }) => {
        if (a.n === 0 && b.n > 0) return b;
        return { n: a.n + b.n };
      },
    };
    const h = kvHarness(
      createAggregateWindowOperator({ assigner: SlidingEventTimeWindows.of(20, 10) }, sometimesB),
    );
    h.processElement(['a', 1], 5);
    expect(() => h.processWatermark(MAX_WATERMARK)).toThrow(
      /merge\(a, b\) returned b .*merge b into a and return a/,
    );
  });
});
