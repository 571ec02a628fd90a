/**
 * KeyedStream operations end to end: rolling reduce in streaming and batch mode, count
 * windows, and interval joins with inclusive and exclusive bounds over out-of-order input.
 */
import { describe, expect, it } from 'vitest';
import {
  type Collector,
  type ProcessJoinContext,
  ProcessJoinFunction,
  StreamExecutionEnvironment,
  WatermarkStrategy,
} from '../../src/index.js';

type Ev = { key: string; ts: number; v: number };

describe('KeyedStream.reduce', () => {
  const input: [string, number][] = [
    ['a', 1],
    ['b', 10],
    ['a', 2],
    ['a', 3],
    ['b', 20],
    ['c', 100],
  ];

  it('in streaming mode emits every updated value per key', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const out = await env
      .fromCollection(input)
      .keyBy((e) => e[0])
      .reduce((x, y) => [x[0], x[1] + y[1]])
      .executeAndCollect();
    const perKey = (k: string) => out.filter((e) => e[0] === k).map((e) => e[1]);
    expect(perKey('a')).toEqual([1, 3, 6]);
    expect(perKey('b')).toEqual([10, 30]);
    expect(perKey('c')).toEqual([100]);
    expect(out.length).toBe(6);
  });

  it("in batch mode (setRuntimeMode('batch')) emits only the final value per key", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment()
      .setParallelism(2)
      .setRuntimeMode('batch');
    expect(env.getRuntimeMode()).toBe('batch');
    const out = await env
      .fromCollection(input)
      .keyBy((e) => e[0])
      .reduce({ reduce: (x, y) => [x[0], x[1] + y[1]] })
      .executeAndCollect();
    expect(out.sort()).toEqual([
      ['a', 6],
      ['b', 30],
      ['c', 100],
    ]);
  });
});

describe('KeyedStream.countWindow', () => {
  const input = Array.from({ length: 11 }, (_, i) => ({ key: i % 2 === 0 ? 'even' : 'odd', v: i }));

  it('countWindow(size) emits one result per `size` elements of a key, and nothing for an incomplete window', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const out = await env
      .fromCollection(input)
      .keyBy((e) => e.key)
      .countWindow(3)
      .process((key: string, _w, elements, c: Collector<string>) =>
        c.collect(`${key}:${[...elements].map((e) => e.v).join(',')}`),
      )
      .executeAndCollect();
    // even: 0 2 4 | 6 8 10 ; odd: 1 3 5 | 7 9 (incomplete, not emitted)
    expect(out.sort()).toEqual(['even:0,2,4', 'even:6,8,10', 'odd:1,3,5']);
  });

  it('countWindow(size, slide) emits the last `size` elements every `slide` elements', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await env
      .fromCollection(input.filter((e) => e.key === 'even'))
      .keyBy((e) => e.key)
      .countWindow(3, 2)
      .reduce((a, b) => ({ key: a.key, v: a.v + b.v }))
      .executeAndCollect();
    // even values 0 2 4 6 8 10: fires after 2, 4, 6 elements with the last <= 3 of them.
    expect(out.map((e) => e.v)).toEqual([0 + 2, 2 + 4 + 6, 6 + 8 + 10]);
  });
});

