/**
 * `KeyedStream<T, K>`: a stream partitioned by key. Operators applied to it are keyed: they
 * may use keyed state and timers, scoped to the record's key. Windows and interval joins
 * start here.
 */
import type { Transformation } from '../graph/transformation.js';
import type { OneInputStreamOperator } from '../runtime/operator.js';
import { ProcessOperator } from '../runtime/operators/process-operators.js';
import { type ReduceLike, StreamReduce } from '../runtime/operators/stream-reduce.js';
import { ErrorCodes, userError } from '../types/errors.js';
import type {
  Collector,
  KeyedProcessContext,
  KeyedProcessFunction,
  KeySelector,
  Window,
} from '../types/functions.js';
import type { WindowAssigner } from '../windowing/assigner.js';
import { DataStream, type ProcessLike, toProcessFunction } from './data-stream.js';
import type { StreamExecutionEnvironment } from './environment.js';
import { IntervalJoin } from './interval-join.js';
import { countWindow, WindowedStream } from './windowed-stream.js';

/** A keyed process function or the lambda form of its `processElement`. */
export type KeyedProcessLike<K, IN, OUT> =
  | KeyedProcessFunction<K, IN, OUT>
  | ((value: IN, ctx: KeyedProcessContext<K, OUT>, out: Collector<OUT>) => void);

/** A stream partitioned by key. */
export class KeyedStream<T, K> extends DataStream<T> {
  constructor(
    environment: StreamExecutionEnvironment,
    transformation: Transformation,
    readonly keySelector: KeySelector<T, K>,
  ) {
    super(environment, transformation);
  }

  /** Runs a keyed process function: keyed state, timers, side outputs. */
  override process<R>(fn: KeyedProcessLike<K, T, R> | ProcessLike<T, R>): DataStream<R> {
    const processFn = toProcessFunction<KeyedProcessFunction<K, T, R>>(fn);
    return this.transform('KeyedProcess', () => new ProcessOperator(processFn, true));
  }

  /** A rolling reduce per key: emits each updated value (in batch mode, the final one per key). */
  reduce(fn: ReduceLike<T>): DataStream<T> {
    if (typeof fn !== 'function' && typeof (fn as { reduce?: unknown })?.reduce !== 'function') {
      throw userError(
        ErrorCodes.INVALID_ARGUMENT,
        'reduce needs a function (a, b) => c or an object with reduce(a, b)',
      );
    }
    return this.transform('Keyed Reduce', () => new StreamReduce(fn));
  }

  /** Groups each key's records into windows. */
  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, assigner);
  }

  /** Windows of `size` records per key, sliding by `slide` records if given. */
  countWindow(size: number, slide?: number) {
    return countWindow(this, size, slide);
  }

  /** Joins with another keyed stream on equal keys within a time interval; see {@link IntervalJoin}. */
  intervalJoin<T2>(other: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    return new IntervalJoin<T, T2, K>(this, other);
  }

  /** Adds a keyed operator; the factory runs once per parallel subtask. */
  override transform<R>(name: string, factory: () => OneInputStreamOperator<T, R>): DataStream<R> {
    return this.derive(this.newOperator(name, factory, this.keySelector as KeySelector<any, unknown>));
  }
}
