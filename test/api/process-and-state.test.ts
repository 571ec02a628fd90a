/**
 * Process functions end to end: side outputs, connected streams (plain and keyed, with shared
 * state), the five kinds of keyed state, event-time and processing-time timers, the context
 * (timestamp, watermark, current key) and state TTL on processing time.
 */
import { describe, expect, it } from 'vitest';
import {
  type AggregatingState,
  AggregatingStateDescriptor,
  type Collector,
  CoProcessFunction,
  type KeyedProcessContext,
  KeyedCoProcessFunction,
  KeyedProcessFunction,
  type ListState,
  ListStateDescriptor,
  ManualClock,
  type MapState,
  MapStateDescriptor,
  type OnTimerContext,
  OutputTag,
  type ProcessContext,
  ProcessFunction,
  type ReducingState,
  ReducingStateDescriptor,
  type RuntimeContext,
  StateTtlConfig,
  StreamExecutionEnvironment,
  type ValueState,
  ValueStateDescriptor,
  WatermarkStrategy,
} from '../../src/index.js';
import { RecordingSink, waitFor } from '../support/recording-sink.js';
import { ScriptedSource, SourceScript } from '../support/scripted-source.js';

type Ev = { key: string; ts: number; v: number };

function timed(env: StreamExecutionEnvironment, events: Ev[], delay = 0) {
  return env
    .fromCollection(events)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forBoundedOutOfOrderness<Ev>(delay).withTimestampAssigner((e) => e.ts),
    );
}

describe('side outputs', () => {
  it('ctx.output sends to side outputs that getSideOutput reads; the main output keeps the rest', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const odd = new OutputTag<number>('odd');
    const big = new OutputTag<string>('big');
    class Split extends ProcessFunction<number, number> {
      processElement(value: number, ctx: ProcessContext<number>, out: Collector<number>): void {
        if (value % 2 === 1) ctx.output(odd, value);
        else out.collect(value);
        if (value >= 8) ctx.output(big, `big:${value}`);
      }
    }
    const main = env.fromCollection([1, 2, 3, 4, 8, 9]).process(new Split());
    const mainSink = new RecordingSink<number>();
    const oddSink = new RecordingSink<number>();
    const bigSink = new RecordingSink<string>();
    main.sinkTo(mainSink);
    main.getSideOutput(odd).sinkTo(oddSink);
    main.getSideOutput(big).sinkTo(bigSink);
    await env.execute();
    expect(mainSink.values).toEqual([2, 4, 8]);
    expect(oddSink.values).toEqual([1, 3, 9]);
    expect(bigSink.values).toEqual(['big:8', 'big:9']);
  });

  it('a lambda is a process function too, and side outputs work from a keyed process function', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const neg = new OutputTag<number>('neg');
    const main = env
      .fromCollection([3, -1, 4, -5, 9])
      .keyBy((x) => Math.sign(x))
      .process((x: number, ctx: KeyedProcessContext<number, number>, out: Collector<number>) => {
        if (x < 0) ctx.output(neg, x);
        else out.collect(x * 10);
      });
    const negSink = new RecordingSink<number>();
    main.getSideOutput(neg).sinkTo(negSink);
    const mainSink = new RecordingSink<number>();
    main.sinkTo(mainSink);
    await env.execute();
    expect(mainSink.values.sort((a, b) => a - b)).toEqual([30, 40, 90]);
    expect(negSink.values).toEqual([-1, -5]);
  });
});

