/**
 * The jobs the exactly-once tests run, in process and under `weir run`: generated events
 * `{ key, i }` (key = i mod keys) flow through keyed state that numbers each key's records, or
 * through event-time tumbling windows that count them, into a FileSink.
 */
import {
  DataGeneratorSource,
  FileSink,
  KeyedProcessFunction,
  type KeyedProcessContext,
  type Collector,
  type MapFunction,
  type StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  type ValueState,
  ValueStateDescriptor,
  WatermarkStrategy,
} from '../../src/index.js';

/** A generated event. */
export interface Event {
  readonly key: number;
  readonly i: number;
}

/** Settings of the counting jobs. */
export interface CountingJobOptions {
  readonly events: number;
  readonly keys: number;
  /** Events per second from the generator; Infinity for as fast as possible. */
  readonly rate: number;
  readonly sinkDir: string;
  /** Parallelism of everything but the sink (which writes from one subtask, so commit order is total). */
  readonly parallelism?: number;
  /** Runs on each counted record before the sink, e.g. to inject a failure. */
  readonly probe?: MapFunction<unknown, unknown>;
  /** The sink, if not the default FileSink into `sinkDir`. */
  readonly sink?: Parameters<ReturnType<StreamExecutionEnvironment['fromElements']>['sinkTo']>[0];
}

/** Numbers each key's records with value state: emits `{ key, seq }`. */
export class SequenceNumbers extends KeyedProcessFunction<number, Event, { key: number; seq: number }> {
  private count!: ValueState<number>;

  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count'));
  }

  processElement(
    event: Event,
    _ctx: KeyedProcessContext<number, { key: number; seq: number }>,
    out: Collector<{ key: number; seq: number }>,
  ): void {
    const seq = (this.count.value() ?? 0) + 1;
    this.count.update(seq);
    out.collect({ key: event.key, seq });
  }
}

function events(env: StreamExecutionEnvironment, options: CountingJobOptions) {
  const { keys } = options;
  return env
    .fromSource(
      new DataGeneratorSource((i) => ({ key: i % keys, i }), options.events, options.rate),
      WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner((e) => e.i),
      'events',
    )
    .uid('events')
    .setParallelism(1);
}

/** Keyed running counts: the output is `{ key, seq }` for every event. */
export function buildSequenceJob(env: StreamExecutionEnvironment, options: CountingJobOptions): void {
  let stream = events(env, options)
    .keyBy((e) => e.key)
    .process(new SequenceNumbers())
    .uid('sequence-numbers')
    .setParallelism(options.parallelism ?? 1) as ReturnType<ReturnType<typeof events>['map']>;
  if (options.probe !== undefined) stream = stream.map(options.probe).uid('probe');
  stream
    .sinkTo(options.sink ?? FileSink.forRowFormat(options.sinkDir).build())
    .uid('sink')
    .setParallelism(1);
}

/** Event-time tumbling windows of 100 ms counting each key's events: `{ key, start, count }`. */
export function buildWindowJob(env: StreamExecutionEnvironment, options: CountingJobOptions): void {
  events(env, options)
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(100))
    .aggregate(
      {
        createAccumulator: () => 0,
        add: (_e: Event, acc: number) => acc + 1,
        getResult: (acc: number) => acc,
        merge: (a: number, b: number) => a + b,
      },
      (key: number, window, counts, out) => {
        for (const count of counts) out.collect({ key, start: window.start, count });
      },
    )
    .uid('window-counts')
    .setParallelism(options.parallelism ?? 1)
    .sinkTo(FileSink.forRowFormat(options.sinkDir).build())
    .uid('sink')
    .setParallelism(1);
}
