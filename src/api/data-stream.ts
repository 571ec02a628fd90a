/**
 * `DataStream<T>`: a stream of records of type T and the fluent methods that add operators to
 * the job. Nothing runs until `env.execute()` (or `executeAndCollect`). Methods that configure
 * the last operator (`uid`, `name`, `setParallelism`, chaining) apply to the operator that
 * produced this stream.
 */
import type { Transformation, TransformationDetails } from '../graph/transformation.js';
import type { PartitionerSpec } from '../exchange/partitioner.js';
import type { AnyStreamOperator, OneInputStreamOperator } from '../runtime/operator.js';
import {
  type FilterLike,
  type FlatMapLike,
  type MapLike,
  StreamFilter,
  StreamFlatMap,
  StreamMap,
} from '../runtime/operators/basic-operators.js';
import { ProcessOperator } from '../runtime/operators/process-operators.js';
import { SinkOperator } from '../runtime/operators/sink-operator.js';
import { TimestampsAndWatermarksOperator } from '../runtime/operators/timestamps-and-watermarks.js';
import type { WatermarkStrategy } from '../time/watermarks.js';
import { ErrorCodes, userError } from '../types/errors.js';
import type {
  Collector,
  KeySelector,
  OutputTag,
  ProcessContext,
  ProcessFunction,
} from '../types/functions.js';
import type { Sink } from '../types/sink.js';
import { PrintSink } from '../connectors/print/index.js';
import type { ConnectedStreams } from './connected-streams.js';
import type { StreamExecutionEnvironment } from './environment.js';
import type { KeyedStream } from './keyed-stream.js';

/** A process function or the lambda form of its `processElement`. */
export type ProcessLike<IN, OUT> =
  | ProcessFunction<IN, OUT>
  | ((value: IN, ctx: ProcessContext<OUT>, out: Collector<OUT>) => void);

/** Turns a lambda into an object with `processElement`; objects pass through. */
export function toProcessFunction<F>(fn: object | ((...args: any[]) => void)): F {
  return (typeof fn === 'function' ? { processElement: fn } : fn) as F;
}

/** A stream of records. */
export class DataStream<T> {
  constructor(
    readonly environment: StreamExecutionEnvironment,
    readonly transformation: Transformation,
  ) {}

  /** Applies `fn` to each record. */
  map<R>(fn: MapLike<T, R>): DataStream<R> {
    checkFunction(fn, 'map', 'map');
    return this.transform('Map', () => new StreamMap(fn));
  }

  /** Emits zero or more records per record; a lambda may call `out.collect` or return an iterable. */
  flatMap<R>(fn: FlatMapLike<T, R>): DataStream<R> {
    checkFunction(fn, 'flatMap', 'flatMap');
    return this.transform('Flat Map', () => new StreamFlatMap(fn));
  }

  /** Keeps the records for which `fn` returns true. */
  filter(fn: FilterLike<T>): DataStream<T> {
    checkFunction(fn, 'filter', 'filter');
    return this.transform('Filter', () => new StreamFilter(fn));
  }

