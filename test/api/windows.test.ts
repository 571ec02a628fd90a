/**
 * Windows through the public API: each assigner, custom triggers and evictors, allowed
 * lateness with a late-data side output, and each way to compute a window's result (reduce,
 * aggregate, ProcessWindowFunction, a lambda window function).
 */
import { describe, expect, it } from 'vitest';
import {
  type AggregateFunction,
  type Collector,
  CountEvictor,
  CountTrigger,
  EventTimeSessionWindows,
  type GlobalWindow,
  GlobalWindows,
  OutputTag,
  type ProcessWindowContext,
  ProcessWindowFunction,
  PurgingTrigger,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TimeEvictor,
  type TimeWindow,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
} from '../../src/index.js';
import { RecordingSink } from '../support/recording-sink.js';

type Ev = { key: string; ts: number; v: number };
const ev = (key: string, ts: number, v = ts): Ev => ({ key, ts, v });

/** Keyed events with timestamps; watermarks trail by `delay` (periodic). */
function keyed(env: StreamExecutionEnvironment, events: Ev[], delay = 1_000) {
  return env
    .fromCollection(events)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forBoundedOutOfOrderness<Ev>(delay).withTimestampAssigner((e) => e.ts),
    )
    .keyBy((e) => e.key);
}

/** A window lambda that prints `key[start,end)=v1+v2…` in arrival order. */
function describeWindow(key: string, w: TimeWindow, elements: Iterable<Ev>, out: Collector<string>): void {
  out.collect(`${key}[${w.start},${w.end})=${[...elements].map((e) => e.v).join('+')}`);
}

const sumReduce = (a: Ev, b: Ev): Ev => ({ key: a.key, ts: Math.max(a.ts, b.ts), v: a.v + b.v });

describe('window assigners', () => {
  it('TumblingEventTimeWindows.of(size, offset) puts each element in [k*size + offset, …)', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await keyed(env, [ev('a', 2), ev('a', 3), ev('a', 12), ev('a', 13), ev('b', 25)])
      .window(TumblingEventTimeWindows.of(10, 3))
      .process(describeWindow)
      .executeAndCollect();
    expect(out.sort()).toEqual(['a[-7,3)=2', 'a[13,23)=13', 'a[3,13)=3+12', 'b[23,33)=25']);
  });

  it('SlidingEventTimeWindows.of(size, slide) puts each element in size/slide overlapping windows', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const out = await keyed(env, [ev('a', 7), ev('a', 12), ev('b', 0)])
      .window(SlidingEventTimeWindows.of(10, 5))
      .process(describeWindow)
      .executeAndCollect();
    expect(out.sort()).toEqual(['a[0,10)=7', 'a[10,20)=12', 'a[5,15)=7+12', 'b[-5,5)=0', 'b[0,10)=0'].sort());
  });

  it('EventTimeSessionWindows.withGap merges elements closer than the gap, also when they arrive out of order', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const out = await keyed(env, [
      ev('a', 10),
      ev('a', 1),
      ev('b', 3),
      ev('a', 14),
      ev('a', 3),
      ev('a', 30),
      ev('a', 19),
    ])
      .window(EventTimeSessionWindows.withGap(5))
      .reduce(sumReduce, (key: string, w: TimeWindow, sums: Iterable<Ev>, out: Collector<string>) =>
        out.collect(`${key}[${w.start},${w.end})=${[...sums][0]!.v}`),
      )
      .executeAndCollect();
    // a: {1,3} -> [1,8); {10,14,19} -> [10,24): 19 is exactly one gap after 14, so [14,19) and [19,24)
    // touch, and touching windows merge (Flink's TimeWindow.intersects); {30} -> [30,35).
    expect(out.sort()).toEqual(['a[10,24)=43', 'a[1,8)=4', 'a[30,35)=30', 'b[3,8)=3'].sort());
  });

  it('GlobalWindows.create() with a CountTrigger fires every n elements with everything so far', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await keyed(
      env,
      [1, 2, 3, 4, 5, 6, 7].map((i) => ev('a', i)),
    )
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of<GlobalWindow>(3))
      .process((_key: string, _w: GlobalWindow, els: Iterable<Ev>, out: Collector<string>) =>
        out.collect([...els].map((e) => e.v).join(',')),
      )
      .executeAndCollect();
    expect(out).toEqual(['1,2,3', '1,2,3,4,5,6']);
  });

  it('GlobalWindows without a custom trigger never fires', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await keyed(env, [ev('a', 1), ev('a', 2)])
      .window(GlobalWindows.create())
      .reduce(sumReduce)
      .executeAndCollect();
    expect(out).toEqual([]);
  });
});

