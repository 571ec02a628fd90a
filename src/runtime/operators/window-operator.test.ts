import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../../types/elements.js';
import {
  OutputTag,
  ProcessWindowFunction,
  type Collector,
  type ProcessWindowContext,
} from '../../types/functions.js';
import { ValueStateDescriptor } from '../../types/state.js';
import { SlidingEventTimeWindows } from '../../windowing/sliding.js';
import { TumblingEventTimeWindows } from '../../windowing/tumbling.js';
import type { TimeWindow } from '../../windowing/windows.js';
import { createProcessWindowOperator, createReduceWindowOperator } from './window-operator-builder.js';
import { describeWindow, type KV, kvHarness } from './window-test-utils.js';
import type { WindowOperator } from './window-operator.js';

describe('tumbling event-time windows', () => {
  it('fires each window once the watermark passes its end, with out-of-order input', () => {
    const h = kvHarness(
      createProcessWindowOperator({ assigner: TumblingEventTimeWindows.of(10) }, describeWindow),
    );
    h.processElement(['a', 1], 3);
    h.processElement(['a', 2], 12);
    h.processElement(['a', 3], 7);
    h.processElement(['b', 4], 1);
    h.processWatermark(8);
    expect(h.extractOutputValues()).toEqual([]);
    h.processWatermark(9);
    expect(h.getOutput()).toEqual([
      { watermark: 8 },
      { value: 'a@0-10:[1,3]', timestamp: 9 },
      { value: 'b@0-10:[4]', timestamp: 9 },
      { watermark: 9 },
    ]);
    h.processWatermark(25);
    expect(h.getRecordOutput().slice(2)).toEqual([{ value: 'a@10-20:[2]', timestamp: 19 }]);
  });

  it('honours offsets and negative timestamps', () => {
    const h = kvHarness(
      createProcessWindowOperator({ assigner: TumblingEventTimeWindows.of(10, 3) }, describeWindow),
    );
    h.processElement(['a', 1], -5);
    h.processElement(['a', 2], 2);
    h.processElement(['a', 3], 3);
    h.processWatermark(MAX_WATERMARK);
    expect(h.extractOutputValues()).toEqual(['a@-7-3:[1,2]', 'a@3-13:[3]']);
  });

  it('every element lands in exactly the windows its timestamp defines (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        (times, size, slide) => {
          const h = kvHarness(
            createProcessWindowOperator(
              { assigner: SlidingEventTimeWindows.of(size, slide) },
              describeWindow,
            ),
          );
          times.forEach((t, i) => {
            h.processElement(['k', i], t);
          });
          h.processWatermark(MAX_WATERMARK);
          const seen = new Map<number, string[]>();
          for (const line of h.extractOutputValues()) {
            const [, win, vals] = /^k@(.+?):\[(.*)\]$/.exec(line)!;
            for (const v of vals!.split(',')) seen.set(Number(v), [...(seen.get(Number(v)) ?? []), win!]);
          }
          times.forEach((t, i) => {
            const expected: string[] = [];
            for (let start = Math.floor(t / slide) * slide; start > t - size; start -= slide)
              expected.push(`${start}-${start + size}`);
            expect((seen.get(i) ?? []).sort()).toEqual(expected.sort());
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('sliding event-time windows', () => {
  it('puts an element into every overlapping window', () => {
    const h = kvHarness(
      createReduceWindowOperator<KV>({ assigner: SlidingEventTimeWindows.of(10, 5) }, (a, b) => [
        a[0],
        a[1] + b[1],
      ]),
    );
    h.processElement(['a', 1], 7);
    h.processElement(['a', 10], 12);
    h.processWatermark(MAX_WATERMARK);
    expect(h.getRecordOutput()).toEqual([
      { value: ['a', 1], timestamp: 9 },
      { value: ['a', 11], timestamp: 14 },
      { value: ['a', 10], timestamp: 19 },
    ]);
  });
});

describe('allowed lateness', () => {
  const late = new OutputTag<KV>('late');
  const spec = (lateDataOutputTag?: OutputTag<KV>) => ({
    assigner: TumblingEventTimeWindows.of(10),
    allowedLateness: 5,
    lateDataOutputTag,
  });

  it('re-fires for each late element within the lateness, then side-outputs later ones', () => {
    const h = kvHarness(createProcessWindowOperator(spec(late), describeWindow));
    h.processElement(['a', 1], 1);
    h.processWatermark(9);
    expect(h.extractOutputValues()).toEqual(['a@0-10:[1]']);
    h.processElement(['a', 2], 2); // late, but the window is kept until 14
    h.processElement(['a', 3], 8);
    expect(h.extractOutputValues()).toEqual(['a@0-10:[1]', 'a@0-10:[1,2]', 'a@0-10:[1,2,3]']);
    h.processWatermark(14); // cleanup time 9 + 5
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
    h.processElement(['a', 4], 3); // window late and element late (3 + 5 <= 14)
    h.processElement(['a', 5], 15); // on time for [10, 20)
    expect(h.getSideOutput(late)).toEqual([{ value: ['a', 4], timestamp: 3 }]);
    expect(h.extractOutputValues()).toHaveLength(3);
    expect(
      (h as unknown as { operator: WindowOperator<KV, unknown, string, string, TimeWindow> }).operator
        .numLateRecordsDropped,
    ).toBe(0);
  });

  it('counts dropped late elements when no late side output is set', () => {
    const op = createProcessWindowOperator(spec(), describeWindow) as WindowOperator<
      KV,
      unknown,
      string,
      string,
      TimeWindow
    >;
    const h = kvHarness(op);
    h.processElement(['a', 1], 1);
    h.processWatermark(20);
    h.processElement(['a', 2], 5);
    h.processElement(['b', 3], 14); // window [10,20) cleanup 24 > 20: accepted and fired at once
    expect(op.numLateRecordsDropped).toBe(1);
    expect(h.extractOutputValues()).toEqual(['a@0-10:[1]', 'b@10-20:[3]']);
  });

  it('with zero lateness drops an element whose window ended, even if others are open', () => {
    const h = kvHarness(
      createProcessWindowOperator(
        { assigner: SlidingEventTimeWindows.of(10, 5), lateDataOutputTag: late },
        describeWindow,
      ),
    );
    h.processWatermark(14);
    h.processElement(['a', 1], 12); // [5,15) is late, [10,20) is not: not a late element
    h.processElement(['a', 2], 4); // all its windows are late
    h.processWatermark(MAX_WATERMARK);
    expect(h.extractOutputValues()).toEqual(['a@10-20:[1]']);
    expect(h.getSideOutput(late).map((r) => r.value)).toEqual([['a', 2]]);
  });
});

class CountingFn extends ProcessWindowFunction<KV, string, string, TimeWindow> {
  static cleared: string[] = [];
  private readonly fires = new ValueStateDescriptor<number>('fires');
  private readonly total = new ValueStateDescriptor<number>('total');

  process(
    key: string,
    ctx: ProcessWindowContext<TimeWindow>,
    elements: Iterable<KV>,
    out: Collector<string>,
  ): void {
    const fires = ctx.windowState().getState(this.fires);
    fires.update((fires.value() ?? 0) + 1);
    const total = ctx.globalState().getState(this.total);
    total.update((total.value() ?? 0) + [...elements].length);
    out.collect(
      `${key} ${ctx.window().start} fire#${fires.value()} total=${total.value()} wm=${ctx.currentWatermark()}`,
    );
    if (fires.value() === 2)
      ctx.output(new OutputTag<string>('second'), `second firing of ${ctx.window().start}`);
  }

  override clear(ctx: ProcessWindowContext<TimeWindow>): void {
    CountingFn.cleared.push(String(ctx.window().start));
    ctx.windowState().getState(this.fires).clear();
  }
}

describe('ProcessWindowFunction', () => {
  it('has per-window and global state, side outputs, and clear at cleanup', () => {
    CountingFn.cleared = [];
    const h = kvHarness(
      createProcessWindowOperator(
        { assigner: TumblingEventTimeWindows.of(10), allowedLateness: 10 },
        new CountingFn(),
      ),
    );
    h.processElement(['a', 1], 1);
    h.processWatermark(9);
    h.processElement(['a', 2], 2);
    expect(h.extractOutputValues()).toEqual(['a 0 fire#1 total=1 wm=9', 'a 0 fire#2 total=3 wm=9']);
    expect(h.getSideOutput(new OutputTag<string>('second'))).toEqual([
      { value: 'second firing of 0', timestamp: 9 },
    ]);
    h.processWatermark(19);
    expect(CountingFn.cleared).toEqual(['0']);
    // Only the global total survives the window.
    expect(h.numKeyedStateEntries()).toBe(1);
    expect(h.numEventTimeTimers()).toBe(0);
  });
});
