/**
 * Two streams connected for a co-function that sees both inputs and may share state between
 * them. When both sides are keyed (by keys of the same type), the co-function is keyed too.
 */
import type { TwoInputStreamOperator } from '../runtime/operator.js';
import { CoProcessOperator } from '../runtime/operators/process-operators.js';
import type {
  Collector,
  CoProcessFunction,
  KeyedCoProcessFunction,
  KeySelector,
} from '../types/functions.js';
import { DataStream } from './data-stream.js';
import { KeyedStream } from './keyed-stream.js';

/** A co-map function: one method per input. */
export interface CoMapFunction<IN1, IN2, OUT> {
  map1(value: IN1): OUT;
  map2(value: IN2): OUT;
}

/** A co-flatMap function: one method per input. */
export interface CoFlatMapFunction<IN1, IN2, OUT> {
  flatMap1(value: IN1, out: Collector<OUT>): void;
  flatMap2(value: IN2, out: Collector<OUT>): void;
}

/** Two connected streams. */
export class ConnectedStreams<IN1, IN2> {
  constructor(
    readonly first: DataStream<IN1>,
    readonly second: DataStream<IN2>,
  ) {}

  /** Keys both sides, so that the co-function gets keyed state and timers. */
  keyBy<K>(key1: KeySelector<IN1, K>, key2: KeySelector<IN2, K>): ConnectedStreams<IN1, IN2> {
    return new ConnectedStreams(this.first.keyBy(key1), this.second.keyBy(key2));
  }

  /** Runs a co-process function (keyed when both sides are keyed). */
  process<OUT>(
    fn: CoProcessFunction<IN1, IN2, OUT> | KeyedCoProcessFunction<any, IN1, IN2, OUT>,
  ): DataStream<OUT> {
    const keyed = this.isKeyed();
    return this.transform(keyed ? 'KeyedCoProcess' : 'CoProcess', () => new CoProcessOperator(fn, keyed));
  }

  /** Maps each side with its own function. */
  map<OUT>(fn: CoMapFunction<IN1, IN2, OUT>): DataStream<OUT> {
    return this.process<OUT>({
      processElement1: (v: IN1, _ctx: unknown, out: Collector<OUT>) => out.collect(fn.map1(v)),
      processElement2: (v: IN2, _ctx: unknown, out: Collector<OUT>) => out.collect(fn.map2(v)),
    } as unknown as CoProcessFunction<IN1, IN2, OUT>).name('Co-Map');
  }

  /** Flat-maps each side with its own function. */
  flatMap<OUT>(fn: CoFlatMapFunction<IN1, IN2, OUT>): DataStream<OUT> {
    return this.process<OUT>({
      processElement1: (v: IN1, _ctx: unknown, out: Collector<OUT>) => fn.flatMap1(v, out),
      processElement2: (v: IN2, _ctx: unknown, out: Collector<OUT>) => fn.flatMap2(v, out),
    } as unknown as CoProcessFunction<IN1, IN2, OUT>).name('Co-Flat Map');
  }

  /** Adds a two-input operator; the factory runs once per parallel subtask. */
  transform<OUT>(name: string, factory: () => TwoInputStreamOperator<IN1, IN2, OUT>): DataStream<OUT> {
    const keyed = this.isKeyed();
    const env = this.first.environment;
    const t = env.newTransformation(
      'two-input',
      name,
      [this.first.transformation, this.second.transformation],
      {
        createOperator: factory,
        keySelectors: keyed
          ? [
              (this.first as KeyedStream<IN1, unknown>).keySelector as KeySelector<any, unknown>,
              (this.second as KeyedStream<IN2, unknown>).keySelector as KeySelector<any, unknown>,
            ]
          : undefined,
      },
    );
    return new DataStream<OUT>(env, t);
  }

  private isKeyed(): boolean {
    return this.first instanceof KeyedStream && this.second instanceof KeyedStream;
  }
}