describe('trigger and evictor', () => {
  const five = [1, 2, 3, 4, 5].map((i) => ev('a', i));

  it('trigger(CountTrigger) replaces the event-time trigger: early firings, none at the window end', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await keyed(env, five)
      .window(TumblingEventTimeWindows.of(100))
      .trigger(CountTrigger.of<TimeWindow>(2))
      .process(describeWindow)
      .executeAndCollect();
    expect(out).toEqual(['a[0,100)=1+2', 'a[0,100)=1+2+3+4']);
  });

  it('trigger(PurgingTrigger.of(CountTrigger)) clears the window after each firing', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await keyed(env, five)
      .window(TumblingEventTimeWindows.of(100))
      .trigger(PurgingTrigger.of(CountTrigger.of<TimeWindow>(2)))
      .process(describeWindow)
      .executeAndCollect();
    expect(out).toEqual(['a[0,100)=1+2', 'a[0,100)=3+4']);
  });

  it('evictor(CountEvictor.of(n)) hands only the last n elements to the window function', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await keyed(env, five)
      .window(TumblingEventTimeWindows.of(100))
      .evictor(CountEvictor.of<TimeWindow>(2))
      .process(describeWindow)
      .executeAndCollect();
    expect(out).toEqual(['a[0,100)=4+5']);
  });

  it('evictor(TimeEvictor.of(ms)) keeps elements within ms of the newest element', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await keyed(env, [ev('a', 10), ev('a', 50), ev('a', 58), ev('a', 60)])
      .window(TumblingEventTimeWindows.of(100))
      .evictor(TimeEvictor.of<TimeWindow>(10))
      .reduce(sumReduce)
      .executeAndCollect();
    // Flink keeps elements with timestamp > max - windowSize: 58 and 60 (50 is exactly 10 behind).
    expect(out.map((e) => e.v)).toEqual([118]);
  });
});

describe('allowed lateness and late data', () => {
  it('late elements within allowedLateness re-fire the window; later ones go to sideOutputLateData', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.getConfig().setAutoWatermarkInterval(0);
    // Punctuated watermarks: maxTimestamp - 1 after each event, so the watermark sequence is fixed.
    const strategy = WatermarkStrategy.forGenerator<Ev>(() => {
      let max = Number.NEGATIVE_INFINITY;
      return {
        onEvent: (_e, ts, output) => {
          max = Math.max(max, ts);
          output.emitWatermark(max - 1);
        },
        onPeriodicEmit: () => {},
      };
    }).withTimestampAssigner((e) => e.ts);
    const late = new OutputTag<Ev>('late');
    const events = [ev('a', 1), ev('a', 4), ev('a', 12), ev('a', 7), ev('a', 16), ev('a', 8), ev('a', 13)];
    const windowed = env
      .fromCollection(events)
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10))
      .allowedLateness(5)
      .sideOutputLateData(late)
      .reduce(sumReduce, (key: string, w: TimeWindow, sums: Iterable<Ev>, out: Collector<string>) =>
        out.collect(`${key}[${w.start},${w.end})=${[...sums][0]!.v}`),
      );
    const main = new RecordingSink<string>();
    const side = new RecordingSink<Ev>();
    windowed.sinkTo(main);
    windowed.getSideOutput(late).sinkTo(side);
    await env.execute();
    // 12 brings watermark 11: [0,10) fires with 1+4. 7 is late but within 9 + 5 > 11: fires again
    // with everything. 16 brings watermark 15 >= 9 + 5: the window is gone, so 8 is dropped to the side.
    expect(main.values).toEqual(['a[0,10)=5', 'a[0,10)=12', 'a[10,20)=41']);
    expect(side.values).toEqual([ev('a', 8)]);
    expect(side.records[0]!.timestamp).toBe(8);
  });

  it('without allowedLateness and without a side output, late elements are dropped', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.getConfig().setAutoWatermarkInterval(0);
    const strategy = WatermarkStrategy.forGenerator<Ev>(() => ({
      onEvent: (_e, ts, output) => output.emitWatermark(ts - 1),
      onPeriodicEmit: () => {},
    })).withTimestampAssigner((e) => e.ts);
    const out = await env
      .fromCollection([ev('a', 1), ev('a', 15), ev('a', 2)])
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10))
      .reduce(sumReduce)
      .executeAndCollect();
    expect(out.map((e) => e.v)).toEqual([1, 15]);
  });
});

