/**
 * Mistakes users make, and what Weir says about them: each is a WeirError with a stable code
 * and a one-line message that names the problem and the fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Collector,
  CsvFormat,
  ErrorCodes,
  FileSource,
  KeyedProcessFunction,
  type KeyedProcessContext,
  type MapFunction,
  NdjsonFormat,
  type ProcessContext,
  type RuntimeContext,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  type ValueState,
  ValueStateDescriptor,
  WatermarkStrategy,
  WeirError,
} from '../../src/index.js';
import { rejection, thrown } from '../support/recording-sink.js';

/** Asserts a user error: its code, one line, and the problem and the fix in the text. */
function expectOneLineError(error: unknown, code: string, problem: RegExp, fix: RegExp): void {
  expect(error).toBeInstanceOf(WeirError);
  const e = error as WeirError;
  expect(e.code).toBe(code);
  expect(e.domain).toBe('user');
  expect(e.message).not.toMatch(/[\r\n]/);
  expect(e.message).toMatch(problem);
  expect(e.message).toMatch(fix);
}

const env = () => StreamExecutionEnvironment.getExecutionEnvironment();

describe('keys', () => {
  it.each([1, 2])(
    'a key selector that returns undefined fails the job with INVALID_KEY (parallelism %i)',
    async (parallelism) => {
      const e = env().setParallelism(parallelism);
      e.fromElements<{ user?: string }>({ user: 'a' }, {})
        .keyBy((r) => r.user)
        .map((r) => r)
        .print();
      expectOneLineError(
        await rejection(e.execute()),
        ErrorCodes.INVALID_KEY,
        /key selector returned undefined/,
        /make keyBy return a defined value/,
      );
    },
  );

  it('object keys hash by value: structurally equal objects (any field order) share one key state', async () => {
    class Count extends KeyedProcessFunction<object, { k: object; n: number }, string> {
      private count!: ValueState<number>;
      override open(ctx: RuntimeContext): void {
        this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
      }
      processElement(
        _r: { k: object; n: number },
        ctx: KeyedProcessContext<object, string>,
        out: Collector<string>,
      ) {
        this.count.update(this.count.value()! + 1);
        out.collect(`${JSON.stringify(ctx.getCurrentKey())}#${this.count.value()}`);
      }
    }
    const out = await env()
      .setParallelism(3)
      .fromElements(
        { k: { city: 'Oslo', zip: [1, 2] }, n: 1 },
        { k: { zip: [1, 2], city: 'Oslo' }, n: 2 },
        { k: { city: 'Oslo', zip: [2, 1] }, n: 3 },
        { k: { city: 'Oslo', zip: [1, 2] }, n: 4 },
      )
      .keyBy((r) => r.k)
      .process(new Count())
      .executeAndCollect();
    const counts = out.map((s) => Number(s.split('#')[1]));
    // Three records with the same key by value (counts 1, 2, 3) and one other key (count 1).
    expect(counts.sort()).toEqual([1, 1, 2, 3]);
  });

  it('a key that contains a function fails the job with INVALID_KEY', async () => {
    const e = env();
    e.fromElements(1, 2)
      .keyBy((n) => ({ n, format: () => String(n) }))
      .map((x) => x)
      .print();
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.INVALID_KEY,
      /key contains a function/,
      /key by plain data/,
    );
  });
});

describe('state and timers without keys', () => {
  it('getState in the open() of a non-keyed rich map fails with STATE_ACCESS and says to keyBy', async () => {
    const e = env();
    e.fromElements(1)
      .map({
        open(ctx: RuntimeContext) {
          ctx.getState(new ValueStateDescriptor<number>('count'));
        },
        map: (x: number) => x,
      } as MapFunction<number, number>)
      .print();
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.STATE_ACCESS,
      /keyed state 'count'.*not keyed/,
      /keyBy\(/,
    );
  });

  it('getState in map() of a non-keyed rich map fails the same way', async () => {
    const e = env();
    e.fromElements(1)
      .map({
        ctx: undefined as RuntimeContext | undefined,
        open(ctx: RuntimeContext) {
          this.ctx = ctx;
        },
        map(x: number) {
          this.ctx!.getState(new ValueStateDescriptor<number>('late-state')).update(x);
          return x;
        },
      } as MapFunction<number, number> & { ctx: RuntimeContext | undefined })
      .print();
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.STATE_ACCESS,
      /keyed state 'late-state'/,
      /call keyBy\(\.\.\.\) before this operator/,
    );
  });

  it('registering a timer in a non-keyed ProcessFunction fails with STATE_ACCESS', async () => {
    const e = env();
    e.fromElements(1)
      .process((x: number, ctx: ProcessContext<number>, out: Collector<number>) => {
        ctx.timerService().registerEventTimeTimer(x + 10);
        out.collect(x);
      })
      .print();
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.STATE_ACCESS,
      /timers are only supported on keyed streams/,
      /call keyBy\(\.\.\.\) before process/,
    );
  });
});

