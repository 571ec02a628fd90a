/**
 * AsyncDataStream end to end, in real jobs: ordered output equals a synchronous map whatever the
 * delays (fast-check), unordered output is the same multiset with every row ahead of the
 * watermarks after its record (so windows downstream lose nothing), timestamps are kept, at
 * most `capacity` requests are ever in flight while the input waits, the end of a bounded input
 * drains every request, a rejected request or a timeout fails the job with a one-line message
 * (and the restart strategy recovers it exactly), and `open` may be asynchronous.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AsyncDataStream,
  type AsyncFunction,
  type Collector,
  DataGeneratorSource,
  FileSink,
  type ProcessContext,
  ProcessFunction,
  RestartStrategies,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../../src/index.js';
import { readCommitted } from '../support/exactly-once.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Requests in flight, shared by every copy of a function (the operator copies it per subtask). */
class InFlight {
  now = 0;
  max = 0;
  enter(): void {
    this.now++;
    this.max = Math.max(this.max, this.now);
  }
  leave(): void {
    this.now--;
  }
}

/** Answers `[i * 2]` (none for multiples of 7) after the record's own delay. */
function delayedDouble(inFlight: InFlight): AsyncFunction<{ i: number; d: number }, number> {
  return {
    async asyncInvoke({ i, d }) {
      inFlight.enter();
      await delay(d);
      inFlight.leave();
      return i % 7 === 0 ? [] : [i * 2];
    },
  };
}

function environment(parallelism = 1): StreamExecutionEnvironment {
  const env = StreamExecutionEnvironment.createLocalEnvironment(parallelism);
  env.setRestartStrategy(RestartStrategies.noRestart());
  return env;
}

type Ev = { i: number; key: number };

/** Events `{i, key}` with event time `i` and a watermark every millisecond of generation. */
function timedEvents(env: StreamExecutionEnvironment, count: number) {
  env.getConfig().setAutoWatermarkInterval(1);
  return env.fromSource(
    new DataGeneratorSource((i) => ({ i, key: i % 3 }), count, 20_000),
    WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.i),
    'events',
  );
}

/** Passes `e` on after `ms` milliseconds. */
async function answerAfter<T>(ms: number, e: T): Promise<T[]> {
  await delay(ms);
  return [e];
}

/** Reports each record with its timestamp and whether it arrived behind the watermark (late). */
class LatenessProbe extends ProcessFunction<Ev, { i: number; ts: number | undefined; late: boolean }> {
  processElement(
    e: Ev,
    ctx: ProcessContext<{ i: number; ts: number | undefined; late: boolean }>,
    out: Collector<{ i: number; ts: number | undefined; late: boolean }>,
  ): void {
    const ts = ctx.timestamp();
    out.collect({ i: e.i, ts, late: ts !== undefined && ts <= ctx.timerService().currentWatermark() });
  }
}

