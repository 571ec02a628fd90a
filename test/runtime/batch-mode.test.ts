/**
 * Batch runtime mode on bounded input: the same operators, with event time and processing
 * time both jumping to the end once the input is read.
 */
import { describe, expect, it } from 'vitest';
import {
  type Collector,
  KeyedProcessFunction,
  type KeyedProcessContext,
  type OnTimerContext,
  StreamExecutionEnvironment,
  TumblingProcessingTimeWindows,
} from '../../src/index.js';

describe('batch mode', () => {
  it('fires processing-time windows once at the end, holding every record', async () => {
    const env = StreamExecutionEnvironment.createLocalEnvironment(2).setRuntimeMode('batch');
    const words = ['a', 'b', 'a', 'c', 'a', 'b'];
    const out = await env
      .fromCollection(words)
      .keyBy((w) => w)
      .window(TumblingProcessingTimeWindows.of(3_600_000))
      .aggregate(
        {
          createAccumulator: () => 0,
          add: (_w: string, n: number) => n + 1,
          getResult: (n) => n,
          merge: (a, b) => a + b,
        },
        (key: string, _w, counts: Iterable<number>, o) => {
          for (const n of counts) o.collect(`${key}=${n}`);
        },
      )
      .executeAndCollect();
    expect(out.sort()).toEqual(['a=3', 'b=2', 'c=1']);
  });

  it('fires processing-time timers at the end, and a timer re-registered from there does not loop', async () => {
    class Ticker extends KeyedProcessFunction<string, string, string> {
      processElement(_v: string, ctx: KeyedProcessContext<string, string>): void {
        // Far in the future by the wall clock: in streaming mode this would never fire here.
        ctx.timerService().registerProcessingTimeTimer(Date.UTC(2999, 0, 1));
      }
      override onTimer(_ts: number, ctx: OnTimerContext<string, string>, out: Collector<string>): void {
        out.collect(`tick ${ctx.getCurrentKey()} ${ctx.timeDomain()}`);
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 60_000);
      }
    }
    const env = StreamExecutionEnvironment.createLocalEnvironment(1).setRuntimeMode('batch');
    const out = await env
      .fromElements('x', 'y', 'x')
      .keyBy((v) => v)
      .process(new Ticker())
      .executeAndCollect();
    expect(out.sort()).toEqual(['tick x processing-time', 'tick y processing-time']);
  });
});
