/**
 * The DataStream API end to end: sources, element-wise transformations, union, sinks,
 * executeAndCollect and operator configuration, each checked by what the job outputs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Collector,
  DataGeneratorSource,
  type FilterFunction,
  type FlatMapFunction,
  type MapFunction,
  PrintSink,
  type RuntimeContext,
  type Sink,
  type SinkInitContext,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  WeirError,
} from '../../src/index.js';
import { RecordingSink } from '../support/recording-sink.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function newEnv(parallelism = 1): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
}

describe('sources', () => {
  it('fromElements emits its arguments in order', async () => {
    const out = await newEnv().fromElements('c', 'a', 'b', 'a').executeAndCollect();
    expect(out).toEqual(['c', 'a', 'b', 'a']);
  });

  it('fromCollection reads any iterable (a Set, a generator) in order', async () => {
    const set = await newEnv()
      .fromCollection(new Set([3, 1, 2]))
      .executeAndCollect();
    expect(set).toEqual([3, 1, 2]);
    function* squares() {
      for (let i = 1; i <= 4; i++) yield i * i;
    }
    const gen = await newEnv().fromCollection(squares()).executeAndCollect();
    expect(gen).toEqual([1, 4, 9, 16]);
  });

  it('fromSource with DataGeneratorSource emits generator(i) for each index once, at any parallelism', async () => {
    for (const p of [1, 3]) {
      const env = newEnv(p);
      const source = new DataGeneratorSource((i) => ({ id: i, sq: i * i }), 50);
      const out = await env.fromSource(source, WatermarkStrategy.noWatermarks(), 'gen').executeAndCollect();
      expect(out.map((r) => r.id).sort((a, b) => a - b)).toEqual(range(50));
      for (const r of out) expect(r.sq).toBe(r.id * r.id);
    }
  });
});

describe('element-wise transformations', () => {
  it('map applies a lambda to each record', async () => {
    const out = await newEnv()
      .fromElements(1, 2, 3)
      .map((x) => `v${x * 10}`)
      .executeAndCollect();
    expect(out).toEqual(['v10', 'v20', 'v30']);
  });

  it('map accepts a MapFunction object, opened with a runtime context before the first record', async () => {
    class Tag implements MapFunction<number, string> {
      private prefix = 'unopened';
      open(ctx: RuntimeContext): void {
        this.prefix = `${ctx.getIndexOfThisSubtask()}/${ctx.getNumberOfParallelSubtasks()}`;
      }
      map(value: number): string {
        return `${this.prefix}:${value}`;
      }
    }
    const out = await newEnv().fromElements(7, 8).map(new Tag()).executeAndCollect();
    expect(out).toEqual(['0/1:7', '0/1:8']);
  });

  it('flatMap with a collector emits zero or more records per input', async () => {
    const repeat = (n: number, out: Collector<number>): void => {
      for (let i = 0; i < n; i++) out.collect(n);
    };
    const out = await newEnv().fromElements(0, 1, 3).flatMap(repeat).executeAndCollect();
    expect(out).toEqual([1, 3, 3, 3]);
  });

  it('flatMap with a lambda returning an iterable emits its items', async () => {
    const out = await newEnv()
      .fromElements('a b', '', 'c')
      .flatMap((line: string) => line.split(' ').filter((w) => w.length > 0))
      .executeAndCollect();
    expect(out).toEqual(['a', 'b', 'c']);
  });

  it('flatMap accepts a FlatMapFunction object', async () => {
    const dup: FlatMapFunction<number, number> = {
      flatMap(value, out) {
        out.collect(value);
        out.collect(-value);
      },
    };
    expect(await newEnv().fromElements(1, 2).flatMap(dup).executeAndCollect()).toEqual([1, -1, 2, -2]);
  });

  it('filter keeps the records the predicate accepts (lambda and FilterFunction)', async () => {
    const even = await newEnv()
      .fromCollection(range(10))
      .filter((x) => x % 2 === 0)
      .executeAndCollect();
    expect(even).toEqual([0, 2, 4, 6, 8]);
    const big: FilterFunction<number> = { filter: (x) => x > 6 };
    expect(await newEnv().fromCollection(range(10)).filter(big).executeAndCollect()).toEqual([7, 8, 9]);
  });

  it('map, flatMap and filter keep the record timestamp', async () => {
    const env = newEnv();
    const sink = new RecordingSink<number>();
    env
      .fromElements(5, 15)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((x) => x * 100),
      )
      .map((x) => x + 1)
      .flatMap((x: number) => [x, x])
      .filter(() => true)
      .sinkTo(sink);
    await env.execute();
    expect(sink.records.map((r) => [r.value, r.timestamp])).toEqual([
      [6, 500],
      [6, 500],
      [16, 1500],
      [16, 1500],
    ]);
  });

  it('union merges streams of the same type, keeping every record', async () => {
    const env = newEnv(2);
    const a = env.fromElements(1, 2);
    const b = env.fromElements(10, 20);
    const c = env.fromSource(
      new DataGeneratorSource((i) => 100 + i, 3),
      WatermarkStrategy.noWatermarks(),
      'gen',
    );
    const out = await a.union(b, c).executeAndCollect();
    expect(out.sort((x, y) => x - y)).toEqual([1, 2, 10, 20, 100, 101, 102]);
  });
});

describe('executeAndCollect', () => {
  it('without a limit returns everything a bounded job produces', async () => {
    const out = await newEnv(2)
      .fromSource(new DataGeneratorSource((i) => i, 1000), WatermarkStrategy.noWatermarks(), 'gen')
      .executeAndCollect();
    expect(out.length).toBe(1000);
    expect(new Set(out).size).toBe(1000);
  });

  it('with a limit returns the first `limit` records of a bounded job', async () => {
    const out = await newEnv().fromCollection(range(100)).executeAndCollect(5);
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('with a limit stops an unbounded DataGeneratorSource (count Infinity)', async () => {
    const source = new DataGeneratorSource((i) => i * 3, Number.POSITIVE_INFINITY);
    const out = await newEnv()
      .fromSource(source, WatermarkStrategy.noWatermarks(), 'forever')
      .executeAndCollect(25);
    // The source never ends by itself: returning is what the limit does (a hang is bounded by
    // the test time limit, not by a timed assertion).
    expect(out).toEqual(range(25).map((i) => i * 3));
  });

  it('with a limit stops a rate-limited unbounded source at parallelism 2', async () => {
    const source = new DataGeneratorSource((i) => i, Number.POSITIVE_INFINITY, 2_000);
    const out = await newEnv(2)
      .fromSource(source, WatermarkStrategy.noWatermarks(), 'slow')
      .executeAndCollect(10);
    expect(out.length).toBe(10);
    expect(new Set(out).size).toBe(10);
  });
});

describe('sinks', () => {
  it('sinkTo runs one writer per subtask, writes each record once, flushes at end of input and closes', async () => {
    const env = newEnv(3);
    const sink = new RecordingSink<number>();
    env
      .fromCollection(range(30))
      .rebalance()
      .map((x) => x)
      .sinkTo(sink)
      .setParallelism(3);
    await env.execute('sink job');
    expect(sink.writersOpened.map((c: SinkInitContext) => c.subtaskIndex).sort()).toEqual([0, 1, 2]);
    expect(sink.writersOpened.every((c) => c.parallelism === 3)).toBe(true);
    expect(sink.values.sort((a, b) => a - b)).toEqual(range(30));
    expect(sink.flushedAtEnd).toBe(3);
    expect(sink.closed).toBe(3);
  });

  it('a plain object with createWriter is a Sink', async () => {
    const env = newEnv();
    const seen: string[] = [];
    const sink: Sink<string> = {
      createWriter: () => ({
        write: (v) => seen.push(v.toUpperCase()),
        flush: () => {},
        close: () => {},
      }),
    };
    env.fromElements('x', 'y').sinkTo(sink);
    const result = await env.execute('object sink');
    expect(seen).toEqual(['X', 'Y']);
    expect(result).toBeDefined();
  });

  describe('print', () => {
    afterEach(() => vi.restoreAllMocks());

    function captureStdout(): string[] {
      const chunks: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => {
        chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
        return true;
      }) as typeof process.stdout.write);
      return chunks;
    }

    it('print(prefix) writes `prefix> record` lines to stdout at parallelism 1, objects as JSON', async () => {
      const chunks = captureStdout();
      const env = newEnv();
      env.fromElements<unknown>('hello', { a: 1 }).print('out');
      await env.execute();
      vi.restoreAllMocks();
      const lines = chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0);
      expect(lines).toEqual(['out> hello', 'out> {"a":1}']);
    });

    it('print() at parallelism 2 prefixes each line with the 1-based subtask', async () => {
      const chunks = captureStdout();
      const env = newEnv(2);
      env.fromCollection(range(6)).rebalance().print('p');
      await env.execute();
      vi.restoreAllMocks();
      const lines = chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0);
      expect(lines.length).toBe(6);
      for (const line of lines) expect(line).toMatch(/^p:[12]> \d$/);
      expect(new Set(lines.map((l) => l.slice(0, 3)))).toEqual(new Set(['p:1', 'p:2']));
      expect(lines.map((l) => Number(l.split('> ')[1])).sort()).toEqual(range(6));
    });

    it('a PrintSink with its own target gets the same lines', async () => {
      let text = '';
      const env = newEnv();
      env.fromElements(1, 2).sinkTo(new PrintSink<number>('n', false, { write: (t: string) => (text += t) }));
      await env.execute();
      expect(text).toBe('n> 1\nn> 2\n');
    });
  });
});

describe('operator configuration', () => {
  it('setParallelism sets how many subtasks an operator runs; name and uid are recorded', async () => {
    const env = newEnv(1);
    const mapped = env
      .fromCollection(range(12))
      .rebalance()
      .map({
        sub: -1,
        open(ctx: RuntimeContext) {
          this.sub = ctx.getIndexOfThisSubtask();
        },
        map(x: number) {
          return { x, sub: this.sub };
        },
      } as MapFunction<number, { x: number; sub: number }> & { sub: number })
      .setParallelism(3)
      .name('tagging map')
      .uid('tagging-map');
    expect(mapped.getParallelism()).toBe(3);
    const out = await mapped.executeAndCollect();
    expect(out.map((r) => r.x).sort((a, b) => a - b)).toEqual(range(12));
    expect(new Set(out.map((r) => r.sub))).toEqual(new Set([0, 1, 2]));
  });

  it('name() is the task name a rich function sees', async () => {
    const out = await newEnv()
      .fromElements(1)
      .map({
        name: '',
        open(ctx: RuntimeContext) {
          this.name = ctx.getTaskName();
        },
        map() {
          return this.name;
        },
      } as MapFunction<number, string> & { name: string })
      .name('my-mapper')
      .executeAndCollect();
    expect(out).toEqual(['my-mapper']);
  });

  it('uid() must be unique within a job', async () => {
    const env = newEnv();
    const s = env
      .fromElements(1)
      .map((x) => x)
      .uid('same');
    s.map((x) => x)
      .uid('same')
      .print();
    let error: unknown;
    try {
      await env.execute();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).message).toMatch(/uid 'same' is used by both/);
  });

  it('the same keyed event-time job gives the same multiset of results at parallelism 1, 2, 3 and 4', async () => {
    const n = 300;
    const gen = (i: number) => ({ k: `k${(i * 7) % 5}`, v: i, ts: i * 10 });
    // Oracle: per key and 100 ms tumbling window, the sum and count of the values.
    const expected = new Map<string, { sum: number; count: number }>();
    for (let i = 0; i < n; i++) {
      const e = gen(i);
      const id = `${e.k}@${Math.floor(e.ts / 100) * 100}`;
      const acc = expected.get(id) ?? { sum: 0, count: 0 };
      acc.sum += e.v;
      acc.count++;
      expected.set(id, acc);
    }
    const expectedRows = [...expected.entries()].map(([id, a]) => `${id}=${a.sum}/${a.count}`).sort();
    for (const p of [1, 2, 3, 4]) {
      const env = newEnv(p);
      const out = await env
        .fromSource(
          new DataGeneratorSource(gen, n),
          WatermarkStrategy.forMonotonousTimestamps<ReturnType<typeof gen>>().withTimestampAssigner(
            (e) => e.ts,
          ),
          'gen',
        )
        .keyBy((e) => e.k)
        .window(TumblingEventTimeWindows.of(100))
        .aggregate(
          {
            createAccumulator: () => ({ sum: 0, count: 0 }),
            add: (e, acc) => ({ sum: acc.sum + e.v, count: acc.count + 1 }),
            getResult: (acc) => acc,
            merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
          },
          (key: string, w, results, out) => {
            const r = [...results][0]!;
            out.collect(`${key}@${w.start}=${r.sum}/${r.count}`);
          },
        )
        .executeAndCollect();
      expect(out.sort(), `parallelism ${p}`).toEqual(expectedRows);
    }
  });
});
