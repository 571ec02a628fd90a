/**
 * A keyed rolling reduce: each record is folded into its key's value. In streaming mode every
 * updated value is emitted; in batch mode only the final value per key, at end of input, as
 * Flink does.
 */
import { type CanonicalKey, canonicalKey } from '../../state/key-groups.js';
import type { ReduceFunction } from '../../types/functions.js';
import { type ValueState, ValueStateDescriptor } from '../../types/state.js';
import type { OneInputStreamOperator } from '../operator.js';
import { UserFunctionOperator } from './user-function-operator.js';

/** A reduce function or its lambda. */
export type ReduceLike<T> = ReduceFunction<T> | ((a: T, b: T) => T);

/** Keyed rolling reduce. */
export class StreamReduce<T>
  extends UserFunctionOperator<ReduceLike<T>, T>
  implements OneInputStreamOperator<T, T>
{
  private readonly reduce: (a: T, b: T) => T;
  private state!: ValueState<T>;
  private batch = false;
  /** Batch mode: the last value and timestamp per key, emitted at the end. */
  private readonly finalValues = new Map<CanonicalKey, { value: T; timestamp: number }>();

  constructor(fn: ReduceLike<T>) {
    super(fn);
    const f = this.userFunction;
    this.reduce = typeof f === 'function' ? f : f.reduce.bind(f);
  }

  override open(): void {
    super.open();
    this.batch = this.setupInfo.runtimeMode === 'batch';
    this.state = this.keyedBackend.getOrCreateState(new ValueStateDescriptor<T>('_reduce_value'));
  }

  processElement(value: T, timestamp: number): void {
    const current = this.state.value();
    const next = current === undefined ? value : this.reduce(current, value);
    this.state.update(next);
    if (this.batch) {
      this.finalValues.set(canonicalKey(this.keyedBackend.getCurrentKey()), { value: next, timestamp });
    } else {
      this.output.collect(next, timestamp);
    }
  }

  override finish(): void {
    for (const { value, timestamp } of this.finalValues.values()) this.output.collect(value, timestamp);
    this.finalValues.clear();
  }
}