describe('AsyncDataStream', () => {
  it('orderedWait in a chain: any delays give the synchronous map, in order, within capacity', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 80 }),
        fc.integer({ min: 1, max: 6 }),
        async (delays, capacity) => {
          const inFlight = new InFlight();
          const env = environment();
          const input = env.fromCollection(delays.map((d, i) => ({ i, d }))).map((e) => e);
          const out = await AsyncDataStream.orderedWait(input, delayedDouble(inFlight), 10_000, capacity)
            .map((x) => x + 1)
            .executeAndCollect();
          expect(out).toEqual(delays.flatMap((_, i) => (i % 7 === 0 ? [] : [i * 2 + 1])));
          expect(inFlight.max).toBeLessThanOrEqual(capacity);
          expect(inFlight.now).toBe(0);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('holds input back at capacity: requests in flight reach it and never exceed it, and the end drains them all', async () => {
    const inFlight = new InFlight();
    const env = environment();
    const input = env.fromCollection(Array.from({ length: 300 }, (_, i) => ({ i, d: 1 + (i % 3) })));
    const out = await AsyncDataStream.unorderedWait(
      input,
      delayedDouble(inFlight),
      10_000,
      3,
    ).executeAndCollect();
    expect(out.sort((a, b) => a - b)).toEqual(
      Array.from({ length: 300 }, (_, i) => i).flatMap((i) => (i % 7 === 0 ? [] : [i * 2])),
    );
    expect(inFlight.max).toBe(3);
    expect(inFlight.now).toBe(0);
  });

  it('unorderedWait keeps timestamps and puts no row behind a later watermark: windows downstream lose nothing', async () => {
    const env = environment();
    const events = 3000;
    const looked = AsyncDataStream.unorderedWait(
      timedEvents(env, events),
      { asyncInvoke: (e: Ev) => answerAfter(e.i % 4, e) },
      10_000,
      16,
    );
    const probe = looked.process(new LatenessProbe());
    const counts = looked
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(50))
      .aggregate(
        {
          createAccumulator: () => 0,
          add: (_e: Ev, acc: number) => acc + 1,
          getResult: (acc: number) => acc,
          merge: (a: number, b: number) => a + b,
        },
        (key: number, window, results, out: Collector<string>) => {
          for (const c of results) out.collect(`${key}@${window.start}:${c}`);
        },
      );
    const all = await probe
      .map((p) => JSON.stringify(p))
      .union(counts)
      .executeAndCollect();
    const probes = all
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { i: number; ts: number; late: boolean });
    expect(probes.map((p) => p.i).sort((a, b) => a - b)).toEqual(Array.from({ length: events }, (_, i) => i));
    for (const p of probes) expect(p).toEqual({ i: p.i, ts: p.i, late: false });
    const expected = new Map<string, number>();
    for (let i = 0; i < events; i++) {
      const id = `${i % 3}@${Math.floor(i / 50) * 50}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
    const windows = all.filter((line) => !line.startsWith('{')).sort();
    expect(windows).toEqual([...expected].map(([id, c]) => `${id}:${c}`).sort());
  });

  it('after keyBy at parallelism 2, orderedWait keeps each key in order', async () => {
    const env = environment(2);
    const input = env.fromCollection(Array.from({ length: 600 }, (_, i) => ({ i, key: i % 5 })));
    const out = await AsyncDataStream.orderedWait(
      input.keyBy((e) => e.key),
      { asyncInvoke: (e: Ev) => answerAfter((e.i * 13) % 3, e) },
      10_000,
      4,
    ).executeAndCollect();
    expect(out).toHaveLength(600);
    for (let key = 0; key < 5; key++) {
      const mine = out.filter((e) => e.key === key).map((e) => e.i);
      expect(mine).toEqual(Array.from({ length: 120 }, (_, k) => k * 5 + key));
    }
  });

  it('a rejected request fails the job with its message', async () => {
    const env = environment();
    const input = env.fromCollection([1, 2, 3, 4]);
    const failing = AsyncDataStream.orderedWait(
      input,
      {
        asyncInvoke: async (x: number) => {
          if (x === 3) throw new Error('connection refused by db:5432');
          return [x];
        },
      },
      10_000,
    ).name('lookup');
    await expect(failing.executeAndCollect()).rejects.toThrow(
      /the async function of 'lookup.*' failed: connection refused by db:5432/,
    );
  });

  it('a request that outlives the timeout fails the job naming timeoutMs, or emits timeout() rows', async () => {
    const hang = (x: number) => (x % 2 === 0 ? Promise.resolve([`${x}`]) : new Promise<string[]>(() => {}));
    const strict = environment();
    await expect(
      AsyncDataStream.unorderedWait(
        strict.fromCollection([1, 2]),
        { asyncInvoke: hang },
        20,
      ).executeAndCollect(),
    ).rejects.toThrow(/did not complete within 20 ms; raise the timeoutMs argument/);

    const lenient = environment();
    const out = await AsyncDataStream.orderedWait(
      lenient.fromCollection([1, 2, 3, 4]),
      { asyncInvoke: hang, timeout: (x: number) => [`${x}?`] },
      20,
    ).executeAndCollect();
    expect(out).toEqual(['1?', '2', '3?', '4']);
  });

  it('a failed request restarts the job from its checkpoint (restart strategy) with exactly the failure-free output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-async-'));
    dirs.push(dir);
    const env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.enableCheckpointing(20);
    env.getCheckpointConfig().setCheckpointStorage(join(dir, 'checkpoints'));
    env.setRestartStrategy(RestartStrategies.fixedDelay(3, 0));
    const seen = { record1200: 0 };
    const input = env.fromSource(
      new DataGeneratorSource((i) => i, 2000, 10_000),
      WatermarkStrategy.noWatermarks<number>(),
      'numbers',
    );
    AsyncDataStream.orderedWait(
      input,
      {
        async asyncInvoke(i: number) {
          await delay(i % 2);
          if (i === 1200 && seen.record1200++ === 0) throw new Error('transient');
          return [{ i }];
        },
      },
      10_000,
      10,
    )
      .uid('lookup')
      .sinkTo(FileSink.forRowFormat(join(dir, 'out')).build());
    await env.execute('async-restart');
    // Failed once, then invoked again after the restart.
    expect(seen.record1200).toBeGreaterThanOrEqual(2);
    const lines = readCommitted(join(dir, 'out')).map((line) => (JSON.parse(line) as { i: number }).i);
    expect(lines.sort((a, b) => a - b)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it('awaits an asynchronous open before the first request, and an asynchronous close before the job ends', async () => {
    const env = environment();
    const closed = { done: false };
    const out = await AsyncDataStream.orderedWait(
      env.fromCollection([1, 2, 3]),
      {
        connection: undefined as string | undefined,
        async open() {
          await delay(5);
          this.connection = 'connected';
        },
        async asyncInvoke(x: number) {
          return [`${x} ${this.connection}`];
        },
        async close() {
          await delay(5);
          closed.done = true;
        },
      } as AsyncFunction<number, string> & { connection: string | undefined },
      1_000,
    ).executeAndCollect();
    expect(out).toEqual(['1 connected', '2 connected', '3 connected']);
    expect(closed.done).toBe(true);
  });

  it('refuses a timeout or capacity that is not positive, naming the argument', () => {
    const env = environment();
    const input = env.fromCollection([1]);
    const fn = { asyncInvoke: async (x: number) => [x] };
    expect(() => AsyncDataStream.orderedWait(input, fn, 0)).toThrow(/timeoutMs must be a positive number/);
    expect(() => AsyncDataStream.unorderedWait(input, fn, 100, 0)).toThrow(
      /capacity must be a positive integer/,
    );
  });
});