describe('window functions', () => {
  const events = [ev('a', 1, 2), ev('a', 5, 4), ev('b', 3, 10), ev('a', 11, 6), ev('b', 14, 1)];

  it('reduce without a window function emits the reduced element per window', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const out = await keyed(env, events)
      .window(TumblingEventTimeWindows.of(10))
      .reduce(sumReduce)
      .executeAndCollect();
    expect(out.map((e) => `${e.key}${e.v}`).sort()).toEqual(['a6', 'a6', 'b1', 'b10']);
  });

  it('aggregate with a plain-object AggregateFunction, alone and with a window function', async () => {
    const avg: AggregateFunction<Ev, { sum: number; n: number }, number> = {
      createAccumulator: () => ({ sum: 0, n: 0 }),
      add: (e, acc) => ({ sum: acc.sum + e.v, n: acc.n + 1 }),
      getResult: (acc) => acc.sum / acc.n,
      merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
    };
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const plain = await keyed(env, events)
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(avg)
      .executeAndCollect();
    expect(plain.sort((x, y) => x - y)).toEqual([1, 3, 6, 10]);
    const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
    const withFn = await keyed(env2, events)
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(avg, (key: string, w: TimeWindow, results: Iterable<number>, out: Collector<string>) => {
        const all = [...results];
        out.collect(`${key}@${w.start}:${all.length}:${all[0]}`);
      })
      .executeAndCollect();
    expect(withFn.sort()).toEqual(['a@0:1:3', 'a@10:1:6', 'b@0:1:10', 'b@10:1:1']);
  });

  it('a ProcessWindowFunction sees the window, the watermark, and per-key global state', async () => {
    class Describe extends ProcessWindowFunction<Ev, string, string, TimeWindow> {
      process(
        key: string,
        ctx: ProcessWindowContext<TimeWindow>,
        elements: Iterable<Ev>,
        out: Collector<string>,
      ): void {
        const fired = ctx.globalState().getState(new ValueStateDescriptor<number>('fired', 0));
        fired.update(fired.value()! + 1);
        const w = ctx.window();
        expect(w.maxTimestamp()).toBe(w.end - 1);
        expect(ctx.currentWatermark()).toBeGreaterThanOrEqual(w.maxTimestamp());
        out.collect(`${key}#${fired.value()}[${w.start},${w.end}):${[...elements].length}`);
      }
    }
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const out = await keyed(env, events)
      .window(TumblingEventTimeWindows.of(10))
      .process(new Describe())
      .executeAndCollect();
    expect(out.sort()).toEqual(['a#1[0,10):2', 'a#2[10,20):1', 'b#1[0,10):1', 'b#2[10,20):1']);
  });

  it('a lambda (key, window, elements, out) is a window function', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await keyed(env, events)
      .window(TumblingEventTimeWindows.of(20))
      .process(
        (
          key: string,
          window: TimeWindow,
          elements: Iterable<Ev>,
          out: Collector<[string, number, number]>,
        ) => {
          let sum = 0;
          for (const e of elements) sum += e.v;
          out.collect([key, window.maxTimestamp(), sum]);
        },
      )
      .executeAndCollect();
    expect(out.sort()).toEqual([
      ['a', 19, 12],
      ['b', 19, 11],
    ]);
  });

  it('window results carry the window maxTimestamp as their timestamp', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const sink = new RecordingSink<Ev>();
    keyed(env, events).window(TumblingEventTimeWindows.of(10)).reduce(sumReduce).sinkTo(sink);
    await env.execute();
    for (const r of sink.records) expect(r.timestamp).toBe(Math.floor(r.value.ts / 10) * 10 + 9);
  });
});