describe('KeyedStream.intervalJoin', () => {
  // Left and right events on a 5 ms grid, so that bounds of +-5 are hit exactly.
  const left: Ev[] = [];
  const right: Ev[] = [];
  for (let i = 0; i < 12; i++) {
    left.push({ key: `k${i % 3}`, ts: 1000 + i * 5, v: i });
    right.push({ key: `k${(i * 2) % 3}`, ts: 1000 + ((i * 7) % 12) * 5, v: 100 + i });
  }
  right.sort((a, b) => a.ts - b.ts);
  /** A deterministic shuffle within a window of 4 positions (disorder <= 4 * 5 ms per side). */
  function disorder<T>(xs: T[]): T[] {
    const out = [...xs];
    for (let i = 0; i + 3 < out.length; i += 4) {
      const block = out.slice(i, i + 4).reverse();
      out.splice(i, 4, ...block);
    }
    return out;
  }
  function oracle(lower: number, upper: number, lowerEx: boolean, upperEx: boolean): string[] {
    const out: string[] = [];
    for (const l of left) {
      for (const r of right) {
        if (l.key !== r.key) continue;
        const lo = l.ts + lower;
        const hi = l.ts + upper;
        const okLo = lowerEx ? r.ts > lo : r.ts >= lo;
        const okHi = upperEx ? r.ts < hi : r.ts <= hi;
        if (okLo && okHi) out.push(`${l.v}-${r.v}@${Math.max(l.ts, r.ts)}`);
      }
    }
    return out.sort();
  }

  async function run(lowerEx: boolean, upperEx: boolean, parallelism: number): Promise<string[]> {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
    env.getConfig().setAutoWatermarkInterval(0);
    // A watermark with every event, 20 ms behind the largest timestamp (the disorder is at most 15 ms),
    // so that watermarks advance and buffers are cleaned up while the join runs.
    const strategy = WatermarkStrategy.forGenerator<Ev>(() => {
      let max = Number.NEGATIVE_INFINITY;
      return {
        onEvent: (_e, ts, output) => {
          max = Math.max(max, ts);
          output.emitWatermark(max - 20 - 1);
        },
        onPeriodicEmit: () => {},
      };
    }).withTimestampAssigner((e) => e.ts);
    const l = env
      .fromCollection(disorder(left))
      .assignTimestampsAndWatermarks(strategy)
      .setParallelism(1)
      .keyBy((e) => e.key);
    const r = env
      .fromCollection(disorder(right))
      .assignTimestampsAndWatermarks(strategy)
      .setParallelism(1)
      .keyBy((e) => e.key);
    let joined = l.intervalJoin(r).between(-5, 10);
    if (lowerEx) joined = joined.lowerBoundExclusive();
    if (upperEx) joined = joined.upperBoundExclusive();
    class Pair extends ProcessJoinFunction<Ev, Ev, string> {
      processElement(a: Ev, b: Ev, ctx: ProcessJoinContext<string>, out: Collector<string>): void {
        expect(ctx.leftTimestamp()).toBe(a.ts);
        expect(ctx.rightTimestamp()).toBe(b.ts);
        out.collect(`${a.v}-${b.v}@${ctx.timestamp()}`);
      }
    }
    return (await joined.process(new Pair()).executeAndCollect()).sort();
  }

  it('between(lower, upper) joins right records within [t + lower, t + upper] of each left record, out of order', async () => {
    const expected = oracle(-5, 10, false, false);
    expect(expected.length).toBeGreaterThan(5);
    expect(await run(false, false, 1)).toEqual(expected);
    expect(await run(false, false, 3)).toEqual(expected);
  });

  it('lowerBoundExclusive and upperBoundExclusive leave out pairs exactly on the bound', async () => {
    for (const [lo, hi] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const expected = oracle(-5, 10, lo, hi);
      expect(expected).not.toEqual(oracle(-5, 10, false, false));
      expect(await run(lo, hi, 2), `lowerExclusive=${lo} upperExclusive=${hi}`).toEqual(expected);
    }
  });

  it('a lambda works as the join function', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const strategy = WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts);
    const l = env
      .fromElements<Ev>({ key: 'a', ts: 10, v: 1 })
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.key);
    const r = env
      .fromElements<Ev>({ key: 'a', ts: 12, v: 2 }, { key: 'a', ts: 30, v: 3 }, { key: 'b', ts: 12, v: 4 })
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.key);
    const out = await l
      .intervalJoin(r)
      .between(0, 5)
      .process((a: Ev, b: Ev, _ctx: ProcessJoinContext<number>, c: Collector<number>) =>
        c.collect(a.v * 10 + b.v),
      )
      .executeAndCollect();
    expect(out).toEqual([12]);
  });
});