describe('connected streams', () => {
  it('connect + CoProcessFunction sees both inputs, each through its own method', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const numbers = env.fromElements(1, 2, 3);
    const words = env.fromElements('x', 'yy');
    class Both extends CoProcessFunction<number, string, string> {
      processElement1(value: number, _ctx: ProcessContext<string>, out: Collector<string>): void {
        out.collect(`n${value * 2}`);
      }
      processElement2(value: string, _ctx: ProcessContext<string>, out: Collector<string>): void {
        out.collect(`s${value.length}`);
      }
    }
    const out = await numbers.connect(words).process(new Both()).executeAndCollect();
    expect(out.sort()).toEqual(['n2', 'n4', 'n6', 's1', 's2']);
  });

  it('keyed connect + KeyedCoProcessFunction shares keyed state between both inputs', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(3);
    type Order = { id: string; item: string };
    type Payment = { order: string; amount: number };
    const orders = env.fromCollection<Order>([
      { id: 'o1', item: 'book' },
      { id: 'o2', item: 'pen' },
      { id: 'o3', item: 'ink' },
    ]);
    const payments = env.fromCollection<Payment>([
      { order: 'o2', amount: 3 },
      { order: 'o1', amount: 20 },
      { order: 'o4', amount: 1 },
    ]);
    // Whichever side arrives first is stored; the other side finds it in the same key's state.
    class Match extends KeyedCoProcessFunction<string, Order, Payment, string> {
      private order!: ValueState<Order>;
      private payment!: ValueState<Payment>;
      override open(ctx: RuntimeContext): void {
        this.order = ctx.getState(new ValueStateDescriptor<Order>('order'));
        this.payment = ctx.getState(new ValueStateDescriptor<Payment>('payment'));
      }
      processElement1(o: Order, ctx: KeyedProcessContext<string, string>, out: Collector<string>): void {
        const p = this.payment.value();
        if (p === undefined) this.order.update(o);
        else out.collect(`${ctx.getCurrentKey()}:${o.item}:${p.amount}`);
      }
      processElement2(p: Payment, ctx: KeyedProcessContext<string, string>, out: Collector<string>): void {
        const o = this.order.value();
        if (o === undefined) this.payment.update(p);
        else out.collect(`${ctx.getCurrentKey()}:${o.item}:${p.amount}`);
      }
    }
    const out = await orders
      .connect(payments)
      .keyBy(
        (o) => o.id,
        (p) => p.order,
      )
      .process(new Match())
      .executeAndCollect();
    expect(out.sort()).toEqual(['o1:book:20', 'o2:pen:3']);
  });

  it('keyed streams connected directly are keyed too', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    const a = env.fromElements(['k1', 1] as const, ['k2', 2] as const).keyBy((x) => x[0]);
    const b = env.fromElements(['k1', 10] as const, ['k2', 20] as const).keyBy((x) => x[0]);
    class Sum extends KeyedCoProcessFunction<
      string,
      readonly [string, number],
      readonly [string, number],
      string
    > {
      private sum!: ReducingState<number>;
      private seen!: ValueState<number>;
      override open(ctx: RuntimeContext): void {
        this.sum = ctx.getReducingState(
          new ReducingStateDescriptor<number>('sum', { reduce: (x, y) => x + y }),
        );
        this.seen = ctx.getState(new ValueStateDescriptor<number>('seen'));
      }
      private add(v: number, ctx: KeyedProcessContext<string, string>, out: Collector<string>): void {
        this.sum.add(v);
        const seen = (this.seen.value() ?? 0) + 1;
        this.seen.update(seen);
        if (seen === 2) out.collect(`${ctx.getCurrentKey()}=${this.sum.get()}`);
      }
      processElement1(
        v: readonly [string, number],
        ctx: KeyedProcessContext<string, string>,
        out: Collector<string>,
      ) {
        this.add(v[1], ctx, out);
      }
      processElement2(
        v: readonly [string, number],
        ctx: KeyedProcessContext<string, string>,
        out: Collector<string>,
      ) {
        this.add(v[1], ctx, out);
      }
    }
    const out = await a.connect(b).process(new Sum()).executeAndCollect();
    expect(out.sort()).toEqual(['k1=11', 'k2=22']);
  });

  it('ConnectedStreams.map applies one function per side', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const out = await env
      .fromElements(1, 2)
      .connect(env.fromElements('a'))
      .map({ map1: (n: number) => `num ${n}`, map2: (s: string) => `str ${s}` })
      .executeAndCollect();
    expect(out.sort()).toEqual(['num 1', 'num 2', 'str a']);
  });
});

