/**
 * The element-wise operators: map, flatMap and filter. Each keeps the input's timestamp.
 * Lambdas and function objects are normalised once at construction, so the per-record path
 * is one call.
 */
import type { Collector, FilterFunction, FlatMapFunction, MapFunction } from '../../types/functions.js';
import type { OneInputStreamOperator, Output } from '../operator.js';
import { UserFunctionOperator } from './user-function-operator.js';

/** A map function or its lambda. */
export type MapLike<IN, OUT> = MapFunction<IN, OUT> | ((value: IN) => OUT);
/** A flatMap function or its lambda, which may also return an iterable of outputs. */
export type FlatMapLike<IN, OUT> =
  | FlatMapFunction<IN, OUT>
  | ((value: IN, out: Collector<OUT>) => void | Iterable<OUT> | undefined);
/** A filter function or its lambda. */
export type FilterLike<T> = FilterFunction<T> | ((value: T) => boolean);

/** Applies a map function. */
export class StreamMap<IN, OUT>
  extends UserFunctionOperator<MapLike<IN, OUT>, OUT>
  implements OneInputStreamOperator<IN, OUT>
{
  private readonly fn: (value: IN) => OUT;

  constructor(fn: MapLike<IN, OUT>) {
    super(fn);
    const f = this.userFunction;
    this.fn = typeof f === 'function' ? f : f.map.bind(f);
  }

  processElement(value: IN, timestamp: number): void {
    this.output.collect(this.fn(value), timestamp);
  }
}

/** Applies a filter function. */
export class StreamFilter<T>
  extends UserFunctionOperator<FilterLike<T>, T>
  implements OneInputStreamOperator<T, T>
{
  private readonly fn: (value: T) => boolean;

  constructor(fn: FilterLike<T>) {
    super(fn);
    const f = this.userFunction;
    this.fn = typeof f === 'function' ? f : f.filter.bind(f);
  }

  processElement(value: T, timestamp: number): void {
    if (this.fn(value)) this.output.collect(value, timestamp);
  }
}

/** A collector that stamps outputs with the current input's timestamp. */
export class TimestampedCollector<T> implements Collector<T> {
  timestamp = Number.NEGATIVE_INFINITY;
  constructor(private readonly output: Output<T>) {}
  collect(value: T): void {
    this.output.collect(value, this.timestamp);
  }
}

/** Applies a flatMap function; a lambda may collect or return an iterable. */
export class StreamFlatMap<IN, OUT>
  extends UserFunctionOperator<FlatMapLike<IN, OUT>, OUT>
  implements OneInputStreamOperator<IN, OUT>
{
  private readonly fn: (value: IN, out: Collector<OUT>) => void | Iterable<OUT> | undefined;
  private collector!: TimestampedCollector<OUT>;

  constructor(fn: FlatMapLike<IN, OUT>) {
    super(fn);
    const f = this.userFunction;
    this.fn = typeof f === 'function' ? f : f.flatMap.bind(f);
  }

  override open(): void {
    super.open();
    this.collector = new TimestampedCollector(this.output);
  }

  processElement(value: IN, timestamp: number): void {
    this.collector.timestamp = timestamp;
    const result = this.fn(value, this.collector);
    if (result !== undefined && result !== null) {
      for (const item of result as Iterable<OUT>) this.output.collect(item, timestamp);
    }
  }
}