  /** Partitions by key; keys compare by value. Keyed state and timers then work per key. */
  keyBy<K>(keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    if (typeof keySelector !== 'function') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'keyBy needs a function that returns the key, e.g. keyBy((e) => e.userId)',
      );
    }
    return this.environment.createKeyedStream(this, keySelector);
  }

  /** Runs a process function per record; it may emit to side outputs with `ctx.output`. */
  process<R>(fn: ProcessLike<T, R>): DataStream<R> {
    const processFn = toProcessFunction<ProcessFunction<T, R>>(fn);
    return this.transform('Process', () => new ProcessOperator(processFn, false));
  }

  /** Merges streams of the same type. */
  union(...others: DataStream<T>[]): DataStream<T> {
    const inputs = [this, ...others].map((s) => s.transformation);
    return this.derive(this.environment.newTransformation('union', 'Union', inputs));
  }

  /** Connects two streams for a co-process function that sees both, with shared state if keyed. */
  connect<T2>(other: DataStream<T2>): ConnectedStreams<T, T2> {
    return this.environment.createConnectedStreams(this, other);
  }

  /** Assigns event timestamps and generates watermarks from here on. */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): DataStream<T> {
    return this.transform('Timestamps/Watermarks', () => new TimestampsAndWatermarksOperator(strategy));
  }

  /** Round-robin to all downstream subtasks. */
  rebalance(): DataStream<T> {
    return this.partition({ kind: 'rebalance' }, 'REBALANCE');
  }

  /** Round-robin to a local subset of downstream subtasks. */
  rescale(): DataStream<T> {
    return this.partition({ kind: 'rescale' }, 'RESCALE');
  }

  /** Every record to every downstream subtask. */
  broadcast(): DataStream<T> {
    return this.partition({ kind: 'broadcast' }, 'BROADCAST');
  }

  /** Subtask i to subtask i; parallelism must be equal. */
  forward(): DataStream<T> {
    return this.partition({ kind: 'forward' }, 'FORWARD');
  }

  /** Randomly to downstream subtasks. */
  shuffle(): DataStream<T> {
    return this.partition({ kind: 'shuffle' }, 'SHUFFLE');
  }

  /** Everything to the first downstream subtask. */
  global(): DataStream<T> {
    return this.partition({ kind: 'global' }, 'GLOBAL');
  }

  /** The records the producing operator emitted to `tag`. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    const t = this.environment.newTransformation(
      'side-output',
      `SideOutput(${tag.id})`,
      [this.transformation],
      {
        tag: tag.id,
      },
    );
    return new DataStream<X>(this.environment, t);
  }

  /** Writes the stream to a sink. */
  sinkTo(sink: Sink<T>, name = 'Sink'): DataStreamSink<T> {
    if (sink === null || typeof sink !== 'object' || typeof sink.createWriter !== 'function') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'sinkTo needs a Sink (an object with createWriter), e.g. new PrintSink()',
      );
    }
    const jobId = this.environment.jobId;
    const t = this.environment.newTransformation('sink', name, [this.transformation], {
      createOperator: () => new SinkOperator(sink, jobId) as AnyStreamOperator,
    });
    this.environment.addSink(t);
    return new DataStreamSink<T>(t);
  }

  /** Prints each record to stdout (`prefix> record`; the subtask is shown when parallel). */
  print(prefix?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(prefix), 'Print to Std. Out');
  }

  /** Prints each record to stderr. */
  printToErr(prefix?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(prefix, true), 'Print to Std. Err');
  }

  /** Runs the job and returns the records of this stream (the first `limit`, then stops). */
  executeAndCollect(limit = Number.POSITIVE_INFINITY): Promise<T[]> {
    return this.environment.executeAndCollect(this, limit);
  }

  /** Adds a one-input operator; the factory runs once per parallel subtask. */
  transform<R>(name: string, factory: () => OneInputStreamOperator<T, R>): DataStream<R> {
    return this.derive(this.newOperator(name, factory, undefined));
  }

  /** @internal */
  protected newOperator(
    name: string,
    factory: () => OneInputStreamOperator<any, any>,
    keySelector: KeySelector<any, unknown> | undefined,
  ): Transformation {
    const details: TransformationDetails = {
      createOperator: factory as () => AnyStreamOperator,
      keySelectors: keySelector === undefined ? undefined : [keySelector],
    };
    return this.environment.newTransformation('one-input', name, [this.transformation], details);
  }

  /** @internal */
  protected derive<R>(t: Transformation): DataStream<R> {
    return new DataStream<R>(this.environment, t);
  }

  private partition(partitioner: PartitionerSpec, name: string): DataStream<T> {
    return this.derive(
      this.environment.newTransformation('partition', name, [this.transformation], { partitioner }),
    );
  }

  /** Sets the stable id that maps this operator's state across restarts and savepoints. */
  uid(id: string): this {
    this.physical('uid').uid = id;
    return this;
  }

  /** Names the operator (shown in logs, metrics and the job graph). */
  name(name: string): this {
    this.physical('name').name = name;
    return this;
  }

  /** Sets the operator's parallelism. */
  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw userError(ErrorCodes.INVALID_ARGUMENT, `parallelism must be an integer >= 1, got ${parallelism}`);
    }
    this.physical('setParallelism').parallelism = parallelism;
    return this;
  }

  /** Sets the operator's maximum parallelism (its number of key groups). */
  setMaxParallelism(maxParallelism: number): this {
    this.physical('setMaxParallelism').maxParallelism = maxParallelism;
    return this;
  }

  /** Keeps this operator out of any chain. */
  disableChaining(): this {
    this.physical('disableChaining').chaining = 'never';
    return this;
  }

  /** Starts a new chain at this operator. */
  startNewChain(): this {
    this.physical('startNewChain').chaining = 'head';
    return this;
  }

  /** The parallelism this stream's operator will run with. */
  getParallelism(): number {
    return this.transformation.effectiveParallelism(this.environment.getParallelism());
  }

  private physical(method: string): Transformation {
    if (!this.transformation.physical) {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        `${method}() applies to an operator, but this stream comes from ${this.transformation.name}; call it on the stream returned by map, process, a window function or a source`,
      );
    }
    return this.transformation;
  }
}

/** The end of a pipeline; configure the sink operator with it. */
export class DataStreamSink<T> {
  declare readonly __type?: T;
  constructor(readonly transformation: Transformation) {}

  uid(id: string): this {
    this.transformation.uid = id;
    return this;
  }

  name(name: string): this {
    this.transformation.name = name;
    return this;
  }

  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw userError(ErrorCodes.INVALID_ARGUMENT, `parallelism must be an integer >= 1, got ${parallelism}`);
    }
    this.transformation.parallelism = parallelism;
    return this;
  }

  disableChaining(): this {
    this.transformation.chaining = 'never';
    return this;
  }
}

function checkFunction(fn: unknown, method: string, member: string): void {
  const ok =
    typeof fn === 'function' ||
    (fn !== null && typeof fn === 'object' && typeof (fn as Record<string, unknown>)[member] === 'function');
  if (!ok) {
    throw userError(
      ErrorCodes.INVALID_ARGUMENT,
      `${method} needs a function or an object with a ${member}() method, got ${fn === null ? 'null' : typeof fn}`,
    );
  }
}
