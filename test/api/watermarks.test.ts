/**
 * Watermark generation and propagation end to end. Sources driven by the test push records
 * while the job runs; a recording sink sees every watermark that reaches it, and co-process
 * functions report the watermark they see at each record.
 */
import { describe, expect, it } from 'vitest';
import {
  type Collector,
  CoProcessFunction,
  MAX_WATERMARK,
  ManualClock,
  type ProcessContext,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../../src/index.js';
import { RecordingSink, sleep, waitFor } from '../support/recording-sink.js';
import { ScriptedSource, SourceScript } from '../support/scripted-source.js';

type Ev = { ts: number; tag?: string };
const at = (ts: number, tag?: string): Ev => ({ ts, tag });

/** Reports, for each record of either input, `side:ts@watermark`. */
class WatermarkProbe extends CoProcessFunction<Ev, Ev, string> {
  processElement1(e: Ev, ctx: ProcessContext<string>, out: Collector<string>): void {
    out.collect(`A:${e.ts}${e.tag ?? ''}@${ctx.timerService().currentWatermark()}`);
  }
  processElement2(e: Ev, ctx: ProcessContext<string>, out: Collector<string>): void {
    out.collect(`B:${e.ts}${e.tag ?? ''}@${ctx.timerService().currentWatermark()}`);
  }
}

function env(intervalMs: number): StreamExecutionEnvironment {
  const e = StreamExecutionEnvironment.getExecutionEnvironment();
  e.getConfig().setAutoWatermarkInterval(intervalMs);
  return e;
}

/** A watermark with every event: the event timestamp - 1 (the record goes first, as in Flink). */
function punctuated(): WatermarkStrategy<Ev> {
  return WatermarkStrategy.forGenerator<Ev>(() => ({
    onEvent: (_e, ts, output) => output.emitWatermark(ts - 1),
    onPeriodicEmit: () => {},
  })).withTimestampAssigner((e) => e.ts);
}

describe('watermark strategies', () => {
  it('forBoundedOutOfOrderness(d) emits max timestamp - d - 1 periodically; it never goes back', async () => {
    const e = env(5);
    const script = new SourceScript<Ev>(['s']);
    const sink = new RecordingSink<Ev>();
    e.fromSource(
      new ScriptedSource(script),
      WatermarkStrategy.forBoundedOutOfOrderness<Ev>(50).withTimestampAssigner((x) => x.ts),
      'src',
    ).sinkTo(sink);
    const job = e.execute();
    script.push('s', at(100), at(250), at(180));
    await waitFor(() => sink.lastWatermark() === 199, 'watermark 199');
    script.push('s', at(120));
    await sleep(40);
    expect(sink.lastWatermark()).toBe(199);
    script.push('s', at(400));
    await waitFor(() => sink.lastWatermark() === 349, 'watermark 349');
    script.finish();
    await job;
    expect(sink.watermarks.get(0)).toEqual([199, 349, MAX_WATERMARK]);
    // Records carry their event timestamps.
    expect(sink.records.map((r) => r.timestamp)).toEqual([100, 250, 180, 120, 400]);
  });

  it('forMonotonousTimestamps emits max timestamp - 1', async () => {
    const e = env(5);
    const script = new SourceScript<Ev>(['s']);
    const sink = new RecordingSink<Ev>();
    e.fromSource(
      new ScriptedSource(script),
      WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((x) => x.ts),
      'src',
    ).sinkTo(sink);
    const job = e.execute();
    script.push('s', at(10), at(20));
    await waitFor(() => sink.lastWatermark() === 19, 'watermark 19');
    script.finish();
    await job;
  });

  it('noWatermarks never advances event time before the end of input', async () => {
    const e = env(5);
    const script = new SourceScript<Ev>(['s']);
    const sink = new RecordingSink<string>();
    e.fromSource(new ScriptedSource(script), WatermarkStrategy.noWatermarks<Ev>(), 'src')
      .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks<Ev>().withTimestampAssigner((x) => x.ts))
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(10))
      .process((_k: string, w, els, out: Collector<string>) => out.collect(`[${w.start})x${[...els].length}`))
      .sinkTo(sink);
    const job = e.execute();
    script.push('s', at(1), at(15), at(1000));
    await sleep(60);
    expect(sink.values).toEqual([]);
    expect(sink.watermarks.get(0)).toEqual([]);
    script.finish();
    await job;
    expect(sink.values.sort()).toEqual(['[0)x1', '[1000)x1', '[10)x1'].sort());
    expect(sink.watermarks.get(0)).toEqual([MAX_WATERMARK]);
  });
});