describe('keyed state in a KeyedProcessFunction', () => {
  type Snapshot = {
    key: string;
    count: number;
    list: number[];
    map: [string, number][];
    max: number;
    avg: number;
  };

  class AllStates extends KeyedProcessFunction<string, Ev, Snapshot> {
    private count!: ValueState<number>;
    private list!: ListState<number>;
    private byParity!: MapState<string, number>;
    private max!: ReducingState<number>;
    private avg!: AggregatingState<number, number>;

    override open(ctx: RuntimeContext): void {
      this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
      this.list = ctx.getListState(new ListStateDescriptor<number>('list'));
      this.byParity = ctx.getMapState(new MapStateDescriptor<string, number>('parity'));
      this.max = ctx.getReducingState(new ReducingStateDescriptor<number>('max', { reduce: Math.max }));
      this.avg = ctx.getAggregatingState(
        new AggregatingStateDescriptor('avg', {
          createAccumulator: () => ({ sum: 0, n: 0 }),
          add: (v: number, acc: { sum: number; n: number }) => ({ sum: acc.sum + v, n: acc.n + 1 }),
          getResult: (acc: { sum: number; n: number }) => acc.sum / acc.n,
          merge: (a: { sum: number; n: number }, b: { sum: number; n: number }) => ({
            sum: a.sum + b.sum,
            n: a.n + b.n,
          }),
        }),
      );
    }

    processElement(e: Ev, ctx: KeyedProcessContext<string, Snapshot>, out: Collector<Snapshot>): void {
      this.count.update(this.count.value()! + 1);
      this.list.add(e.v);
      const parity = e.v % 2 === 0 ? 'even' : 'odd';
      this.byParity.put(parity, (this.byParity.get(parity) ?? 0) + 1);
      this.max.add(e.v);
      this.avg.add(e.v);
      out.collect({
        key: ctx.getCurrentKey(),
        count: this.count.value()!,
        list: [...this.list.get()],
        map: [...this.byParity.entries()].sort(),
        max: this.max.get()!,
        avg: this.avg.get()!,
      });
    }
  }

  it('ValueState, ListState, MapState, ReducingState and AggregatingState are kept per key', async () => {
    const events: Ev[] = [];
    for (let i = 0; i < 40; i++) events.push({ key: `k${(i * 5) % 6}`, ts: i, v: (i * 37) % 23 });
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(3);
    const out = await env
      .fromCollection(events)
      .keyBy((e) => e.key)
      .process(new AllStates())
      .executeAndCollect();

    // Oracle: replay each key's events in order (a key's records keep their order through keyBy).
    const expected: Snapshot[] = [];
    const seen = new Map<string, number[]>();
    for (const e of events) {
      const list = [...(seen.get(e.key) ?? []), e.v];
      seen.set(e.key, list);
      const even = list.filter((v) => v % 2 === 0).length;
      const odd = list.length - even;
      const map: [string, number][] = [];
      if (even > 0) map.push(['even', even]);
      if (odd > 0) map.push(['odd', odd]);
      expected.push({
        key: e.key,
        count: list.length,
        list,
        map: map.sort(),
        max: Math.max(...list),
        avg: list.reduce((a, b) => a + b, 0) / list.length,
      });
    }
    const order = (xs: Snapshot[]) =>
      [...xs].sort((a, b) => (a.key === b.key ? a.count - b.count : a.key < b.key ? -1 : 1));
    expect(order(out)).toEqual(order(expected));
  });

  it('state clear() removes the value for the current key only', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    class ResetOnZero extends KeyedProcessFunction<string, [string, number], string> {
      private sum!: ValueState<number>;
      override open(ctx: RuntimeContext): void {
        this.sum = ctx.getState(new ValueStateDescriptor<number>('sum'));
      }
      processElement(
        e: [string, number],
        ctx: KeyedProcessContext<string, string>,
        out: Collector<string>,
      ): void {
        if (e[1] === 0) this.sum.clear();
        else this.sum.update((this.sum.value() ?? 0) + e[1]);
        out.collect(`${ctx.getCurrentKey()}:${this.sum.value() ?? 'none'}`);
      }
    }
    const out = await env
      .fromCollection<[string, number]>([
        ['a', 1],
        ['b', 5],
        ['a', 2],
        ['a', 0],
        ['b', 1],
        ['a', 4],
      ])
      .keyBy((e) => e[0])
      .process(new ResetOnZero())
      .executeAndCollect();
    expect(out).toEqual(['a:1', 'b:5', 'a:3', 'a:none', 'b:6', 'a:4']);
  });
});

