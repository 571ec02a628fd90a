import { describe, expect, it } from 'vitest';
import { WatermarkStrategy } from '../time/watermarks.js';
import { OutputTag } from '../types/functions.js';
import { CountTrigger } from '../windowing/count-triggers.js';
import { EventTimeSessionWindows } from '../windowing/sessions.js';
import { TumblingEventTimeWindows } from '../windowing/tumbling.js';
import { StreamExecutionEnvironment } from './environment.js';

type Ev = { user: string; ts: number; n: number };
const events: Ev[] = [
  { user: 'a', ts: 1, n: 1 },
  { user: 'b', ts: 3, n: 10 },
  { user: 'a', ts: 12, n: 2 },
  { user: 'a', ts: 5, n: 4 },
];

function keyed(env: StreamExecutionEnvironment) {
  return env
    .fromElements(...events)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forBoundedOutOfOrderness<Ev>(20).withTimestampAssigner((e) => e.ts),
    )
    .keyBy((e) => e.user);
}

describe('WindowedStream', () => {
  it('runs tumbling windows with reduce and a window function end to end', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    const out = await keyed(env)
      .window(TumblingEventTimeWindows.of(10))
      .reduce(
        (a, b) => ({ user: a.user, ts: a.ts, n: a.n + b.n }),
        (user: string, w, sums, c) => c.collect(`${user}[${w.start},${w.end})=${[...sums][0]!.n}`),
      )
      .executeAndCollect();
    expect(out.sort()).toEqual(['a[0,10)=5', 'a[10,20)=2', 'b[0,10)=10']);
  });

  it('countWindow follows Flink (tumbling and sliding)', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const tumbling = await keyed(env)
      .countWindow(2)
      .reduce((a, b) => ({ user: a.user, ts: a.ts, n: a.n + b.n }))
      .executeAndCollect();
    expect(tumbling.map((e) => e.n)).toEqual([3]);
    const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
    const sliding = await keyed(env2)
      .countWindow(2, 1)
      .process((user: string, _w, els, c) => c.collect(`${user}:${[...els].map((e) => e.n).join('+')}`))
      .executeAndCollect();
    expect(sliding.sort()).toEqual(['a:1', 'a:1+2', 'a:2+4', 'b:10']);
  });

  it('validates configuration with one-line user errors', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const w = keyed(env).window(TumblingEventTimeWindows.of(10));
    expect(() => w.allowedLateness(-1)).toThrow(/allowedLateness must be >= 0 ms, got -1/);
    expect(() => keyed(env).countWindow(0)).toThrow(/count must be a positive integer/);
    const sessions = keyed(env).window(EventTimeSessionWindows.withGap(5));
    expect(() => sessions.trigger(CountTrigger.of(2))).not.toThrow();
    expect(() => sessions.trigger({ canMerge: () => false } as never)).toThrow(/cannot be used with merging/);
    expect(w.sideOutputLateData(new OutputTag<Ev>('late'))).toBe(w);
  });
});
