/**
 * The job of `weir bench file-window` (see bench/file-window.ts): read an NDJSON file of events,
 * key them by `key`, count them and sum their prices in tumbling one-second event-time windows,
 * and write one JSON line per window and key with FileSink. Every operator runs at the job's
 * default parallelism (`weir run -p N`), so the file is read by N readers in parallel.
 *
 *     weir run bench/file-window-job.ts -p 2 -- --input events.ndjson --output out/
 *         [--window-ms 1000] [--disorder-ms 200] [--split-size BYTES]
 *
 * Under `weir run` each worker thread loads this file again to rebuild the graph, so building
 * it has no side effects; only the main thread reports timings, through stdout lines starting
 * with `weir-bench:`:
 *
 * - `submitted <epoch ms>` when the job starts;
 * - `finished <json>` when it has finished: `netRuntimeMs` (submission to end, as the engine
 *   measures it), `cpuMs` (CPU time of the whole process, every thread, over the same span),
 *   `at` (epoch ms) and the last metrics of every subtask.
 */
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import {
  type Collector,
  FileSink,
  FileSource,
  NdjsonFormat,
  type StreamExecutionEnvironment,
  type TimeWindow,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../src/index.js';
import type { ClickEvent, KeyWindow } from './file-window-data.js';

/** A window's running count and revenue; replaced, never mutated, so any state backend may hold it. */
interface Totals {
  readonly count: number;
  readonly revenue: number;
}

/** Builds the job; see the module comment for `args`. */
export default function fileWindowJob(env: StreamExecutionEnvironment, args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string' },
      output: { type: 'string' },
      'window-ms': { type: 'string' },
      'disorder-ms': { type: 'string' },
      'split-size': { type: 'string' },
    },
  });
  if (values.input === undefined || values.output === undefined) {
    throw new Error(
      'usage: file-window-job.ts -- --input FILE --output DIR [--window-ms MS] [--disorder-ms MS]',
    );
  }
  const windowMs = positive('--window-ms', values['window-ms'] ?? '1000');
  const disorderMs = positive('--disorder-ms', values['disorder-ms'] ?? '200');

  const builder = FileSource.forRecordFormat(new NdjsonFormat<ClickEvent>(), values.input);
  if (values['split-size'] !== undefined)
    builder.withSplitSize(positive('--split-size', values['split-size']));

  env
    .fromSource(
      builder.build(),
      WatermarkStrategy.forBoundedOutOfOrderness<ClickEvent>(disorderMs).withTimestampAssigner((e) => e.ts),
      'events',
    )
    .uid('events')
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(windowMs))
    .aggregate(
      {
        createAccumulator: (): Totals => ({ count: 0, revenue: 0 }),
        // Cents, not the price itself: a sum of doubles depends on the order of addition, which
        // differs between parallelisms, and the benchmark compares results exactly.
        add: (e: ClickEvent, acc: Totals): Totals => ({
          count: acc.count + 1,
          revenue: acc.revenue + Math.round(e.price * 100),
        }),
        getResult: (acc: Totals) => acc,
        merge: (a: Totals, b: Totals): Totals => ({
          count: a.count + b.count,
          revenue: a.revenue + b.revenue,
        }),
      },
      (key: string, window: TimeWindow, totals: Iterable<Totals>, out: Collector<KeyWindow>) => {
        for (const { count, revenue } of totals) out.collect({ key, start: window.start, count, revenue });
      },
    )
    .uid('windows')
    .name('windows')
    .sinkTo(FileSink.forRowFormat<KeyWindow>(values.output).build(), 'results')
    .uid('results');

  if (isMainThread) {
    env.registerJobListener({
      onJobSubmitted(client) {
        process.stdout.write(`weir-bench: submitted ${Date.now()}\n`);
        const cpu = process.cpuUsage();
        // Read when the job ends, not when `execute` returns, so that the report does not wait
        // for anything that `weir run` does afterwards.
        client.result.then(
          (result) => {
            const used = process.cpuUsage(cpu);
            const report = {
              netRuntimeMs: result.netRuntime,
              cpuMs: Math.round((used.user + used.system) / 1000),
              at: Date.now(),
              tasks: client.tasks(),
            };
            process.stdout.write(`weir-bench: finished ${JSON.stringify(report)}\n`);
          },
          () => {},
        );
      },
    });
  }
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number >= 1, got '${text}'`);
  return value;
}