describe('timers and context', () => {
  it('event-time timers fire in timestamp order with the timer key, timestamp and domain; duplicates fire once; deleted ones never', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(2);
    class Timers extends KeyedProcessFunction<string, Ev, string> {
      processElement(e: Ev, ctx: KeyedProcessContext<string, string>): void {
        const timers = ctx.timerService();
        timers.registerEventTimeTimer(e.ts + 100);
        timers.registerEventTimeTimer(e.ts + 100); // the same timer again: still one
        timers.registerEventTimeTimer(e.ts + 50);
        if (e.v < 0) timers.deleteEventTimeTimer(e.ts + 50);
      }
      override onTimer(ts: number, ctx: OnTimerContext<string, string>, out: Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()}@${ts}:${ctx.timeDomain()}:${ctx.timestamp()}`);
      }
    }
    const sink = new RecordingSink<string>();
    timed(env, [
      { key: 'a', ts: 1000, v: 1 },
      { key: 'b', ts: 1010, v: -1 },
      { key: 'a', ts: 1020, v: -1 },
    ])
      .keyBy((e) => e.key)
      .process(new Timers())
      .sinkTo(sink)
      .setParallelism(1);
    await env.execute();
    expect(sink.values.sort()).toEqual(
      [
        'a@1050:event-time:1050',
        'a@1100:event-time:1100',
        'a@1120:event-time:1120',
        'b@1110:event-time:1110',
      ].sort(),
    );
    // Results of event-time timers carry the timer's timestamp.
    for (const r of sink.records) expect(r.timestamp).toBe(Number(r.value.split('@')[1]!.split(':')[0]));
    // Within a key, timers fire in timestamp order.
    const aOrder = sink.values.filter((v) => v.startsWith('a@'));
    expect(aOrder).toEqual(['a@1050:event-time:1050', 'a@1100:event-time:1100', 'a@1120:event-time:1120']);
  });

  it('an event-time timer fires only when the watermark passes it', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.getConfig().setAutoWatermarkInterval(0);
    // Punctuated: a watermark of (timestamp - 1) with every event.
    const strategy = WatermarkStrategy.forGenerator<Ev>(() => ({
      onEvent: (_e, ts, output) => output.emitWatermark(ts - 1),
      onPeriodicEmit: () => {},
    })).withTimestampAssigner((e) => e.ts);
    class Alarm extends KeyedProcessFunction<string, Ev, string> {
      processElement(e: Ev, ctx: KeyedProcessContext<string, string>, out: Collector<string>): void {
        out.collect(`el ${e.ts} wm ${ctx.timerService().currentWatermark()}`);
        if (e.v === 1) ctx.timerService().registerEventTimeTimer(e.ts + 10);
      }
      override onTimer(ts: number, _ctx: OnTimerContext<string, string>, out: Collector<string>): void {
        out.collect(`timer ${ts}`);
      }
    }
    const out = await env
      .fromCollection<Ev>([
        { key: 'k', ts: 100, v: 1 },
        { key: 'k', ts: 105, v: 0 },
        { key: 'k', ts: 111, v: 0 },
        { key: 'k', ts: 112, v: 0 },
      ])
      .assignTimestampsAndWatermarks(strategy)
      .keyBy((e) => e.key)
      .process(new Alarm())
      .executeAndCollect();
    // The timer at 110 fires once the watermark reaches 110 (event 111 brings watermark 110).
    const timerAt = out.indexOf('timer 110');
    expect(timerAt).toBeGreaterThan(out.findIndex((s) => s.startsWith('el 105')));
    expect(timerAt).toBeLessThan(out.findIndex((s) => s.startsWith('el 112')));
    expect(out.filter((s) => s.startsWith('timer'))).toEqual(['timer 110']);
  });

  it('ctx.timestamp() is the record timestamp, undefined without one; currentWatermark() is -Infinity before any', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const withTs = await timed(env, [{ key: 'a', ts: 42, v: 0 }])
      .process((_e: Ev, ctx: ProcessContext<string>, out: Collector<string>) =>
        out.collect(`${ctx.timestamp()}|${ctx.timerService().currentWatermark()}`),
      )
      .executeAndCollect();
    expect(withTs).toEqual(['42|-Infinity']);
    const env2 = StreamExecutionEnvironment.getExecutionEnvironment();
    const without = await env2
      .fromElements('x')
      .process((_v: string, ctx: ProcessContext<string>, out: Collector<string>) =>
        out.collect(String(ctx.timestamp())),
      )
      .executeAndCollect();
    expect(without).toEqual(['undefined']);
  });

  it('processing-time timers fire once the clock reaches them, once per key and time, with the processing-time domain', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const script = new SourceScript<string>(['only']);
    const sink = new RecordingSink<string>();
    class Later extends KeyedProcessFunction<string, string, string> {
      private due!: ValueState<number>;
      override open(ctx: RuntimeContext): void {
        this.due = ctx.getState(new ValueStateDescriptor<number>('due'));
      }
      processElement(v: string, ctx: KeyedProcessContext<string, string>): void {
        const at = ctx.timerService().currentProcessingTime() + 30;
        this.due.update(at);
        ctx.timerService().registerProcessingTimeTimer(at);
        ctx.timerService().registerProcessingTimeTimer(at); // the same timer again: still one
        if (v === 'cancel') ctx.timerService().deleteProcessingTimeTimer(at);
      }
      override onTimer(ts: number, ctx: OnTimerContext<string, string>, out: Collector<string>): void {
        const onTime = ts === this.due.value() && ctx.timerService().currentProcessingTime() >= ts;
        out.collect(`${ctx.getCurrentKey()}:${ctx.timeDomain()}:${onTime}:${ctx.timestamp()}`);
      }
    }
    env
      .fromSource(new ScriptedSource(script), WatermarkStrategy.noWatermarks(), 'script')
      .keyBy((v) => v)
      .process(new Later())
      .sinkTo(sink);
    const job = env.execute();
    script.push('only', 'x', 'y', 'cancel');
    await waitFor(() => sink.values.length >= 2, 'processing-time timers');
    await new Promise((r) => setTimeout(r, 100)); // room for a duplicate or the deleted timer to show up
    script.finish();
    await job;
    expect(sink.values.sort()).toEqual([
      'x:processing-time:true:undefined',
      'y:processing-time:true:undefined',
    ]);
  });
});

describe('state TTL', () => {
  it('a value with TTL expires after ttl ms of processing time without a write (OnCreateAndWrite)', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const clock = new ManualClock(1_000);
    env.setClock(clock);
    const script = new SourceScript<string>(['s']);
    const sink = new RecordingSink<string>();
    class Count extends KeyedProcessFunction<string, string, string> {
      private count!: ValueState<number>;
      override open(ctx: RuntimeContext): void {
        const ttl = StateTtlConfig.newBuilder(100).build();
        this.count = ctx.getState(new ValueStateDescriptor<number>('count').enableTimeToLive(ttl));
      }
      processElement(_v: string, ctx: KeyedProcessContext<string, string>, out: Collector<string>): void {
        const next = (this.count.value() ?? 0) + 1;
        this.count.update(next);
        out.collect(`${ctx.getCurrentKey()}=${next}`);
      }
    }
    env
      .fromSource(new ScriptedSource(script), WatermarkStrategy.noWatermarks(), 'script')
      .keyBy((v) => v)
      .process(new Count())
      .sinkTo(sink);
    const job = env.execute();
    const send = async (v: string, expected: string) => {
      const n = sink.values.length;
      script.push('s', v);
      await waitFor(() => sink.values.length > n, `output for ${v}`);
      expect(sink.values[n]).toBe(expected);
    };
    await send('a', 'a=1'); // t=1000, written
    clock.advance(60);
    await send('a', 'a=2'); // t=1060: alive; the write refreshes it
    clock.advance(99);
    await send('a', 'a=3'); // t=1159: 99 ms after the last write
    clock.advance(100);
    await send('a', 'a=1'); // t=1259: 100 ms after the last write: expired
    await send('b', 'b=1');
    script.finish();
    await job;
  });

  it('with OnReadAndWrite a read also keeps the value alive', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    const clock = new ManualClock(0);
    env.setClock(clock);
    const script = new SourceScript<[string, 'read' | 'write']>(['s']);
    const sink = new RecordingSink<string>();
    class ReadOrWrite extends KeyedProcessFunction<string, [string, 'read' | 'write'], string> {
      private last!: ValueState<number>;
      override open(ctx: RuntimeContext): void {
        const ttl = StateTtlConfig.newBuilder(100).updateTtlOnReadAndWrite().build();
        this.last = ctx.getState(new ValueStateDescriptor<number>('last').enableTimeToLive(ttl));
      }
      processElement(
        e: [string, 'read' | 'write'],
        _ctx: KeyedProcessContext<string, string>,
        out: Collector<string>,
      ) {
        if (e[1] === 'write') this.last.update(7);
        out.collect(String(this.last.value()));
      }
    }
    env
      .fromSource(new ScriptedSource(script), WatermarkStrategy.noWatermarks(), 'script')
      .keyBy((e) => e[0])
      .process(new ReadOrWrite())
      .sinkTo(sink);
    const job = env.execute();
    const send = async (e: [string, 'read' | 'write']) => {
      const n = sink.values.length;
      script.push('s', e);
      await waitFor(() => sink.values.length > n, 'output');
      return sink.values[n];
    };
    expect(await send(['a', 'write'])).toBe('7');
    for (let i = 0; i < 4; i++) {
      clock.advance(80);
      expect(await send(['a', 'read'])).toBe('7'); // each read refreshes: never 100 ms idle
    }
    clock.advance(100);
    expect(await send(['a', 'read'])).toBe('undefined');
    script.finish();
    await job;
  });
});
