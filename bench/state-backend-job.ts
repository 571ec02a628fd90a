/**
 * The window job of `weir bench state-backend` (see bench/state-backend.ts): a keyed tumbling
 * event-time window count over generated events, run under `weir run --state-backend heap|disk`
 * so that its state lives where the backend puts it, on a worker thread.
 *
 *     weir run bench/state-backend-job.ts -p 1 --state-backend disk -- --events N --keys K
 *
 * Event `i` has timestamp `i` and a hashed key among K (bench/window-events.ts); windows span
 * 2 × K events, so one window holds about 86% of the keys before it fires: with K = 10M, 8.6M
 * keys of window state and one timer each. It reports through stdout lines starting with
 * `weir-bench:`:
 *
 * - `finished <json>` from the main thread when the job has ended: `netRuntimeMs` (submission to
 *   end, as the engine measures it) and `cpuMs` (the whole process, every thread);
 * - `totals <json>` from the sink's thread when the sink closes: windows, total count and an
 *   order-independent checksum, which must be equal for both backends.
 */
import { parseArgs } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import {
  type Collector,
  DataGeneratorSource,
  type SinkWriter,
  type StreamExecutionEnvironment,
  type TimeWindow,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../src/index.js';
import { addWindow, type Event, eventGenerator, type Totals, type WindowCount } from './window-events.js';

/** Window length in ms of event time (= events) for `keys` keys. */
export function windowLengthFor(keys: number): number {
  return Math.max(1000, 2 * keys);
}

/** Builds the job; `args`: `--events N --keys K`. */
export default function stateBackendJob(env: StreamExecutionEnvironment, args: string[]): void {
  const { values } = parseArgs({ args, options: { events: { type: 'string' }, keys: { type: 'string' } } });
  const events = positive('--events', values.events);
  const keys = positive('--keys', values.keys);
  const windowMs = windowLengthFor(keys);
  env
    .fromSource(
      new DataGeneratorSource(eventGenerator(keys), events),
      WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.ts),
      'events',
    )
    .uid('events')
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(windowMs))
    .aggregate(
      {
        createAccumulator: () => 0,
        add: (_e: Event, n: number) => n + 1,
        getResult: (n) => n,
        merge: (a, b) => a + b,
      },
      (key: number, window: TimeWindow, counts: Iterable<number>, out: Collector<WindowCount>) => {
        for (const count of counts) out.collect({ key, end: window.end, count });
      },
    )
    .uid('windows')
    .name('windows')
    .sinkTo(
      {
        createWriter(): SinkWriter<WindowCount> {
          const totals: Totals = { windows: 0, count: 0, checksum: 0 };
          return {
            write: (w) => addWindow(totals, windowMs, w.key, w.end, w.count),
            flush: () => {},
            close: () => {
              process.stdout.write(`weir-bench: totals ${JSON.stringify(totals)}\n`);
            },
          };
        },
      },
      'totals',
    )
    .uid('totals');

  if (isMainThread) {
    env.registerJobListener({
      onJobSubmitted(client) {
        const cpu = process.cpuUsage();
        client.result.then(
          (result) => {
            const used = process.cpuUsage(cpu);
            const report = {
              netRuntimeMs: result.netRuntime,
              cpuMs: Math.round((used.user + used.system) / 1000),
            };
            process.stdout.write(`weir-bench: finished ${JSON.stringify(report)}\n`);
          },
          () => {},
        );
      },
    });
  }
}

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number >= 1, got '${text}'`);
  return value;
}
