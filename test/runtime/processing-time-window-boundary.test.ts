/**
 * A processing-time window fires once processing time has passed its last millisecond, as
 * Flink's processing-time service delays a timer for `window.maxTimestamp()` (end - 1) by one
 * millisecond: an element processed while the clock still reads end - 1 is assigned to that
 * window, so the window must not have fired yet, or the element would start a second copy of
 * the window that fires again, and its key would get two rows for one window. Driven by a manual
 * clock, so what is due when is decided by the test, not by the machine's speed.
 */
import { describe, expect, it } from 'vitest';
import {
  type AggregateFunction,
  type Collector,
  ManualClock,
  StreamExecutionEnvironment,
  type TimeWindow,
  TumblingProcessingTimeWindows,
  WatermarkStrategy,
} from '../../src/index.js';
import { RecordingSink, sleep, waitFor } from '../support/recording-sink.js';
import { ScriptedSource, SourceScript } from '../support/scripted-source.js';

const count: AggregateFunction<string, number, number> = {
  createAccumulator: () => 0,
  add: (_v, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

const row = (key: string, window: TimeWindow, counts: Iterable<number>, out: Collector<string>) => {
  for (const n of counts) out.collect(`${key} [${window.start}, ${window.end}) ${n}`);
};

describe('processing-time window boundary', () => {
  it('an element in the window’s last millisecond is counted in that window, which fires once', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const clock = new ManualClock(1_000);
    env.setClock(clock);
    const script = new SourceScript<string>(['s']);
    const seen: string[] = [];
    const sink = new RecordingSink<string>();
    env
      .fromSource(new ScriptedSource(script), WatermarkStrategy.noWatermarks(), 'script')
      .map((v) => {
        seen.push(v);
        return v;
      })
      .keyBy((v) => v)
      .window(TumblingProcessingTimeWindows.of(10))
      .aggregate(count, row)
      .sinkTo(sink);
    const job = env.execute();
    const send = async (v: string) => {
      const n = seen.length;
      script.push('s', v);
      await waitFor(() => seen.length > n, `the element ${v}`);
    };
    await send('a'); // t=1000: window [1000, 1010)
    clock.set(1_009); // the window's last millisecond
    // Time for the task's timer wake-up to see the clock at 1009 (where it used to fire the window).
    await sleep(50);
    await send('a'); // still t=1009: the same window
    clock.set(1_010); // past it: the window fires
    await waitFor(() => sink.values.length > 0, 'the window result');
    await sleep(50); // a second firing of the same window, if any, would arrive by now
    script.finish();
    await job;
    expect(sink.values).toEqual(['a [1000, 1010) 2']);
  });
});
