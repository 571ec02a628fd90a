import { describe, expect, it } from 'vitest';
import { MAX_WATERMARK } from '../../types/elements.js';
import { WeirError } from '../../types/errors.js';
import type { Window } from '../../types/functions.js';
import { ValueStateDescriptor } from '../../types/state.js';
import {
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
} from '../../windowing/continuous-triggers.js';
import { CountTrigger, PurgingTrigger } from '../../windowing/count-triggers.js';
import { CountEvictor, DeltaEvictor, TimeEvictor } from '../../windowing/evictors.js';
import { GlobalWindows } from '../../windowing/global-windows.js';
import { SlidingProcessingTimeWindows } from '../../windowing/sliding.js';
import { Trigger, type TriggerContext, type TriggerResult } from '../../windowing/trigger.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from '../../windowing/tumbling.js';
import {
  createAggregateWindowOperator,
  createProcessWindowOperator,
  createReduceWindowOperator,
} from './window-operator-builder.js';
import { describeWindow, type KV, kvHarness } from './window-test-utils.js';

const sum = (a: KV, b: KV): KV => [a[0], a[1] + b[1]];
const avg = {
  createAccumulator: () => ({ n: 0, total: 0 }),
  add: (v: KV, acc: { n: number; total: number }) => ({ n: acc.n + 1, total: acc.total + v[1] }),
  getResult: (acc: { n: number; total: number }) => acc.total / acc.n,
  merge: (a: { n: number; total: number }, b: { n: number; total: number }) => ({
    n: a.n + b.n,
    total: a.total + b.total,
  }),
};