describe('watermark propagation', () => {
  it('a two-input operator takes the minimum of its inputs’ watermarks', async () => {
    const e = env(0);
    const a = new SourceScript<Ev>(['a']);
    const b = new SourceScript<Ev>(['b']);
    const sink = new RecordingSink<string>();
    const left = e.fromSource(new ScriptedSource(a), punctuated(), 'A');
    const right = e.fromSource(new ScriptedSource(b), punctuated(), 'B');
    left.connect(right).process(new WatermarkProbe()).sinkTo(sink);
    const job = e.execute();
    const seen = async (line: string) => {
      await waitFor(() => sink.values.includes(line), line);
    };
    // Records come in pairs with equal timestamps; the second of a pair sees the watermark that
    // the first one brought, whether a punctuated watermark follows or precedes its record.
    const pair = (script: SourceScript<Ev>, split: string, ts: number) =>
      script.push(split, at(ts), at(ts, 'x'));
    pair(a, 'a', 1000);
    await seen('A:1000x@-Infinity'); // B has no watermark yet: it holds event time back
    pair(b, 'b', 500);
    await seen('B:500x@499');
    pair(b, 'b', 3000);
    await seen('B:3000x@999'); // B is at 2999, A at 999: the minimum is A's
    pair(a, 'a', 5000);
    await seen('A:5000x@2999'); // A at 4999, B at 2999
    a.finish();
    b.finish();
    await job;
    // Whichever source ends first, its watermark becomes the maximum, so the other one's (4999,
    // if A is the one left) may show before the final maximum.
    const marks = sink.watermarks.get(0)!;
    expect(marks.slice(0, 3)).toEqual([499, 999, 2999]);
    expect(marks.at(-1)).toBe(MAX_WATERMARK);
    expect(marks.slice(3, -1).every((w) => w === 4999)).toBe(true);
  });

  it('an idle input (withIdleness) does not hold back the watermark, and rejoins the minimum when active again', async () => {
    const e = env(10);
    // Processing time moves only while the test waits for a watermark, 10 ms per poll, so A goes
    // idle after its 500 ms of quiet time and never while the test looks at what B sends. On
    // the wall clock a loaded machine let A go idle between two steps (seen: 4999 for 1999).
    const clock = new ManualClock(1_000_000);
    e.setClock(clock);
    const watermarkReaches = (mark: number, what: string) =>
      waitFor(() => {
        if (sink.lastWatermark() === mark) return true;
        clock.advance(10);
        return false;
      }, what);
    const a = new SourceScript<Ev>(['a']);
    const b = new SourceScript<Ev>(['b']);
    const sink = new RecordingSink<string>();
    const left = e.fromSource(
      new ScriptedSource(a),
      WatermarkStrategy.forMonotonousTimestamps<Ev>()
        .withTimestampAssigner((x) => x.ts)
        .withIdleness(500),
      'A',
    );
    const right = e.fromSource(new ScriptedSource(b), punctuated(), 'B');
    left.connect(right).process(new WatermarkProbe()).sinkTo(sink);
    const job = e.execute();
    const seen = (line: string) => waitFor(() => sink.values.includes(line), line);

    b.push('b', at(1000), at(1000, 'x'));
    await seen('B:1000x@-Infinity'); // A has no watermark yet
    a.push('a', at(100));
    await watermarkReaches(99, 'watermark 99: A holds back B');
    // A goes quiet. Until its idle timeout it still holds the watermark; after it, B's passes.
    b.push('b', at(2000), at(2000, 'x'));
    await seen('B:2000x@99');
    await watermarkReaches(1999, 'watermark 1999 while A is idle');
    // A is active again, behind the current watermark: the watermark does not go back, and A
    // holds it from now on (B moving to 4999 does not move it).
    a.push('a', at(1500));
    await seen('A:1500@1999');
    b.push('b', at(5000), at(5000, 'x'));
    await seen('B:5000x@1999');
    await sleep(30);
    expect(sink.lastWatermark()).toBe(1999);
    a.push('a', at(3000));
    await watermarkReaches(2999, 'watermark 2999 once A caught up');
    a.finish();
    b.finish();
    await job;
    const marks = sink.watermarks.get(0)!;
    expect(marks[marks.length - 1]).toBe(MAX_WATERMARK);
    for (let i = 1; i < marks.length; i++) expect(marks[i]!).toBeGreaterThan(marks[i - 1]!);
  });

  it('watermarks are generated per split: a lagging split holds back the source watermark', async () => {
    const e = env(5);
    const script = new SourceScript<Ev>(['fast', 'slow']);
    const sink = new RecordingSink<Ev>();
    e.fromSource(
      new ScriptedSource(script),
      WatermarkStrategy.forBoundedOutOfOrderness<Ev>(0).withTimestampAssigner((x) => x.ts),
      'two splits',
    )
      .setParallelism(1)
      .sinkTo(sink);
    const job = e.execute();
    script.push('fast', at(1000));
    await waitFor(() => sink.records.length === 1, 'first record');
    await sleep(40);
    expect(sink.watermarks.get(0)).toEqual([]); // the slow split has no watermark yet
    script.push('slow', at(100));
    await waitFor(() => sink.lastWatermark() === 99, 'watermark of the slow split');
    script.push('fast', at(2000), at(3000));
    await sleep(40);
    expect(sink.lastWatermark()).toBe(99);
    script.push('slow', at(1500));
    await waitFor(() => sink.lastWatermark() === 1499, 'slow split at 1499');
    script.push('slow', at(9000));
    await waitFor(() => sink.lastWatermark() === 2999, 'fast split at 2999 is now the slower one');
    script.finish();
    await job;
    expect(sink.watermarks.get(0)).toEqual([99, 1499, 2999, MAX_WATERMARK]);
  });

  it('end of input emits the maximum watermark, so every window of a bounded job fires', async () => {
    const e = env(200);
    const events = Array.from({ length: 50 }, (_, i) => at(i * 37));
    const sink = new RecordingSink<string>();
    e.fromCollection(events)
      // A huge delay: no watermark before the end would fire any window.
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forBoundedOutOfOrderness<Ev>(1e9).withTimestampAssigner((x) => x.ts),
      )
      .keyBy((x) => x.ts % 2)
      .window(TumblingEventTimeWindows.of(100))
      .process((k: number, w, els, out: Collector<string>) =>
        out.collect(`${k}@${w.start}:${[...els].length}`),
      )
      .sinkTo(sink);
    await e.execute();
    const expected = new Map<string, number>();
    for (const x of events) {
      const id = `${x.ts % 2}@${Math.floor(x.ts / 100) * 100}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
    expect(sink.values.sort()).toEqual([...expected].map(([id, n]) => `${id}:${n}`).sort());
    expect(sink.watermarks.get(0)!.at(-1)).toBe(MAX_WATERMARK);
  });
});

describe('record before its punctuated watermark (Flink emits the record, then calls onEvent)', () => {
  // A punctuated generator that emits a watermark equal to the event's timestamp. In Flink the
  // event is emitted before the generator sees it (SourceOutputWithWatermarks.collect and
  // TimestampsAndWatermarksOperator.processElement: "The event must be emitted before the
  // watermark generator is called"), so the event at 9 is in window [0, 10) when watermark 9
  // fires it. Weir calls onEvent first, so the watermark overtakes its own event, which is then
  // late for its window and dropped.
  const atTimestamp = () =>
    WatermarkStrategy.forGenerator<Ev>(() => ({
      onEvent: (_e, ts, output) => output.emitWatermark(ts),
      onPeriodicEmit: () => {},
    })).withTimestampAssigner((x) => x.ts);

  async function windows(strategyAt: 'source' | 'operator'): Promise<string[]> {
    const e = env(0);
    const input = [at(3), at(9), at(15)];
    const stream =
      strategyAt === 'source'
        ? e.fromSource(new ScriptedSourceOf(input), atTimestamp(), 'src')
        : e.fromCollection(input).assignTimestampsAndWatermarks(atTimestamp());
    return stream
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(10))
      .process((_k: string, w, els, out: Collector<string>) =>
        out.collect(`[${w.start})=${[...els].map((x) => x.ts).join(',')}`),
      )
      .executeAndCollect();
  }

  it('in a source reader', async () => {
    expect(await windows('source')).toEqual(['[0)=3,9', '[10)=15']);
  });

  it('in assignTimestampsAndWatermarks', async () => {
    expect(await windows('operator')).toEqual(['[0)=3,9', '[10)=15']);
  });
});

/** A bounded scripted source with its records queued up front. */
class ScriptedSourceOf extends ScriptedSource<Ev> {
  constructor(records: Ev[]) {
    const script = new SourceScript<Ev>(['s']);
    script.push('s', ...records);
    script.finish();
    super(script, 'bounded');
  }
}