describe('windows', () => {
  it('a negative window size is rejected when the assigner is built', () => {
    expectOneLineError(
      thrown(() => TumblingEventTimeWindows.of(-5)),
      ErrorCodes.INVALID_ARGUMENT,
      /size must be > 0 ms, got -5/,
      /pass a positive window size/,
    );
  });

  it('an event-time window over records without timestamps fails with MISSING_TIMESTAMP', async () => {
    const e = env();
    e.fromElements(1, 2)
      .keyBy((x) => x)
      .window(TumblingEventTimeWindows.of(10))
      .reduce((a, b) => a + b)
      .print();
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.MISSING_TIMESTAMP,
      /got a record without a timestamp/,
      /assignTimestampsAndWatermarks/,
    );
  });
});

describe('malformed files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bad-input-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ndjson = join(dir, 'events.ndjson');
  writeFileSync(ndjson, '{"id":1}\n{"id":2\n{"id":3}\nnot json\n{"id":5}\n');
  const csv = join(dir, 'events.csv');
  writeFileSync(csv, 'id,name\n1,ann\n2,bob,extra\n3,cy\n4\n');

  it('a malformed NDJSON line fails the job by default with MALFORMED_RECORD, naming file and line', async () => {
    const e = env();
    e.fromSource(
      FileSource.forRecordFormat(new NdjsonFormat<{ id: number }>(), ndjson).build(),
      WatermarkStrategy.noWatermarks(),
      'f',
    ).print();
    const error = await rejection(e.execute());
    expectOneLineError(
      error,
      ErrorCodes.MALFORMED_RECORD,
      /events\.ndjson:2: malformed NDJSON record/,
      /onMalformed: 'skip'/,
    );
  });

  it("with onMalformed: 'skip' the NDJSON job completes without the bad lines", async () => {
    const warnings: string[] = [];
    const format = new NdjsonFormat<{ id: number }>({ onMalformed: 'skip', warn: (m) => warnings.push(m) });
    const out = await env()
      .fromSource(FileSource.forRecordFormat(format, ndjson).build(), WatermarkStrategy.noWatermarks(), 'f')
      .executeAndCollect();
    expect(out.map((r) => r.id)).toEqual([1, 3, 5]);
    expect(warnings.length).toBe(1);
    expect(warnings[0]).toMatch(/skipped 2 malformed NDJSON record/);
  });

  it('a CSV record with the wrong number of fields fails the job by default with MALFORMED_RECORD', async () => {
    const e = env();
    e.fromSource(
      FileSource.forRecordFormat(new CsvFormat(), csv).build(),
      WatermarkStrategy.noWatermarks(),
      'f',
    ).print();
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.MALFORMED_RECORD,
      /events\.csv:3: malformed CSV record: expected 2 columns but found 3/,
      /onMalformed: 'skip'/,
    );
  });

  it("with onMalformed: 'skip' the CSV job completes without the bad records", async () => {
    const warnings: string[] = [];
    const format = new CsvFormat<{ id: number; name: string }>({
      types: { id: 'number' },
      onMalformed: 'skip',
      warn: (m) => warnings.push(m),
    });
    const out = await env()
      .fromSource(FileSource.forRecordFormat(format, csv).build(), WatermarkStrategy.noWatermarks(), 'f')
      .executeAndCollect();
    expect(out).toEqual([
      { id: 1, name: 'ann' },
      { id: 3, name: 'cy' },
    ]);
    expect(warnings.join(' ')).toMatch(/skipped 2 malformed CSV record/);
  });
});

describe('job graphs', () => {
  it('forward() between operators of different parallelism fails with INVALID_GRAPH and suggests rebalance', async () => {
    const e = env();
    e.fromElements(1, 2)
      .map((x) => x)
      .setParallelism(1)
      .forward()
      .map((x) => x)
      .setParallelism(2)
      .print();
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.INVALID_GRAPH,
      /forward\(\) between .*\(parallelism 1\) and .*\(parallelism 2\) needs equal parallelism/,
      /use rebalance\(\) or rescale\(\)/,
    );
  });

  it('a job without a sink fails with INVALID_GRAPH and says how to end a pipeline', async () => {
    const e = env();
    e.fromElements(1, 2).map((x) => x);
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.INVALID_GRAPH,
      /the job has no sinks/,
      /sinkTo\(\.\.\.\), print\(\) or executeAndCollect\(\)/,
    );
  });

  it('fromElements (a non-parallel source) with setParallelism(2) fails with INVALID_ARGUMENT', async () => {
    const e = env();
    e.fromElements(1, 2).setParallelism(2).print();
    expectOneLineError(
      await rejection(e.execute()),
      ErrorCodes.INVALID_ARGUMENT,
      /supports parallelism at most 1, got 2/,
      /remove setParallelism on it or use a parallel source/,
    );
  });
});