describe('triggers', () => {
  it('CountTrigger fires every n elements without purging', () => {
    const h = kvHarness(
      createProcessWindowOperator(
        { assigner: TumblingEventTimeWindows.of(100), trigger: CountTrigger.of(2) },
        describeWindow,
      ),
    );
    for (let i = 1; i <= 5; i++) h.processElement(['a', i], i);
    expect(h.extractOutputValues()).toEqual(['a@0-100:[1,2]', 'a@0-100:[1,2,3,4]']);
    // CountTrigger ignores time: nothing more fires at the window's end, and cleanup removes everything.
    h.processWatermark(MAX_WATERMARK);
    expect(h.extractOutputValues()).toHaveLength(2);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('PurgingTrigger turns fires into fire-and-purge', () => {
    const h = kvHarness(
      createProcessWindowOperator(
        { assigner: TumblingEventTimeWindows.of(100), trigger: PurgingTrigger.of(CountTrigger.of(2)) },
        describeWindow,
      ),
    );
    for (let i = 1; i <= 5; i++) h.processElement(['a', i], i);
    expect(h.extractOutputValues()).toEqual(['a@0-100:[1,2]', 'a@0-100:[3,4]']);
  });

  it('ContinuousEventTimeTrigger fires at interval boundaries and at the end', () => {
    const h = kvHarness(
      createReduceWindowOperator<KV>(
        { assigner: TumblingEventTimeWindows.of(20), trigger: ContinuousEventTimeTrigger.of(5) },
        sum,
      ),
    );
    h.processElement(['a', 1], 1);
    h.processElement(['a', 2], 7);
    h.processWatermark(4);
    expect(h.extractOutputValues()).toEqual([]);
    h.processWatermark(5);
    expect(h.getRecordOutput()).toEqual([{ value: ['a', 3], timestamp: 19 }]);
    h.processElement(['a', 10], 12);
    h.processWatermark(19);
    expect(h.extractOutputValues().map((v) => v[1])).toEqual([3, 13, 13, 13]); // fires at 5, then 10, 15, 19
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('ContinuousProcessingTimeTrigger fires every interval of processing time', () => {
    const h = kvHarness(
      createReduceWindowOperator<KV>(
        { assigner: TumblingProcessingTimeWindows.of(100), trigger: ContinuousProcessingTimeTrigger.of(30) },
        sum,
      ),
    );
    h.setProcessingTime(10);
    h.processElement(['a', 1]);
    h.setProcessingTime(29);
    expect(h.extractOutputValues()).toEqual([]);
    h.setProcessingTime(30);
    h.processElement(['a', 2]);
    h.setProcessingTime(99);
    expect(h.extractOutputValues().map((v) => v[1])).toEqual([1, 3, 3, 3]); // 30, 60, 90, 99
    expect(h.numKeyedStateEntries()).toBe(0);
    expect(h.numProcessingTimeTimers()).toBe(0);
  });

  it('custom triggers use partitioned state and timers', () => {
    /** Fires when the sum reaches 10, and otherwise 5 ms of event time after the first element. */
    class SumOrTimeout extends Trigger<KV, Window> {
      private readonly total = new ValueStateDescriptor<number>('total');
      onElement(e: KV, ts: number, _w: Window, ctx: TriggerContext): TriggerResult {
        const s = ctx.getPartitionedState(this.total);
        if (s.value() === undefined) ctx.registerEventTimeTimer(ts + 5);
        s.update((s.value() ?? 0) + e[1]);
        return s.value()! >= 10 ? 'FIRE_AND_PURGE' : 'CONTINUE';
      }
      onEventTime(_t: number, _w: Window, ctx: TriggerContext): TriggerResult {
        ctx.getPartitionedState(this.total).clear();
        return 'FIRE_AND_PURGE';
      }
      onProcessingTime(): TriggerResult {
        return 'CONTINUE';
      }
      clear(_w: Window, ctx: TriggerContext): void {
        ctx.getPartitionedState(this.total).clear();
      }
    }
    const h = kvHarness(
      createProcessWindowOperator(
        { assigner: GlobalWindows.create(), trigger: new SumOrTimeout() },
        describeWindow,
      ),
    );
    h.processElement(['a', 4], 1);
    h.processElement(['a', 7], 2);
    expect(h.extractOutputValues()).toEqual(['a@global:[4,7]']);
    h.processElement(['b', 1], 3);
    h.processWatermark(8);
    expect(h.extractOutputValues()).toEqual(['a@global:[4,7]', 'b@global:[1]']);
  });
});

describe('global and count windows', () => {
  it('tumbling count windows: PurgingTrigger(CountTrigger) on GlobalWindows', () => {
    const h = kvHarness(
      createReduceWindowOperator<KV>(
        { assigner: GlobalWindows.create(), trigger: PurgingTrigger.of(CountTrigger.of(3)) },
        sum,
      ),
    );
    for (let i = 1; i <= 7; i++) h.processElement(['a', i], i);
    h.processElement(['b', 100], 0);
    expect(h.extractOutputValues()).toEqual([
      ['a', 6],
      ['a', 15],
    ]);
    // Global windows have no cleanup timer; the output timestamp is the end of time.
    expect(h.numEventTimeTimers() + h.numProcessingTimeTimers()).toBe(0);
    expect(h.getRecordOutput()[0]!.timestamp).toBe(MAX_WATERMARK);
  });

  it('sliding count windows: CountEvictor(size) with CountTrigger(slide)', () => {
    const h = kvHarness(
      createProcessWindowOperator(
        { assigner: GlobalWindows.create(), evictor: CountEvictor.of(3), trigger: CountTrigger.of(2) },
        describeWindow,
      ),
    );
    for (let i = 1; i <= 6; i++) h.processElement(['a', i], i);
    expect(h.extractOutputValues()).toEqual(['a@global:[1,2]', 'a@global:[2,3,4]', 'a@global:[4,5,6]']);
  });

  it('the global window never fires by default', () => {
    const h = kvHarness(createProcessWindowOperator({ assigner: GlobalWindows.create() }, describeWindow));
    h.processElement(['a', 1], 1);
    h.processWatermark(MAX_WATERMARK);
    h.setProcessingTime(1e12);
    expect(h.extractOutputValues()).toEqual([]);
    expect(h.numKeyedStateEntries()).toBe(1);
  });
});

describe('evictors in the operator', () => {
  it('TimeEvictor keeps only the last ms of each window, and eviction persists', () => {
    const h = kvHarness(
      createProcessWindowOperator(
        {
          assigner: TumblingEventTimeWindows.of(100),
          evictor: TimeEvictor.of(10),
          trigger: CountTrigger.of(3),
        },
        describeWindow,
      ),
    );
    h.processElement(['a', 1], 5);
    h.processElement(['a', 2], 30);
    h.processElement(['a', 3], 25);
    h.processElement(['a', 4], 50);
    h.processElement(['a', 5], 1);
    h.processElement(['a', 6], 45);
    expect(h.extractOutputValues()).toEqual(['a@0-100:[2,3]', 'a@0-100:[4,6]']);
  });

  it('evictAfter lets the function see everything, then trims', () => {
    const h = kvHarness(
      createReduceWindowOperator<KV>(
        {
          assigner: GlobalWindows.create(),
          evictor: DeltaEvictor.of(5, (a: KV, b: KV) => Math.abs(a[1] - b[1]), true),
          trigger: CountTrigger.of(2),
        },
        sum,
      ),
    );
    h.processElement(['a', 1], 1);
    h.processElement(['a', 10], 2); // sees 1 + 10, then 1 is evicted (|1 - 10| >= 5)
    h.processElement(['a', 12], 3);
    h.processElement(['a', 13], 4); // sees 10 + 12 + 13
    expect(h.extractOutputValues().map((v) => v[1])).toEqual([11, 35]);
  });

  it('aggregate with an evictor aggregates only the surviving elements', () => {
    const h = kvHarness(
      createAggregateWindowOperator(
        { assigner: TumblingEventTimeWindows.of(10), evictor: CountEvictor.of(2) },
        avg,
      ),
    );
    for (const v of [1, 2, 3, 10]) h.processElement(['a', v], v % 10);
    h.processWatermark(9);
    expect(h.extractOutputValues()).toEqual([6.5]);
  });
});

describe('reduce and aggregate', () => {
  it('reduce with a window function sees the single reduced value', () => {
    const h = kvHarness(
      createReduceWindowOperator<KV, string, string, Window>(
        { assigner: TumblingEventTimeWindows.of(10) },
        { reduce: sum },
        (key, w, elements, out) => out.collect(`${key} ${w.maxTimestamp()} ${JSON.stringify([...elements])}`),
      ),
    );
    h.processElement(['a', 1], 1);
    h.processElement(['a', 2], 2);
    h.processWatermark(10);
    expect(h.extractOutputValues()).toEqual(['a 9 [["a",3]]']);
  });

  it('aggregate pre-aggregates in state and hands the result to the window function', () => {
    const h = kvHarness(
      createAggregateWindowOperator<KV, { n: number; total: number }, number, string, string, Window>(
        { assigner: SlidingProcessingTimeWindows.of(10, 5) },
        avg,
        (key, w, results, out) => out.collect(`${key}@${w.maxTimestamp()}=${[...results].join()}`),
      ),
    );
    h.setProcessingTime(3);
    h.processElement(['a', 2]);
    h.setProcessingTime(7);
    h.processElement(['a', 4]);
    // [-5,5) fired and was cleaned up when the clock reached 4; one accumulator per open window.
    expect(h.extractOutputValues()).toEqual(['a@4=2']);
    expect(h.numKeyedStateEntries()).toBe(2 /* [0,10) and [5,15) */);
    h.setProcessingTime(20);
    expect(h.extractOutputValues()).toEqual(['a@4=2', 'a@9=3', 'a@14=4']);
    expect(h.numKeyedStateEntries()).toBe(0);
  });

  it('opens and closes rich functions once per operator copy', () => {
    const calls: string[] = [];
    const reducer = {
      reduce: sum,
      open: () => calls.push('open'),
      close: () => calls.push('close'),
    };
    const h = kvHarness(
      createReduceWindowOperator<KV>({ assigner: TumblingEventTimeWindows.of(10) }, reducer),
    );
    h.close();
    expect(calls).toEqual(['open', 'close']);
  });

  it('rejects bad functions and lateness with one-line user errors', () => {
    expect(() => createAggregateWindowOperator({ assigner: GlobalWindows.create() }, {} as never)).toThrow(
      WeirError,
    );
    expect(() => createProcessWindowOperator({ assigner: GlobalWindows.create() }, 3 as never)).toThrow(
      /ProcessWindowFunction or a lambda/,
    );
    expect(() =>
      createProcessWindowOperator({ assigner: GlobalWindows.create(), allowedLateness: -1 }, describeWindow),
    ).toThrow(/allowedLateness must be >= 0 ms, got -1/);
  });

  it('a record without a timestamp in an event-time window fails with MISSING_TIMESTAMP', () => {
    const h = kvHarness(
      createProcessWindowOperator({ assigner: TumblingEventTimeWindows.of(10) }, describeWindow),
    );
    expect(() => h.processElement(['a', 1])).toThrow(expect.objectContaining({ code: 'MISSING_TIMESTAMP' }));
  });
});
