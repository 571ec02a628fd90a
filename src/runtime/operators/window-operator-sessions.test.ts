import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../../types/elements.js';
import { WeirError } from '../../types/errors.js';
import { type ProcessWindowContext, ProcessWindowFunction } from '../../types/functions.js';
import { ValueStateDescriptor } from '../../types/state.js';
import { CountTrigger } from '../../windowing/count-triggers.js';
import { EventTimeSessionWindows, ProcessingTimeSessionWindows } from '../../windowing/sessions.js';
import { Trigger, type TriggerResult } from '../../windowing/trigger.js';
import type { TimeWindow } from '../../windowing/windows.js';
import { createAggregateWindowOperator, createProcessWindowOperator } from './window-operator-builder.js';
import { describeWindow, type KV, kvHarness } from './window-test-utils.js';

describe('event-time session windows', () => {
  it('merges elements closer than the gap, out of order', () => {
    const h = kvHarness(
      createProcessWindowOperator({ assigner: EventTimeSessionWindows.withGap(10) }, describeWindow),
    );
    h.processElement(['a', 1], 0);
    h.processElement(['a', 3], 30);
    h.processElement(['a', 2], 5);
    h.processElement(['b', 9], 3);
    h.processWatermark(14);
    // Timers fire in time order: b's session ends first.
    expect(h.getRecordOutput()).toEqual([
      { value: 'b@3-13:[9]', timestamp: 12 },
      { value: 'a@0-15:[1,2]', timestamp: 14 },
    ]);
    h.processWatermark(MAX_WATERMARK);
    expect(h.extractOutputValues()[2]).toBe('a@30-40:[3]');
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('a late element within the allowed lateness bridges two sessions into one', () => {
    const h = kvHarness(
      createProcessWindowOperator(
        { assigner: EventTimeSessionWindows.withGap(10), allowedLateness: 20 },
        describeWindow,
      ),
    );
    h.processElement(['a', 1], 0); // [0,10)
    h.processElement(['a', 2], 15); // [15,25)
    h.processWatermark(12);
    expect(h.extractOutputValues()).toEqual(['a@0-10:[1]']); // fired, kept for lateness
    h.processElement(['a', 3], 5); // [5,15) touches both: one session [0,25)
    expect(h.extractOutputValues()).toHaveLength(1);
    h.processWatermark(24);
    expect(h.extractOutputValues()).toEqual(['a@0-10:[1]', 'a@0-25:[1,2,3]']);
    // The merged windows' cleanup timers are gone; only the merged window's remains.
    expect(h.numEventTimeTimers()).toBe(1);
    h.processWatermark(44);
    expect(h.numEventTimeTimers()).toBe(0);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('merges trigger state: a count trigger counts across merged sessions', () => {
    const h = kvHarness(
      createProcessWindowOperator(
        { assigner: EventTimeSessionWindows.withGap(10), trigger: CountTrigger.of(3) },
        describeWindow,
      ),
    );
    h.processElement(['a', 1], 0);
    h.processElement(['a', 2], 20);
    h.processElement(['a', 3], 10); // bridges: count 1 + 1 merged, + 1 = 3
    expect(h.extractOutputValues()).toEqual(['a@0-30:[1,2,3]']);
  });

  it('drops elements whose session is entirely late and counts them', () => {
    const op = createProcessWindowOperator({ assigner: EventTimeSessionWindows.withGap(10) }, describeWindow);
    const h = kvHarness(op);
    h.processWatermark(100);
    h.processElement(['a', 1], 50);
    expect((op as unknown as { numLateRecordsDropped: number }).numLateRecordsDropped).toBe(1);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('matches a batch computation of gap-separated groups (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: -200, max: 200 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 25 }),
        (events, gap) => {
          const agg = {
            createAccumulator: () => 0,
            add: (_v: KV, acc: number) => acc + 1,
            getResult: (acc: number) => acc,
            merge: (x: number, y: number) => x + y,
          };
          const h = kvHarness(
            createAggregateWindowOperator<KV, number, number, string, string, TimeWindow>(
              { assigner: EventTimeSessionWindows.withGap(gap) },
              agg,
              (key, w, counts, out) => out.collect(`${key}:${w.start}-${w.end}:${[...counts][0]}`),
            ),
          );
          for (const [k, t] of events) h.processElement([k, t], t);
          h.processWatermark(MAX_WATERMARK);
          const expected: string[] = [];
          for (const key of ['a', 'b']) {
            const ts = events
              .filter((e) => e[0] === key)
              .map((e) => e[1])
              .sort((x, y) => x - y);
            let i = 0;
            while (i < ts.length) {
              const start = ts[i]!;
              let end = start + gap;
              let n = 1;
              while (i + n < ts.length && ts[i + n]! <= end) {
                end = Math.max(end, ts[i + n]! + gap);
                n++;
              }
              expected.push(`${key}:${start}-${end}:${n}`);
              i += n;
            }
          }
          expect(h.extractOutputValues().sort()).toEqual(expected.sort());
          expect(h.numKeyedStateEntries()).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects a trigger that cannot merge', () => {
    class NoMerge extends Trigger<unknown, TimeWindow> {
      onElement(): TriggerResult {
        return 'CONTINUE';
      }
      onEventTime(): TriggerResult {
        return 'CONTINUE';
      }
      onProcessingTime(): TriggerResult {
        return 'CONTINUE';
      }
      clear(): void {}
    }
    expect(() =>
      createProcessWindowOperator(
        { assigner: EventTimeSessionWindows.withGap(5), trigger: new NoMerge() },
        describeWindow,
      ),
    ).toThrow(WeirError);
  });

  it('per-window state is refused for merging windows', () => {
    const h = kvHarness(
      createProcessWindowOperator<KV, string, string, TimeWindow>(
        { assigner: EventTimeSessionWindows.withGap(5) },
        new (class extends ProcessWindowFunction<KV, string, string, TimeWindow> {
          process(_k: string, ctx: ProcessWindowContext<TimeWindow>): void {
            ctx.windowState().getState(new ValueStateDescriptor<number>('n'));
          }
        })(),
      ),
    );
    h.processElement(['a', 1], 1);
    expect(() => h.processWatermark(100)).toThrow(/per-window state .* not available with merging/);
  });
});

describe('processing-time session windows', () => {
  it('sessions follow the clock and fire when it passes their end', () => {
    const h = kvHarness(
      createProcessWindowOperator({ assigner: ProcessingTimeSessionWindows.withGap(10) }, describeWindow),
    );
    h.setProcessingTime(0);
    h.processElement(['a', 1]);
    h.setProcessingTime(5);
    h.processElement(['a', 2]);
    h.setProcessingTime(13);
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(14); // maxTimestamp of [0, 15)
    expect(h.getRecordOutput()).toEqual([{ value: 'a@0-15:[1,2]', timestamp: 14 }]);
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(0);
  });
});
