/**
 * The Nexmark source in a real job: at parallelism 2 the records carry their event times (the
 * watermark strategy has no timestamp assigner), so event-time windows count exactly what the
 * generator says falls in each window.
 */
import { describe, expect, it } from 'vitest';
import {
  type NexmarkEvent,
  NexmarkGenerator,
  NexmarkSource,
  StreamExecutionEnvironment,
  type TimeWindow,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../../../src/index.js';

describe('NexmarkSource in a job', () => {
  it('feeds event-time windows with each event at its dateTime, at parallelism 2', async () => {
    const config = { events: 20_000, firstEventRate: 1000 };
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const rows = await env
      .fromSource(
        new NexmarkSource(config),
        WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(4000),
        'nexmark',
      )
      .keyBy((e) => e.type)
      .window(TumblingEventTimeWindows.of(5000))
      .aggregate(
        {
          createAccumulator: () => 0,
          add: (_e: NexmarkEvent, acc: number) => acc + 1,
          getResult: (acc: number) => acc,
          merge: (a: number, b: number) => a + b,
        },
        (type: number, window: TimeWindow, counts: Iterable<number>, out: { collect(s: string): void }) => {
          for (const c of counts) out.collect(`${type}@${window.start}=${c}`);
        },
      )
      .executeAndCollect();
    const gen = new NexmarkGenerator(config);
    const expected = new Map<string, number>();
    for (let i = 0; i < config.events; i++) {
      const e = gen.event(i);
      const t = gen.timestamp(i);
      const k = `${e.type}@${t - (t % 5000)}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    expect(rows.sort()).toEqual([...expected].map(([k, c]) => `${k}=${c}`).sort());
  });
});
